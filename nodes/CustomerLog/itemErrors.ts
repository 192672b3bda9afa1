import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemFailure, Result } from './failures';
import { fail } from './failures';
import { copyMessages } from './log/output';

/**
 * The two forms n8n gets a failed item in: the node's error (without Continue On Fail) or an error
 * item. Every operation uses these, so every failed item has the same shape.
 */
export function toNodeError(this: IExecuteFunctions, failure: ItemFailure, itemIndex: number) {
	const message = `Item index ${itemIndex}: ${failure.message}`;
	if (failure.kind === 'refused') {
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
	const refused = failure.kind === 'refused';
	return {
		json: {
			error: {
				message: `Item index ${itemIndex}: ${failure.message}`,
				description: failure.description,
				itemIndex,
				field: refused ? failure.field || null : null,
				httpCode: refused ? null : (failure.httpCode ?? null),
				Ack: refused ? null : (failure.answer?.Ack ?? null),
				Messages: !refused && failure.answer ? copyMessages(failure.answer.Messages) : { Error: [], Warning: [] },
			},
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * The error a poll or a list search throws when its read failed (those edges have no items to
 * fail): n8n's NodeApiError, with the failure's message, description and HTTP status, its context's
 * `storeUnavailable` set when the store could not be used for now (see Unavailable; trigger/poll.ts reads it).
 */
export function readFailureError(node: INode, failure: ItemFailure): NodeApiError {
	const { message, description } = failure;
	const httpCode = failure.kind === 'failed' ? failure.httpCode : undefined;
	const error = new NodeApiError(node, { message } as JsonObject, {
		message,
		description,
		...(httpCode === undefined ? {} : { httpCode: String(httpCode) }),
	});
	if (failure.kind === 'failed' && failure.unavailable) error.context.storeUnavailable = failure.unavailable;
	return error;
}

/**
 * A failure from an error n8n threw while an item was read (an expression that cannot be
 * evaluated, say): the reads themselves return their failures.
 */
function failureOf(error: unknown): ItemFailure {
	const { message, description } = error as { message?: unknown; description?: unknown };
	return {
		kind: 'failed',
		message: typeof message === 'string' ? message : String(error),
		description: typeof description === 'string' ? description : '',
	};
}

/**
 * The read operations' loop: `read` gives an input item's output items, or the failure that refuses
 * it (the store unreachable, say); an error n8n throws while reading it fails that item alone. With Continue On Fail a
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
