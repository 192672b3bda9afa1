import type { IDataObject } from 'n8n-workflow';

import type { ItemFailure, Refusal, Result } from '../failures';
import { fail } from '../failures';
import type { NetoLog } from '../log/validation';

/** An item's log on its way to the store, and each item's outcome: the record of a run's items. */

export interface PendingLog {
	index: number;
	log: NetoLog;
	/** What readValues returned for the item: the fields, and settings such as notesMode. */
	values: IDataObject;
}

/** One item's outcome: its output json, or how it failed. */
export type Outcome = Result<IDataObject, ItemFailure>;

/** The description of an item a batch step refuses before its batch goes out. */
export const CHECKED_BEFORE_SENDING = 'The node checks this before sending anything for the item.';

export function refused(refusal: Refusal, description: string): Outcome {
	return fail({
		kind: 'refused',
		message: `${refusal.message}. Nothing was sent for this item.`,
		description,
		field: refusal.field ?? '',
	});
}

/** How a run ended: every item's outcome, or the failure that stopped it (no Continue On Fail). */
export type RunEnd =
	| { stopped: false; outcomes: Outcome[] }
	| { stopped: true; index: number; failure: ItemFailure };

/**
 * Each item's outcome as it becomes known, in any order. Without Continue On Fail the first
 * failure (by item order) stops further sending.
 */
export class OutcomeRecord {
	private readonly outcomes: Array<Outcome | undefined>;

	private firstFailure: number | undefined;

	constructor(
		size: number,
		private readonly continueOnFail: boolean,
	) {
		this.outcomes = new Array<Outcome | undefined>(size);
	}

	settle(index: number, outcome: Outcome): void {
		this.outcomes[index] = outcome;
		if (!outcome.ok && (this.firstFailure === undefined || index < this.firstFailure))
			this.firstFailure = index;
	}

	get stopped(): boolean {
		return !this.continueOnFail && this.firstFailure !== undefined;
	}

	end(): RunEnd {
		if (this.stopped) {
			const index = this.firstFailure as number;
			const outcome = this.outcomes[index] as Extract<Outcome, { ok: false }>;
			return { stopped: true, index, failure: outcome.failure };
		}
		return { stopped: false, outcomes: this.outcomes as Outcome[] };
	}
}
