import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { storedLogOutput } from '../log/output';
import type { TriggerEvent } from './settings';

/**
 * One log as Get Many outputs it (the node's shared log output, log/output.ts): simplified, or with
 * Simplify off the customer's Username, every field the store returned, and the UTC dates as ISO
 * 8601 under `iso`.
 */
export function logJson(username: string, log: IDataObject, simplify: boolean): IDataObject {
	return storedLogOutput({ Username: username }, log, simplify);
}

/** What changed, for Log Updated: the fields, and the values before where the state kept them. */
export interface LogChanges {
	changedFields: string[];
	previous: IDataObject;
}

export function eventItem(
	event: TriggerEvent,
	simplify: boolean,
	username: string,
	log: IDataObject,
	changes?: LogChanges,
): INodeExecutionData {
	return { json: { ...logJson(username, log, simplify), event, ...(changes ?? {}) } };
}
