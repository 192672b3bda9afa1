import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testNetoCredential } from './transport/credentialTest';
import { handleOrderNotification, requireVerifyToken } from './orderTrigger/notification';
import { readOrdersOfEvents } from './orderTrigger/run';
import { orderTriggerProperties } from './orderTrigger/settings';

/**
 * Neto's one webhook, Order Notifications: its work is in orderTrigger/ (notification.ts, then
 * run.ts).
 */
export class NetoOrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Neto Order Trigger',
		name: 'netoOrderTrigger',
		icon: { light: 'file:../../icons/neto.svg', dark: 'file:../../icons/neto.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["orderStatuses"].length ? $parameter["orderStatuses"].join(", ") : "Any order status" }}',
		description:
			"Starts the workflow when an order's status changes in Neto (Neto's order notifications)",
		defaults: { name: 'Neto Order Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'netoApi', required: true, testedBy: 'netoApiConnection' }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: orderTriggerProperties,
	};

	methods = {
		credentialTest: { netoApiConnection: testNetoCredential },
	};

	/**
	 * Nothing to register: Neto has no API for its webhook, the merchant enters the URL in the
	 * control panel. Activating (and Listen for Test Event) checks what the trigger needs instead.
	 */
	webhookMethods = {
		default: {
			checkExists: async function (this: IHookFunctions): Promise<boolean> {
				await requireVerifyToken.call(this);
				return true;
			},
			create: async function (this: IHookFunctions): Promise<boolean> {
				await requireVerifyToken.call(this);
				return true;
			},
			delete: async function (): Promise<boolean> {
				return true;
			},
		},
	};

	/** A notification: answered on receipt, its run started with the event (notification.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleOrderNotification.call(this);
	}

	/** The trigger's step in that run, which n8n runs on the webhook's items: the order's read (run.ts). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await readOrdersOfEvents.call(this);
	}
}
