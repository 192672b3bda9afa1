import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isOpenFollowUp } from '../log/fields';
import { baselineEntries, compare, isDue } from './events';
import { fieldText, utcInstant } from './fingerprint';
import { eventItem } from './items';
import { readChanges, readWholeScope } from './read';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import { commitState, loadState } from './state';

/** How many logs Fetch Test Event returns. */
const SAMPLE_SIZE = 3;

type Candidate = { username: string; log: IDataObject };

const dueOf = ({ log }: Candidate) => utcInstant(fieldText(log, 'DateRequiredFollowUp')) ?? 0;
const byNewestLog = (a: Candidate, b: Candidate) => Number(b.log.LogID) - Number(a.log.LogID);

/**
 * Fetch Test Event for Follow-Up Due: the logs that are due now, as the event would report them
 * (most recently due first). None due: an error that says so and names the next one to come due,
 * never an upcoming log dressed as a due one.
 */
function dueNow(this: IPollFunctions, candidates: Candidate[], now: number): Candidate[] {
	const due = candidates.filter(({ log }) => isDue(log, now));
	if (due.length > 0) return due.sort((a, b) => dueOf(b) - dueOf(a) || byNewestLog(a, b));
	// None is due: every open log with a due date comes due later.
	const upcoming = candidates
		.filter(({ log }) => isOpenFollowUp(utcInstant(fieldText(log, 'DateRequiredFollowUp')), fieldText(log, 'Status')))
		.sort((a, b) => dueOf(a) - dueOf(b) || byNewestLog(b, a));
	const next = upcoming[0];
	throw new NodeOperationError(this.getNode(), 'No customer log in scope is due now', {
		description: next
			? `The next one comes due on ${fieldText(next.log, 'DateRequiredFollowUp')} (Log ID ${String(next.log.LogID)}, customer ${next.username}). ` +
				'Fetch Test Event returns only logs that are due now, as the trigger reports them.'
			: 'No open log in scope that passes the filters has a Follow-Up Required By date.',
	});
}

/**
 * Fetch Test Event: the newest few logs in scope that pass the filters, newest by LogID; for
 * Follow-Up Due, the logs due now (dueNow). Reads, and leaves the state alone.
 */
async function sample(this: IPollFunctions, settings: TriggerSettings): Promise<INodeExecutionData[]> {
	const observation = await readWholeScope.call(this, settings);
	const candidates: Candidate[] = [];
	for (const [username, logs] of observation.customers) {
		for (const log of logs) if (settings.matches(log)) candidates.push({ username, log });
	}
	const chosen = settings.event === 'followUpDue' ? dueNow.call(this, candidates, Date.now()) : candidates.sort(byNewestLog);
	if (chosen.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No customer log in scope matches the event and filters', {
			description: 'Add a log in Neto (or widen the filters) to see what this trigger outputs.',
		});
	}
	return chosen
		.slice(0, SAMPLE_SIZE)
		.map(({ username, log }) =>
			eventItem(settings.event, settings.simplify, username, log, settings.event === 'logUpdated' ? { changedFields: [], previous: {} } : undefined),
		);
}

/**
 * One poll. The first records a baseline and emits nothing. Later ones read (read.ts), compare with
 * the state (events.ts), and only when every read succeeded replace the state and emit: a read
 * that fails throws before anything changed, so the next poll sees the same state and emits what
 * this one would have, once.
 */
export async function pollCustomerLogs(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	if (this.getMode() === 'manual') return [await sample.call(this, settings)];
	const nodeData = this.getWorkflowStaticData('node');
	const loaded = loadState(nodeData, settings.stateKey);
	const now = Date.now();
	const previous = loaded.state;
	if (!previous) {
		const observation = await readWholeScope.call(this, settings);
		commitState(nodeData, loaded, { key: settings.stateKey, polledAt: now, walkedAt: now, logs: baselineEntries(observation, now) });
		return null;
	}
	const { observation, walked } = await readChanges.call(this, settings, previous, now);
	const { events, logs } = compare(settings, previous.logs, observation, now);
	const committed = commitState(nodeData, loaded, {
		key: settings.stateKey,
		polledAt: now,
		walkedAt: walked ? now : previous.walkedAt,
		logs,
	});
	return committed && events.length > 0 ? [events] : null;
}
