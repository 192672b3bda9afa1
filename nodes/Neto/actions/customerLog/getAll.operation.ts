import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { eachCustomer, logsOf } from '../../read/customers';
import { toNetoDateTime } from '../../log/dates';
import { customerLocator, customerOf, simplifyProperty } from '../../log/properties';
import { LOG_STATUSES } from '../../log/fields';
import { readEachItem } from '../../itemErrors';
import { storedLogOutput } from '../../log/output';
import type { ItemFailure, Result } from '../../failures';
import { fail, ok } from '../../failures';
import type { ReadRun } from './readRun';
import { readRun } from './readRun';

const show = { show: { operation: ['getAll'] } };

/** The date filters: their labels on screen and Neto's names, for messages. */
const UPDATED_BOUNDS = [
	{ param: 'updatedFrom', label: 'Customer Updated After', wire: 'DateUpdatedFrom' },
	{ param: 'updatedTo', label: 'Customer Updated Before', wire: 'DateUpdatedTo' },
] as const;

/** The operation as the Operation list shows it. */
export const option: INodePropertyOptions = {
	name: 'Get Many',
	value: 'getAll',
	description: 'Get the logs of one or more customers',
	action: 'Get many customer logs',
};

export const description: INodeProperties[] = [
	customerLocator(
		'The customer whose logs to get. Typed usernames or emails may be several, separated by commas.',
		'Leave empty to get the logs of every customer updated in the date range under Filters',
		show,
		['list', 'username', 'email'],
	),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['getAll'], returnAll: [false] } },
	},
	simplifyProperty({ operation: ['getAll'] }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Customer Updated After',
				name: 'updatedFrom',
				type: 'dateTime',
				default: '',
				description:
					'Only customers whose record changed at or after this time (adding a log changes it)',
			},
			{
				displayName: 'Customer Updated Before',
				name: 'updatedTo',
				type: 'dateTime',
				default: '',
				description: 'Only customers whose record changed at or before this time',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: LOG_STATUSES.map((status) => ({ name: status, value: status })),
				default: [],
				description:
					'Only logs with one of these statuses (checked by the node: Neto does not filter logs)',
			},
		],
	},
];

/** The logs one input item asks for, or why it cannot be read. */
async function readItem(
	this: IExecuteFunctions,
	itemIndex: number,
	context: ReadRun,
): Promise<Result<INodeExecutionData[], ItemFailure>> {
	const customer = customerOf(this.getNodeParameter('username', itemIndex, ''));
	const names = customer.value
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const bounds: { DateUpdatedFrom?: string; DateUpdatedTo?: string } = {};
	for (const bound of UPDATED_BOUNDS) {
		if (filters[bound.param] === undefined || filters[bound.param] === '') continue;
		const date = toNetoDateTime(filters[bound.param], context.timezone);
		if (!date.ok) {
			return fail({
				kind: 'refused',
				message: `"${bound.label}" (${bound.wire}) cannot be used: ${date.failure}`,
				description: 'Nothing was read for this item.',
				field: bound.wire,
			});
		}
		bounds[bound.wire] = date.value;
	}
	if (names.length === 0 && Object.keys(bounds).length === 0) {
		return fail({
			kind: 'refused',
			message:
				'Choose a "Customer", or a date under Filters ("Customer Updated After" or "Customer Updated Before")',
			description: 'Neto asks for at least one filter when reading customers.',
			field: '',
		});
	}
	const statuses = Array.isArray(filters.status) ? (filters.status as string[]) : [];
	const found: INodeExecutionData[] = [];
	const read = await eachCustomer.call(
		this,
		{
			...(customer.mode === 'email' ? { emails: names } : { usernames: names }),
			updatedFrom: bounds.DateUpdatedFrom,
			updatedTo: bounds.DateUpdatedTo,
			withLogs: true,
		},
		{ format: context.wireFormat, control: context.control },
		(record) => {
			for (const log of logsOf(record)) {
				if (statuses.length > 0 && !statuses.includes(String(log.Status))) continue;
				found.push({
					json: storedLogOutput(record, log, simplify, context.timezone),
					pairedItem: { item: itemIndex },
				});
				if (found.length >= limit) return false;
			}
			return true;
		},
	);
	return read.ok ? ok(found) : read;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const context = readRun.call(this);
	return await readEachItem.call(
		this,
		async (itemIndex) => await readItem.call(this, itemIndex, context),
	);
}
