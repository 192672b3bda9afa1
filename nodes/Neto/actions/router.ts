import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsTool } from '../itemErrors';
import { modelOutput } from '../log/output';
import { operations } from './customerLog';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation]?.execute;
	if (execute === undefined) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const output = await execute.call(this);
	if (!runsAsTool(this)) return output;
	return output.map((items) => items.map((item) => ({ ...item, json: modelOutput(item.json) })));
}
