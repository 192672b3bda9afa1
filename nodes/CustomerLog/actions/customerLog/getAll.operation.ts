import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eachCustomer, logsOf, readControl } from '../../helpers/customers';
import { netoDateTimeToIso, toNetoDateTime } from '../../helpers/dates';
import { customerLocator } from '../../helpers/descriptions';
import { LOG_STATUSES } from '../../helpers/fields';
import { readWriteOptions } from '../../helpers/options';
import type { WireFormat } from '../../transport/wire';
import type { RequestControl } from '../../transport';

const show = { show: { operation: ['getAll'] } };

export const description: INodeProperties[] = [
	customerLocator(
		'The customer whose logs to get. By Username takes several, separated by commas.',
		'Leave empty to get the logs of every customer updated in the date range below',
		show,
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
				description: 'Only customers whose record changed at or after this time (adding a log changes it)',
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
				description: 'Only logs with one of these statuses (checked by the node: Neto does not filter logs)',
			},
		],
	},
];

/** Fields GetCustomer gives as UTC dates; each also goes out as ISO 8601 under `iso`. */
const UTC_DATE_FIELDS = ['LastContacted', 'LastContactedUTC', 'DateRequiredFollowUp'];

function logItem(customer: IDataObject, log: IDataObject, itemIndex: number): INodeExecutionData {
	const iso: IDataObject = {};
	for (const name of UTC_DATE_FIELDS) {
		if (typeof log[name] === 'string' && log[name] !== '') iso[name] = netoDateTimeToIso(log[name] as string);
	}
	return { json: { Username: customer.Username, ...log, iso }, pairedItem: { item: itemIndex } };
}

function usernamesFrom(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

interface ReadContext {
	timezone: string;
	wireFormat: WireFormat;
	control: RequestControl;
}

/** The logs one input item asks for. */
async function readItem(this: IExecuteFunctions, itemIndex: number, context: ReadContext): Promise<INodeExecutionData[]> {
	const usernames = usernamesFrom(this.getNodeParameter('username', itemIndex, '', { extractValue: true }));
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const bounds: Record<string, string> = {};
	for (const name of ['updatedFrom', 'updatedTo']) {
		if (filters[name] === undefined || filters[name] === '') continue;
		const date = toNetoDateTime(filters[name], context.timezone);
		if (!date.ok) {
			throw new NodeOperationError(this.getNode(), `Item index ${itemIndex}: the filter "${name}" cannot be used: ${date.reason}`, { itemIndex });
		}
		bounds[name] = date.value;
	}
	if (usernames.length === 0 && Object.keys(bounds).length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Item index ${itemIndex}: choose a Customer, or a "Customer Updated" date range under Filters`,
			{ itemIndex, description: 'Neto asks for at least one filter when reading customers.' },
		);
	}
	const statuses = Array.isArray(filters.status) ? (filters.status as string[]) : [];
	const found: INodeExecutionData[] = [];
	await eachCustomer.call(
		this,
		{ usernames, updatedFrom: bounds.updatedFrom, updatedTo: bounds.updatedTo, withLogs: true },
		{ format: context.wireFormat, control: context.control, itemIndex },
		(customer) => {
			for (const log of logsOf(customer)) {
				if (statuses.length > 0 && !statuses.includes(String(log.Status))) continue;
				found.push(logItem(customer, log, itemIndex));
				if (found.length >= limit) return false;
			}
			return true;
		},
	);
	return found;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const context: ReadContext = {
		timezone: this.getTimezone(),
		wireFormat: readWriteOptions(this).wireFormat,
		control: readControl(),
	};
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = await readItem.call(this, itemIndex, context).then(
			(found) => ({ found }),
			(error: unknown) => ({ error: error as Error }),
		);
		if ('found' in result) {
			output.push(...result.found);
			continue;
		}
		if (!this.continueOnFail()) throw result.error;
		const { message, description } = result.error as Error & { description?: string };
		// The same error item shape as Add and Update: one `error` object.
		output.push({ json: { error: { message, description: description ?? '', itemIndex } }, pairedItem: { item: itemIndex } });
	}
	return [output];
}
