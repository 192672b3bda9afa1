import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { WireFormat } from '../answer';
import { isAckSuccess } from '../answer';
import type { Result } from '../failures';
import { fail, ok } from '../failures';
import { DEFAULT_CONTROL, sendNetoRequest } from '../transport';

/**
 * The order behind an event, read with one GetOrder through the same transport and per-account
 * limiter as every other request. It runs before Neto gets its answer, so it may not wait long:
 * when the store cannot answer in time, the trigger answers Neto non-200 and Neto delivers the
 * event again later (docs/neto-contract.md, "Order notifications").
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
 * How long the read may take in all, and how it retries within that. Neto documents no time limit
 * for the answer, only that a missing one counts as undelivered; well under the 30 s many senders
 * wait, and a 429 or a 5xx is tried once more at most: a store that cannot answer now gets the
 * event back from Neto's redelivery instead.
 */
const READ_WITHIN_MS = 10_000;
const RETRY = { maxRetries: 1, baseDelayMs: 500, rateLimitWaitMs: 5_000 };

/** The order's fields as GetOrder gave them, or null when the store has no such order. */
export type OrderDetails = IDataObject | null;

/** Why the order could not be read now (in words, no secret in them). */
export interface OrderUnreadable {
	message: string;
	httpCode?: number;
}

export async function readOrder(
	this: IWebhookFunctions,
	orderId: string,
	format: WireFormat,
): Promise<Result<OrderDetails, OrderUnreadable>> {
	const answer = await sendNetoRequest.call(
		this,
		{
			action: 'GetOrder',
			payload: { Filter: { OrderID: [orderId], OutputSelector: [...ORDER_SELECTORS] } },
			format,
			idempotent: true,
		},
		{
			requestsPerMinute: DEFAULT_CONTROL.requestsPerMinute,
			retry: RETRY,
			// Neto waits for the answer: a try gets no longer than the whole read may take.
			timeLimitMs: READ_WITHIN_MS,
			notAfter: Date.now() + READ_WITHIN_MS,
		},
	);
	if (!answer.ok)
		return fail({ message: answer.failure.message, httpCode: answer.failure.httpCode });
	if (!isAckSuccess(answer.value)) {
		const first = answer.value.Messages.Error[0];
		return fail({
			message: `The store refused GetOrder${first?.Message ? `: ${first.Message}` : ''}`,
		});
	}
	const orders = answer.value.Order;
	// Filtered by its OrderID, so a lone order is this one even if the store left its ID out.
	return ok(
		orders.find((order) => order.OrderID === orderId) ?? (orders.length === 1 ? orders[0] : null),
	);
}
