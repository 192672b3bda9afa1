import type { IDataObject } from 'n8n-workflow';

/**
 * Each event once. Neto redelivers what was not answered 200, and may deliver an event twice, even
 * twice at the same moment. n8n loads the workflow's static data from its database for each
 * production webhook request and saves it after the answer (docs/n8n-runtime.md), so two requests
 * at once both read it before either saved: static data alone cannot tell them apart. So:
 *
 * - the EventIDs accepted are remembered in this process (per workflow and node), looked up and
 *   recorded in one synchronous step, so a second delivery in this process is a duplicate even
 *   while the first one's save is still to come;
 * - and in the node's static data, both bounded to the last MAX_REMEMBERED; static data carries
 *   them across restarts and to the other processes that take webhooks (read at their next request).
 *
 * An event is accepted when its run is handed to n8n (the order is read in the run). Keys are the
 * workflow's and node's ids and the EventID: never anything of the credential.
 */

/**
 * How many accepted EventIDs are remembered per trigger. A redelivery of an event older than that
 * many accepted events starts it again. About 20 KB of static data, written with each event: a
 * sale's burst of 200 notifications in 10 s is 10% of it.
 */
export const MAX_REMEMBERED = 2000;

const STATE_KEY = 'acceptedEventIds';

class Remembered {
	private readonly ids = new Set<string>();

	has(id: string): boolean {
		return this.ids.has(id);
	}

	/** Adds `id` as the newest; forgets the oldest past the bound. */
	add(id: string): void {
		this.ids.delete(id);
		this.ids.add(id);
		while (this.ids.size > MAX_REMEMBERED) this.ids.delete(this.ids.values().next().value!);
	}

	list(): string[] {
		return [...this.ids];
	}
}

/** Per trigger (workflow id / node id): the events this process accepted. */
const accepted = new Map<string, Remembered>();

function rememberedOf(trigger: string): Remembered {
	let remembered = accepted.get(trigger);
	if (!remembered) {
		remembered = new Remembered();
		accepted.set(trigger, remembered);
	}
	return remembered;
}

function savedIds(staticData: IDataObject): string[] {
	const saved = staticData[STATE_KEY];
	return Array.isArray(saved) ? saved.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * Accepts an event once: false when this process or the saved static data already has its
 * EventID (a duplicate), else true, with the EventID remembered here and written to the static
 * data. Synchronous on purpose: nothing can come between the look and the record, so of two
 * deliveries at once in this process exactly one is accepted.
 */
export function acceptOnce(trigger: string, eventId: string, staticData: IDataObject): boolean {
	const remembered = rememberedOf(trigger);
	if (remembered.has(eventId) || savedIds(staticData).includes(eventId)) return false;
	remembered.add(eventId);
	// What this process knows joins what was saved: the request that saves last keeps both.
	const merged = new Remembered();
	for (const id of savedIds(staticData)) merged.add(id);
	for (const id of remembered.list()) merged.add(id);
	staticData[STATE_KEY] = merged.list();
	return true;
}
