import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { NetoAnswer } from '../transport/wire';
import { copyMessages } from './logOutput';

/**
 * How an item failed, and the two forms n8n gets it in: an error item (Continue On Fail) or the
 * node's error. Every operation uses these, so every failed item has the same shape.
 */
export interface Failure {
	/** Without the "Item index N:" prefix, which is added here. */
	message: string;
	description: string;
	/**
	 * Set (Neto's name of the field at fault, or '' when no one field is) when the node refused the
	 * item itself: a NodeOperationError. Unset for the store's and the network's failures: a NodeApiError.
	 */
	field?: string;
	httpCode?: number;
	/** The store's answer, when one came. */
	answer?: NetoAnswer;
}

export function toNodeError(this: IExecuteFunctions, failure: Failure, itemIndex: number) {
	const message = `Item index ${itemIndex}: ${failure.message}`;
	if (failure.field !== undefined) {
		return new NodeOperationError(this.getNode(), message, { itemIndex, description: failure.description });
	}
	return new NodeApiError(
		this.getNode(),
		{ message: failure.message, description: failure.description } as JsonObject,
		{
			itemIndex,
			message,
			description: failure.description,
			...(failure.httpCode === undefined ? {} : { httpCode: String(failure.httpCode) }),
		},
	);
}

/**
 * An error item: `json.error` holds the message and every detail, as one object (the shape n8n's
 * HTTP Request node gives its errors), with every key always present (null when it does not apply)
 * so that a downstream node can read any of them. A json of `error` alone is what both n8n 1.x and
 * 2.x route to the error output; an item's own `error` would make n8n replace the json with the message only.
 */
export function errorItem(failure: Failure, itemIndex: number): INodeExecutionData {
	return {
		json: {
			error: {
				message: `Item index ${itemIndex}: ${failure.message}`,
				description: failure.description,
				itemIndex,
				field: failure.field || null,
				httpCode: failure.httpCode ?? null,
				Ack: failure.answer?.Ack ?? null,
				Messages: failure.answer ? copyMessages(failure.answer.Messages) : { Error: [], Warning: [] },
			},
		},
		pairedItem: { item: itemIndex },
	};
}

function isNetoAnswer(value: unknown): value is NetoAnswer {
	return value !== null && typeof value === 'object' && 'Ack' in value && 'Messages' in value;
}

/**
 * A failure from an error thrown while reading: a NodeApiError from the transport or from a store's
 * error answer (which it carries as its errorResponse), or an expression's error.
 */
function failureOf(error: unknown): Failure {
	const { message, description, httpCode, errorResponse } = error as {
		message?: unknown;
		description?: unknown;
		httpCode?: unknown;
		errorResponse?: unknown;
	};
	const code = Number(httpCode);
	return {
		message: typeof message === 'string' ? message : String(error),
		description: typeof description === 'string' ? description : '',
		...(Number.isInteger(code) && code > 0 ? { httpCode: code } : {}),
		...(isNetoAnswer(errorResponse) ? { answer: errorResponse } : {}),
	};
}

/**
 * The read operations' loop: `read` gives an input item's output items, or the failure that refuses
 * it; an error it throws (the store unreachable, say) fails that item alone. With Continue On Fail a
 * failed item becomes an error item and the others go on; without it the node fails naming the item.
 */
export async function readEachItem(
	this: IExecuteFunctions,
	read: (itemIndex: number) => Promise<INodeExecutionData[] | Failure>,
): Promise<INodeExecutionData[][]> {
	const continueOnFail = this.continueOnFail();
	const output: INodeExecutionData[] = [];
	const count = this.getInputData().length;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const result = await read(itemIndex).then((found) => found, failureOf);
		if (Array.isArray(result)) {
			output.push(...result);
			continue;
		}
		if (!continueOnFail) throw toNodeError.call(this, result, itemIndex);
		output.push(errorItem(result, itemIndex));
	}
	return [output];
}
