import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { customerEmailSteps } from '../../write/customerEmails';
import { customerOf, logFieldProperties } from '../../log/properties';
import { withMappingMode, writeMappedLogs } from '../../write/mapping';
import { parameterReader } from '../../write/parameterReader';

/** The operation as the Operation list shows it. */
export const option: INodePropertyOptions = {
	name: 'Add',
	value: 'add',
	description: "Add a log to a customer's record",
	action: 'Add a customer log',
};

export const description: INodeProperties[] = withMappingMode(
	'add',
	logFieldProperties('add', 'additionalFields'),
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// Only a customer given By Email needs a step before sending: any step delays a batch's request.
	const byEmail = customerOf(this.getNode().parameters.username).mode === 'email';
	const read = parameterReader(this, { username: '', additionalFields: {} });
	return await writeMappedLogs.call(
		this,
		'add',
		(itemIndex) => {
			const { username, additionalFields } = read(itemIndex);
			const locator = {
				__rl: true,
				mode: byEmail ? 'email' : 'username',
				value: username,
			} as INodeParameterResourceLocator;
			const customer = customerOf(locator);
			return {
				...(customer.mode === 'email'
					? { customerEmail: customer.value }
					: { username: customer.value }),
				...(additionalFields as IDataObject),
			};
		},
		byEmail ? customerEmailSteps : undefined,
	);
}
