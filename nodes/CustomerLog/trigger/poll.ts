import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isOpenFollowUp } from '../log/fields';
import { baselineEntries, compare } from './events';
import { fieldText, utcInstant } from './fingerprint';
import { eventItem } from './items';
import { readChanges, readWholeScope } from './read';
import type { TriggerSettings } from './settings';
import { readSettings } from './settings';
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
			const open = isOpenFollowUp(utcInstant(fieldText(log, 'DateRequiredFollowUp')), fieldText(log, 'Status'));
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
			eventItem(settings.event, username, log, settings.event === 'logUpdated' ? { changedFields: [], previous: {} } : undefined),
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
