import type { IDataObject } from 'n8n-workflow';

import type { Refusal, Result } from '../failures';
import { fail, ok } from '../failures';
import { toNetoDateTime, toNetoDay } from './dates';
import type { CustomerLogField, LogOperation } from './fields';
import {
	LOG_STATUSES,
	OPERATION_LABELS,
	fieldByWire,
	fieldsOf,
	isRequired,
	maxLengthOf,
} from './fields';

/** One customer log as it goes on the wire: Neto's element names, in the XSD's order. */
export type NetoLog = Record<string, string | number>;

type ValueResult = Result<string | number, Refusal>;

const LOG_ID = /^\d{1,10}$/;

export function excerpt(value: string, length = 40): string {
	const chars = [...value];
	return JSON.stringify(chars.length > length ? `${chars.slice(0, length).join('')}…` : value);
}

/**
 * The first character XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF, lone surrogates).
 * Neto converts JSON to XML, so neither format can send them.
 */
export function findCharacterNotInXml(text: string): { index: number; code: number } | undefined {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x20 && code < 0xd800) continue;
		if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
		if (code >= 0xd800 && code <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				index++;
				continue;
			}
			return { index, code };
		}
		if (code < 0x20 || (code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff)
			return { index, code };
	}
	return undefined;
}

function label(field: CustomerLogField): string {
	return `"${field.displayName}" (${field.wire})`;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function refuse(field: CustomerLogField, message: string): { ok: false; failure: Refusal } {
	return fail({ message: `${label(field)} ${message}`, field: field.wire });
}

function readText(field: CustomerLogField, operation: LogOperation, value: unknown): ValueResult {
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
		return refuse(field, `must be text; got ${describeValue(value)}`);
	}
	const text = String(value);
	const bad = findCharacterNotInXml(text);
	if (bad) {
		const code = bad.code.toString(16).toUpperCase().padStart(4, '0');
		return refuse(
			field,
			`holds the character U+${code} at position ${bad.index}, which Neto cannot store (XML 1.0 does not allow it)`,
		);
	}
	const max = maxLengthOf(field, operation);
	if (max !== null) {
		const length = [...text].length;
		if (length > max) {
			return refuse(
				field,
				`is ${length} characters long; ${OPERATION_LABELS[operation]} allows at most ${max}. Given: ${excerpt(text)}`,
			);
		}
	}
	return ok(text);
}

function readValue(
	field: CustomerLogField,
	operation: LogOperation,
	value: unknown,
	timezone: string,
): ValueResult {
	switch (field.kind) {
		case 'logId': {
			const text =
				typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
			if (!LOG_ID.test(text) || Number(text) === 0) {
				return refuse(
					field,
					`must be a positive whole number of at most 10 digits; got ${describeValue(value)}`,
				);
			}
			return ok(Number(text));
		}
		case 'status':
			if (!(LOG_STATUSES as readonly unknown[]).includes(value)) {
				return refuse(
					field,
					`must be one of ${LOG_STATUSES.map((s) => `"${s}"`).join(', ')}; got ${describeValue(value)}`,
				);
			}
			return ok(value as string);
		case 'dateTime': {
			const date = toNetoDateTime(value, timezone);
			return date.ok ? date : refuse(field, `cannot be used: ${date.failure}`);
		}
		case 'date': {
			const day = toNetoDay(value, timezone);
			return day.ok ? day : refuse(field, `cannot be used: ${day.failure}`);
		}
		default:
			return readText(field, operation, value);
	}
}

/** The log with one more field, in the XSD's order (which XML requests must follow). */
export function withField(
	log: NetoLog,
	operation: LogOperation,
	wire: string,
	value: string | number,
): NetoLog {
	const ordered: NetoLog = {};
	for (const field of fieldsOf(operation)) {
		const current = field.wire === wire ? value : log[field.wire];
		if (current !== undefined) ordered[field.wire] = current;
	}
	return ordered;
}

/** A Log ID as the node sends it, or why the value cannot be one (Get reads a log by it too). */
export function readLogId(value: unknown): Result<number, Refusal> {
	const field = fieldByWire('LogID');
	if (isEmpty(value)) return refuse(field, 'is required to get a customer log; it is empty');
	return readValue(field, 'update', value, 'UTC') as Result<number, Refusal>;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/**
 * Validates one item's parameters against the field table and returns the log to send, or the
 * first refusal. `values` maps parameter names to what n8n resolved. On Add an empty field is
 * left out; on Update a field the user added with an empty value is sent empty, which clears it.
 */
export function buildLog(
	operation: LogOperation,
	values: IDataObject,
	timezone: string,
): Result<NetoLog, Refusal> {
	const log: NetoLog = {};
	let changes = 0;
	for (const field of fieldsOf(operation)) {
		if (!(field.param in values)) continue;
		const value = values[field.param];
		if (isEmpty(value)) {
			if (operation === 'update' && !field.topLevel) {
				log[field.wire] = '';
				changes++;
			}
			continue;
		}
		const result = readValue(field, operation, value, timezone);
		if (!result.ok) return result;
		log[field.wire] = result.value;
		if (!field.topLevel) changes++;
	}
	// A customer given by email gets its username before sending (write/customerEmails.ts).
	const byEmail = typeof values.customerEmail === 'string' && values.customerEmail.trim() !== '';
	const missing = fieldsOf(operation).find(
		(field) =>
			isRequired(field, operation) &&
			log[field.wire] === undefined &&
			!(byEmail && field.wire === 'Username'),
	);
	if (missing)
		return refuse(
			missing,
			`is required to ${OPERATION_LABELS[operation].toLowerCase()} a customer log; it is empty`,
		);
	if (operation === 'update') {
		if (changes === 0) {
			const fields = fieldsOf(operation)
				.filter((field) => !field.topLevel)
				.map((field) => field.wire);
			return fail({
				message:
					values.autoMapped === true
						? `Nothing to update: the input item has no field to change besides the Log ID (Map Automatically reads ${fields.join(', ')}; a key with an empty value clears that field)`
						: 'Nothing to update: add at least one field under "Update Fields" (a field added with an empty value clears it)',
			});
		}
	}
	return ok(log);
}
