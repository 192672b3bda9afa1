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

function fieldProperty(field: CustomerLogField, operation: LogOperation): INodeProperties {
	const common = {
		displayName: field.displayName,
		name: field.param,
		description: field.description,
		hint: limitHint(field, operation),
	};
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
				...(field.wire === 'Notes' ? { typeOptions: { rows: 4 } } : {}),
				...(field.kind === 'logId' ? { placeholder: 'e.g. 1042' } : {}),
			};
	}
}

/** The target (customer or log ID) up front, every other field in a collection. */
export function logFieldProperties(operation: LogOperation, collectionName: string): INodeProperties[] {
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
