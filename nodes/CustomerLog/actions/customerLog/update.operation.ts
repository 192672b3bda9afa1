import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { logFieldProperties } from '../../helpers/descriptions';
import { writeLogs } from '../../helpers/writeLogs';

export const description: INodeProperties[] = logFieldProperties('update', 'updateFields');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await writeLogs.call(this, 'update', (itemIndex) => ({
		logId: this.getNodeParameter('logId', itemIndex, ''),
		...(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject),
	}));
}
