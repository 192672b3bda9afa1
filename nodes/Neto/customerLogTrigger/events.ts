import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { fieldText, isOpenFollowUp } from '../log/fields';
import { changesSince, decodeEntry, dueAt, encodeEntry, sameDueDate } from './fingerprint';
import { eventItem } from './items';
import type { Observation } from './read';
import type { TriggerSettings } from './settings';

/**
 * Tells new, changed and due logs apart: compares what a poll read with the previous state, and
 * gives the events and the next state's entries.
 */

/** Due: its Follow-Up Required By day has begun in the workflow's timezone, and it is not Completed. */
export function isDue(log: IDataObject, now: number, timezone: string): boolean {
	const due = dueAt(fieldText(log, 'DateRequiredFollowUp'), timezone);
	return isOpenFollowUp(due, fieldText(log, 'Status')) && due <= now;
}

/**
 * The entries a baseline records, added to those it recorded at earlier polls (a customer read
 * again replaces its own): every log, and every due date already come counted as fired.
 */
export function baselineEntries(
	previous: Record<string, string>,
	observation: Observation,
	now: number,
	timezone: string,
	mark: boolean,
): Record<string, string> {
	const logs: Record<string, string> = { ...previous };
	dropGone(logs, new Set(), observation);
	for (const [username, customerLogs] of observation.customers) {
		for (const log of customerLogs) {
			const due = dueAt(fieldText(log, 'DateRequiredFollowUp'), timezone);
			logs[String(log.LogID)] = encodeEntry(log, username, due !== undefined && due <= now, mark);
		}
	}
	return logs;
}

/** Drops the logs not seen of the customers read whole (of every customer, when the read was complete). */
function dropGone(logs: Record<string, string>, seen: Set<string>, observation: Observation) {
	for (const id of Object.keys(logs)) {
		if (seen.has(id)) continue;
		if (observation.complete || observation.customers.has(decodeEntry(logs[id]).username))
			delete logs[id];
	}
}

/**
 * At the end of a read of every customer spread over polls: drops the logs no poll saw during it
 * (their customer is gone from the store), the ones whose entries lack the read's mark.
 */
export function dropUnmarked(logs: Record<string, string>, mark: boolean): void {
	for (const id of Object.keys(logs)) if (decodeEntry(logs[id]).mark !== mark) delete logs[id];
}

/**
 * The events and the next entries, from what a poll read. `mark`: the mark the entries it saw get
 * (the read of every customer in progress's, else the last one's).
 */
export function compare(
	settings: TriggerSettings,
	previous: Record<string, string>,
	observation: Observation,
	now: number,
	mark: boolean,
): { events: INodeExecutionData[]; logs: Record<string, string> } {
	const logs: Record<string, string> = { ...previous };
	const events: INodeExecutionData[] = [];
	const seen = new Set<string>();
	for (const [username, customerLogs] of observation.customers) {
		for (const log of customerLogs) {
			const id = String(log.LogID);
			seen.add(id);
			const known = previous[id] === undefined ? undefined : decodeEntry(previous[id]);
			const matches = settings.matches(log);
			if (!known) {
				if (settings.event === 'newLog' && matches)
					events.push(eventItem('newLog', settings, username, log));
			} else if (settings.event === 'logUpdated') {
				const changes = changesSince(known, log);
				if (changes.changedFields.length > 0 && matches)
					events.push(eventItem('logUpdated', settings, username, log, changes));
			}
			// Fired once per log and due date: a moved due date may fire again when it comes.
			let fired = known !== undefined && known.fired && sameDueDate(known, log);
			if (
				!fired &&
				settings.event === 'followUpDue' &&
				matches &&
				isDue(log, now, settings.timezone)
			) {
				events.push(eventItem('followUpDue', settings, username, log));
				fired = true;
			}
			logs[id] = encodeEntry(log, username, fired, mark);
		}
	}
	// A log no longer there: gone from a customer read whole, or from the store after a full read.
	dropGone(logs, seen, observation);
	return { events, logs };
}
