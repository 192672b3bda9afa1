import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { logFieldProperties } from '../../helpers/descriptions';
import { withMappingMode, writeMappedLogs } from '../../helpers/mapping';

export const description: INodeProperties[] = withMappingMode('add', logFieldProperties('add', 'additionalFields'));

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await writeMappedLogs.call(this, 'add', (itemIndex) => ({
		username: this.getNodeParameter('username', itemIndex, '', { extractValue: true }),
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
	}));
}
