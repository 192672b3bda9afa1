import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { netoDateTimeToIso } from '../helpers/dates';
import type { TriggerEvent } from './settings';

/** Fields GetCustomer gives as UTC dates; each also goes out as ISO 8601 under `iso`. */
const UTC_DATE_FIELDS = ['LastContacted', 'LastContactedUTC', 'DateRequiredFollowUp'];

/**
 * One log as Get Many outputs it (getAll.operation.ts): the customer's Username, every field the
 * store returned, and the UTC dates as ISO 8601 under `iso`. The one place the trigger shapes a
 * log: point it at the node's shared log output when that exists.
 */
export function logJson(username: string, log: IDataObject): IDataObject {
	const iso: IDataObject = {};
	for (const name of UTC_DATE_FIELDS) {
		if (typeof log[name] === 'string' && log[name] !== '') iso[name] = netoDateTimeToIso(log[name] as string);
	}
	return { Username: username, ...log, iso };
}

/** What changed, for Log Updated: the fields, and the values before where the state kept them. */
export interface LogChanges {
	changedFields: string[];
	previous: IDataObject;
}

export function eventItem(event: TriggerEvent, username: string, log: IDataObject, changes?: LogChanges): INodeExecutionData {
	return { json: { ...logJson(username, log), event, ...(changes ?? {}) } };
}
