import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_SETTINGS } from '../../settings/runSettings';

/** Update's Notes Mode on screen; what Append does is append.ts. */

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
				'The new Notes go after the current ones, below a line with the time in UTC. Needs the Customer. Waits one Append Window (Options) after writing, then reads the log back to confirm the text, and writes it again if another writer replaced it meanwhile.',
		},
	],
	default: 'replace',
	description: "Whether Notes replace the log's notes or are added after them",
};

/**
 * Shown where the user chooses Append (`show`: when Notes Mode is Append): the wait that follows
 * every append, so that a run that sits on "Executing node..." for the window is expected, and
 * when a shorter window is enough.
 */
export function appendWindowNotice(
	show: NonNullable<INodeProperties['displayOptions']>['show'],
): INodeProperties {
	return {
		displayName: `Append waits one Append Window (Options, ${DEFAULT_SETTINGS.appendWindowMs / 1000} s unless changed) after writing, then reads the log back to confirm the text is there. When this n8n process is the only one writing to these logs (no queue-mode workers, no other app), set Options > Append Window to a few seconds more than the store takes to answer (3, say): the node's own lock already keeps its appends from overwriting each other.`,
		name: 'appendWindowNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	};
}
