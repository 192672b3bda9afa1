import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { NetoAnswer, WireFormat } from '../answer';
import { isAckSuccess } from '../answer';
import type { Result } from '../failures';
import { fail, ok } from '../failures';
import { requestControl } from '../settings/runSettings';
import { sendNetoRequest } from '../transport';

/**
 * The order behind an event, read with one GetOrder through the same transport and per-account
 * limiter as every other request. It is read in the run, the trigger's own step, after Neto has
 * its answer: a sale's burst waits for the account's budget here, not in front of Neto's request,
 * and a store that cannot answer now is tried again until the Read Retry Time runs out
 * (docs/neto-contract.md, "Order notifications").
 */

/**
 * GetOrder's documented OutputSelectors for what a customer log needs (the customer), and what a
 * workflow most often decides on: status, type, dates, total, the billing name and address.
 */
export const ORDER_SELECTORS = [
	'Username',
	'Email',
	'OrderStatus',
	'OrderType',
	'CompleteStatus',
	'SalesChannel',
	'GrandTotal',
	'DatePlaced',
	'DateUpdated',
	'DateInvoiced',
	'DatePaid',
	'DateCompleted',
	'BillAddress',
] as const;

/**
 * Between two tries, a wait that doubles from the first to the last, with jitter: a store that is
 * down for minutes is asked about once a minute, and a burst's runs do not ask all at once.
 */
const WAIT_MS = { first: 1_000, last: 60_000 };

function waitBeforeTry(failures: number): number {
	const ceiling = Math.min(WAIT_MS.last, WAIT_MS.first * 2 ** (failures - 1));
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The order's fields as GetOrder gave them, or null when the store has no such order. */
export type OrderDetails = IDataObject | null;

/** Why the order could not be read (in words, no secret in them). */
export interface OrderUnreadable {
	message: string;
	description: string;
	httpCode?: number;
	/** How many tries were made: 1 when the failure was not worth trying again. */
	tries: number;
}

export interface OrderReadSettings {
	format: WireFormat;
	/** How long the read keeps trying while the store cannot answer (the Read Retry Time). */
	retryForMs: number;
	/** The Request Time Limit: how long one try waits for an answer. */
	timeLimitMs: number;
}

/**
 * Reads the order, trying again while the store cannot answer (rate limited, a 5xx, the network,
 * no answer) until the Read Retry Time has passed since the first try: then the last try's
 * failure, with how many tries were made. A 429's Retry-After is waited out within that time.
 */
export async function readOrder(
	this: IExecuteFunctions,
	orderId: string,
	settings: OrderReadSettings,
): Promise<Result<OrderDetails, OrderUnreadable>> {
	const started = Date.now();
	const deadline = started + settings.retryForMs;
	const base = requestControl({ timeLimitMs: settings.timeLimitMs });
	for (let tries = 1; ; tries++) {
		const answer = await sendNetoRequest.call(
			this,
			{
				action: 'GetOrder',
				payload: { Filter: { OrderID: [orderId], OutputSelector: [...ORDER_SELECTORS] } },
				format: settings.format,
				idempotent: true,
			},
			// This loop is the retry: each request one try, but a 429 waited out within the time left
			// (with Retry-After as the store says, without it backing off from the usual first wait).
			{
				...base,
				retry: {
					...base.retry,
					maxRetries: 0,
					rateLimitWaitMs: Math.max(0, deadline - Date.now()),
				},
			},
		);
		if (answer.ok) return orderOf(answer.value, orderId);
		const { failure } = answer;
		if (failure.unavailable === undefined || Date.now() >= deadline) {
			const seconds = Math.round((Date.now() - started) / 1000);
			return fail({
				message:
					tries > 1 ? `${failure.message} (${tries} tries in ${seconds} s)` : failure.message,
				description: failure.description,
				httpCode: failure.httpCode,
				tries,
			});
		}
		await sleep(Math.min(waitBeforeTry(tries), deadline - Date.now()));
	}
}

function orderOf(answer: NetoAnswer, orderId: string): Result<OrderDetails, OrderUnreadable> {
	if (!isAckSuccess(answer)) {
		const first = answer.Messages.Error[0];
		return fail({
			message: `The store refused GetOrder${first?.Message ? `: ${first.Message}` : ''}`,
			description: 'The store answered Ack Error.',
			tries: 1,
		});
	}
	const orders = answer.Order;
	// Filtered by its OrderID, so a lone order is this one even if the store left its ID out.
	return ok(
		orders.find((order) => order.OrderID === orderId) ?? (orders.length === 1 ? orders[0] : null),
	);
}
