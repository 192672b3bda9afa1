import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsTool } from '../itemErrors';
import { modelOutput } from '../log/output';
import * as customerLog from './customerLog';

const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>> = {
	add: customerLog.add.execute,
	get: customerLog.get.execute,
	getAll: customerLog.getAll.execute,
	update: customerLog.update.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (execute === undefined) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const output = await execute.call(this);
	if (!runsAsTool(this)) return output;
	return output.map((items) => items.map((item) => ({ ...item, json: modelOutput(item.json) })));
}
