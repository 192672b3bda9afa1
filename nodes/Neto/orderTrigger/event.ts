import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

import type { Result } from '../failures';
import { fail, ok } from '../failures';

/**
 * Neto's order notification, as its page documents it: an XML `<Event>` with EventID (an
 * integer), CurrentTime, EventType `Order`, and `<Order>` holding OrderID and OrderStatus.
 */
export interface OrderEvent {
	EventID: string;
	EventType: 'Order';
	/** When Neto sent it, as Neto wrote it (the store's clock; may be absent). */
	CurrentTime: string;
	OrderID: string;
	/** The status the order was changed to. */
	OrderStatus: string;
}

const parser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	trimValues: true,
	processEntities: true,
	htmlEntities: false,
});

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a notification's body (the raw bytes as they came) into an OrderEvent, or says in a few
 * words why it is not a well-formed Event. The reason is answered to the sender, so it quotes
 * nothing of the body.
 */
export function parseOrderEvent(body: Buffer | string): Result<OrderEvent, string> {
	const xml = (Buffer.isBuffer(body) ? body.toString('utf8') : body).replace(/^\uFEFF/, '').trim();
	if (xml === '') return fail('the body is empty; Neto sends an XML <Event>');
	// Neto's Event has no DTD; one could only declare entities to expand, so none is read.
	if (/<!DOCTYPE/i.test(xml)) return fail('the body declares a DTD, which an <Event> never has');
	if (XMLValidator.validate(xml) !== true) return fail('the body is not well-formed XML');
	const document = parser.parse(xml) as IDataObject;
	const roots = Object.keys(document).filter((name) => !name.startsWith('?'));
	if (roots.length !== 1 || roots[0] !== 'Event')
		return fail('the body is not an <Event> (its root element is not Event)');
	const event = document.Event;
	if (event === null || typeof event !== 'object' || Array.isArray(event))
		return fail('the <Event> holds no elements');
	const { EventID, EventType, CurrentTime, Order } = event as IDataObject;
	const eventId = text(EventID);
	if (eventId === undefined || !/^\d{1,18}$/.test(eventId))
		return fail('the <Event> has no EventID that is an integer');
	if (text(EventType) !== 'Order') return fail('the <Event> is not of EventType Order');
	if (Order === null || typeof Order !== 'object' || Array.isArray(Order))
		return fail('the <Event> has no single <Order>');
	const orderId = text((Order as IDataObject).OrderID);
	const status = text((Order as IDataObject).OrderStatus);
	if (!orderId) return fail('the <Order> has no OrderID');
	if (!status) return fail('the <Order> has no OrderStatus');
	return ok({
		// One event, one ID, however Neto pads it: "034" and "34" are the same event.
		EventID: String(BigInt(eventId)),
		EventType: 'Order',
		CurrentTime: text(CurrentTime) ?? '',
		OrderID: orderId,
		OrderStatus: status,
	});
}
