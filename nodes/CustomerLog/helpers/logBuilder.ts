import type { IDataObject } from 'n8n-workflow';

import { DateInputError, toNetoDateTime } from './dates';
import type { CustomerLogField, LogOperation } from './fields';
import { LOG_STATUSES, OPERATION_LABELS, fieldsOf, maxLengthOf } from './fields';

/** One customer log as it goes on the wire: Neto's element names, in the XSD's order. */
export type NetoLog = Record<string, string | number>;

/** A value the node refuses before sending; the caller adds the item index. */
export class LogFieldError extends Error {
	constructor(
		message: string,
		readonly field?: string,
	) {
		super(message);
	}
}

/** Characters XML 1.0 cannot carry; Neto converts JSON to XML, so neither format can send them. */
const NOT_IN_XML_1_0 =
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const LOG_ID = /^\d{1,10}$/;

export function excerpt(value: string, length = 40): string {
	const chars = [...value];
	return JSON.stringify(chars.length > length ? `${chars.slice(0, length).join('')}…` : value);
}

function label(field: CustomerLogField): string {
	return `"${field.displayName}" (${field.wire})`;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function readText(field: CustomerLogField, operation: LogOperation, value: unknown): string {
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
		throw new LogFieldError(`${label(field)} must be text; got ${describeValue(value)}`, field.wire);
	}
	const text = String(value);
	const bad = NOT_IN_XML_1_0.exec(text);
	if (bad) {
		const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
		throw new LogFieldError(
			`${label(field)} holds the character U+${code} at position ${bad.index}, which Neto cannot store (XML 1.0 does not allow it)`,
			field.wire,
		);
	}
	const max = maxLengthOf(field, operation);
	if (max !== null) {
		const length = [...text].length;
		if (length > max) {
			throw new LogFieldError(
				`${label(field)} is ${length} characters long; ${OPERATION_LABELS[operation]} allows at most ${max}. Given: ${excerpt(text)}`,
				field.wire,
			);
		}
	}
	return text;
}

function readLogId(field: CustomerLogField, value: unknown): number {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!LOG_ID.test(text) || Number(text) === 0) {
		throw new LogFieldError(
			`${label(field)} must be a positive whole number of at most 10 digits; got ${describeValue(value)}`,
			field.wire,
		);
	}
	return Number(text);
}

function readValue(field: CustomerLogField, operation: LogOperation, value: unknown, timezone: string) {
	switch (field.kind) {
		case 'logId':
			return readLogId(field, value);
		case 'status':
			if (!(LOG_STATUSES as readonly unknown[]).includes(value)) {
				throw new LogFieldError(
					`${label(field)} must be one of ${LOG_STATUSES.map((s) => `"${s}"`).join(', ')}; got ${describeValue(value)}`,
					field.wire,
				);
			}
			return value as string;
		case 'dateTime':
			try {
				return toNetoDateTime(value, timezone);
			} catch (error) {
				if (!(error instanceof DateInputError)) throw error;
				throw new LogFieldError(`${label(field)}: ${error.message}`, field.wire);
			}
		default:
			return readText(field, operation, value);
	}
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/**
 * Validates one item's parameters against the field table and returns the log to send.
 * `values` maps parameter names to what n8n resolved. On Add an empty field is left out; on
 * Update a field the user added with an empty value is sent empty, which clears it in Neto.
 */
export function buildLog(operation: LogOperation, values: IDataObject, timezone: string): NetoLog {
	const log: NetoLog = {};
	let changes = 0;
	for (const field of fieldsOf(operation)) {
		if (!(field.param in values)) continue;
		const value = values[field.param];
		if (isEmpty(value)) {
			if (field.kind === 'logId') continue;
			if (operation === 'update' && !field.topLevel) {
				log[field.wire] = '';
				changes++;
			}
			continue;
		}
		log[field.wire] = readValue(field, operation, value, timezone);
		if (!field.topLevel) changes++;
	}
	if (operation === 'update') {
		if (log.LogID === undefined) {
			throw new LogFieldError('"Log ID" (LogID) is required to update a customer log', 'LogID');
		}
		if (changes === 0) {
			throw new LogFieldError(
				'Nothing to update: add at least one field under "Update Fields" (a field added with an empty value clears it)',
			);
		}
	}
	return log;
}
