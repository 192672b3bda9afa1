import type { IDataObject } from 'n8n-workflow';

/**
 * Each event once. Neto redelivers what was not answered 200, and may deliver an event twice, even
 * twice at the same moment. n8n loads the workflow's static data from its database for each
 * production webhook request and saves it after the answer (docs/n8n-runtime.md), so two requests
 * at once both read it before either saved: static data alone cannot tell them apart. So:
 *
 * - in this process, an event being handled is claimed (per workflow, node and EventID), and a
 *   second delivery of it waits for the first to end: accepted, it is a duplicate; not accepted
 *   (the store could not be read), it tries again itself;
 * - the EventIDs accepted are remembered in this process and in the node's static data, both
 *   bounded to the last MAX_REMEMBERED; static data carries them across restarts and to the
 *   other processes that take webhooks (read at their next request).
 *
 * An EventID is recorded only once its event was accepted (a workflow was started with it). Keys
 * are the workflow's and node's ids and the EventID: never anything of the credential.
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

/** Per trigger (workflow id / node id): what this process accepted, and the events in hand. */
const accepted = new Map<string, Remembered>();
const inHand = new Map<string, Promise<boolean>>();

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

/** What the caller holds once it has claimed an event: end it, accepted or not, exactly once. */
export interface Claim {
	/** The event was accepted: remember its EventID here and in the static data. */
	accepted(staticData: IDataObject): void;
	/** It was not (it will come again): let a waiting or later delivery take it. */
	released(): void;
}

/**
 * Claims an event for this request, or says it was already accepted (`duplicate`). Waits while
 * another request of this process has the same event in hand.
 */
export async function claimEvent(
	trigger: string,
	eventId: string,
	staticData: IDataObject,
): Promise<{ duplicate: true } | { duplicate: false; claim: Claim }> {
	const key = `${trigger}\n${eventId}`;
	const remembered = rememberedOf(trigger);
	for (;;) {
		if (remembered.has(eventId) || savedIds(staticData).includes(eventId))
			return { duplicate: true };
		const pending = inHand.get(key);
		if (!pending) break;
		if (await pending) return { duplicate: true };
	}
	let settle!: (accepted: boolean) => void;
	inHand.set(key, new Promise<boolean>((resolve) => (settle = resolve)));
	const end = (wasAccepted: boolean) => {
		inHand.delete(key);
		settle(wasAccepted);
	};
	return {
		duplicate: false,
		claim: {
			accepted(data) {
				remembered.add(eventId);
				// What this process knows joins what was saved: the request that saves last keeps both.
				const merged = new Remembered();
				for (const id of savedIds(data)) merged.add(id);
				for (const id of remembered.list()) merged.add(id);
				data[STATE_KEY] = merged.list();
				end(true);
			},
			released() {
				end(false);
			},
		},
	};
}
