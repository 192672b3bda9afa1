import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { storedLogOutput } from '../log/output';
import type { TriggerEvent } from './settings';

/**
 * One log as Get Many outputs it (the node's shared log output, log/output.ts): simplified, or with
 * Simplify off the customer's Username, every field the store returned, and the UTC dates as ISO
 * 8601 under `iso`.
 */
export function logJson(username: string, log: IDataObject, shape: ItemShape): IDataObject {
	return storedLogOutput({ Username: username }, log, shape.simplify, shape.timezone);
}

/** What changed, for Log Updated: the fields, and the values before where the state kept them. */
export interface LogChanges {
	changedFields: string[];
	previous: IDataObject;
}

/** How the trigger's settings shape an item: Simplify, and the workflow's timezone that gives Follow-Up Required By back as its day. */
export interface ItemShape {
	simplify: boolean;
	timezone: string;
}

export function eventItem(
	event: TriggerEvent,
	shape: ItemShape,
	username: string,
	log: IDataObject,
	changes?: LogChanges,
): INodeExecutionData {
	return { json: { ...logJson(username, log, shape), event, ...(changes ?? {}) } };
}
