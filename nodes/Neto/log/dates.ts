import { DateTime } from 'luxon';

import type { Result } from '../failures';
import { fail, ok } from '../failures';

/** Neto's DateTime: `YYYY-MM-DD HH:MM:SS`, always UTC. */
const NETO_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const NETO_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const EPOCH_MILLISECONDS = /^-?\d+$/;

export const DATE_INPUT_HINT =
	"ISO 8601 such as 2026-05-01T10:30:00 (an offset is honoured; without one the workflow's timezone applies), " +
	'epoch milliseconds, YYYY-MM-DD HH:MM:SS in UTC, or a date from an expression such as $now';

function isLuxonDateTime(
	value: unknown,
): value is { toMillis(): number; zoneName?: string | null } {
	// Duck-typed: a DateTime built by the expression engine's own copy of Luxon is still one.
	return DateTime.isDateTime(value as DateTime);
}

function isJsDate(value: unknown): value is Date {
	// Not `instanceof`: a Date made in the expression sandbox belongs to another realm.
	return Object.prototype.toString.call(value) === '[object Date]';
}

/** Text shaped like an ISO or Neto date, so that failing to read it means a day or time that does not exist. */
const DATE_SHAPED =
	/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

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
	if (typeof value === 'number')
		return Number.isFinite(value) ? DateTime.fromMillis(value, { zone: 'utc' }) : undefined;
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
		const impossible =
			typeof value === 'string' && DATE_SHAPED.test(value.trim())
				? ': there is no such day or time'
				: '';
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

// ---- Follow-Up Required By: a calendar day ----

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The calendar day a value names, as written: a date alone is that day; a text with an offset
 * (ISO 8601's, or Neto's own format, which is UTC) is the day in that offset; a Luxon DateTime the
 * day in its own zone; a text without an offset, a JS Date or epoch milliseconds the day in
 * `timezone` (the workflow's).
 */
function readDay(value: unknown, timezone: string): DateTime | undefined {
	if (isLuxonDateTime(value))
		return DateTime.fromMillis(value.toMillis(), { zone: value.zoneName ?? timezone });
	if (isJsDate(value)) return DateTime.fromMillis(value.getTime(), { zone: timezone });
	if (typeof value === 'number')
		return Number.isFinite(value) ? DateTime.fromMillis(value, { zone: timezone }) : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (ISO_DAY.test(text)) return DateTime.fromISO(text, { zone: 'utc' });
	if (NETO_DATE_TIME.test(text)) return DateTime.fromFormat(text, NETO_FORMAT, { zone: 'utc' });
	if (EPOCH_MILLISECONDS.test(text)) return DateTime.fromMillis(Number(text), { zone: timezone });
	const iso = DateTime.fromISO(text, { zone: timezone, setZone: true });
	if (iso.isValid) return iso;
	const rfc = DateTime.fromRFC2822(text, { zone: timezone, setZone: true });
	return rfc.isValid ? rfc : DateTime.fromHTTP(text, { zone: timezone, setZone: true });
}

/**
 * Follow-Up Required By as Neto's DateTime: the day the value names (readDay), at 00:00:00. A store
 * that keeps the date keeps that day; one that keeps the UTC time and shows it in the shop's zone
 * shows that day in every zone from UTC to UTC+14, Neto's merchants' among them (docs/neto-contract.md).
 */
export function toNetoDay(value: unknown, timezone: string): Result<string, string> {
	const day = readDay(value, timezone);
	if (day === undefined || !day.isValid) {
		const impossible =
			typeof value === 'string' && DATE_SHAPED.test(value.trim()) ? ': there is no such day' : '';
		return fail(`${given(value)} cannot be read as a day${impossible}. Use ${DAY_INPUT_HINT}`);
	}
	if (day.year < 1000 || day.year > 9999)
		return fail(`${given(value)} is outside the years 1000 to 9999 that Neto stores`);
	return ok(`${day.toISODate() as string} 00:00:00`);
}

export const DAY_INPUT_HINT =
	"a date such as 2026-12-15, or any date and time (its day as written: in its own offset when it has one, else in the workflow's timezone)";

/**
 * The day a stored Follow-Up Required By names, as `YYYY-MM-DD`, or undefined (empty, 0000-00-00,
 * not a date). GetCustomer documents a Date; a store that gives a DateTime (UTC) instead gives the
 * day itself when its time is 00:00:00 (a day written as this node writes one), else an instant,
 * whose day is the one in `timezone` (the workflow's).
 */
export function storedDay(text: string, timezone: string): string | undefined {
	const trimmed = text.trim();
	if (ISO_DAY.test(trimmed)) {
		const day = DateTime.fromISO(trimmed, { zone: 'utc' });
		return day.isValid && day.year >= 1000 ? trimmed : undefined;
	}
	if (!NETO_DATE_TIME.test(trimmed)) return undefined;
	const instant = DateTime.fromFormat(trimmed, NETO_FORMAT, { zone: 'utc' });
	if (!instant.isValid || instant.year < 1000) return undefined;
	return trimmed.endsWith(' 00:00:00')
		? trimmed.slice(0, 10)
		: (instant.setZone(timezone).toISODate() ?? undefined);
}

/** When a day begins in `timezone`, as epoch milliseconds. */
export function dayStartsAt(day: string, timezone: string): number {
	return DateTime.fromISO(day, { zone: timezone }).startOf('day').toMillis();
}
