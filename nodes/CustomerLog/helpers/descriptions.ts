import type { INodeProperties } from 'n8n-workflow';

import { DATE_INPUT_HINT } from './dates';
import type { CustomerLogField, LogOperation } from './fields';
import { LOG_STATUSES, fieldsOf, maxLengthOf } from './fields';

/** The UI parameters of Add and Update, made from the field table. */

function limitHint(field: CustomerLogField, operation: LogOperation): string {
	switch (field.kind) {
		case 'dateTime':
			return `Sent to Neto as YYYY-MM-DD HH:MM:SS in UTC. Accepts ${DATE_INPUT_HINT}.`;
		case 'status':
			return `One of: ${LOG_STATUSES.join(', ')}`;
		case 'logId':
			return 'A positive whole number, at most 10 digits';
		default: {
			const max = maxLengthOf(field, operation);
			return max === null ? 'No length limit' : `At most ${max} characters`;
		}
	}
}

type Display = INodeProperties['displayOptions'];

/** The customer, picked from the store's list or typed as a username; used by every operation. */
export function customerLocator(description: string, hint: string, displayOptions: Display): INodeProperties {
	return {
		displayName: 'Customer',
		name: 'username',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		hint,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a customer...',
				typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
			},
			{
				displayName: 'By Username',
				name: 'username',
				type: 'string',
				placeholder: 'e.g. jsmith',
			},
		],
	};
}

function logLocator(field: CustomerLogField, hint: string): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.param,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: field.description,
		hint,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a log of the customer...',
				typeOptions: { searchListMethod: 'searchLogs', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1042',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*[0-9]{1,10}\\s*$', errorMessage: 'A Log ID is a whole number of at most 10 digits' },
					},
				],
			},
		],
	};
}

function fieldProperty(field: CustomerLogField, operation: LogOperation): INodeProperties {
	const common = {
		displayName: field.displayName,
		name: field.param,
		description: field.description,
		hint: limitHint(field, operation),
	};
	if (field.locator === 'customer') return customerLocator(field.description, common.hint, undefined);
	if (field.locator === 'log') return logLocator(field, common.hint);
	switch (field.kind) {
		case 'dateTime':
			return { ...common, type: 'dateTime', default: '' };
		case 'status':
			return {
				...common,
				type: 'options',
				options: LOG_STATUSES.map((status) => ({ name: status, value: status })),
				default: 'Require Recontact',
			};
		default:
			return {
				...common,
				type: 'string',
				default: '',
				...(field.multiline ? { typeOptions: { rows: 4 } } : {}),
			};
	}
}

/**
 * The target (customer or log ID) up front, every other field in a collection. `extraOptions` are
 * collection entries that are not Neto fields (how to write Notes, say).
 */
export function logFieldProperties(
	operation: LogOperation,
	collectionName: string,
	extraOptions: INodeProperties[] = [],
): INodeProperties[] {
	const show = { show: { operation: [operation] } };
	const fields = fieldsOf(operation);
	const topLevel = fields
		.filter((field) => field.topLevel)
		.map((field) => ({
			...fieldProperty(field, operation),
			required: field.kind === 'logId',
			displayOptions: show,
		}));
	const collected = fields
		.filter((field) => !field.topLevel)
		.map((field) => fieldProperty(field, operation))
		.concat(extraOptions)
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
	return [
		...topLevel,
		{
			displayName: operation === 'add' ? 'Additional Fields' : 'Update Fields',
			name: collectionName,
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description:
				operation === 'add'
					? 'Further fields of the new log'
					: 'The fields to change; a field added here with an empty value is cleared in Neto',
			displayOptions: show,
			options: collected,
		},
	];
}
