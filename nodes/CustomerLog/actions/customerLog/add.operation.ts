import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { logFieldProperties } from '../../helpers/descriptions';
import { withMappingMode, writeMappedLogs } from '../../helpers/mapping';
import { parameterReader } from '../../helpers/parameterReader';

export const description: INodeProperties[] = withMappingMode('add', logFieldProperties('add', 'additionalFields'));

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const read = parameterReader(this, { username: '', additionalFields: {} });
	return await writeMappedLogs.call(this, 'add', (itemIndex) => {
		const { username, additionalFields } = read(itemIndex);
		return { username, ...(additionalFields as IDataObject) };
	});
}
