import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RequestControl } from '../transport';
import { eachCustomer, logsOf } from './customers';
import type { FieldProblem } from './logBuilder';
import type { WriteOptions } from './options';
import type { PendingLog } from './writeLogs';

/**
 * Update's "append" mode for Notes: Neto only replaces a log's notes, so the node reads the
 * current notes (through the customer, as GetCustomer is the only way to read a log) and sends
 * them back with the new text after a separator line. Neto offers no lock: two writers appending
 * to the same log at the same moment can lose one of the two appends.
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
				'The new Notes go after the current ones, below a line with the time in UTC. Needs the Customer. Not safe against another writer appending at the same moment.',
		},
	],
	default: 'replace',
	description: 'Whether Notes replace the log\'s notes or are added after them',
};

export function separatorLine(now: Date): string {
	return `--- ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC ---`;
}

export function appendedNotes(current: string, addition: string, now: Date): string {
	return current === '' ? addition : `${current}\n${separatorLine(now)}\n${addition}`;
}

const problem = (message: string): FieldProblem => ({ message, field: 'Notes' });

const usernameOf = (entry: PendingLog): string =>
	typeof entry.values.username === 'string' ? entry.values.username.trim() : '';

export async function appendToNotes(
	this: IExecuteFunctions,
	batch: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
): Promise<Map<number, FieldProblem>> {
	const problems = new Map<number, FieldProblem>();
	const appending = batch.filter((entry) => entry.values.notesMode === 'append' && typeof entry.log.Notes === 'string');
	if (appending.length === 0) return problems;

	const usernames = new Set<string>();
	for (const entry of appending) {
		const username = usernameOf(entry);
		if (username === '') {
			problems.set(entry.index, problem('"Notes Mode" Append needs the Customer the log belongs to, to read its current notes'));
		} else usernames.add(username);
	}

	const currentNotes = new Map<string, string>();
	const names = [...usernames];
	for (let start = 0; start < names.length; start += 100) {
		const chunk = names.slice(start, start + 100);
		try {
			await eachCustomer.call(this, { usernames: chunk, withLogs: true }, { format: options.wireFormat, control }, (customer) => {
				for (const log of logsOf(customer)) currentNotes.set(`${String(customer.Username)}#${String(log.LogID)}`, String(log.Notes ?? ''));
			});
		} catch (error) {
			for (const entry of appending) {
				if (chunk.includes(usernameOf(entry))) {
					problems.set(entry.index, problem(`the current notes could not be read to append to them: ${(error as Error).message}`));
				}
			}
		}
	}

	const now = new Date();
	for (const entry of appending) {
		if (problems.has(entry.index)) continue;
		const username = usernameOf(entry);
		const current = currentNotes.get(`${username}#${String(entry.log.LogID)}`);
		if (current === undefined) {
			problems.set(
				entry.index,
				problem(`Log ${String(entry.log.LogID)} is not one of the logs of customer "${username}", so its notes cannot be appended to`),
			);
			continue;
		}
		entry.log.Notes = appendedNotes(current, String(entry.log.Notes), now);
	}
	return problems;
}
