import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Result } from '../../failures';
import { fail } from '../../failures';
import type { RequestControl } from '../../transport';
import { storeEndpoint } from '../../transport';
import type { RunSettings } from '../../settings/runSettings';
import { logLocks } from './locks';
import type { Append, NotesRead, NotesUnreadable } from './storedNotes';
import { appendTo, holdsAppended, readNotes, usernameOf } from './storedNotes';
import type { BatchSteps, BatchWrite, SendBatch } from '../batches';
import type { Outcome, PendingLog } from '../outcomes';
import { CHECKED_BEFORE_SENDING, refused } from '../outcomes';

/**
 * Update's "append" mode for Notes. Neto only replaces a log's notes and has no lock, so the node
 * reads the notes, writes them back with the new text after a separator line, and then proves the
 * text stayed:
 * - In this n8n process, an append holds its logs (locks.ts) from the read to the write's
 *   answer, so appends from any executions in the process build on one another.
 * - Another process (a queue-mode worker, another app) can read before this write and write after
 *   it, removing this text. Every append here answers within the Append Window of its read (a write
 *   whose read got older is not sent, or cut off, and read again), so a writer that read before
 *   this write has written within one window after it. The node waits that long, reads the log
 *   back, and appends again on top of what is stored when the text is gone, a bounded number of
 *   times. What this cannot see: a writer that takes longer than the window (another app, or a
 *   store applying a request after the node gave up on it).
 */

/** How often an append that another writer overwrote is written again before the item fails. */
const REPAIRS = 3;

const isExpired = (outcome: Outcome) =>
	!outcome.ok && outcome.failure.kind === 'failed' && outcome.failure.delivery === 'expired';

/** What a batch's appends share, from the first write to the last read-back. */
interface AppendRun {
	/** The store's endpoint: whose logs the locks hold. */
	store: string;
	/** The text each appending entry adds. */
	appends: Map<PendingLog, Append>;
	settings: RunSettings;
	control: RequestControl;
	send: SendBatch;
}

interface Round {
	/** Outcomes of the entries the round decided: written, refused or failed. */
	outcomes: Map<number, Outcome>;
	/** The appends it wrote and the store accepted. */
	appended: PendingLog[];
	/** When the store's last answer came. */
	answeredAt: number;
}

/** What becomes of an appending entry once its log's notes are read: it is sent, left as it is, or ends with this outcome. */
type Decision = 'send' | 'leave' | Outcome;

/** Decides an appending entry from the notes its log holds now (rewriting its Notes when it is to be sent). */
type Decide = (
	entry: PendingLog,
	append: Append,
	stored: Result<string, NotesUnreadable>,
	now: Date,
) => Decision;

/** The entries to send after a read of their notes; the others are left or decided (into `outcomes`). */
function toSend(
	run: AppendRun,
	pending: PendingLog[],
	read: NotesRead | undefined,
	decide: Decide,
	outcomes: Map<number, Outcome>,
): PendingLog[] {
	const now = new Date();
	return pending.filter((entry) => {
		const append = run.appends.get(entry);
		const decision =
			append === undefined || read === undefined
				? 'send'
				: decide(entry, append, read.notesOf(entry), now);
		if (decision !== 'send' && decision !== 'leave') outcomes.set(entry.index, decision);
		return decision === 'send';
	});
}

/**
 * Records a write's outcomes in the round (an accepted append is watched for a Replace that would
 * make it final) and returns the entries whose write expired unsent, to read and try again.
 */
function recordWrite(
	run: AppendRun,
	sent: PendingLog[],
	outcomes: Outcome[],
	round: Round,
): PendingLog[] {
	round.answeredAt = Date.now();
	const expired: PendingLog[] = [];
	sent.forEach((entry, position) => {
		const outcome = outcomes[position];
		if (isExpired(outcome)) {
			expired.push(entry);
			return;
		}
		round.outcomes.set(entry.index, outcome);
		if (!outcome.ok) return;
		const logId = String(entry.log.LogID);
		const append = run.appends.get(entry);
		if (append !== undefined) {
			append.watch ??= logLocks.watch(run.store, logId);
			round.appended.push(entry);
		} else if (typeof entry.log.Notes === 'string') logLocks.replacedNotes(run.store, logId);
	});
	return expired;
}

/**
 * Reads the appending entries' notes and writes the batch while holding its logs; an entry
 * without an append (a Replace, another field) is sent as it is. A write that could not be sent
 * within the Append Window of its read is read, decided and tried again, for as long as the Rate
 * Limit Wait allows.
 */
async function readAndWrite(
	this: IExecuteFunctions,
	run: AppendRun,
	entries: PendingLog[],
	decide: Decide,
): Promise<Round> {
	const { settings, control } = run;
	return await logLocks.holding(
		run.store,
		entries.map((entry) => String(entry.log.LogID)),
		async () => {
			const round: Round = { outcomes: new Map(), appended: [], answeredAt: Date.now() };
			let pending = entries;
			let expiredSince: number | undefined;
			while (pending.length > 0) {
				const appending = pending.filter((entry) => run.appends.has(entry));
				const read =
					appending.length > 0
						? await readNotes.call(this, appending, settings, control)
						: undefined;
				const sending = toSend(run, pending, read, decide, round.outcomes);
				if (sending.length === 0) break;
				const deadline =
					read && Number.isFinite(read.sentAt)
						? { notAfter: read.sentAt + settings.appendWindowMs }
						: {};
				const outcomes = await run.send(sending, { ...control, ...deadline });
				pending = recordWrite(run, sending, outcomes, round);
				expiredSince ??= pending.length > 0 ? Date.now() : undefined;
				if (
					expiredSince !== undefined &&
					Date.now() - expiredSince > settings.retry.rateLimitWaitMs
				) {
					for (const entry of pending) round.outcomes.set(entry.index, tooSlow(entry, settings));
					break;
				}
			}
			return round;
		},
	);
}

/** The first write: each append goes after the notes its log holds now. */
async function writeAppends(
	this: IExecuteFunctions,
	run: AppendRun,
	entries: PendingLog[],
): Promise<Round> {
	const decide: Decide = (entry, append, stored, now) => {
		if (!stored.ok) return unreadable(entry, stored.failure);
		appendTo(entry, append, stored.value, now);
		return 'send';
	};
	return await readAndWrite.call(this, run, entries, decide);
}

/**
 * A read-back of appends written before: one whose text is still there is left alone; one whose
 * text another writer removed is appended again on top of what is stored now when `mayRewrite`,
 * and fails otherwise. An append that a later Replace in this process removed is gone on purpose.
 */
async function verifyAppends(
	this: IExecuteFunctions,
	run: AppendRun,
	written: PendingLog[],
	writes: number,
): Promise<Round> {
	const mayRewrite = writes <= REPAIRS;
	const decide: Decide = (entry, append, stored, now) => {
		if (!stored.ok) return unconfirmed(entry, stored.failure.reason);
		if (holdsAppended(stored.value, append)) return 'leave';
		if (!mayRewrite) return overwritten(entry, writes);
		appendTo(entry, append, stored.value, now);
		return 'send';
	};
	const checked = written.filter((entry) => !run.appends.get(entry)?.watch?.replacedSince());
	return await readAndWrite.call(this, run, checked, decide);
}

/**
 * Update's batch: when it changes notes, written while holding its logs, and its appends then
 * checked (see above). A Replace of a log's notes makes this process's earlier appends to it final.
 */
async function write(
	this: IExecuteFunctions,
	batch: PendingLog[],
	settings: RunSettings,
	control: RequestControl,
	send: SendBatch,
): Promise<BatchWrite> {
	const outcomes = new Map<number, Outcome>();
	const appends = new Map<PendingLog, Append>();
	const sending: PendingLog[] = [];
	for (const entry of batch) {
		const appending = entry.values.notesMode === 'append' && typeof entry.log.Notes === 'string';
		if (appending && usernameOf(entry) === '') {
			const message =
				'"Notes Mode" Append needs the Customer the log belongs to, to read its current notes';
			outcomes.set(entry.index, refused({ message, field: 'Notes' }, CHECKED_BEFORE_SENDING));
			continue;
		}
		if (appending) appends.set(entry, { text: String(entry.log.Notes), block: '' });
		sending.push(entry);
	}
	if (sending.length === 0) return { outcomes };
	if (!sending.some((entry) => typeof entry.log.Notes === 'string')) {
		// Nothing touches notes: nothing to hold or to check.
		const results = await send(sending, control);
		sending.forEach((entry, position) => outcomes.set(entry.index, results[position]));
		return { outcomes };
	}
	const run: AppendRun = {
		store: await storeEndpoint.call(this),
		appends,
		settings,
		control,
		send,
	};
	const first = await writeAppends.call(this, run, sending);
	first.outcomes.forEach((outcome, index) => outcomes.set(index, outcome));
	if (first.appended.length === 0) return { outcomes };
	return { outcomes, later: confirm.call(this, run, first) };
}

/**
 * After each write, waits one Append Window, then reads the appended logs back and writes again
 * each whose text another writer removed; the outcome of an item's last write is its outcome.
 */
async function confirm(
	this: IExecuteFunctions,
	run: AppendRun,
	first: Round,
): Promise<Map<number, Outcome>> {
	const outcomes = new Map<number, Outcome>();
	let last = first;
	try {
		for (let writes = 1; last.appended.length > 0; writes++) {
			await sleep(Math.max(0, last.answeredAt + run.settings.appendWindowMs - Date.now()));
			last = await verifyAppends.call(this, run, last.appended, writes);
			last.outcomes.forEach((outcome, index) => outcomes.set(index, outcome));
		}
	} finally {
		for (const entry of first.appended) run.appends.get(entry)?.watch?.end();
	}
	return outcomes;
}

function unreadable(entry: PendingLog, why: NotesUnreadable): Outcome {
	const logId = String(entry.log.LogID);
	const message = why.found
		? `the current notes could not be read to append to them: ${why.reason}`
		: `Log ${logId} is not one of the logs of customer "${usernameOf(entry)}", so its notes cannot be appended to`;
	return refused({ message, field: 'Notes' }, CHECKED_BEFORE_SENDING);
}

function unconfirmed(entry: PendingLog, reason: string): Outcome {
	return fail({
		kind: 'failed',
		message: `The update of log ${String(entry.log.LogID)} was accepted, but reading it back to confirm the appended text failed: ${reason}`,
		description: "Check the log's notes before appending this text again.",
	});
}

function overwritten(entry: PendingLog, writes: number): Outcome {
	return fail({
		kind: 'failed',
		message: `The text appended to log ${String(entry.log.LogID)} was overwritten by another writer each of the ${writes} times it was written; it is not in the log's notes now`,
		description:
			'Neto has no lock on a log: another workflow or app kept replacing its notes at the same moment. Append the text again later.',
	});
}

function tooSlow(entry: PendingLog, settings: RunSettings): Outcome {
	return fail({
		kind: 'failed',
		message: `Log ${String(entry.log.LogID)} could not be read and written within the Append Window (${settings.appendWindowMs / 1000} s): the write kept waiting for the store or the rate limit`,
		description: `Nothing was changed for this item, after ${Math.round(settings.retry.rateLimitWaitMs / 1000)} s of tries. Raise Options > "Append Window (Seconds)" or "Rate Limit Wait (Minutes)".`,
		delivery: 'expired',
	});
}

/** Update's batch step for Notes Mode Append (see writeLogs). */
export const appendToNotes: BatchSteps = { write };
