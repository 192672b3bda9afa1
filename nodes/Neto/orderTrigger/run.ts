import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemFailure, Result } from '../failures';
import { fail, ok } from '../failures';
import type { OrderEvent } from './event';
import { readEachItem } from '../itemErrors';
import { orderItem } from './items';
import { readOrder } from './order';
import { readSettings } from './settings';

/**
 * The trigger's step in the run it started (n8n runs a webhook trigger's `execute` on the items its
 * `webhook` gave, as the run's first step: in queue mode on a worker). Neto was answered on receipt;
 * here each event gets its order's customer, waiting for the account's budget and for a store
 * that cannot answer now, up to the Read Retry Time. An event whose order still cannot be read
 * fails the run at this node (or, with Continue On Fail, becomes an error item): the execution
 * keeps the event, and n8n's Retry reads it again.
 */
export async function readOrdersOfEvents(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = readSettings((name, fallback) => this.getNodeParameter(name, 0, fallback));
	const items = this.getInputData();
	if (!settings.orderDetails) return [items];
	return await readEachItem.call(this, async (itemIndex) => {
		const event = eventOf(items[itemIndex].json);
		if (!event.ok) return event;
		const read = await readOrder.call(this, event.value.OrderID, {
			format: settings.wireFormat,
			retryForMs: settings.retryForMs,
			timeLimitMs: settings.timeLimitMs,
		});
		if (!read.ok)
			return fail({
				kind: 'failed',
				message: `The order ${event.value.OrderID} of event ${event.value.EventID} could not be read from the store: ${read.failure.message}`,
				description: `${read.failure.description}${read.failure.tries > 1 ? ' Tried again for the Read Retry Time.' : ''} The event is kept in this execution: retry it from n8n's Executions list once the store answers.`,
				httpCode: read.failure.httpCode,
			});
		return ok([{ json: orderItem(event.value, read.value), pairedItem: { item: itemIndex } }]);
	});
}

/** The event an item carries, as the trigger's webhook made it (or a pinned item like it). */
function eventOf(json: IDataObject): Result<OrderEvent, ItemFailure> {
	const field = (name: string) => {
		const value = json[name];
		if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
		return typeof value === 'string' ? value.trim() : '';
	};
	if (field('OrderID') === '')
		return fail({
			kind: 'refused',
			message: 'The item has no OrderID: it is not an order notification',
			description: "The Neto Order Trigger reads the order named by its items' OrderID.",
			field: 'OrderID',
		});
	return ok({
		EventID: field('EventID') || '(none)',
		EventType: 'Order',
		CurrentTime: field('CurrentTime'),
		OrderID: field('OrderID'),
		OrderStatus: field('OrderStatus'),
	});
}
