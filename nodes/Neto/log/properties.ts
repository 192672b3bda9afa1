import type { INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

import { DATE_INPUT_HINT, DAY_INPUT_HINT } from './dates';
import type { CustomerLogField, LogOperation } from './fields';
import { LOG_STATUSES, fieldsOf, isRequired, maxLengthOf } from './fields';

/** The UI parameters of Add and Update, made from the field table. */

/** Limits and formats only: what a control already shows (a dropdown's options) is not repeated. */
function limitHint(field: CustomerLogField, operation: LogOperation): string | undefined {
	switch (field.kind) {
		case 'dateTime':
			return `Sent to Neto as YYYY-MM-DD HH:MM:SS in UTC. Accepts ${DATE_INPUT_HINT}.`;
		case 'date':
			return `Sent to Neto as that day, YYYY-MM-DD 00:00:00. Accepts ${DAY_INPUT_HINT}.`;
		case 'status':
			return undefined;
		case 'logId':
			return 'A positive whole number, at most 10 digits';
		default: {
			const max = maxLengthOf(field, operation);
			return max === null ? 'No length limit' : `At most ${max} characters`;
		}
	}
}

type Display = INodeProperties['displayOptions'];

/** How a customer can be given: picked from the store's list, typed as a username, or as an email. */
export type CustomerMode = 'list' | 'username' | 'email';

/** The customer, picked from the store's list or typed; used by every operation. */
export function customerLocator(
	description: string,
	hint: string | undefined,
	displayOptions: Display,
	modes: CustomerMode[] = ['list', 'username'],
): INodeProperties {
	const locator: INodeProperties = {
		displayName: 'Customer',
		name: 'username',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		...(hint ? { hint } : {}),
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a customer...',
				typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
			},
			// Short labels: the editor's mode selector shows about 50 px of text (12 px Inter), so
			// "By Username" showed as "By Userr" and "Username" as "Usernan"; "From list" is 48 px.
			{
				displayName: 'By User',
				name: 'username',
				type: 'string',
				placeholder: 'username, e.g. jsmith',
			},
			{
				displayName: 'By Email',
				name: 'email',
				type: 'string',
				placeholder: 'e.g. jane.smith@example.com',
			},
		],
	};
	return {
		...locator,
		modes: locator.modes?.filter((mode) => modes.includes(mode.name as CustomerMode)),
	};
}

/** A customer locator's value as given: a list pick and a saved plain string count as a username. */
export function customerOf(value: unknown): { mode: CustomerMode; value: string } {
	if (value !== null && typeof value === 'object') {
		const locator = value as INodeParameterResourceLocator;
		return {
			mode: locator.mode === 'email' ? 'email' : 'username',
			value: String(locator.value ?? '').trim(),
		};
	}
	return { mode: 'username', value: String(value ?? '').trim() };
}

/** The log, picked from the chosen customer's logs or typed as its ID. */
export function logIdLocator(
	description: string,
	hint: string | undefined,
	displayOptions?: Display,
): INodeProperties {
	return {
		displayName: 'Log ID',
		name: 'logId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		...(hint ? { hint } : {}),
		...(displayOptions ? { displayOptions } : {}),
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
						properties: {
							regex: '^\\s*[0-9]{1,10}\\s*$',
							errorMessage: 'A Log ID is a whole number of at most 10 digits',
						},
					},
				],
			},
		],
	};
}

/**
 * n8n's usual Simplify switch, from node version 2 on (version 1 keeps the store's whole answer),
 * shown where `show` says (Get and Get Many's operation; everywhere in the trigger).
 */
export function simplifyProperty(show: Record<string, string[]> = {}): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 2 } }] } },
	};
}

function fieldProperty(field: CustomerLogField, operation: LogOperation): INodeProperties {
	const hint = limitHint(field, operation);
	const common = {
		displayName: field.displayName,
		name: field.param,
		description: field.description,
		...(hint ? { hint } : {}),
	};
	if (field.locator === 'customer')
		return customerLocator(field.description, hint, undefined, ['list', 'username', 'email']);
	if (field.locator === 'log') return logIdLocator(field.description, hint);
	switch (field.kind) {
		case 'dateTime':
		case 'date':
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
			required: isRequired(field, operation),
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
