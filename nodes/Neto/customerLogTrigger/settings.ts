import type {
	IDataObject,
	INodeProperties,
	INodePropertyOptions,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { customerLocator, simplifyProperty } from '../log/properties';
import { LOG_STATUSES, fieldText } from '../log/fields';
import { requestTimeLimitOption } from '../settings/options.description';
import { optionsTimeLimit } from '../settings/runSettings';

/** The trigger's parameters, and what a poll makes of them. */

export type TriggerEvent = 'newLog' | 'logUpdated' | 'followUpDue';

const chosen = { show: { scope: ['chosen'] } };

/**
 * How long a poll reads every customer for, unless set: n8n's durable scheduler abandons a poll
 * after 45 s by default (N8N_SCHEDULER_POLL_TIMEOUT), and a node cannot read n8n's settings. A
 * request still waiting at the limit is cut off (it is read again next poll), after which the
 * poll only compares and saves: 25 s leaves 20 s for that and for the first retry's backoff.
 */
const POLL_TIME_LIMIT_SECONDS = 25;

// Each event's `action` is what n8n's node creator lists it as (without one, it makes "On follow up
// due" of the name): the words on screen.

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		default: 'newLog',
		options: [
			{
				name: 'Follow-Up Due',
				value: 'followUpDue',
				action: 'Follow-Up Due',
				description:
					"A log's Follow-Up Required By day has begun in the workflow's timezone and its status is not Completed; once per log and day",
			},
			{
				name: 'Log Updated',
				value: 'logUpdated',
				action: 'Log Updated',
				description:
					'A known log whose fields changed; the item lists them and what they were before',
			},
			{
				name: 'New Log',
				value: 'newLog',
				action: 'New Log',
				description: 'A log that was not there at the previous poll',
			},
		],
	},
	{
		displayName: 'Customers',
		name: 'scope',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'Every Customer', value: 'all', description: 'Logs of every customer in the store' },
			{
				name: 'Chosen Customers',
				value: 'chosen',
				description: 'Logs of the customers picked below, read whole at every poll',
			},
		],
	},
	{
		displayName: 'Chosen Customers',
		name: 'customers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Customer',
		default: {},
		displayOptions: chosen,
		options: [
			{
				displayName: 'Customer',
				name: 'customer',
				values: [
					customerLocator(
						'A customer whose logs to watch',
						'By Username takes several, separated by commas',
						undefined,
					),
				],
			},
		],
	},
	{
		displayName: 'Check Every Customer Every (Hours)',
		name: 'fullCheckHours',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		displayOptions: { show: { scope: ['all'] } },
		description:
			"Each poll reads the customers updated since the previous one. Neto does not say whether a log's change updates its customer, so every this many hours the trigger reads every customer (over as many polls as that takes) to catch what that missed.",
	},
	{
		displayName: 'Poll Time Limit (Seconds)',
		name: 'pollTimeLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: POLL_TIME_LIMIT_SECONDS,
		displayOptions: { show: { scope: ['all'] } },
		description:
			"How long one poll reads every customer for (the first poll's baseline, the check above). A store that takes longer is read over the next polls; nothing is emitted until the first read is whole. Keep it well under n8n's poll timeout: its durable scheduler abandons a poll after N8N_SCHEDULER_POLL_TIMEOUT, 45 s by default.",
	},
	// Version 2: items as Get Many gives them, simplified by default; version 1 keeps the store's whole log.
	simplifyProperty(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Allocated To',
				name: 'allocatedTo',
				type: 'string',
				default: '',
				placeholder: 'e.g. Sam, Priya',
				description:
					'Only logs allocated to one of these staff members (separated by commas, any case)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: LOG_STATUSES.map((status) => ({ name: status, value: status })),
				default: [],
				description: 'Only logs with one of these statuses',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [requestTimeLimitOption],
	},
];

/**
 * The node's subtitle on the canvas: the chosen event's name on screen (e.g. "Follow-Up Due"), not
 * its internal value.
 */
export function eventSubtitle(): string {
	const event = triggerProperties.find((property) => property.name === 'event');
	const names = Object.fromEntries(
		(event?.options as INodePropertyOptions[]).map((option) => [option.value, option.name]),
	);
	return `={{ ${JSON.stringify(names)}[$parameter["event"]] }}`;
}

export interface TriggerSettings {
	event: TriggerEvent;
	/** Usernames of the chosen customers, or undefined for every customer. */
	usernames?: string[];
	fullCheckMs: number;
	/** How long a poll reads every customer for: the rest of the read goes on at the next polls. */
	pollLimitMs: number;
	/** Items as Get Many's Simplify gives them (node version 2's default). */
	simplify: boolean;
	/** Whether a log, as it is now, passes the filters. */
	matches(log: IDataObject): boolean;
	/** The workflow's timezone: a follow-up comes due when its day begins there. */
	timezone: string;
	/** Names the event and scope: a poll whose state was kept for another starts a new baseline. */
	stateKey: string;
	/** Request Time Limit: how long each request waits for the store's answer. */
	timeLimitMs: number;
}

function commaList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

export function readSettings(context: IPollFunctions): TriggerSettings {
	const event = context.getNodeParameter('event', 'newLog') as TriggerEvent;
	const scope = context.getNodeParameter('scope', 'all') as string;
	const filters = context.getNodeParameter('filters', {}) as IDataObject;
	const statuses = Array.isArray(filters.status) ? (filters.status as string[]) : [];
	const staff = commaList(filters.allocatedTo).map((name) => name.toLowerCase());
	let usernames: string[] | undefined;
	if (scope === 'chosen') {
		const entries = (context.getNodeParameter('customers', {}) as IDataObject).customer as
			| IDataObject[]
			| undefined;
		const picked = (entries ?? []).flatMap((entry) =>
			commaList((entry.username as IDataObject | undefined)?.value),
		);
		usernames = [...new Set(picked)].sort();
		if (usernames.length === 0) {
			throw new NodeOperationError(
				context.getNode(),
				'Add at least one customer under "Chosen Customers", or watch every customer',
			);
		}
	}
	return {
		event,
		usernames,
		timezone: context.getTimezone(),
		simplify: context.getNodeParameter('simplify', false) as boolean,
		fullCheckMs:
			Math.max(1, Number(context.getNodeParameter('fullCheckHours', 24)) || 24) * 3_600_000,
		pollLimitMs:
			Math.max(
				1,
				Number(context.getNodeParameter('pollTimeLimit', POLL_TIME_LIMIT_SECONDS)) ||
					POLL_TIME_LIMIT_SECONDS,
			) * 1000,
		matches: (log) =>
			(statuses.length === 0 || statuses.includes(fieldText(log, 'Status'))) &&
			(staff.length === 0 || staff.includes(fieldText(log, 'AllocatedTo').trim().toLowerCase())),
		stateKey: JSON.stringify([event, usernames ?? '*']),
		timeLimitMs: optionsTimeLimit(context),
	};
}
