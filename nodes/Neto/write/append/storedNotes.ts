import type { IExecuteFunctions } from 'n8n-workflow';

import type { Result } from '../../failures';
import { fail, ok } from '../../failures';
import type { RequestControl } from '../../transport';
import { eachCustomer, logsOf } from '../../read/customers';
import type { RunSettings } from '../../settings/runSettings';
import type { PendingLog } from '../outcomes';
import type { NotesWatch } from './locks';

/** A log's notes as the store holds them, and the text an append adds to them. */

export function separatorLine(now: Date): string {
	return `--- ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC ---`;
}

export function appendedNotes(current: string, addition: string, now: Date): string {
	return current === '' ? addition : `${current}\n${separatorLine(now)}\n${addition}`;
}

export const usernameOf = (entry: PendingLog): string =>
	typeof entry.values.username === 'string' ? entry.values.username.trim() : '';

/** A store may fold whitespace; text is compared without it mattering. */
const folded = (text: string) => text.replace(/\s+/g, ' ').trim();

/** An append in progress, Append's own state beside the batch engine's entry. */
export interface Append {
	/** The item's text. */
	text: string;
	/** The exact block the last write added to the notes it read ('' before the first). */
	block: string;
	/** Once written: whether this process replaced the log's notes since. */
	watch?: NotesWatch;
}

/** Whether the block an append added is still in the notes read now. */
export function holdsAppended(stored: string, append: Append): boolean {
	return append.block !== '' && folded(stored).includes(folded(append.block));
}

/** Rewrites the entry's Notes as the stored notes plus the append's text, and remembers the block it added. */
export function appendTo(entry: PendingLog, append: Append, stored: string, now: Date): void {
	const notes = appendedNotes(stored, append.text, now);
	entry.log.Notes = notes;
	append.block = notes.slice(stored.length);
}

/** What a read of the entries' logs found: per log its notes, or why they could not be read. */
/** Why a log's notes could not be read: the read failed (`found`), or the customer has no such log. */
export interface NotesUnreadable {
	reason: string;
	found: boolean;
}

export interface NotesRead {
	notesOf(entry: PendingLog): Result<string, NotesUnreadable>;
	/** When the first of its requests went to the store: the notes are no older than that. */
	sentAt: number;
}

const noteKey = (username: string, logId: unknown) => `${username}#${String(logId)}`;

/** The current notes of the entries' logs, read through GetCustomer once per 100 customers. */
export async function readNotes(
	this: IExecuteFunctions,
	entries: PendingLog[],
	settings: RunSettings,
	control: RequestControl,
): Promise<NotesRead> {
	const notes = new Map<string, string>();
	const unreadable = new Map<string, string>();
	let sentAt = Infinity;
	const reading: RequestControl = { ...control, onSend: (at) => (sentAt = Math.min(sentAt, at)) };
	const names = [...new Set(entries.map(usernameOf))];
	for (let start = 0; start < names.length; start += 100) {
		const chunk = names.slice(start, start + 100);
		const read = await eachCustomer.call(
			this,
			{ usernames: chunk, withLogs: true },
			{ format: settings.wireFormat, control: reading },
			(customer) => {
				for (const log of logsOf(customer))
					notes.set(noteKey(String(customer.Username), log.LogID), String(log.Notes ?? ''));
			},
		);
		if (!read.ok) for (const name of chunk) unreadable.set(name, read.failure.message);
	}
	return {
		sentAt,
		notesOf: (entry) => {
			const reason = unreadable.get(usernameOf(entry));
			if (reason !== undefined) return fail({ reason, found: true });
			const stored = notes.get(noteKey(usernameOf(entry), entry.log.LogID));
			return stored === undefined
				? fail({ reason: 'the log was not found', found: false })
				: ok(stored);
		},
	};
}
