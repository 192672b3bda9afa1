import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ItemFailure, Refusal, RequestFailure, Result } from '../failures';
import { fail, itemFailureOf, ok } from '../failures';
import type { RequestControl } from '../transport';
import { sendNetoRequest } from '../transport';
import { readControl } from '../read/customers';
import type { LogOperation } from '../log/fields';
import { continuesOnFail, errorItem, toNodeError } from '../itemErrors';
import { buildLog, type NetoLog } from '../log/validation';
import { writtenLogOutput } from '../log/output';
import type { WriteOptions } from './options';
import { readWriteOptions } from './options';
import type { NetoAnswer } from '../answer';
import { isAckSuccess } from '../answer';

/**
 * Add and Update share this engine: validate every item, send the valid logs in batches under
 * one rate limiter, and map each answer back to exactly one outcome per input item.
 */

export interface PendingLog {
	index: number;
	log: NetoLog;
	/** What readValues returned for the item: the fields, and settings such as notesMode. */
	values: IDataObject;
}

/** One item's outcome: its output json, or how it failed. */
export type Outcome = Result<IDataObject, ItemFailure>;

/** Sends entries in one request (split further only by Update's error pinning), under `control`. */
export type SendBatch = (entries: PendingLog[], control: RequestControl) => Promise<Outcome[]>;

/** What a step that sends a batch itself gives back. */
export interface BatchWrite {
	/** One outcome per entry of the batch. */
	outcomes: Map<number, Outcome>;
	/** Outcomes known later that replace some of `outcomes` (a step's own check after writing); the run waits for them. */
	later?: Promise<Map<number, Outcome>>;
}

/**
 * Steps around each batch: `prepare` may rewrite the batch's logs (reading from the store) and
 * returns the items it refuses (Add's Customer By Email); `write` sends the batch itself through
 * `send`, e.g. holding its logs and reading them first (Update's Notes Mode Append).
 */
export interface BatchSteps {
	prepare?(
		this: IExecuteFunctions,
		batch: PendingLog[],
		options: WriteOptions,
		control: RequestControl,
	): Promise<Map<number, Refusal>>;
	write?(
		this: IExecuteFunctions,
		batch: PendingLog[],
		options: WriteOptions,
		control: RequestControl,
		send: SendBatch,
	): Promise<BatchWrite>;
}

const ACTIONS = { add: 'AddCustomerLog', update: 'UpdateCustomerLog' } as const;

/**
 * While a request is in flight, reading the next batch gives the event loop a turn at least this
 * often, so the request's own steps (credentials, connection, writing) are never held back longer
 * by n8n's expression work, however slow the machine. A bound on blocking, not a measured timing.
 */
const READ_SLICE_MS = 5;

/**
 * Returns once the event loop has run its I/O phase: a request just started connects and is
 * written there, and reading the next batch first held it back (in real n8n, by the whole batch's
 * reading: about 3 ms a request, at every request). A timer's turn can come before the I/O phase
 * of the same loop iteration, never twice without one between: an order of the event loop, not a
 * timing.
 */
async function afterIoTurn(): Promise<void> {
	await sleep(0);
	await sleep(0);
}

/** Update names the log it changes; two updates of one log must never overlap. */
function logKey(operation: LogOperation, log: NetoLog): string | undefined {
	return operation === 'update' ? String(log.LogID) : undefined;
}

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

/** The description of an item a batch step refuses before its batch goes out. */
export const CHECKED_BEFORE_SENDING = 'The node checks this before sending anything for the item.';

export function refused(refusal: Refusal, description: string): Outcome {
	return fail({
		kind: 'refused',
		message: `${refusal.message}. Nothing was sent for this item.`,
		description,
		field: refusal.field ?? '',
	});
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
	options: WriteOptions,
	control: RequestControl,
): Promise<Result<NetoAnswer, RequestFailure>> {
	return await sendNetoRequest.call(
		this,
		{
			action: ACTIONS[operation],
			payload: { CustomerLogs: { CustomerLog: batch.map((entry) => entry.log) } },
			format: options.wireFormat,
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
	options: WriteOptions,
	control: RequestControl,
): Promise<Outcome[]> {
	const sent = await send.call(this, 'add', batch, options, control);
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
	options: WriteOptions,
	control: RequestControl,
): Promise<Outcome[]> {
	const sent = await send.call(this, 'update', batch, options, control);
	if (!sent.ok) return batch.map(() => fail(fromRequestFailure(sent.failure, 'update')));
	const answer = sent.value;
	if (isAckSuccess(answer)) return batch.map((entry) => success(entry.log, answer));
	if (batch.length === 1) return [fail({ kind: 'failed', ...storeMessage(answer), answer })];
	const middle = Math.ceil(batch.length / 2);
	const left = await updateBatch.call(this, batch.slice(0, middle), options, control);
	const right = await updateBatch.call(this, batch.slice(middle), options, control);
	return [...left, ...right];
}

/**
 * The whole of Add and Update. `readValues` reads one item's parameters (as few calls as it can:
 * each costs an expression evaluation per item in n8n); `steps` may rewrite or refuse valid logs
 * before they go out and check them after. Returns one output item per input item.
 *
 * Reading and sending overlap: a batch goes out as soon as it is full, and the next one is read
 * and checked while it is in flight (with at most `concurrency` batches in flight), so n8n's
 * expression work hides behind the network instead of adding to it. Without Continue On Fail the
 * first failure, refused or from the store, stops further sending; batches already sent stay sent.
 *
 * Updates of one log are applied one after another, in item order: a batch never holds two of
 * them, and a batch waits for any batch in flight that changes one of its logs, so each builds on
 * what the one before it wrote.
 */
export async function writeLogs(
	this: IExecuteFunctions,
	operation: LogOperation,
	readValues: (itemIndex: number) => IDataObject,
	steps?: BatchSteps,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readWriteOptions(this);
	const timezone = this.getTimezone();
	const continueOnFail = continuesOnFail(this);
	const control = readControl(options);
	const sendBatch = operation === 'add' ? addBatch : updateBatch;
	const outcomes: Array<Outcome | undefined> = new Array(items.length);
	let firstFailure: number | undefined;

	const settle = (index: number, outcome: Outcome) => {
		outcomes[index] = outcome;
		if (!outcome.ok && (firstFailure === undefined || index < firstFailure)) firstFailure = index;
	};
	const stopped = () => !continueOnFail && firstFailure !== undefined;

	const send: SendBatch = async (entries, requestControl) =>
		await sendBatch.call(this, entries, options, requestControl);
	/** Outcomes still to come after their batch was sent (an append's read-back). */
	const later: Array<Promise<void>> = [];
	const dispatch = async (batch: PendingLog[]) => {
		let ready = batch;
		if (steps?.prepare) {
			const refusals = await steps.prepare.call(this, batch, options, control);
			for (const [index, refusal] of refusals) {
				settle(index, refused(refusal, CHECKED_BEFORE_SENDING));
			}
			ready = batch.filter((entry) => !refusals.has(entry.index));
		}
		if (ready.length === 0 || stopped()) return;
		if (steps?.write) {
			const written = await steps.write.call(this, ready, options, control, send);
			for (const [index, outcome] of written.outcomes) settle(index, outcome);
			if (written.later) {
				const settled = written.later.then((outcomes) =>
					outcomes.forEach((outcome, index) => settle(index, outcome)),
				);
				// Awaited with the others at the end; until then a failure must not count as unhandled.
				settled.catch(() => {});
				later.push(settled);
			}
			return;
		}
		const results = await send(ready, control);
		ready.forEach((entry, position) => settle(entry.index, results[position]));
	};

	/** Batches in flight, each with the logs it changes. */
	const inFlight = new Map<Promise<void>, Set<string>>();
	const sharesALog = (keys: Set<string>) =>
		[...inFlight.values()].some((other) => [...keys].some((key) => other.has(key)));
	const launch = async (batch: PendingLog[], keys: Set<string>) => {
		while (inFlight.size >= options.concurrency || sharesALog(keys))
			await Promise.race(inFlight.keys());
		if (stopped()) return;
		const sending: Promise<void> = dispatch(batch).finally(() => inFlight.delete(sending));
		inFlight.set(sending, keys);
		await afterIoTurn();
	};

	let batch: PendingLog[] = [];
	let keys = new Set<string>();
	let sliceStart = Date.now();
	for (let index = 0; index < items.length && !stopped(); index++) {
		if (inFlight.size > 0 && Date.now() - sliceStart >= READ_SLICE_MS) {
			await sleep(0);
			sliceStart = Date.now();
		}
		const values = readValues(index);
		const built = buildLog(operation, values, timezone);
		if (!built.ok) {
			settle(
				index,
				refused(
					built.failure,
					"The node checks every field against Neto's documented limits before sending.",
				),
			);
			continue;
		}
		const log = built.value;
		const key = logKey(operation, log);
		if (key !== undefined && keys.has(key)) {
			await launch(batch, keys);
			[batch, keys] = [[], new Set()];
			sliceStart = Date.now();
		}
		batch.push({ index, log, values });
		if (key !== undefined) keys.add(key);
		if (batch.length === options.batchSize) {
			await launch(batch, keys);
			[batch, keys] = [[], new Set()];
			sliceStart = Date.now();
		}
	}
	if (batch.length > 0 && !stopped()) await launch(batch, keys);
	while (inFlight.size > 0) await Promise.race(inFlight.keys());
	await Promise.all(later);

	if (stopped()) {
		const outcome = outcomes[firstFailure as number] as Extract<Outcome, { ok: false }>;
		throw toNodeError.call(this, outcome.failure, firstFailure as number);
	}
	return [
		outcomes.map((outcome, index) =>
			outcome?.ok
				? { json: outcome.value, pairedItem: { item: index } }
				: errorItem.call(this, (outcome as Extract<Outcome, { ok: false }>).failure, index),
		),
	];
}
