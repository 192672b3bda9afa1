import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { eachCustomer, logsOf } from '../../read/customers';
import { customerLocator, customerOf, logIdLocator, simplifyProperty } from '../../log/properties';
import type { ItemFailure, Result } from '../../failures';
import { fail, ok } from '../../failures';
import { readEachItem } from '../../itemErrors';
import { readLogId } from '../../log/validation';
import { storedLogOutput } from '../../log/output';
import type { ReadRun } from './readRun';
import { readRun } from './readRun';

const show = { show: { operation: ['get'] } };

/** The operation as the Operation list shows it. */
export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description: 'Get one log by its Log ID, through its customer',
	action: 'Get a customer log',
};

export const description: INodeProperties[] = [
	{
		...customerLocator(
			'The customer the log belongs to',
			'Needed: Neto reads logs only through their customer (GetCustomer has no filter by Log ID)',
			show,
			['list', 'username', 'email'],
		),
		required: true,
	},
	{
		...logIdLocator(
			"The ID of the log to get (Neto's LogID)",
			'A positive whole number, at most 10 digits',
			show,
		),
		required: true,
	},
	simplifyProperty({ operation: ['get'] }),
];

const NOTHING_READ = 'Nothing was read for this item.';

/** The one log an input item asks for, or why it cannot be read. */
async function readItem(
	this: IExecuteFunctions,
	itemIndex: number,
	context: ReadRun,
): Promise<Result<INodeExecutionData[], ItemFailure>> {
	const customer = customerOf(this.getNodeParameter('username', itemIndex, ''));
	if (customer.value === '') {
		return fail({
			kind: 'refused',
			message: '"Customer" (Username) is required to get a customer log; it is empty',
			description: NOTHING_READ,
			field: 'Username',
		});
	}
	const logId = readLogId(this.getNodeParameter('logId', itemIndex, '', { extractValue: true }));
	if (!logId.ok)
		return fail({
			kind: 'refused',
			message: logId.failure.message,
			description: NOTHING_READ,
			field: logId.failure.field ?? '',
		});
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	const query =
		customer.mode === 'email' ? { emails: [customer.value] } : { usernames: [customer.value] };
	let customers = 0;
	let found: INodeExecutionData | undefined;
	const read = await eachCustomer.call(
		this,
		{ ...query, withLogs: true },
		{ format: context.wireFormat, control: context.control },
		(record) => {
			customers++;
			const log = logsOf(record).find((entry) => Number(entry.LogID) === logId.value);
			if (log)
				found = {
					json: storedLogOutput(record, log, simplify, context.timezone),
					pairedItem: { item: itemIndex },
				};
			return found === undefined;
		},
	);
	if (!read.ok) return read;
	if (found) return ok([found]);
	const who = `${customer.mode === 'email' ? 'email' : 'username'} "${customer.value}"`;
	return fail(
		customers === 0
			? {
					kind: 'refused',
					message: `No customer has the ${who}`,
					description: NOTHING_READ,
					field: 'Username',
				}
			: {
					kind: 'refused',
					message: `Log ${logId.value} is not one of the logs of the customer with the ${who}`,
					description: `Check "Log ID" and "Customer". ${NOTHING_READ}`,
					field: 'LogID',
				},
	);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const context = readRun.call(this);
	return await readEachItem.call(
		this,
		async (itemIndex) => await readItem.call(this, itemIndex, context),
	);
}
