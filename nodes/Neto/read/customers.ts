import type { IDataObject } from 'n8n-workflow';

import type { ItemFailure, Result } from '../failures';
import { fail, itemFailureOf, ok } from '../failures';
import type { NetoContext, RequestControl } from '../transport';
import { sendNetoRequest } from '../transport';
import type { WireFormat } from '../answer';
import { isAckSuccess } from '../answer';

/**
 * Reading customers and their logs back through GetCustomer, page by page. A read that fails
 * returns the failure (the store unreachable, an error answer), for the caller to make it the
 * item's or to throw it where n8n called in.
 */

type ReadOptions = { format: WireFormat; control: RequestControl };

export interface CustomerQuery {
	usernames?: string[];
	/** Exact email addresses (GetCustomer's Email filter). */
	emails?: string[];
	/** Neto DateTime (UTC) bounds on the customer's last update. */
	updatedFrom?: string;
	updatedTo?: string;
	withLogs: boolean;
}

export const CUSTOMERS_PER_PAGE = 100;

/**
 * What a read of every customer filters by. Neto refuses a GetCustomer without a filter ("You must
 * specify at least one filter and one OutputSelector"; Page and Limit select nothing), and every
 * customer is active or not: Active is a Boolean (True, False) and supports multiple elements, so
 * both values together select every customer and leave none out (docs/neto-contract.md, Decisions).
 */
export const EVERY_CUSTOMER: IDataObject = { Active: ['True', 'False'] };

/** The GetCustomer filter, its elements in the XSD's order (XML requests must follow it). */
function customerFilter(query: CustomerQuery, page: number): IDataObject {
	const selects = Boolean(
		query.usernames?.length || query.emails?.length || query.updatedFrom || query.updatedTo,
	);
	return {
		...(query.usernames?.length ? { Username: query.usernames } : {}),
		...(selects ? {} : EVERY_CUSTOMER),
		...(query.emails?.length ? { Email: query.emails } : {}),
		...(query.updatedFrom ? { DateUpdatedFrom: query.updatedFrom } : {}),
		...(query.updatedTo ? { DateUpdatedTo: query.updatedTo } : {}),
		Page: page,
		Limit: CUSTOMERS_PER_PAGE,
		OutputSelector: query.withLogs
			? ['Username', 'EmailAddress', 'CustomerLog']
			: ['Username', 'EmailAddress'],
	};
}

/** What tells one customer from another in a read (its ID, else its username). */
export function customerKey(customer: IDataObject): string {
	return String(customer.ID ?? customer.Username ?? JSON.stringify(customer));
}

/**
 * One page of customers. Pages are counted from 0; whether a store counts from 0 or 1 is not
 * documented, so callers skip customers already seen (see eachCustomer).
 */
export async function customerPage(
	this: NetoContext,
	query: CustomerQuery,
	page: number,
	options: ReadOptions,
): Promise<Result<IDataObject[], ItemFailure>> {
	const sent = await sendNetoRequest.call(
		this,
		{
			action: 'GetCustomer',
			payload: { Filter: customerFilter(query, page) },
			format: options.format,
			idempotent: true,
		},
		options.control,
	);
	if (!sent.ok) return fail(itemFailureOf(sent.failure));
	const answer = sent.value;
	if (!isAckSuccess(answer)) {
		// An error answer is not an empty page: the read fails, carrying the store's answer.
		const errors = answer.Messages.Error;
		return fail({
			kind: 'failed',
			message:
				errors
					.map((error) => error.Message)
					.filter(Boolean)
					.join('; ') || `The store answered Ack "${answer.Ack || '(none)'}" with no error message`,
			description: errors
				.map((error) => error.Description)
				.filter(Boolean)
				.join('; '),
			answer,
		});
	}
	return ok(answer.Customer);
}

/**
 * One page of customers for a picker that pages as the user scrolls (n8n's list search), and the
 * token for the next page: its number and the last customer shown. A page that holds that
 * customer again is the one already shown (a store that counts pages from 1 answers page 0 and
 * page 1 alike), so the page after it is read instead.
 */
export async function customerPageAfter(
	this: NetoContext,
	query: CustomerQuery,
	token: string | undefined,
	options: ReadOptions,
): Promise<Result<{ customers: IDataObject[]; nextToken?: string }, ItemFailure>> {
	const separator = (token ?? '').indexOf(':');
	const lastShown = separator < 0 ? undefined : (token as string).slice(separator + 1);
	let page = Number(separator < 0 ? token : (token as string).slice(0, separator)) || 0;
	let read = await customerPage.call(this, query, page, options);
	if (
		read.ok &&
		lastShown !== undefined &&
		read.value.some((customer) => customerKey(customer) === lastShown)
	) {
		read = await customerPage.call(this, query, ++page, options);
	}
	if (!read.ok) return read;
	const customers = read.value;
	if (customers.length < CUSTOMERS_PER_PAGE) return ok({ customers });
	return ok({
		customers,
		nextToken: `${page + 1}:${customerKey(customers[customers.length - 1])}`,
	});
}

/**
 * Calls `visit` for every customer the query finds, page after page, until a short page, or until
 * `visit` returns false. A page of nothing but customers already seen is skipped (a store that
 * counts pages from 1 answers page 0 and page 1 alike); two such pages in a row end the walk, so a
 * store that ignores Page cannot loop it forever.
 */
export async function eachCustomer(
	this: NetoContext,
	query: CustomerQuery,
	options: ReadOptions,
	visit: (customer: IDataObject) => boolean | void,
): Promise<Result<void, ItemFailure>> {
	const seen = new Set<string>();
	let staleInARow = 0;
	for (let page = 0; ; page++) {
		const read = await customerPage.call(this, query, page, options);
		if (!read.ok) return read;
		const customers = read.value;
		const fresh = customers.filter((customer) => !seen.has(customerKey(customer)));
		staleInARow = fresh.length === 0 && customers.length > 0 ? staleInARow + 1 : 0;
		for (const customer of fresh) {
			seen.add(customerKey(customer));
			if (visit(customer) === false) return ok(undefined);
		}
		if (customers.length < CUSTOMERS_PER_PAGE || staleInARow >= 2) return ok(undefined);
	}
}

/** A customer's logs as GetCustomer gives them (CustomerLogs.CustomerLog, already a list). */
export function logsOf(customer: IDataObject): IDataObject[] {
	const container = customer.CustomerLogs;
	if (container === null || typeof container !== 'object') return [];
	const logs = (container as IDataObject).CustomerLog;
	return Array.isArray(logs) ? (logs as IDataObject[]) : [];
}
