import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemFailure, RequestFailure, Result } from '../failures';
import { fail, itemFailureOf, ok } from '../failures';
import type { RequestControl } from '../transport';
import { sendNetoRequest } from '../transport';
import type { LogOperation } from '../log/fields';
import type { NetoLog } from '../log/validation';
import { writtenLogOutput } from '../log/output';
import type { RunSettings } from '../settings/runSettings';
import type { NetoAnswer } from '../answer';
import { isAckSuccess } from '../answer';
import type { Outcome, PendingLog } from './outcomes';

/** Sending a batch of logs to the store and reading one outcome per log from its answer. */

const ACTIONS = { add: 'AddCustomerLog', update: 'UpdateCustomerLog' } as const;

function storeMessage(answer: NetoAnswer): { message: string; description: string } {
	const errors = answer.Messages.Error;
	if (errors.length === 0) {
		return {
			message: `The store answered Ack "${answer.Ack || '(none)'}" with no error message`,
			description: 'Neto reports success as Ack Success or Warning; this answer was neither.',
		};
	}
	return {
		message:
			errors
				.map((error) => error.Message)
				.filter(Boolean)
				.join('; ') || 'The store reported an error',
		description: errors
			.map((error) => error.Description)
			.filter((text): text is string => typeof text === 'string' && text !== '')
			.join('; '),
	};
}

function success(log: NetoLog, answer: NetoAnswer, logId?: number): Outcome {
	return ok(writtenLogOutput(log, answer, logId));
}

function fromRequestFailure(error: RequestFailure, operation: LogOperation): ItemFailure {
	const landed =
		operation === 'add' && error.outcome === 'unknown'
			? " This log may or may not have been added: check the customer's logs before adding it again."
			: '';
	return itemFailureOf(error, landed);
}

async function send(
	this: IExecuteFunctions,
	operation: LogOperation,
	batch: PendingLog[],
	settings: RunSettings,
	control: RequestControl,
): Promise<Result<NetoAnswer, RequestFailure>> {
	return await sendNetoRequest.call(
		this,
		{
			action: ACTIONS[operation],
			payload: { CustomerLogs: { CustomerLog: batch.map((entry) => entry.log) } },
			format: settings.wireFormat,
			idempotent: operation === 'update',
		},
		control,
	);
}

/**
 * Add is not idempotent, so an answer is mapped to items only when it cannot be a guess: LogIDs
 * go to the logs in order when the store succeeded and sent exactly one LogID per log sent.
 */
async function addBatch(
	this: IExecuteFunctions,
	batch: PendingLog[],
	settings: RunSettings,
	control: RequestControl,
): Promise<Outcome[]> {
	const sent = await send.call(this, 'add', batch, settings, control);
	if (!sent.ok) return batch.map(() => fail(fromRequestFailure(sent.failure, 'add')));
	const answer = sent.value;
	const logIds = answer.CustomerLog.map((entry) => entry.LogID);
	const allNumbers = logIds.every((id) => typeof id === 'number');
	if (isAckSuccess(answer) && allNumbers && logIds.length === batch.length) {
		return batch.map((entry, position) => success(entry.log, answer, logIds[position] as number));
	}
	if (!isAckSuccess(answer) && batch.length === 1 && logIds.length === 0) {
		return [fail({ kind: 'failed', ...storeMessage(answer), answer })];
	}
	const { message, description } = storeMessage(answer);
	return batch.map(() =>
		fail({
			kind: 'failed',
			message: `The store's answer to a batch of ${batch.length} logs cannot be pinned to single logs: ${message}`,
			description:
				`Ack "${answer.Ack || '(none)'}" with ${logIds.length} LogID(s) for ${batch.length} logs sent. ` +
				"This log may or may not have been added; check the customer's logs before adding it again. " +
				`Set Options > Batch Size to 1 for an exact outcome per log.${description ? ` Store details: ${description}` : ''}`,
			answer,
		}),
	);
}

/** Update is idempotent: a failed batch is split and re-sent until each error is pinned to its log. */
async function updateBatch(
	this: IExecuteFunctions,
	batch: PendingLog[],
	settings: RunSettings,
	control: RequestControl,
): Promise<Outcome[]> {
	const sent = await send.call(this, 'update', batch, settings, control);
	if (!sent.ok) return batch.map(() => fail(fromRequestFailure(sent.failure, 'update')));
	const answer = sent.value;
	if (isAckSuccess(answer)) return batch.map((entry) => success(entry.log, answer));
	if (batch.length === 1) return [fail({ kind: 'failed', ...storeMessage(answer), answer })];
	const middle = Math.ceil(batch.length / 2);
	const left = await updateBatch.call(this, batch.slice(0, middle), settings, control);
	const right = await updateBatch.call(this, batch.slice(middle), settings, control);
	return [...left, ...right];
}

/** How a batch of the operation's logs is sent: one outcome per log, in order. */
export const sendsBatch = { add: addBatch, update: updateBatch };
