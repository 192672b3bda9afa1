import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { appendToNotes } from '../../write/append/append';
import { appendWindowNotice, notesModeOption } from '../../write/append/append.description';
import { customerLocator, logFieldProperties } from '../../log/properties';
import { withMappingMode, writeMappedLogs } from '../../write/mapping';
import { parameterReader } from '../../write/parameterReader';

/** The operation as the Operation list shows it. */
export const option: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	description: 'Change fields of an existing customer log, by its Log ID',
	action: 'Update a customer log',
};

export const description: INodeProperties[] = withMappingMode('update', [
	customerLocator(
		'The customer the log belongs to',
		'Needed only to pick the log from a list, or to append to its notes',
		{ show: { operation: ['update'] } },
	),
	...logFieldProperties('update', 'updateFields', [notesModeOption]),
	appendWindowNotice({ operation: ['update'], '/updateFields.notesMode': ['append'] }),
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const read = parameterReader(this, { logId: '', updateFields: {} });
	return await writeMappedLogs.call(
		this,
		'update',
		(itemIndex) => {
			const { logId, updateFields } = read(itemIndex);
			const fields = updateFields as IDataObject;
			return {
				logId,
				...fields,
				// Read only when needed: every parameter read costs an expression evaluation per item.
				...(fields.notesMode === 'append'
					? { username: this.getNodeParameter('username', itemIndex, '', { extractValue: true }) }
					: {}),
			};
		},
		appendToNotes,
	);
}
