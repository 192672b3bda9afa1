import type { Refusal } from '../failures';
import { fail } from '../failures';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RequestControl } from '../transport';
import { eachCustomer, logsOf } from './customers';
import type { WriteOptions } from './options';
import type { BatchSteps, Outcome, PendingLog } from './writeLogs';

/**
 * Update's "append" mode for Notes. Neto only replaces a log's notes, so the node reads the current
 * notes (through the customer, as GetCustomer is the only way to read a log) and sends them back
 * with the new text after a separator line. Neto offers no lock, so after writing the node reads the
 * log back: when another writer's notes replaced this text in between, it appends the text again on
 * top of what is stored now, a bounded number of times.
 */

export const notesModeOption: INodeProperties = {
	displayName: 'Notes Mode',
	name: 'notesMode',
	type: 'options',
	options: [
		{ name: 'Replace', value: 'replace', description: 'The new Notes replace what the log holds' },
		{
			name: 'Append',
			value: 'append',
			description:
				'The new Notes go after the current ones, below a line with the time in UTC. Needs the Customer. Read back after writing, and written again if another writer replaced them meanwhile.',
		},
	],
	default: 'replace',
	description: 'Whether Notes replace the log\'s notes or are added after them',
};

/** How often an append that another writer overwrote is written again before the item fails. */
const REPAIRS = 3;

export function separatorLine(now: Date): string {
	return `--- ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC ---`;
}

export function appendedNotes(current: string, addition: string, now: Date): string {
	return current === '' ? addition : `${current}\n${separatorLine(now)}\n${addition}`;
}

const problem = (message: string): Refusal => ({ message, field: 'Notes' });

const usernameOf = (entry: PendingLog): string =>
	typeof entry.values.username === 'string' ? entry.values.username.trim() : '';

const noteKey = (username: string, logId: unknown) => `${username}#${String(logId)}`;

/** A store may fold whitespace; text is compared without it mattering. */
const folded = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Rewrites the entry's Notes as the stored notes plus its text, and remembers what it added. */
function appendTo(entry: PendingLog, stored: string, text: string, now: Date): void {
	const notes = appendedNotes(stored, text, now);
	entry.log.Notes = notes;
	entry.appended = { text, block: notes.slice(stored.length) };
}

/**
 * The current notes of the entries' logs, by `username#LogID`, read through GetCustomer once per
 * 100 customers; `unreadable` holds, per username, why its customer could not be read.
 */
async function readNotes(
	this: IExecuteFunctions,
	entries: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
): Promise<{ notes: Map<string, string>; unreadable: Map<string, string> }> {
	const notes = new Map<string, string>();
	const unreadable = new Map<string, string>();
	const names = [...new Set(entries.map(usernameOf))];
	for (let start = 0; start < names.length; start += 100) {
		const chunk = names.slice(start, start + 100);
		try {
			await eachCustomer.call(this, { usernames: chunk, withLogs: true }, { format: options.wireFormat, control }, (customer) => {
				for (const log of logsOf(customer)) notes.set(noteKey(String(customer.Username), log.LogID), String(log.Notes ?? ''));
			});
		} catch (error) {
			for (const name of chunk) unreadable.set(name, (error as Error).message);
		}
	}
	return { notes, unreadable };
}

async function prepare(
	this: IExecuteFunctions,
	batch: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
): Promise<Map<number, Refusal>> {
	const problems = new Map<number, Refusal>();
	const appending: PendingLog[] = [];
	for (const entry of batch) {
		if (entry.values.notesMode !== 'append' || typeof entry.log.Notes !== 'string') continue;
		if (usernameOf(entry) === '') {
			problems.set(entry.index, problem('"Notes Mode" Append needs the Customer the log belongs to, to read its current notes'));
		} else appending.push(entry);
	}
	if (appending.length === 0) return problems;

	const { notes, unreadable } = await readNotes.call(this, appending, options, control);
	const now = new Date();
	for (const entry of appending) {
		const username = usernameOf(entry);
		const failure = unreadable.get(username);
		if (failure !== undefined) {
			problems.set(entry.index, problem(`the current notes could not be read to append to them: ${failure}`));
			continue;
		}
		const current = notes.get(noteKey(username, entry.log.LogID));
		if (current === undefined) {
			problems.set(
				entry.index,
				problem(`Log ${String(entry.log.LogID)} is not one of the logs of customer "${username}", so its notes cannot be appended to`),
			);
			continue;
		}
		appendTo(entry, current, String(entry.log.Notes), now);
	}
	return problems;
}

function unconfirmed(message: string, description: string): Outcome {
	return fail({ message, description });
}

/**
 * Reads the landed appends' logs back (once per batch and round) and writes again, on top of what
 * is stored now, each whose text another writer replaced meanwhile.
 */
async function confirm(
	this: IExecuteFunctions,
	landed: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
	resend: (entries: PendingLog[]) => Promise<Outcome[]>,
): Promise<Map<number, Outcome>> {
	const outcomes = new Map<number, Outcome>();
	let checking = landed.filter((entry) => entry.appended !== undefined);
	for (let written = 1; checking.length > 0; written++) {
		const { notes, unreadable } = await readNotes.call(this, checking, options, control);
		const overwritten: PendingLog[] = [];
		const now = new Date();
		for (const entry of checking) {
			const logId = String(entry.log.LogID);
			const failure = unreadable.get(usernameOf(entry));
			const stored = notes.get(noteKey(usernameOf(entry), entry.log.LogID));
			const appended = entry.appended as { text: string; block: string };
			if (failure !== undefined || stored === undefined) {
				outcomes.set(
					entry.index,
					unconfirmed(
						`The update of log ${logId} was accepted, but reading it back to confirm the appended text failed: ${failure ?? 'the log was not found'}`,
						'Check the log\'s notes before appending this text again.',
					),
				);
			} else if (!folded(stored).includes(folded(appended.block))) {
				if (written > REPAIRS) {
					outcomes.set(
						entry.index,
						unconfirmed(
							`The text appended to log ${logId} was overwritten by another writer each of the ${written} times it was written; it is not in the log's notes now`,
							'Neto has no lock on a log: another workflow or app kept replacing its notes at the same moment. Append the text again later.',
						),
					);
				} else {
					appendTo(entry, stored, appended.text, now);
					overwritten.push(entry);
				}
			}
		}
		if (overwritten.length === 0) break;
		const results = await resend(overwritten);
		overwritten.forEach((entry, position) => outcomes.set(entry.index, results[position]));
		checking = overwritten.filter((_, position) => results[position].ok);
	}
	return outcomes;
}

/** Update's steps for Notes Mode: Append (see writeLogs). */
export const appendToNotes: BatchSteps = { prepare, confirm };
