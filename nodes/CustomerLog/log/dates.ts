import { DateTime } from 'luxon';

import type { Result } from '../failures';
import { fail, ok } from '../failures';

/** Neto's DateTime: `YYYY-MM-DD HH:MM:SS`, always UTC. */
const NETO_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const NETO_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const EPOCH_MILLISECONDS = /^-?\d+$/;

export const DATE_INPUT_HINT =
	'ISO 8601 such as 2026-05-01T10:30:00 (an offset is honoured; without one the workflow\'s timezone applies), ' +
	'epoch milliseconds, YYYY-MM-DD HH:MM:SS in UTC, or a date from an expression such as $now';

function isLuxonDateTime(value: unknown): value is { toMillis(): number } {
	// Duck-typed: a DateTime built by the expression engine's own copy of Luxon is still one.
	return DateTime.isDateTime(value as DateTime);
}

function isJsDate(value: unknown): value is Date {
	// Not `instanceof`: a Date made in the expression sandbox belongs to another realm.
	return Object.prototype.toString.call(value) === '[object Date]';
}

/** Text shaped like an ISO or Neto date, so that failing to read it means a day or time that does not exist. */
const DATE_SHAPED = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** The value as it was given, in words a user recognises (never a library's text). */
function given(value: unknown): string {
	if (typeof value === 'string') {
		const chars = [...value];
		return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value);
	}
	if (typeof value === 'number') return `the number ${String(value)}`;
	if (isLuxonDateTime(value)) return 'an invalid Luxon DateTime';
	if (isJsDate(value)) return 'an invalid JS Date';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`;
}

function readDate(value: unknown, timezone: string): DateTime | undefined {
	if (isLuxonDateTime(value)) return DateTime.fromMillis(value.toMillis(), { zone: 'utc' });
	if (isJsDate(value)) return DateTime.fromMillis(value.getTime(), { zone: 'utc' });
	if (typeof value === 'number') return Number.isFinite(value) ? DateTime.fromMillis(value, { zone: 'utc' }) : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (NETO_DATE_TIME.test(text)) return DateTime.fromFormat(text, NETO_FORMAT, { zone: 'utc' });
	if (EPOCH_MILLISECONDS.test(text)) return DateTime.fromMillis(Number(text), { zone: 'utc' });
	const iso = DateTime.fromISO(text, { zone: timezone });
	if (iso.isValid) return iso;
	// Also what JS Date#toString and HTTP headers print, as expressions sometimes hand those over.
	const rfc = DateTime.fromRFC2822(text, { zone: timezone });
	return rfc.isValid ? rfc : DateTime.fromHTTP(text, { zone: timezone });
}

/**
 * Turns any date an n8n user may pass into Neto's `YYYY-MM-DD HH:MM:SS` in UTC.
 * A value without an offset is read in `timezone` (the workflow's); Neto's own format is UTC.
 * A value that cannot be used fails with the reason, saying what was given and what is accepted
 * (the caller names the item and the field).
 */
export function toNetoDateTime(value: unknown, timezone: string): Result<string, string> {
	const date = readDate(value, timezone);
	if (date === undefined || !date.isValid) {
		const impossible = typeof value === 'string' && DATE_SHAPED.test(value.trim()) ? ': there is no such day or time' : '';
		return fail(`${given(value)} cannot be read as a date${impossible}. Use ${DATE_INPUT_HINT}`);
	}
	const utc = date.toUTC();
	if (utc.year < 1000 || utc.year > 9999) {
		return fail(`${given(value)} is outside the years 1000 to 9999 that Neto stores`);
	}
	return ok(utc.toFormat(NETO_FORMAT));
}

/** Neto's UTC `YYYY-MM-DD HH:MM:SS` (or a bare date) as ISO 8601, or null when it is not one. */
export function netoDateTimeToIso(value: string): string | null {
	const text = value.trim();
	const date = NETO_DATE_TIME.test(text)
		? DateTime.fromFormat(text, NETO_FORMAT, { zone: 'utc' })
		: DateTime.fromISO(text, { zone: 'utc' });
	return date.isValid ? date.toUTC().toISO() : null;
}
