import type { IDataObject } from 'n8n-workflow';

/**
 * The Customer Log fields of Neto's API, written down once.
 *
 * This table drives the UI parameters (properties.ts), the validation (validation.ts) and the
 * wire encoding for JSON and XML (transport/wire.ts). Its order is the XSD's element order, which XML
 * requests must follow. A new field is one entry here.
 */

export type LogOperation = 'add' | 'update';

/** `dateTime`: an instant (UTC on the wire); `date`: a calendar day (log/dates.ts, toNetoDay). */
export type FieldKind = 'string' | 'dateTime' | 'date' | 'status' | 'logId';

export interface CustomerLogField {
	/** Neto's element name, as it goes on the wire and in output items. */
	readonly wire: string;
	/** The n8n parameter name: part of the node's public API, saved workflows depend on it. */
	readonly param: string;
	readonly displayName: string;
	readonly kind: FieldKind;
	/**
	 * The operations that take this field, each with its maximum length in characters
	 * (`null`: no documented limit). An operation not listed does not take the field.
	 */
	readonly operations: Partial<Record<LogOperation, number | null>>;
	/** Shown under the field; the limit and the format are added from the table. */
	readonly description: string;
	/** Top-level parameters are the ones that name the target; the rest sit in a collection. */
	readonly topLevel?: boolean;
	/** Picked with a resource locator: from a list of the store's customers or logs, or typed. */
	readonly locator?: 'customer' | 'log';
	/** Free text that is usually several lines long. */
	readonly multiline?: boolean;
	/** The operations that cannot go without it: marked required on screen, and an empty value is refused per item. */
	readonly requiredOn?: readonly LogOperation[];
}

export const LOG_STATUSES = ['Require Recontact', 'Recontacting', 'Completed'] as const;

/** An open follow-up: the log has a follow-up date (`due`, epoch ms) and is not Completed. */
export function isOpenFollowUp(due: number | undefined, status: string | undefined): due is number {
	return due !== undefined && status !== 'Completed';
}

/** A field's value as text ('' when absent), as it is compared and fingerprinted. */
export function fieldText(log: IDataObject, field: string): string {
	const value = log[field];
	if (value === undefined || value === null) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export const CUSTOMER_LOG_FIELDS: readonly CustomerLogField[] = [
	{
		wire: 'LogID',
		param: 'logId',
		displayName: 'Log ID',
		kind: 'logId',
		operations: { update: 10 },
		description: "The ID of the customer log to update (Neto's LogID, as returned by Add)",
		topLevel: true,
		locator: 'log',
		requiredOn: ['update'],
	},
	{
		wire: 'AllocatedTo',
		param: 'allocatedTo',
		displayName: 'Allocated To',
		kind: 'string',
		operations: { add: 255, update: 100 },
		description: 'The staff member the follow-up is allocated to',
	},
	{
		wire: 'FollowUpType',
		param: 'followUpType',
		displayName: 'Follow-Up Type',
		kind: 'string',
		operations: { add: 50, update: 50 },
		description:
			'The kind of follow-up, e.g. Phone Call or Email. Neto stores it but never returns it: Get, Get Many and the trigger cannot show it.',
	},
	{
		wire: 'Username',
		param: 'username',
		displayName: 'Customer',
		kind: 'string',
		operations: { add: 25 },
		description: 'The customer the log belongs to (their Neto username)',
		topLevel: true,
		locator: 'customer',
		requiredOn: ['add'],
	},
	{
		wire: 'CustomerName',
		param: 'customerName',
		displayName: 'Customer Name',
		kind: 'string',
		operations: { add: 100, update: 100 },
		description:
			"The customer's name as shown on the log. Neto stores it but never returns it: Get, Get Many and the trigger cannot show it.",
	},
	{
		wire: 'LastContacted',
		param: 'lastContacted',
		displayName: 'Last Contacted',
		kind: 'dateTime',
		operations: { add: null, update: null },
		description: 'When the customer was last contacted',
	},
	{
		wire: 'DateRequiredFollowUp',
		param: 'dateRequiredFollowUp',
		displayName: 'Follow-Up Required By',
		kind: 'date',
		operations: { add: null, update: null },
		description: 'The day the follow-up is due (a calendar day: the time of day is not kept)',
	},
	{
		wire: 'Status',
		param: 'status',
		displayName: 'Status',
		kind: 'status',
		operations: { add: null, update: null },
		description: 'Where the follow-up stands',
	},
	{
		wire: 'Notes',
		param: 'notes',
		displayName: 'Notes',
		kind: 'string',
		operations: { add: null, update: null },
		description: 'Free text notes on the contact',
		multiline: true,
	},
];

export function fieldsOf(operation: LogOperation): CustomerLogField[] {
	return CUSTOMER_LOG_FIELDS.filter((field) => operation in field.operations);
}

export function maxLengthOf(field: CustomerLogField, operation: LogOperation): number | null {
	return field.operations[operation] ?? null;
}

export const OPERATION_LABELS: Record<LogOperation, string> = { add: 'Add', update: 'Update' };

export function isRequired(field: CustomerLogField, operation: LogOperation): boolean {
	return field.requiredOn?.includes(operation) ?? false;
}

export function fieldByWire(wire: string): CustomerLogField {
	return CUSTOMER_LOG_FIELDS.find((field) => field.wire === wire) as CustomerLogField;
}
