import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemFailure, Result } from './failures';
import { fail } from './failures';
import type { NetoAnswer } from './answer';
import { copyMessages } from './log/output';

/**
 * The two forms n8n gets a failed item in: the node's error (without Continue On Fail) or an error
 * item. Every operation uses these, so every failed item has the same shape.
 */
export function toNodeError(this: IExecuteFunctions, failure: ItemFailure, itemIndex: number) {
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
export function errorItem(failure: ItemFailure, itemIndex: number): INodeExecutionData {
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
function failureOf(error: unknown): ItemFailure {
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
	read: (itemIndex: number) => Promise<Result<INodeExecutionData[], ItemFailure>>,
): Promise<INodeExecutionData[][]> {
	const continueOnFail = this.continueOnFail();
	const output: INodeExecutionData[] = [];
	const count = this.getInputData().length;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const result = await read(itemIndex).then(
			(found) => found,
			(error: unknown) => fail(failureOf(error)),
		);
		if (result.ok) {
			output.push(...result.value);
			continue;
		}
		if (!continueOnFail) throw toNodeError.call(this, result.failure, itemIndex);
		output.push(errorItem(result.failure, itemIndex));
	}
	return [output];
}
