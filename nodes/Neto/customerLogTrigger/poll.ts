import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemFailure, Result } from '../failures';
import { ok } from '../failures';
import { readFailureError } from '../itemErrors';
import { storedDay } from '../log/dates';
import { fieldText, isOpenFollowUp } from '../log/fields';
import { baselineEntries, compare, dropUnmarked, isDue } from './events';
import { dueAt } from './fingerprint';
import { eventItem } from './items';
import type { Observation, ReadResult } from './read';
import { emptyObservation, readChanges, readWholeScope } from './read';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import type { LoadedState, WholeRead } from './state';
import { commitState, loadState } from './state';
import { readShare, startWholeRead } from './wholeRead';
import { requestControl } from '../settings/runSettings';

/** How many logs Fetch Test Event returns. */
const SAMPLE_SIZE = 3;

type Candidate = { username: string; log: IDataObject };

/** When a candidate's Follow-Up Required By day begins in the workflow's timezone (0 for none). */
const dueOf = ({ log }: Candidate, timezone: string) =>
	dueAt(fieldText(log, 'DateRequiredFollowUp'), timezone) ?? 0;
const byNewestLog = (a: Candidate, b: Candidate) => Number(b.log.LogID) - Number(a.log.LogID);

/**
 * Fetch Test Event for Follow-Up Due: the logs that are due now, as the event would report them
 * (most recently due first). None due: an error that says so and names the next one to come due,
 * never an upcoming log dressed as a due one.
 */
function dueNow(
	this: IPollFunctions,
	candidates: Candidate[],
	now: number,
	timezone: string,
): Candidate[] {
	const due = candidates.filter(({ log }) => isDue(log, now, timezone));
	if (due.length > 0)
		return due.sort((a, b) => dueOf(b, timezone) - dueOf(a, timezone) || byNewestLog(a, b));
	// None is due: every open log with a due date comes due later.
	const upcoming = candidates
		.filter(({ log }) =>
			isOpenFollowUp(
				dueAt(fieldText(log, 'DateRequiredFollowUp'), timezone),
				fieldText(log, 'Status'),
			),
		)
		.sort((a, b) => dueOf(a, timezone) - dueOf(b, timezone) || byNewestLog(b, a));
	const next = upcoming[0];
	throw new NodeOperationError(this.getNode(), 'No customer log in scope is due now', {
		description: next
			? `The next one comes due on ${storedDay(fieldText(next.log, 'DateRequiredFollowUp'), timezone) ?? ''} (Log ID ${String(next.log.LogID)}, customer ${next.username}). ` +
				'Fetch Test Event returns only logs that are due now, as the trigger reports them.'
			: 'No open log in scope that passes the filters has a Follow-Up Required By date.',
	});
}

/**
 * Fetch Test Event: the newest few logs in scope that pass the filters, newest by LogID; for
 * Follow-Up Due, the logs due now (dueNow). Reads, and leaves the state alone.
 */
async function sample(
	this: IPollFunctions,
	settings: TriggerSettings,
): Promise<INodeExecutionData[]> {
	const read = await readWholeScope.call(this, settings);
	if (!read.ok) throw readFailureError(this.getNode(), read.failure);
	const candidates: Candidate[] = [];
	for (const [username, logs] of read.value.customers) {
		for (const log of logs) if (settings.matches(log)) candidates.push({ username, log });
	}
	const chosen =
		settings.event === 'followUpDue'
			? dueNow.call(this, candidates, Date.now(), settings.timezone)
			: candidates.sort(byNewestLog);
	if (chosen.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'No customer log in scope matches the event and filters',
			{
				description: 'Add a log in Neto (or widen the filters) to see what this trigger outputs.',
			},
		);
	}
	return chosen
		.slice(0, SAMPLE_SIZE)
		.map(({ username, log }) =>
			eventItem(
				settings.event,
				settings,
				username,
				log,
				settings.event === 'logUpdated' ? { changedFields: [], previous: {} } : undefined,
			),
		);
}

/**
 * The poll contexts that have polled. n8n makes one context when it activates a workflow (at
 * publish, and again when n8n starts) and polls through it at activation and at every scheduled
 * poll after; a context not in here is polling for its activation.
 */
const polledContexts = new WeakSet<IPollFunctions>();

/**
 * One poll; see scheduledPoll. n8n deactivates a workflow for good when the poll at its activation
 * throws, so that poll throws only for what the user must fix (a refused key, a bad setting, a
 * Store URL whose name is not found by a trigger that never read it): when the store is down,
 * answers 5xx or 429, or the network fails, it reports the failure as a failed poll (n8n records
 * it and runs the error workflow) and returns nothing, and the workflow stays active. The state is
 * untouched, so the first poll that gets an answer catches up on everything since the last one
 * that did, once.
 */
export async function pollCustomerLogs(
	this: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	if (this.getMode() === 'manual') return [await sample.call(this, settings)];
	const activating = !polledContexts.has(this);
	polledContexts.add(this);
	const nodeData = this.getWorkflowStaticData('node');
	const loaded = loadState(nodeData, settings.stateKey);
	const polled = await scheduledPoll.call(this, settings, nodeData, loaded);
	if (polled.ok) return polled.value;
	const { failure } = polled;
	const unavailable = failure.kind === 'failed' ? failure.unavailable : undefined;
	// A name not found before the trigger ever read the store is more likely a mistyped Store URL.
	const transient =
		unavailable !== undefined && (unavailable !== 'nameNotFound' || loaded.state !== undefined);
	const error = readFailureError(this.getNode(), failure);
	if (activating && transient) {
		this.__emitError(error);
		return null;
	}
	throw error;
}

/**
 * A poll with no state yet starts a baseline and emits nothing until it is whole. Later ones read
 * (read.ts, and their share of a read of every customer in progress: wholeRead.ts), compare with
 * the state (events.ts), and only when every read succeeded replace the state and emit: a read
 * that fails returns its failure before anything changed, so the next poll sees the same state
 * and emits what this one would have, once.
 */
async function scheduledPoll(
	this: IPollFunctions,
	settings: TriggerSettings,
	nodeData: IDataObject,
	loaded: LoadedState,
): Promise<Result<INodeExecutionData[][] | null, ItemFailure>> {
	const now = Date.now();
	const deadline = now + settings.pollLimitMs;
	const previous = loaded.state;
	const mark = previous?.mark ?? false;
	// Chosen customers are few: read whole at every poll, the baseline in one.
	const whole =
		previous?.wholeRead ??
		(settings.usernames
			? undefined
			: !previous
				? startWholeRead(now, true, mark)
				: now - previous.walkedAt >= settings.fullCheckMs
					? startWholeRead(now, false, !mark)
					: undefined);
	if (!previous || whole?.baseline) {
		const read = await baselineRead.call(this, settings, whole, deadline);
		if (!read.ok) return read;
		const { observation, next } = read.value;
		commitState(nodeData, loaded, {
			key: settings.stateKey,
			// A whole read stands for the moment it began: what changed since is read as changes.
			polledAt: whole?.startedAt ?? now,
			walkedAt: whole?.startedAt ?? now,
			logs: baselineEntries(previous?.logs ?? {}, observation, now, settings.timezone, mark),
			mark,
			wholeRead: next,
		});
		return ok(null);
	}
	const changes = await readChanges.call(this, settings, previous, now);
	if (!changes.ok) return changes;
	const share =
		whole &&
		(await readShare.call(this, whole, shareControl(settings, deadline), changes.value, false));
	if (share && !share.ok) return share;
	const next = share?.value.next;
	const ended = whole !== undefined && next === undefined;
	const { events, logs } = compare(
		settings,
		previous.logs,
		changes.value,
		now,
		whole?.mark ?? mark,
	);
	if (ended) dropUnmarked(logs, whole.mark);
	const committed = commitState(nodeData, loaded, {
		key: settings.stateKey,
		polledAt: now,
		walkedAt: ended ? whole.startedAt : previous.walkedAt,
		logs,
		mark: ended ? whole.mark : mark,
		wholeRead: next,
	});
	return ok(committed && events.length > 0 ? [events] : null);
}

/** A share's requests: the trigger's Request Time Limit, none started or waited on past the poll's deadline. */
function shareControl(settings: TriggerSettings, deadline: number) {
	return { ...requestControl({ timeLimitMs: settings.timeLimitMs }), notAfter: deadline };
}

/** A baseline's read: this poll's share of every customer, or the chosen customers whole. */
async function baselineRead(
	this: IPollFunctions,
	settings: TriggerSettings,
	whole: WholeRead | undefined,
	deadline: number,
): ReadResult<{ observation: Observation; next?: WholeRead }> {
	if (whole)
		return await readShare.call(
			this,
			whole,
			shareControl(settings, deadline),
			emptyObservation(),
			true,
		);
	const read = await readWholeScope.call(this, settings);
	return read.ok ? ok({ observation: read.value }) : read;
}
