import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import type { CustomerQuery } from '../read/customers';
import { eachCustomer, logsOf } from '../read/customers';
import { requestControl } from '../settings/runSettings';
import { toNetoDateTime } from '../log/dates';
import type { ItemFailure, Result } from '../failures';
import { ok } from '../failures';
import { isOpenFollowUp } from '../log/fields';
import type { RequestControl } from '../transport';
import { decodeEntry, entryDue, entryStatus } from './fingerprint';
import type { TriggerSettings } from './settings';
import type { TriggerState } from './state';

/**
 * What a poll reads. Neto has no change feed, so: chosen customers are read whole every poll; for
 * every customer, a poll reads the customers updated since the previous poll (with an overlap),
 * and, every "Check Every Customer" hours, every customer. Every read goes through the transport,
 * so it waits for the account's rate limiter like the node's other requests.
 */

/**
 * How far before the previous poll the "updated since" read starts: covers a store clock that runs
 * behind this machine's and a customer saved while the previous poll was reading.
 */
export const UPDATED_OVERLAP_MS = 10 * 60_000;

export interface Observation {
	/** Username → every log of that customer, for each customer read. */
	customers: Map<string, IDataObject[]>;
	/** Every customer in scope was read: a log not seen is gone. */
	complete: boolean;
}

export function emptyObservation(): Observation {
	return { customers: new Map(), complete: false };
}

/** Notes a customer read whole: its username and every log. */
export function observe(into: Observation, customer: IDataObject): void {
	into.customers.set(String(customer.Username ?? ''), logsOf(customer));
}

/** A read's outcome: what it saw, or why it failed (the poll, n8n's edge, decides what a failure does). */
export type ReadResult<T> = Promise<Result<T, ItemFailure>>;

/** Reads the customers a query finds, every page, into an observation. */
export function readInto(
	this: IPollFunctions,
	query: Omit<CustomerQuery, 'withLogs'>,
	into: Observation,
	control: RequestControl,
): ReadResult<void> {
	return eachCustomer.call(
		this,
		{ ...query, withLogs: true },
		{ format: 'json', control },
		(customer) => observe(into, customer),
	);
}

/** Reads every customer in scope (a baseline, a full check, Fetch Test Event). */
export async function readWholeScope(
	this: IPollFunctions,
	settings: TriggerSettings,
): ReadResult<Observation> {
	const observation: Observation = { customers: new Map(), complete: true };
	const read = await readInto.call(
		this,
		settings.usernames ? { usernames: settings.usernames } : {},
		observation,
		requestControl({ timeLimitMs: settings.timeLimitMs }),
	);
	return read.ok ? ok(observation) : read;
}

/**
 * Usernames of customers whose logs came due since the previous poll by what the state holds, and
 * that this poll has not read: they are read so that Follow-Up Due fires on time even when nothing
 * else about the customer changed.
 */
function comingDue(
	state: TriggerState,
	read: Map<string, IDataObject[]>,
	now: number,
	timezone: string,
): string[] {
	const usernames = new Set<string>();
	for (const text of Object.values(state.logs)) {
		const entry = decodeEntry(text);
		const due = entryDue(entry, timezone);
		if (
			entry.fired ||
			!isOpenFollowUp(due, entryStatus(entry)) ||
			due <= state.polledAt ||
			due > now
		)
			continue;
		if (read.has(entry.username)) continue;
		usernames.add(entry.username);
	}
	return [...usernames];
}

/**
 * Reads what one scheduled poll needs, given the previous poll's state: chosen customers whole;
 * of every customer, those updated since the previous poll and those coming due (a read of every
 * customer is spread over polls: wholeRead.ts).
 */
export async function readChanges(
	this: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	now: number,
): ReadResult<Observation> {
	if (settings.usernames !== undefined) return await readWholeScope.call(this, settings);
	const control = requestControl({ timeLimitMs: settings.timeLimitMs });
	const observation = emptyObservation();
	const since = toNetoDateTime(state.polledAt - UPDATED_OVERLAP_MS, 'UTC');
	const updated = await readInto.call(
		this,
		{ updatedFrom: since.ok ? since.value : undefined },
		observation,
		control,
	);
	if (!updated.ok) return updated;
	if (settings.event === 'followUpDue') {
		const due = comingDue(state, observation.customers, now, settings.timezone);
		const dueRead =
			due.length > 0
				? await readInto.call(this, { usernames: due }, observation, control)
				: ok(undefined);
		if (!dueRead.ok) return dueRead;
	}
	return ok(observation);
}
