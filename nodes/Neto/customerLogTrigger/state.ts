import type { IDataObject } from 'n8n-workflow';

/**
 * The trigger's memory, in the node's static data, which n8n saves with the workflow after a poll
 * that emits (and after the poll at activation; the durable scheduler after every scheduled poll).
 * It is only ever replaced whole, at the end of a poll that read everything it needed, so a poll
 * that fails part-way (or that n8n abandons) leaves the old state as it was and the next poll
 * catches up from there.
 */

const KEY = 'customerLogTrigger';
const VERSION = 1;

export interface TriggerState {
	version: number;
	/** The event and scope this state was recorded for (see TriggerSettings.stateKey). */
	key: string;
	/** Bumped at every commit: a poll that overlapped another one and lost the race emits nothing. */
	generation: number;
	/** When the last committed poll started (epoch ms, this machine's clock). */
	polledAt: number;
	/** When the last committed poll that read every customer started. */
	walkedAt: number;
	/** LogID → entry (fingerprint.ts). */
	logs: Record<string, string>;
	/** The mark of the last read of every customer that ended (LogEntry.mark); absent: false. */
	mark?: boolean;
	/** A read of every customer in progress, spread over polls (wholeRead.ts). */
	wholeRead?: WholeRead;
}

/** Where a read of every customer stands: the next poll goes on from here. */
export interface WholeRead {
	/** The next GetCustomer page to read. */
	page: number;
	/** When its first page was asked for: the moment the whole read stands for. */
	startedAt: number;
	/** The last customer of the last page read: a page that ends with it again was already read. */
	lastKey: string;
	/** Pages in a row that ended with lastKey: two end the read (a store that ignores Page). */
	stale: number;
	/** The first read, the baseline: nothing is emitted until it is whole. */
	baseline: boolean;
	/** The mark the entries it sees get (LogEntry.mark). */
	mark: boolean;
}

export interface LoadedState {
	/** Undefined when there is none yet, or it was kept for another event or scope. */
	state?: TriggerState;
	/** The generation a commit must still find to go through. */
	generation: number;
}

export function loadState(nodeData: IDataObject, key: string): LoadedState {
	const saved = nodeData[KEY] as TriggerState | undefined;
	const generation = typeof saved?.generation === 'number' ? saved.generation : 0;
	if (!saved || saved.version !== VERSION || saved.key !== key || typeof saved.logs !== 'object')
		return { generation };
	return { state: saved, generation };
}

/**
 * Replaces the saved state, unless another poll committed since this one loaded it (then this
 * poll's result is dropped and false returned: the other poll already emitted what it saw).
 */
export function commitState(
	nodeData: IDataObject,
	loaded: LoadedState,
	next: Omit<TriggerState, 'version' | 'generation'>,
): boolean {
	const current = nodeData[KEY] as TriggerState | undefined;
	const generation = typeof current?.generation === 'number' ? current.generation : 0;
	if (generation !== loaded.generation) return false;
	nodeData[KEY] = {
		version: VERSION,
		generation: generation + 1,
		...next,
	} as unknown as IDataObject;
	return true;
}
