import type { IDataObject } from 'n8n-workflow';

import type { NetoAnswer, NetoMessages } from '../answer';
import { netoDateTimeToIso, storedDay } from './dates';
import { CUSTOMER_LOG_FIELDS } from './fields';

/**
 * One shape for a customer log in output items, whichever operation produced it: Neto's field
 * names, `LogID` a number, the dates as Neto gives them, and under `iso` the same dates as ISO 8601
 * (UTC), so a downstream node reads a log the same way after Add, Update, Get or Get Many.
 */

/**
 * The dates a log may carry: the table's date and day fields, and GetCustomer's LastContactedUTC.
 * A day's `iso` is its midnight in UTC (the day as written, in ISO 8601's Z).
 */
const UTC_DATE_FIELDS = [
	...CUSTOMER_LOG_FIELDS.filter((field) => field.kind === 'dateTime' || field.kind === 'date').map(
		(field) => field.wire,
	),
	'LastContactedUTC',
];
const DAY_FIELDS = CUSTOMER_LOG_FIELDS.filter((field) => field.kind === 'date').map(
	(field) => field.wire,
);

/** A log as the store gave it, with each day field given back as its day, YYYY-MM-DD (storedDay). */
function withDays(log: IDataObject, timezone: string): IDataObject {
	const copy = { ...log };
	for (const name of DAY_FIELDS) {
		const value = log[name];
		if (typeof value !== 'string' || value === '') continue;
		const day = storedDay(value, timezone);
		if (day !== undefined) copy[name] = day;
	}
	return copy;
}

function isoDates(log: IDataObject): IDataObject {
	const iso: IDataObject = {};
	for (const name of UTC_DATE_FIELDS) {
		const value = log[name];
		if (typeof value === 'string' && value !== '') iso[name] = netoDateTimeToIso(value);
	}
	return iso;
}

/** Each item its own copy: the items of one batch share an answer, and nodes downstream may edit. */
export function copyMessages(messages: NetoMessages): NetoMessages {
	return {
		Error: messages.Error.map((message) => ({ ...message })),
		Warning: messages.Warning.map((message) => ({ ...message })),
	};
}

/** A log the node wrote (Add, Update): its LogID, the fields as sent, `iso`, and the store's Ack and Messages. */
export function writtenLogOutput(
	log: IDataObject,
	answer: NetoAnswer,
	logId?: number,
): IDataObject {
	return {
		...(logId === undefined ? {} : { LogID: logId }),
		...log,
		iso: isoDates(log),
		Ack: answer.Ack,
		Messages: copyMessages(answer.Messages),
	};
}

/**
 * A log read back through GetCustomer, with the customer it came in. Simplified: `LogID`,
 * `Username` and the log's fields, in the field table's order, and `iso`. Not simplified: everything
 * the store returned for the log, after the customer's `Username`, and `iso` (version 1's output).
 * Either way Follow-Up Required By is the day the store keeps (YYYY-MM-DD), whichever way it gives it.
 */
export function storedLogOutput(
	customer: IDataObject,
	stored: IDataObject,
	simplify: boolean,
	timezone: string,
): IDataObject {
	const log = withDays(stored, timezone);
	if (!simplify) return { Username: customer.Username, ...log, iso: isoDates(log) };
	const clean: IDataObject = {};
	for (const field of CUSTOMER_LOG_FIELDS) {
		const value = field.wire === 'Username' ? customer.Username : log[field.wire];
		if (value !== undefined) clean[field.wire] = value;
	}
	return { ...clean, iso: isoDates(clean) };
}

function isEmptyPart(name: string, value: unknown): boolean {
	if (name === 'iso')
		return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
	if (name !== 'Messages' || value === null || typeof value !== 'object') return false;
	const { Error: errors, Warning: warnings } = value as Partial<NetoMessages>;
	return (errors?.length ?? 0) === 0 && (warnings?.length ?? 0) === 0;
}

/**
 * An output item's json as a model reads it, when the node runs as an AI agent's tool: without the
 * parts that are empty (`iso` with no dates, `Messages` with no message), which tell it nothing.
 */
export function modelOutput(json: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(json).filter(([name, value]) => !isEmptyPart(name, value)),
	);
}
