import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { optionsProperty } from '../../settings/options.description';
import * as add from './add.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

/**
 * The resource's operations, the one list of them: the router runs them, and the Operation list,
 * their parameters and the Options they show with all follow from it. A new operation is a new
 * `<name>.operation.ts` (its `option`, `description` and `execute`) and one entry here.
 */
export const operations: Record<
	string,
	{
		option: INodePropertyOptions;
		description: INodeProperties[];
		execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
	}
> = { add, update, get, getAll };

/**
 * The node's one resource, never shown. n8n describes a node to an AI agent (and names a new node)
 * by its operation's `action`, "Add a customer log in Neto Customer Log", only when the node has a
 * `resource` parameter and the operation shows for it; without one the model is told the node's
 * description, everything the node can do. Its default fills it in for workflows saved before it.
 */
const RESOURCE = 'customerLog';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'hidden',
	noDataExpression: true,
	options: [{ name: 'Customer Log', value: RESOURCE }],
	default: RESOURCE,
};

const operationList = Object.values(operations);

export const description: INodeProperties[] = [
	resourceProperty,
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [RESOURCE] } },
		// Sorted by name, as n8n lists options.
		options: operationList
			.map((operation) => operation.option)
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: 'add',
	},
	...operationList.flatMap((operation) => operation.description),
	{
		...optionsProperty,
		displayOptions: { show: { operation: Object.keys(operations) } },
	},
];
