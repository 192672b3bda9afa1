import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as customerLog from './actions/customerLog';
import { router } from './actions/router';
import { searchCustomers, searchLogs } from './methods/listSearch';
import { testNetoCredential } from './transport/credentialTest';

export class NetoCustomerLog implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Neto Customer Log',
		name: 'netoCustomerLog',
		icon: { light: 'file:../../icons/neto.svg', dark: 'file:../../icons/neto.dark.svg' },
		group: ['output'],
		// Version 2: Get and Get Many simplify their output by default; version 1 keeps the store's whole answer.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": customer log"}}',
		description: 'Add, update and read customer logs in a Neto by Maropost store',
		defaults: { name: 'Neto Customer Log' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'netoApi', required: true, testedBy: 'netoApiConnection' }],
		properties: customerLog.description,
	};

	methods = {
		listSearch: { searchCustomers, searchLogs },
		credentialTest: { netoApiConnection: testNetoCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
