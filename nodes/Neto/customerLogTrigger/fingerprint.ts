import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { dayStartsAt, storedDay } from '../log/dates';
import { LOG_STATUSES, fieldText } from '../log/fields';

/**
 * What the trigger remembers of one log: a short string, never the whole log. Each field GetCustomer
 * returns becomes a token: its exact value when that is short (a status, a date, a short name), else
 * a 30-bit fingerprint. Tokens are kept exact in the order below while the entry stays within
 * MAX_ENTRY_CHARS, so every entry is bounded whatever the log holds.
 */

/**
 * The log fields GetCustomer returns (docs/neto-contract.md), most worth keeping exactly first.
 * Not derived from the field table (log/fields.ts): that table is what the node writes, this is
 * what a read returns (Customer, LastContactedUTC and LastContactedLocal only come back, LogID is
 * the key, Username, FollowUpType and CustomerName never come back on a log), and a token's position in a
 * saved trigger state is its index here, so this order is part of the state's format: a field is
 * added at the end, never inserted.
 */
export const TRACKED_FIELDS = [
	'Status',
	'DateRequiredFollowUp',
	'AllocatedTo',
	'LastContacted',
	'LastContactedUTC',
	'LastContactedLocal',
	'Customer',
	'Notes',
] as const;
const DUE = TRACKED_FIELDS.indexOf('DateRequiredFollowUp');
const STATUS = TRACKED_FIELDS.indexOf('Status');

/** With a 10-digit LogID as its key, an entry then takes at most 100 bytes of JSON (flags included). */
export const MAX_ENTRY_CHARS = 84;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
/** Printable ASCII but the separator and what JSON escapes: one byte each in the saved state. */
const PLAIN = /^[\x20-\x7e]*$/;
const SEPARATOR = '|';

export interface LogEntry {
	/** Follow-Up Due has fired for the due date this entry holds. */
	fired: boolean;
	/** The read of every customer it was last seen in (TriggerState.mark): one that ends without it saw the log gone. */
	mark: boolean;
	/** The customer the log was last seen under. */
	username: string;
	/** One per TRACKED_FIELDS. */
	tokens: string[];
}

/** Neto's `YYYY-MM-DD[ HH:MM:SS]` (UTC) as epoch milliseconds, or undefined (empty, 0000-00-00, not a date). */
export function utcInstant(text: string): number | undefined {
	const match = DATE_TIME.exec(text);
	if (!match) return undefined;
	const [y, mo, d, h = 0, mi = 0, s = 0] = match.slice(1).map((part) => Number(part ?? 0));
	const ms = Date.UTC(y, mo - 1, d, h, mi, s);
	const back = new Date(ms);
	const exact =
		y >= 1000 &&
		back.getUTCFullYear() === y &&
		back.getUTCMonth() === mo - 1 &&
		back.getUTCDate() === d &&
		back.getUTCHours() === h &&
		back.getUTCMinutes() === mi &&
		back.getUTCSeconds() === s;
	return exact ? ms : undefined;
}

function netoText(ms: number, withTime: boolean): string {
	const iso = new Date(ms).toISOString();
	return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(0, 10);
}

function digestToken(text: string): string {
	return text === '' ? '' : `#${createHash('sha256').update(text).digest('base64url').slice(0, 5)}`;
}

/** The token that gives the value back exactly, or undefined when the value has none. */
function exactToken(text: string): string | undefined {
	if (text === '') return '';
	const status = (LOG_STATUSES as readonly string[]).indexOf(text);
	if (status >= 0) return `!${status}`;
	const instant = utcInstant(text);
	if (instant !== undefined) {
		return text.length > 10
			? `t${(instant / 1000).toString(36)}`
			: `d${(instant / 86_400_000).toString(36)}`;
	}
	return PLAIN.test(text) && !text.includes(SEPARATOR) && !/["\\]/.test(text)
		? `=${text}`
		: undefined;
}

/** The value a token holds, or undefined when only its fingerprint was kept. */
export function tokenValue(token: string): string | undefined {
	const body = token.slice(1);
	switch (token[0]) {
		case undefined:
			return '';
		case '!':
			return LOG_STATUSES[Number(body)];
		case 't':
			return netoText(parseInt(body, 36) * 1000, true);
		case 'd':
			return netoText(parseInt(body, 36) * 86_400_000, false);
		case '=':
			return body;
		default:
			return undefined;
	}
}

/** Whether a token stands for this value (exactly, or by its fingerprint). */
export function tokenHolds(token: string, text: string): boolean {
	return token.startsWith('#') ? token === digestToken(text) : tokenValue(token) === text;
}

export function encodeEntry(
	log: IDataObject,
	username: string,
	fired: boolean,
	mark: boolean,
): string {
	const flags = `${fired ? '1' : ''}${mark ? 'w' : ''}`;
	const texts = TRACKED_FIELDS.map((field) => fieldText(log, field));
	const tokens = texts.map(digestToken);
	const length = () =>
		flags.length + 1 + username.length + tokens.reduce((sum, token) => sum + token.length + 1, 0);
	texts.forEach((text, index) => {
		const exact = exactToken(text);
		if (exact === undefined) return;
		const fingerprint = tokens[index];
		tokens[index] = exact;
		if (length() > MAX_ENTRY_CHARS) tokens[index] = fingerprint;
	});
	return [flags, ...tokens, username].join(SEPARATOR);
}

export function decodeEntry(entry: string): LogEntry {
	const parts = entry.split(SEPARATOR);
	const tokens = parts.slice(1, 1 + TRACKED_FIELDS.length);
	return {
		fired: parts[0].includes('1'),
		mark: parts[0].includes('w'),
		tokens,
		username: parts.slice(1 + TRACKED_FIELDS.length).join(SEPARATOR),
	};
}

/** The fields whose values differ from the entry's, with the earlier value where it was kept. */
export function changesSince(
	entry: LogEntry,
	log: IDataObject,
): { changedFields: string[]; previous: IDataObject } {
	const changedFields: string[] = [];
	const previous: IDataObject = {};
	TRACKED_FIELDS.forEach((field, index) => {
		if (tokenHolds(entry.tokens[index], fieldText(log, field))) return;
		changedFields.push(field);
		const before = tokenValue(entry.tokens[index]);
		if (before !== undefined) previous[field] = before;
	});
	return { changedFields, previous };
}

/**
 * When a stored Follow-Up Required By comes due, as epoch ms: when its day (storedDay) begins in
 * `timezone`, the workflow's. Undefined when it names no day.
 */
export function dueAt(text: string, timezone: string): number | undefined {
	const day = storedDay(text, timezone);
	return day === undefined ? undefined : dayStartsAt(day, timezone);
}

/** The entry's due moment (dueAt), when its due date is kept exactly and is a date. */
export function entryDue(entry: LogEntry, timezone: string): number | undefined {
	const text = tokenValue(entry.tokens[DUE]);
	return text === undefined ? undefined : dueAt(text, timezone);
}

export function entryStatus(entry: LogEntry): string | undefined {
	return tokenValue(entry.tokens[STATUS]);
}

export function sameDueDate(entry: LogEntry, log: IDataObject): boolean {
	return tokenHolds(entry.tokens[DUE], fieldText(log, 'DateRequiredFollowUp'));
}
