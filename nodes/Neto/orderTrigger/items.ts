import type { IDataObject } from 'n8n-workflow';

import type { OrderEvent } from './event';
import type { OrderDetails } from './order';

/**
 * The item a notification starts the workflow with: the event as Neto sent it, and with Order
 * Details on, the order's customer at the top (Customer Log's Add takes `Username` as it is) and
 * the order as GetOrder gave it under `Order` (null when the store has no such order).
 */
export function orderItem(event: OrderEvent, order?: OrderDetails): IDataObject {
	const item: IDataObject = {
		EventID: event.EventID,
		EventType: event.EventType,
		CurrentTime: event.CurrentTime,
		OrderID: event.OrderID,
		OrderStatus: event.OrderStatus,
	};
	if (order === undefined) return item;
	return {
		...item,
		Username: typeof order?.Username === 'string' ? order.Username : '',
		Email: typeof order?.Email === 'string' ? order.Email : '',
		Order: order,
	};
}
