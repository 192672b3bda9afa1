import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { storedLogOutput } from '../log/output';
import type { TriggerEvent } from './settings';

/**
 * One log as Get Many outputs it with Simplify off (the node's shared log output, log/output.ts):
 * the customer's Username, every field the store returned, and the UTC dates as ISO 8601 under `iso`.
 */
export function logJson(username: string, log: IDataObject, timezone: string): IDataObject {
	return storedLogOutput({ Username: username }, log, false, timezone);
}

/** What changed, for Log Updated: the fields, and the values before where the state kept them. */
export interface LogChanges {
	changedFields: string[];
	previous: IDataObject;
}

/** An event's item; `timezone` (the workflow's) gives Follow-Up Required By back as its day. */
export function eventItem(event: TriggerEvent, username: string, log: IDataObject, timezone: string, changes?: LogChanges): INodeExecutionData {
	return { json: { ...logJson(username, log, timezone), event, ...(changes ?? {}) } };
}
