import type { INodeProperties } from 'n8n-workflow';

import type { WireFormat } from '../answer';
import { requestTimeLimitOption } from '../settings/options.description';
import { timeLimitOf } from '../settings/runSettings';

/** The Neto Order Trigger's parameters, and what a notification makes of them. */

/** The statuses an order notification can carry, in the order Neto's page lists them. */
export const ORDER_STATUSES = [
	'Quote',
	'New',
	'On Hold',
	'New Backorder',
	'Backorder Approved',
	'Pick',
	'Pack',
	'Pending Pickup',
	'Pending Dispatch',
	'Dispatched',
	'Cancelled',
	'Uncommitted',
] as const;

export const orderTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"In Neto's control panel go to Settings & Tools > All Settings & Tools > API Settings, tick Enable Maropost API webhook, paste this node's Production URL (under Webhook URLs above) as the Maropost API webhook URL and Save Changes. The Webhook Verify Token is on the same page (Regenerate it if you never have): enter it in the Neto API credential. To try it, press Execute Step (n8n 1.x: Listen for Test Event), enter the Test URL there instead, and change an order's status.",
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Order Statuses',
		name: 'orderStatuses',
		type: 'multiOptions',
		options: ORDER_STATUSES.map((status) => ({ name: status, value: status })),
		default: [],
		description:
			'Start the workflow only when an order changes to one of these statuses. None chosen: every status.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Order Details',
				name: 'orderDetails',
				type: 'boolean',
				default: true,
				description:
					"Whether to read the order from the store (one GetOrder, in the run, after Neto has its answer) for its customer's Username and Email, status, dates, total and billing name and address. Off: the item holds only what Neto's notification says.",
			},
			{
				displayName: 'Read Retry Time (Minutes)',
				name: 'orderReadRetryMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 60 },
				default: 10,
				description:
					"How long the run keeps trying to read the order while the store cannot answer (rate limited, a 5xx, no answer). Neto already has its answer, so the event waits here. Past this time the run fails at this node with the event in it: retry the execution from n8n's Executions list.",
			},
			requestTimeLimitOption,
			{
				displayName: 'Wire Format',
				name: 'wireFormat',
				type: 'options',
				options: [
					{ name: 'JSON', value: 'json' },
					{ name: 'XML', value: 'xml' },
				],
				default: 'json',
				description:
					'The format of the GetOrder request. Answers are read in whichever format the store sends.',
			},
		],
	},
];

export interface OrderTriggerSettings {
	/** Empty: every status. */
	statuses: string[];
	orderDetails: boolean;
	wireFormat: WireFormat;
	/** The Read Retry Time, ms. */
	retryForMs: number;
	/** The Request Time Limit, ms. */
	timeLimitMs: number;
}

/** The Read Retry Time's default and bounds, in minutes. */
const RETRY_MINUTES = { fallback: 10, min: 0, max: 60 };

function retryMinutesOf(value: unknown): number {
	const minutes = typeof value === 'number' ? value : Number(value);
	if (value === undefined || value === '' || !Number.isFinite(minutes))
		return RETRY_MINUTES.fallback * 60_000;
	return Math.round(Math.min(RETRY_MINUTES.max, Math.max(RETRY_MINUTES.min, minutes)) * 60_000);
}

export function readSettings(
	parameter: (name: string, fallback: unknown) => unknown,
): OrderTriggerSettings {
	const statuses = parameter('orderStatuses', []);
	const options = (parameter('options', {}) ?? {}) as {
		orderDetails?: unknown;
		wireFormat?: unknown;
		orderReadRetryMinutes?: unknown;
	};
	return {
		statuses: Array.isArray(statuses) ? statuses.map(String) : [],
		orderDetails: options.orderDetails !== false,
		wireFormat: options.wireFormat === 'xml' ? 'xml' : 'json',
		retryForMs: retryMinutesOf(options.orderReadRetryMinutes),
		timeLimitMs: timeLimitOf(options),
	};
}
