import type { INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../../write/options';
import * as add from './add.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { add, get, getAll, update };

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

export const description: INodeProperties[] = [
	resourceProperty,
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [RESOURCE] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: "Add a log to a customer's record",
				action: 'Add a customer log',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one log by its Log ID, through its customer',
				action: 'Get a customer log',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the logs of one or more customers',
				action: 'Get many customer logs',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change fields of an existing customer log, by its Log ID',
				action: 'Update a customer log',
			},
		],
		default: 'add',
	},
	...add.description,
	...update.description,
	...get.description,
	...getAll.description,
	{
		...optionsProperty,
		displayOptions: { show: { operation: ['add', 'update', 'get', 'getAll'] } },
	},
];
