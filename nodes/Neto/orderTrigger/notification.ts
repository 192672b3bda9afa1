import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { acceptOnce } from './dedupe';
import { parseOrderEvent } from './event';
import { orderItem } from './items';
import { readSettings } from './settings';
import { tokenMatches } from './token';

/**
 * One order notification, from the request to n8n's answer. The store is let in first (its token),
 * then the request is read (a Neto order notification, a well-formed Event), then the workflow's
 * filter and the event's once-only claim, and Neto is answered on receipt. Nothing here waits on
 * the store: the order is read in the run (run.ts), where a sale's burst can wait for the account's
 * budget and a store that cannot answer now is tried again, instead of Neto's request waiting (and
 * Neto's redelivery, which a merchant may have turned off, being the only way back).
 */

/** Neto's headers, as Node.js hands them over (lower case). */
const NOTIFICATION_HEADER = 'neto_notification';
const TOKEN_HEADER = 'netoapi_key';

/**
 * Answers the request here and starts nothing: the way n8n's own Webhook node refuses a request
 * (it writes the response itself and tells n8n there is none to send). The body says why in words;
 * it never quotes the request.
 */
function refuse(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

/** A 200 that starts nothing (a duplicate, a status the workflow does not start on). */
function acknowledge(message: string): IWebhookResponseData {
	return { webhookResponse: { message } };
}

/**
 * The request's body as it came. n8n keeps the raw bytes (`rawBody`) beside what it parsed by the
 * Content-Type, which Neto does not document, so the Event is read from the bytes whatever it is.
 */
async function rawBody(context: IWebhookFunctions): Promise<Buffer | string | undefined> {
	const request = context.getRequestObject() as unknown as {
		rawBody?: unknown;
		readRawBody?: () => Promise<void>;
		body?: unknown;
	};
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function')
		await request.readRawBody().catch(() => undefined);
	if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
	return typeof request.body === 'string' ? request.body : undefined;
}

/**
 * Fails the activation (and Listen for Test Event) when the credential has no Webhook Verify Token:
 * every notification would be refused, and the merchant would only see Neto's undelivered ones.
 */
export async function requireVerifyToken(this: IHookFunctions): Promise<void> {
	const credentials = await this.getCredentials<IDataObject>('netoApi');
	if (typeof credentials.webhookVerifyToken !== 'string' || credentials.webhookVerifyToken === '')
		throw new NodeOperationError(
			this.getNode(),
			'The Neto API credential has no Webhook Verify Token',
			{
				description:
					"The trigger lets in only notifications that carry the store's Webhook Verify Token. In Neto's control panel: Settings & Tools > All Settings & Tools > API Settings (Regenerate it if you never have, then Save Changes); enter it in the credential's Webhook Verify Token.",
			},
		);
}

export async function handleOrderNotification(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const headers = this.getHeaderData();
	const credentials = await this.getCredentials<IDataObject>('netoApi');
	if (!tokenMatches(headers[TOKEN_HEADER], credentials.webhookVerifyToken))
		return refuse(
			this,
			401,
			'Not from the store: the NETOAPI_KEY header is missing or is not the Webhook Verify Token set in the Neto API credential',
		);
	if (headers[NOTIFICATION_HEADER] !== 'Order')
		return refuse(
			this,
			400,
			'Not an order notification: the NETO_NOTIFICATION header is not "Order"',
		);
	const body = await rawBody(this);
	const event = parseOrderEvent(body ?? '');
	if (!event.ok) return refuse(this, 400, `Not a well-formed order notification: ${event.failure}`);

	const settings = readSettings((name, fallback) => this.getNodeParameter(name, fallback));
	const { OrderStatus: status, EventID: eventId } = event.value;
	if (settings.statuses.length > 0 && !settings.statuses.includes(status))
		return acknowledge(`Received; the workflow does not start on orders changed to ${status}`);

	// "Listen for test event" starts a manual run every time and keeps nothing: each test is new.
	if (this.getMode() !== 'manual') {
		const staticData = this.getWorkflowStaticData('node');
		const trigger = `${this.getWorkflow().id ?? ''}/${this.getNode().id}`;
		if (!acceptOnce(trigger, eventId, staticData))
			return acknowledge(`Received before; event ${eventId} started a run already`);
	}
	// The order is read in the run (run.ts), after this answer: nothing waits on the store here.
	return { workflowData: [[{ json: orderItem(event.value) }]] };
}
