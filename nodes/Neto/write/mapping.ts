import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { appendWindowNotice, notesModeOption } from './append/append.description';
import type { LogOperation } from '../log/fields';
import { CUSTOMER_LOG_FIELDS, fieldsOf } from '../log/fields';
import type { BatchSteps } from './batches';
import { writeLogs } from './batches';

/**
 * "Map Automatically" for Add and Update, as n8n's database nodes offer it: each Neto field is
 * read from the input item's JSON key of the same Neto name. No parameter is evaluated per item
 * (in real n8n each evaluation costs far more than the node's own work); the values go through
 * the same validation as the parameters do. Which keys mean what comes from the field table.
 */

export type MappingMode = 'defineBelow' | 'autoMapInputData';

/** The customer's Neto name: a field on Add, and on Update the customer to append through. */
const USERNAME = CUSTOMER_LOG_FIELDS.find(
	(field) => field.locator === 'customer',
) as (typeof CUSTOMER_LOG_FIELDS)[number];

/** Neto name → parameter name, of every key Map Automatically reads for an operation. */
function keysRead(operation: LogOperation): Map<string, string> {
	const keys = new Map(fieldsOf(operation).map((field) => [field.wire, field.param]));
	keys.set(USERNAME.wire, USERNAME.param);
	return keys;
}

const KEYS_READ: Record<LogOperation, Map<string, string>> = {
	add: keysRead('add'),
	update: keysRead('update'),
};

/** How many ignored keys the hint names before it says "and N more". */
const IGNORED_KEYS_SHOWN = 20;

/** The agent's tool input, when the node runs as an AI tool: one log as one JSON object. */
const TOOL_LOG = 'log';

function mappingModeProperty(operation: LogOperation): INodeProperties {
	return {
		displayName: 'Mapping Mode',
		name: 'mappingMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Define Below',
				value: 'defineBelow',
				description: 'Set each field below, with values or expressions',
			},
			{
				name: 'Map Automatically',
				value: 'autoMapInputData',
				description: `Each field from the input item's key of the same Neto name: ${[...KEYS_READ[operation].keys()].join(', ')}. Other keys are ignored.`,
			},
		],
		default: 'defineBelow',
		displayOptions: { show: { operation: [operation] } },
	};
}

function toolLogProperty(operation: LogOperation): INodeProperties {
	const names = [...KEYS_READ[operation].keys()].join(', ');
	return {
		displayName: 'Log',
		name: TOOL_LOG,
		type: 'json',
		default: `={{ $fromAI('${TOOL_LOG}', 'One customer log as a JSON object with these keys: ${names}', 'json') }}`,
		description: "The log the agent passes, as one JSON object with Neto's field names",
		displayOptions: {
			show: { '@tool': [true], operation: [operation], mappingMode: ['autoMapInputData'] },
		},
	};
}

/** The same Notes Mode as under Update Fields, here read once for the whole run. */
const autoMapNotesMode: INodeProperties = {
	...notesModeOption,
	displayOptions: { show: { operation: ['update'], mappingMode: ['autoMapInputData'] } },
};

function onlyWhenDefinedBelow(property: INodeProperties): INodeProperties {
	const show = property.displayOptions?.show ?? {};
	return {
		...property,
		displayOptions: { ...property.displayOptions, show: { ...show, mappingMode: ['defineBelow'] } },
	};
}

/** An operation's parameters with the Mapping Mode switch before them; `defineBelow` hides in the other mode. */
export function withMappingMode(
	operation: LogOperation,
	defineBelow: INodeProperties[],
): INodeProperties[] {
	return [
		mappingModeProperty(operation),
		...defineBelow.map(onlyWhenDefinedBelow),
		toolLogProperty(operation),
		...(operation === 'update'
			? [
					autoMapNotesMode,
					appendWindowNotice({
						operation: ['update'],
						mappingMode: ['autoMapInputData'],
						notesMode: ['append'],
					}),
				]
			: []),
	];
}

function asObject(value: unknown): IDataObject | undefined {
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

interface AutoMapping {
	readValues: (itemIndex: number) => IDataObject;
	ignoredKeys: Set<string>;
}

function autoMapping(
	context: IExecuteFunctions,
	operation: LogOperation,
	items: INodeExecutionData[],
): AutoMapping {
	const keys = KEYS_READ[operation];
	const ignoredKeys = new Set<string>();
	// autoMapped: refusals then speak of the input item's keys, not of parameters on screen.
	const settings: IDataObject =
		operation === 'update'
			? { notesMode: context.getNodeParameter('notesMode', 0, 'replace'), autoMapped: true }
			: { autoMapped: true };
	// Only an AI tool has this parameter (its default is the agent's input); elsewhere it is absent.
	const fromAgent = context.getNodeParameter(TOOL_LOG, 0, '') !== '';
	const sourceOf = (itemIndex: number): IDataObject | undefined =>
		fromAgent ? asObject(context.getNodeParameter(TOOL_LOG, itemIndex, '')) : items[itemIndex].json;
	return {
		ignoredKeys,
		readValues: (itemIndex) => {
			const values: IDataObject = { ...settings };
			const source = sourceOf(itemIndex) ?? {};
			for (const key of Object.keys(source)) {
				const param = keys.get(key);
				if (param === undefined) ignoredKeys.add(key);
				else values[param] = source[key];
			}
			return values;
		},
	};
}

function reportIgnoredKeys(context: IExecuteFunctions, ignoredKeys: Set<string>): void {
	if (ignoredKeys.size === 0) return;
	const names = [...ignoredKeys].slice(0, IGNORED_KEYS_SHOWN).join(', ');
	const more =
		ignoredKeys.size > IGNORED_KEYS_SHOWN
			? ` and ${ignoredKeys.size - IGNORED_KEYS_SHOWN} more`
			: '';
	const message = `Map Automatically ignored input keys that are not Neto fields: ${names}${more}`;
	// addExecutionHints is in n8n-workflow 1.7x and later; older n8n gets the same line in its log.
	if (typeof context.addExecutionHints === 'function') {
		context.addExecutionHints({ message, type: 'info', location: 'outputPane' });
	} else {
		context.logger.warn(message);
	}
}

/**
 * Add's and Update's execute: writeLogs with the item's values read as the Mapping Mode says,
 * `defineBelow` reading the parameters, or Map Automatically reading the item's JSON.
 */
export async function writeMappedLogs(
	this: IExecuteFunctions,
	operation: LogOperation,
	readParameters: (itemIndex: number) => IDataObject,
	steps?: BatchSteps,
): Promise<INodeExecutionData[][]> {
	const mode = this.getNodeParameter('mappingMode', 0, 'defineBelow') as MappingMode;
	if (mode !== 'autoMapInputData')
		return await writeLogs.call(this, operation, readParameters, steps);
	const mapping = autoMapping(this, operation, this.getInputData());
	try {
		return await writeLogs.call(this, operation, mapping.readValues, steps);
	} finally {
		reportIgnoredKeys(this, mapping.ignoredKeys);
	}
}
