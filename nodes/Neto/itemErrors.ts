import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemFailure, Result } from './failures';
import { fail } from './failures';
import { copyMessages } from './log/output';

/**
 * Whether n8n runs the node as an AI agent's tool (its loader names a node type's tool variant
 * "<name>Tool"): what the node returns then goes to a model, as text.
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * Whether a failed item becomes an error item instead of failing the node: with Continue On Fail,
 * and as an AI agent's tool unless its On Error is set to Stop Workflow, so that the model reads
 * why (n8n 1.x ends the whole run when a tool throws; 2.x would give the model the message alone).
 */
export function continuesOnFail(context: IExecuteFunctions): boolean {
	return (
		context.continueOnFail() ||
		(runsAsTool(context) && context.getNode().onError !== 'stopWorkflow')
	);
}

/**
 * A failure as its reader needs it. A person gets the item it belongs to ("Item index 2: ...") and
 * the description beside it, as n8n shows them. A model gets the message and the reason in one
 * text, as it reads nothing else of an error (n8n gives it the error's message), and no index: a
 * tool call is one item.
 */
function failureText(failure: ItemFailure, itemIndex: number, forModel: boolean): string {
	if (!forModel) return `Item index ${itemIndex}: ${failure.message}`;
	const message = /[.!?]$/.test(failure.message) ? failure.message : `${failure.message}.`;
	return failure.description ? `${message} ${failure.description}` : message;
}

/**
 * The two forms n8n gets a failed item in: the node's error (without Continue On Fail) or an error
 * item. Every operation uses these, so every failed item has the same shape.
 */
export function toNodeError(this: IExecuteFunctions, failure: ItemFailure, itemIndex: number) {
	const message = failureText(failure, itemIndex, runsAsTool(this));
	if (failure.kind === 'refused') {
		return new NodeOperationError(this.getNode(), message, {
			itemIndex,
			description: failure.description,
		});
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
 * For a model (the node as a tool), `error` is the failure's text alone: the shape n8n gives the
 * model when a tool fails, so it reads one shape whatever the tool's On Error setting.
 */
export function errorItem(
	this: IExecuteFunctions,
	failure: ItemFailure,
	itemIndex: number,
): INodeExecutionData {
	if (runsAsTool(this))
		return {
			json: { error: failureText(failure, itemIndex, true) },
			pairedItem: { item: itemIndex },
		};
	const refused = failure.kind === 'refused';
	return {
		json: {
			error: {
				message: failureText(failure, itemIndex, false),
				description: failure.description,
				itemIndex,
				field: refused ? failure.field || null : null,
				httpCode: refused ? null : (failure.httpCode ?? null),
				Ack: refused ? null : (failure.answer?.Ack ?? null),
				Messages:
					!refused && failure.answer
						? copyMessages(failure.answer.Messages)
						: { Error: [], Warning: [] },
			},
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * The error a poll or a list search throws when its read failed (those edges have no items to
 * fail): n8n's NodeApiError, with the failure's message, description and HTTP status. (The trigger
 * decides from the failure itself whether its activation survives it: trigger/poll.ts.)
 */
export function readFailureError(node: INode, failure: ItemFailure): NodeApiError {
	const { message, description } = failure;
	const httpCode = failure.kind === 'failed' ? failure.httpCode : undefined;
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description,
		...(httpCode === undefined ? {} : { httpCode: String(httpCode) }),
	});
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
	const continueOnFail = continuesOnFail(this);
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
		output.push(errorItem.call(this, result.failure, itemIndex));
	}
	return [output];
}
