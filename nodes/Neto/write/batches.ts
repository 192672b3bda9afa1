import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Refusal } from '../failures';
import type { RequestControl } from '../transport';
import type { LogOperation } from '../log/fields';
import { continuesOnFail, errorItem, toNodeError } from '../itemErrors';
import { buildLog, type NetoLog } from '../log/validation';
import type { RunSettings } from '../settings/runSettings';
import { readRunSettings, requestControl } from '../settings/runSettings';
import type { Outcome, PendingLog } from './outcomes';
import { CHECKED_BEFORE_SENDING, OutcomeRecord, refused } from './outcomes';
import { BatchScheduler } from './schedule';
import { sendsBatch } from './storeWrites';

/**
 * Add and Update share this engine: validate every item, send the valid logs in batches under
 * one rate limiter, and map each answer back to exactly one outcome per input item. Its pieces:
 * reading items into batches (readBatches), when a batch may go (schedule.ts), what a batch's
 * steps and request make of it (dispatch, storeWrites.ts), and each item's outcome (outcomes.ts).
 */

export type { Outcome, PendingLog } from './outcomes';
export { CHECKED_BEFORE_SENDING, refused } from './outcomes';

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
		settings: RunSettings,
		control: RequestControl,
	): Promise<Map<number, Refusal>>;
	write?(
		this: IExecuteFunctions,
		batch: PendingLog[],
		settings: RunSettings,
		control: RequestControl,
		send: SendBatch,
	): Promise<BatchWrite>;
}

/**
 * While a request is in flight, reading the next batch gives the event loop a turn at least this
 * often, so the request's own steps (credentials, connection, writing) are never held back longer
 * by n8n's expression work, however slow the machine. A bound on blocking, not a measured timing.
 */
const READ_SLICE_MS = 5;

/** Update names the log it changes; two updates of one log must never overlap. */
function logKey(operation: LogOperation, log: NetoLog): string | undefined {
	return operation === 'update' ? String(log.LogID) : undefined;
}

/** A batch ready to go, with the logs it changes. */
interface Batch {
	entries: PendingLog[];
	keys: Set<string>;
}

/** What a run's batches share. */
interface BatchRun {
	operation: LogOperation;
	settings: RunSettings;
	control: RequestControl;
	steps?: BatchSteps;
	record: OutcomeRecord;
	/** Outcomes still to come after their batch was sent (an append's read-back). */
	later: Array<Promise<void>>;
}

/**
 * Reads the items in order into batches: a batch is full at Batch Size, or ends before a second
 * update of a log it holds. An item whose values are not a valid log is refused in the record.
 */
async function* readBatches(
	this: IExecuteFunctions,
	run: BatchRun,
	readValues: (itemIndex: number) => IDataObject,
	busy: () => boolean,
): AsyncGenerator<Batch> {
	const count = this.getInputData().length;
	const timezone = this.getTimezone();
	let batch: Batch = { entries: [], keys: new Set() };
	let sliceStart = Date.now();
	for (let index = 0; index < count && !run.record.stopped; index++) {
		if (busy() && Date.now() - sliceStart >= READ_SLICE_MS) {
			await sleep(0);
			sliceStart = Date.now();
		}
		const values = readValues(index);
		const built = buildLog(run.operation, values, timezone);
		if (!built.ok) {
			const why = "The node checks every field against Neto's documented limits before sending.";
			run.record.settle(index, refused(built.failure, why));
			continue;
		}
		const key = logKey(run.operation, built.value);
		if (key !== undefined && batch.keys.has(key)) {
			yield batch;
			batch = { entries: [], keys: new Set() };
			sliceStart = Date.now();
		}
		batch.entries.push({ index, log: built.value, values });
		if (key !== undefined) batch.keys.add(key);
		if (batch.entries.length === run.settings.batchSize) {
			yield batch;
			batch = { entries: [], keys: new Set() };
			sliceStart = Date.now();
		}
	}
	if (batch.entries.length > 0 && !run.record.stopped) yield batch;
}

/** One batch through its steps and its request, each item's outcome settled in the record. */
async function dispatch(
	this: IExecuteFunctions,
	run: BatchRun,
	batch: PendingLog[],
): Promise<void> {
	const { steps, settings, control, record } = run;
	let ready = batch;
	if (steps?.prepare) {
		const refusals = await steps.prepare.call(this, batch, settings, control);
		for (const [index, refusal] of refusals)
			record.settle(index, refused(refusal, CHECKED_BEFORE_SENDING));
		ready = batch.filter((entry) => !refusals.has(entry.index));
	}
	if (ready.length === 0 || record.stopped) return;
	const sendBatch = sendsBatch[run.operation];
	const send: SendBatch = async (entries, requestControl) =>
		await sendBatch.call(this, entries, settings, requestControl);
	if (!steps?.write) {
		const results = await send(ready, control);
		ready.forEach((entry, position) => record.settle(entry.index, results[position]));
		return;
	}
	const written = await steps.write.call(this, ready, settings, control, send);
	for (const [index, outcome] of written.outcomes) record.settle(index, outcome);
	if (written.later) {
		const settled = written.later.then((outcomes) =>
			outcomes.forEach((outcome, index) => record.settle(index, outcome)),
		);
		// Awaited with the others at the end; until then a failure must not count as unhandled.
		settled.catch(() => {});
		run.later.push(settled);
	}
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
	const settings = readRunSettings(this);
	const run: BatchRun = {
		operation,
		settings,
		control: requestControl(settings),
		steps,
		record: new OutcomeRecord(this.getInputData().length, continuesOnFail(this)),
		later: [],
	};
	const scheduler = new BatchScheduler(settings.concurrency);
	for await (const batch of readBatches.call(this, run, readValues, () => scheduler.busy)) {
		await scheduler.room(batch.keys);
		if (run.record.stopped) break;
		await scheduler.start(batch.keys, async () => await dispatch.call(this, run, batch.entries));
	}
	await scheduler.drain();
	await Promise.all(run.later);

	const end = run.record.end();
	if (end.stopped) throw toNodeError.call(this, end.failure, end.index);
	return [
		end.outcomes.map((outcome, index) =>
			outcome.ok
				? { json: outcome.value, pairedItem: { item: index } }
				: errorItem.call(this, outcome.failure, index),
		),
	];
}
