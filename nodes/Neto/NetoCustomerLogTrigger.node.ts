import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchCustomers } from './methods/listSearch';
import { testNetoCredential } from './transport/credentialTest';
import { pollCustomerLogs } from './customerLogTrigger/poll';
import { eventSubtitle, triggerProperties } from './customerLogTrigger/settings';

export class NetoCustomerLogTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Neto Customer Log Trigger',
		name: 'netoCustomerLogTrigger',
		icon: { light: 'file:../../icons/neto.svg', dark: 'file:../../icons/neto.dark.svg' },
		group: ['trigger'],
		// Version 2: items simplified as Get Many's are, by default; version 1 keeps the store's whole log.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: eventSubtitle(),
		description:
			'Starts the workflow when a Neto customer log is added or changes, or its follow-up falls due',
		defaults: { name: 'Neto Customer Log Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'netoApi', required: true, testedBy: 'netoApiConnection' }],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchCustomers },
		credentialTest: { netoApiConnection: testNetoCredential },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollCustomerLogs.call(this);
	}
}
