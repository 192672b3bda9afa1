import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { customerPage, customerPageAfter, logsOf } from '../read/customers';
import { optionsTimeLimit, requestControl } from '../settings/runSettings';
import { customerOf } from '../log/properties';
import type { ItemFailure, Result } from '../failures';
import { readFailureError } from '../itemErrors';

/** Pickers for the resource locators: customers as the user types, and the chosen customer's logs. */

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+$/;

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
}

function customerItem(customer: IDataObject): INodeListSearchItems {
	const username = String(customer.Username);
	return {
		name: customer.EmailAddress ? `${username} (${String(customer.EmailAddress)})` : username,
		value: username,
	};
}

/** Where a customer search goes on: the page token (customerPageAfter's), and the exact matches already listed. */
interface SearchState {
	page?: string;
	listed: string[];
}

function stateOf(paginationToken: string | undefined): SearchState {
	const state = JSON.parse(paginationToken || '{}') as Partial<SearchState>;
	return {
		page: typeof state.page === 'string' ? state.page : undefined,
		listed: Array.isArray(state.listed) ? state.listed.map(String) : [],
	};
}

/** A list search is an edge n8n calls: a read that failed is thrown, for the editor to show. */
function orThrow<T>(context: ILoadOptionsFunctions, read: Result<T, ItemFailure>): T {
	if (!read.ok) throw readFailureError(context.getNode(), read.failure);
	return read.value;
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const typed = (filter ?? '').trim();
	const state = stateOf(paginationToken);
	const options = {
		format: 'json' as const,
		control: requestControl({ timeLimitMs: optionsTimeLimit(this) }),
	};
	const results: INodeListSearchItems[] = [];
	if (paginationToken === undefined && typed !== '') {
		// GetCustomer matches whole values only: ask for the typed username (and email) first, so that
		// on a store of thousands a customer typed in full shows at once; pages of partial matches follow.
		const exact = orThrow(
			this,
			await customerPage.call(this, { usernames: [typed], withLogs: false }, 0, options),
		);
		if (LOOKS_LIKE_EMAIL.test(typed))
			exact.push(
				...orThrow(
					this,
					await customerPage.call(this, { emails: [typed], withLogs: false }, 0, options),
				),
			);
		for (const customer of exact) {
			if (state.listed.includes(String(customer.Username))) continue;
			state.listed.push(String(customer.Username));
			results.push(customerItem(customer));
		}
	}
	const { customers, nextToken } = orThrow(
		this,
		await customerPageAfter.call(this, { withLogs: false }, state.page, options),
	);
	for (const customer of customers) {
		if (
			state.listed.includes(String(customer.Username)) ||
			!matches(typed, customer.Username, customer.EmailAddress)
		)
			continue;
		results.push(customerItem(customer));
	}
	return {
		results,
		paginationToken:
			nextToken === undefined
				? undefined
				: JSON.stringify({ page: nextToken, listed: state.listed }),
	};
}

export async function searchLogs(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const customer = customerOf(this.getCurrentNodeParameter('username'));
	if (customer.value === '') {
		// n8n's editor shows a list search's error inside the list, where nothing can be selected
		// (an empty list only says "No results"); the message is all it shows there.
		throw new NodeOperationError(
			this.getNode(),
			'Choose the Customer first: logs are listed per customer',
			{
				description: 'Pick or type the Customer above, then open this list again.',
			},
		);
	}
	const query =
		customer.mode === 'email' ? { emails: [customer.value] } : { usernames: [customer.value] };
	const customers = orThrow(
		this,
		await customerPage.call(this, { ...query, withLogs: true }, 0, {
			format: 'json',
			control: requestControl({ timeLimitMs: optionsTimeLimit(this) }),
		}),
	);
	const results = customers.flatMap(logsOf).flatMap((log): INodeListSearchItems[] => {
		const notes = String(log.Notes ?? '');
		const name = `#${String(log.LogID)} · ${String(log.Status || 'no status')}${notes ? ` · ${notes.slice(0, 60)}` : ''}`;
		return matches(filter, name) ? [{ name, value: String(log.LogID) }] : [];
	});
	return { results };
}
