import type { IDataObject } from 'n8n-workflow';

/**
 * A store's answer as every part of the node sees it, whichever wire format carried it (the
 * transport reads the bytes into this shape, transport/wire.ts). Imports nothing of the node, so
 * the failure vocabulary (failures.ts) and the transport both stand on it.
 */

export type WireFormat = 'json' | 'xml';
export type NetoAction = 'AddCustomerLog' | 'UpdateCustomerLog' | 'GetCustomer' | 'GetOrder';

export interface NetoMessage extends IDataObject {
	Message: string;
	SeverityCode: string;
	Description?: string;
}

export interface NetoMessages extends IDataObject {
	Error: NetoMessage[];
	Warning: NetoMessage[];
}

/** A store's answer, normalized: lists are arrays, LogID a number, every other value a string. */
export interface NetoAnswer {
	Ack: string;
	CurrentTime?: string;
	CustomerLog: IDataObject[];
	Customer: IDataObject[];
	/** GetOrder's orders. */
	Order: IDataObject[];
	Messages: NetoMessages;
	format: WireFormat;
}

/** Neto's `Ack`: Success and Warning are successes, anything else (Error, none) is not. */
export function isAckSuccess(answer: NetoAnswer): boolean {
	return answer.Ack === 'Success' || answer.Ack === 'Warning';
}
