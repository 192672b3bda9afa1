import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { logFieldProperties } from '../../helpers/descriptions';
import { writeLogs } from '../../helpers/writeLogs';

export const description: INodeProperties[] = logFieldProperties('add', 'additionalFields');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await writeLogs.call(this, 'add', (itemIndex) => ({
		username: this.getNodeParameter('username', itemIndex, '', { extractValue: true }),
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
	}));
}
