import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { customerEmailSteps } from '../../helpers/customerEmails';
import { customerOf, logFieldProperties } from '../../helpers/descriptions';
import { writeLogs } from '../../helpers/writeLogs';

export const description: INodeProperties[] = logFieldProperties('add', 'additionalFields');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// Only a customer given By Email needs a step before sending: any step delays a batch's request.
	const byEmail = customerOf(this.getNode().parameters.username).mode === 'email';
	return await writeLogs.call(
		this,
		'add',
		(itemIndex) => {
			const customer = customerOf(this.getNodeParameter('username', itemIndex, ''));
			return {
				...(customer.mode === 'email' ? { customerEmail: customer.value } : { username: customer.value }),
				...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
			};
		},
		byEmail ? customerEmailSteps : undefined,
	);
}
