import type { INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../../write/options';
import * as add from './add.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { add, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add a log to a customer\'s record',
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
	{ ...optionsProperty, displayOptions: { show: { operation: ['add', 'update', 'get', 'getAll'] } } },
];
