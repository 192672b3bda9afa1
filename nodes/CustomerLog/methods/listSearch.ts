import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { customerPage, customerPageAfter, logsOf, readControl } from '../helpers/customers';

/** Pickers for the resource locators: customers as the user types, and the chosen customer's logs. */

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	// GetCustomer has no partial match, so pages of customers are searched here, one page a call.
	const { customers, nextToken } = await customerPageAfter.call(this, { withLogs: false }, paginationToken, {
		format: 'json',
		control: readControl(),
	});
	const results: INodeListSearchItems[] = customers
		.filter((customer) => matches(filter, customer.Username, customer.EmailAddress))
		.map((customer) => ({
			name: customer.EmailAddress ? `${String(customer.Username)} (${String(customer.EmailAddress)})` : String(customer.Username),
			value: String(customer.Username),
		}));
	return { results, paginationToken: nextToken };
}

export async function searchLogs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const username = this.getCurrentNodeParameter('username', { extractValue: true });
	if (typeof username !== 'string' || username.trim() === '') {
		return { results: [{ name: 'Choose the Customer First to List Their Logs', value: '' }] };
	}
	const customers = await customerPage.call(this, { usernames: [username.trim()], withLogs: true }, 0, {
		format: 'json',
		control: readControl(),
	});
	const results = customers.flatMap(logsOf).flatMap((log): INodeListSearchItems[] => {
		const notes = String(log.Notes ?? '');
		const name = `#${String(log.LogID)} · ${String(log.Status || 'no status')}${notes ? ` · ${notes.slice(0, 60)}` : ''}`;
		return matches(filter, name) ? [{ name, value: String(log.LogID) }] : [];
	});
	return { results };
}
