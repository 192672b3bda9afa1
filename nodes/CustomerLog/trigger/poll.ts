import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isOpenFollowUp } from '../log/fields';
import { baselineEntries, compare } from './events';
import { dueAt, fieldText } from './fingerprint';
import { eventItem } from './items';
import { readChanges, readWholeScope } from './read';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
import type { LoadedState } from './state';
import { commitState, loadState } from './state';

/** How many logs Fetch Test Event returns. */
const SAMPLE_SIZE = 3;

/**
 * Fetch Test Event: the newest few logs in scope that pass the filters (for Follow-Up Due, those
 * with a due date and not Completed), newest by LogID. Reads, and leaves the state alone.
 */
async function sample(this: IPollFunctions, settings: TriggerSettings): Promise<INodeExecutionData[]> {
	const observation = await readWholeScope.call(this, settings);
	const candidates: Array<{ username: string; log: IDataObject }> = [];
	for (const [username, logs] of observation.customers) {
		for (const log of logs) {
			if (!settings.matches(log)) continue;
			const open = isOpenFollowUp(dueAt(fieldText(log, 'DateRequiredFollowUp'), settings.timezone), fieldText(log, 'Status'));
			if (settings.event === 'followUpDue' && !open) continue;
			candidates.push({ username, log });
		}
	}
	if (candidates.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No customer log in scope matches the event and filters', {
			description: 'Add a log in Neto (or widen the filters) to see what this trigger outputs.',
		});
	}
	return candidates
		.sort((a, b) => Number(b.log.LogID) - Number(a.log.LogID))
		.slice(0, SAMPLE_SIZE)
		.map(({ username, log }) =>
			eventItem(settings.event, username, log, settings.timezone, settings.event === 'logUpdated' ? { changedFields: [], previous: {} } : undefined),
		);
}

/**
 * The poll contexts that have polled. n8n makes one context when it activates a workflow (at
 * publish, and again when n8n starts) and polls through it at activation and at every scheduled
 * poll after; a context not in here is polling for its activation.
 */
const polledContexts = new WeakSet<IPollFunctions>();

/** Why the store could not be used for now, when that is why a poll failed (transport's `storeUnavailable`). */
function storeUnavailable(error: unknown): string | undefined {
	const context = (error as { context?: { storeUnavailable?: unknown } } | undefined)?.context;
	return typeof context?.storeUnavailable === 'string' ? context.storeUnavailable : undefined;
}

/**
 * One poll; see scheduledPoll. n8n deactivates a workflow for good when the poll at its activation
 * throws, so that poll throws only for what the user must fix (a refused key, a bad setting, a
 * Store URL whose name is not found by a trigger that never read it): when the store is down,
 * answers 5xx or 429, or the network fails, it reports the failure as a failed poll (n8n records
 * it and runs the error workflow) and returns nothing, and the workflow stays active. The state is
 * untouched, so the first poll that gets an answer catches up on everything since the last one
 * that did, once.
 */
export async function pollCustomerLogs(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	if (this.getMode() === 'manual') return [await sample.call(this, settings)];
	const activating = !polledContexts.has(this);
	polledContexts.add(this);
	const nodeData = this.getWorkflowStaticData('node');
	const loaded = loadState(nodeData, settings.stateKey);
	const polled = await scheduledPoll.call(this, settings, nodeData, loaded).then(
		(emitted) => ({ emitted }),
		(error: Error) => ({ error }),
	);
	if ('emitted' in polled) return polled.emitted;
	const unavailable = storeUnavailable(polled.error);
	// A name not found before the trigger ever read the store is more likely a mistyped Store URL.
	const transient = unavailable !== undefined && (unavailable !== 'nameNotFound' || loaded.state !== undefined);
	if (activating && transient) {
		this.__emitError(polled.error);
		return null;
	}
	throw polled.error;
}

/**
 * A poll with no state yet records a baseline and emits nothing. Later ones read (read.ts), compare
 * with the state (events.ts), and only when every read succeeded replace the state and emit: a
 * read that fails throws before anything changed, so the next poll sees the same state and emits
 * what this one would have, once.
 */
async function scheduledPoll(
	this: IPollFunctions,
	settings: TriggerSettings,
	nodeData: IDataObject,
	loaded: LoadedState,
): Promise<INodeExecutionData[][] | null> {
	const now = Date.now();
	const previous = loaded.state;
	if (!previous) {
		const observation = await readWholeScope.call(this, settings);
		commitState(nodeData, loaded, { key: settings.stateKey, polledAt: now, walkedAt: now, logs: baselineEntries(observation, now, settings.timezone) });
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
