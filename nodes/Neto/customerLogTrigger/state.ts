import type { IDataObject } from 'n8n-workflow';

/**
 * The trigger's memory, in the node's static data, which n8n saves with the workflow after a poll
 * that emits (and after the poll at activation). It is only ever replaced whole, at the end of a
 * poll that read everything it needed, so a poll that fails part-way leaves the old state as it
 * was and the next poll catches up from there.
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
