import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RequestControl } from '../transport';
import { NetoRequestFailure, RateLimiter, sendNetoRequest } from '../transport';
import type { LogOperation } from './fields';
import type { Failure } from './itemErrors';
import { errorItem, toNodeError } from './itemErrors';
import { buildLog, type FieldProblem, type NetoLog } from './logBuilder';
import { writtenLogOutput } from './logOutput';
import type { WriteOptions } from './options';
import { readWriteOptions } from './options';
import type { NetoAnswer } from '../transport/wire';
import { isAckSuccess } from '../transport/wire';

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

/**
 * A step between validation and sending, run on each batch: may rewrite its logs (reading from the
 * store under the run's one rate limiter), and returns the items it fails.
 */
export type BeforeSend = (
	this: IExecuteFunctions,
	batch: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
) => Promise<Map<number, FieldProblem>>;

type Outcome = { ok: true; json: IDataObject } | { ok: false; failure: Failure };

const ACTIONS = { add: 'AddCustomerLog', update: 'UpdateCustomerLog' } as const;

/** How long to let a just-started request reach the wire before reading on (see launch). */
const REQUEST_WRITE_MS = 3;

function storeMessage(answer: NetoAnswer): { message: string; description: string } {
	const errors = answer.Messages.Error;
	if (errors.length === 0) {
		return {
			message: `The store answered Ack "${answer.Ack || '(none)'}" with no error message`,
			description: 'Neto reports success as Ack Success or Warning; this answer was neither.',
		};
	}
	return {
		message: errors.map((error) => error.Message).filter(Boolean).join('; ') || 'The store reported an error',
		description: errors
			.map((error) => error.Description)
			.filter((text): text is string => typeof text === 'string' && text !== '')
			.join('; '),
	};
}

function success(log: NetoLog, answer: NetoAnswer, logId?: number): Outcome {
	return { ok: true, json: writtenLogOutput(log, answer, logId) };
}

function failed(failure: Failure): Outcome {
	return { ok: false, failure };
}

function refused(problem: FieldProblem, description: string): Failure {
	return { message: `${problem.message}. Nothing was sent for this item.`, description, field: problem.field ?? '' };
}

function fromRequestFailure(error: NetoRequestFailure, operation: LogOperation): Failure {
	const landed =
		operation === 'add' && error.outcome === 'unknown'
			? ' This log may or may not have been added: check the customer\'s logs before adding it again.'
			: '';
	return { message: error.message, description: `${error.description}${landed}`, httpCode: error.httpCode };
}

async function send(
	this: IExecuteFunctions,
	operation: LogOperation,
	batch: PendingLog[],
	options: WriteOptions,
	control: RequestControl,
): Promise<NetoAnswer | NetoRequestFailure> {
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
	const answer = await send.call(this, 'add', batch, options, control);
	if (answer instanceof NetoRequestFailure) {
		return batch.map(() => failed(fromRequestFailure(answer, 'add')));
	}
	const logIds = answer.CustomerLog.map((entry) => entry.LogID);
	const allNumbers = logIds.every((id) => typeof id === 'number');
	if (isAckSuccess(answer) && allNumbers && logIds.length === batch.length) {
		return batch.map((entry, position) => success(entry.log, answer, logIds[position] as number));
	}
	if (!isAckSuccess(answer) && batch.length === 1 && logIds.length === 0) {
		return [failed({ ...storeMessage(answer), answer })];
	}
	const { message, description } = storeMessage(answer);
	return batch.map(() =>
		failed({
			message: `The store's answer to a batch of ${batch.length} logs cannot be pinned to single logs: ${message}`,
			description:
				`Ack "${answer.Ack || '(none)'}" with ${logIds.length} LogID(s) for ${batch.length} logs sent. ` +
				'This log may or may not have been added; check the customer\'s logs before adding it again. ' +
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
	const answer = await send.call(this, 'update', batch, options, control);
	if (answer instanceof NetoRequestFailure) {
		return batch.map(() => failed(fromRequestFailure(answer, 'update')));
	}
	if (isAckSuccess(answer)) return batch.map((entry) => success(entry.log, answer));
	if (batch.length === 1) return [failed({ ...storeMessage(answer), answer })];
	const middle = Math.ceil(batch.length / 2);
	const left = await updateBatch.call(this, batch.slice(0, middle), options, control);
	const right = await updateBatch.call(this, batch.slice(middle), options, control);
	return [...left, ...right];
}

/**
 * The whole of Add and Update. `readValues` reads one item's parameters (as few calls as it can:
 * each costs an expression evaluation per item in n8n); `beforeSend` may rewrite or refuse valid
 * logs before they go out. Returns one output item per input item.
 *
 * Reading and sending overlap: a batch goes out as soon as it is full, and the next one is read
 * and checked while it is in flight (with at most `concurrency` batches in flight), so n8n's
 * expression work hides behind the network instead of adding to it. Without Continue On Fail the
 * first failure, refused or from the store, stops further sending; batches already sent stay sent.
 */
export async function writeLogs(
	this: IExecuteFunctions,
	operation: LogOperation,
	readValues: (itemIndex: number) => IDataObject,
	beforeSend?: BeforeSend,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readWriteOptions(this);
	const timezone = this.getTimezone();
	const continueOnFail = this.continueOnFail();
	const control: RequestControl = { limiter: new RateLimiter(options.requestsPerMinute), retry: options.retry };
	const sendBatch = operation === 'add' ? addBatch : updateBatch;
	const outcomes: Array<Outcome | undefined> = new Array(items.length);
	let firstFailure: number | undefined;

	const settle = (index: number, outcome: Outcome) => {
		outcomes[index] = outcome;
		if (!outcome.ok && (firstFailure === undefined || index < firstFailure)) firstFailure = index;
	};
	const stopped = () => !continueOnFail && firstFailure !== undefined;

	const dispatch = async (batch: PendingLog[]) => {
		let ready = batch;
		if (beforeSend) {
			const problems = await beforeSend.call(this, batch, options, control);
			for (const [index, problem] of problems) {
				settle(index, failed(refused(problem, 'The node checks this before sending anything for the item.')));
			}
			ready = batch.filter((entry) => !problems.has(entry.index));
		}
		if (ready.length === 0 || stopped()) return;
		const results = await sendBatch.call(this, ready, options, control);
		ready.forEach((entry, position) => settle(entry.index, results[position]));
	};

	const inFlight = new Set<Promise<void>>();
	const launch = async (batch: PendingLog[]) => {
		while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
		if (stopped()) return;
		const sending: Promise<void> = dispatch(batch).finally(() => inFlight.delete(sending));
		inFlight.add(sending);
		// Reading the next batch is synchronous and would hold this request back: n8n's HTTP stack
		// takes a few turns of the event loop (credentials, agent) before the request is written.
		// Measured here: 1 ms is too short, 3 ms enough. The wait overlaps the request in flight, so
		// it costs nothing unless the store answers in under 3 ms.
		await sleep(REQUEST_WRITE_MS);
	};

	let batch: PendingLog[] = [];
	for (let index = 0; index < items.length && !stopped(); index++) {
		const values = readValues(index);
		const built = buildLog(operation, values, timezone);
		if (built.problem !== undefined) {
			settle(index, failed(refused(built.problem, 'The node checks every field against Neto\'s documented limits before sending.')));
			continue;
		}
		batch.push({ index, log: built.log, values });
		if (batch.length === options.batchSize) {
			await launch(batch);
			batch = [];
		}
	}
	if (batch.length > 0 && !stopped()) await launch(batch);
	while (inFlight.size > 0) await Promise.race(inFlight);

	if (stopped()) {
		const outcome = outcomes[firstFailure as number] as Extract<Outcome, { ok: false }>;
		throw toNodeError.call(this, outcome.failure, firstFailure as number);
	}
	return [
		outcomes.map((outcome, index) =>
			outcome?.ok
				? { json: outcome.json, pairedItem: { item: index } }
				: errorItem((outcome as Extract<Outcome, { ok: false }>).failure, index),
		),
	];
}
