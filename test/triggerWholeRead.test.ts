/**
 * The Customer Log Trigger's read of every customer (the baseline, the full check) spread over
 * polls, each poll bounded by the node's Poll Time Limit, against a sandbox store too large to read
 * within one poll: polled through n8n-core as n8n's default poller and its durable scheduler poll
 * it, the scheduler abandoning a poll that runs past its limit. The clock runs with real time (the
 * limit must run out) and jumps when a test says, so an update read's overlap can be outrun.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PollOutcome, TriggerOptions } from './harness/engine';
import { ActiveTrigger } from './harness/engine';
import { useSandbox, useTestClock } from './harness/fixtures';

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const { later } = useTestClock(START, true);
const suite = useSandbox();

/** 3,000 customers besides the sandbox's 4: 31 GetCustomer pages at 150 ms, about 5 s a whole read. */
const CUSTOMERS = 3000;
const PAGES = 31;
const LATENCY_MS = 150;
/**
 * The node's limit (the smallest it takes), and the scheduler's: a whole read in one poll is past
 * it; a poll that stops at the node's limit is not (it may end a retry's first backoff, at most 1 s, after it).
 */
const PARAMETERS = { event: 'newLog', pollTimeLimit: 1 };
const SCHEDULER_TIMEOUT_MS = 3000;

beforeEach(() => {
	suite.sandbox.store.populate({ customers: CUSTOMERS, logs: CUSTOMERS });
	suite.sandbox.set({ latencyMs: LATENCY_MS });
});

const durable: TriggerOptions = {
	typeVersion: 2,
	durableCursors: true,
	pollTimeoutMs: SCHEDULER_TIMEOUT_MS,
};

function trigger(options: TriggerOptions = { typeVersion: 2 }, parameters: IDataObject = {}) {
	return new ActiveTrigger({ ...PARAMETERS, ...parameters }, suite.credentials(), {}, options);
}

/** The trigger's state as the durable scheduler committed it, or as the running workflow holds it. */
function stateOf(active: ActiveTrigger, options: TriggerOptions): IDataObject {
	const data = options.durableCursors
		? (JSON.parse(active.cursor) as IDataObject)
		: (active.staticData['node:Neto Trigger'] as IDataObject | undefined);
	return (data?.customerLogTrigger as IDataObject | undefined) ?? {};
}

const getCustomerRequests = () =>
	suite.sandbox.requests.filter((request) => request.action === 'GetCustomer').length;

function addLog(Username: string, Notes: string) {
	return suite.sandbox.store.insertLog({
		Username,
		Notes,
		CustomerName: '',
		FollowUpType: '',
	} as never);
}

const emittedIds = (outcome: PollOutcome) =>
	(outcome.emitted ?? []).map((item) => item.json.LogID as number);

/**
 * Polls a minute apart (on the clock) until the state holds no read of every customer in progress,
 * expecting each poll to end well, inside the scheduler's limit, emitting nothing unless `emits`.
 */
async function pollUntilWhole(
	active: ActiveTrigger,
	options: TriggerOptions,
	between: (poll: number) => void = () => {},
) {
	const emitted: number[] = [];
	let polls = 0;
	let longest = 0;
	do {
		between(polls);
		later(MINUTE);
		const started = Date.now();
		const outcome = await active.poll();
		longest = Math.max(longest, Date.now() - started);
		polls++;
		expect(outcome.error).toBeUndefined();
		expect(outcome.abandoned).toBeUndefined();
		emitted.push(...emittedIds(outcome));
		expect(polls).toBeLessThan(3 * PAGES);
	} while (stateOf(active, options).wholeRead !== undefined);
	return { polls, longest, emitted };
}

function storeLogIds(): string[] {
	return [...suite.sandbox.store.logs.keys()].map(String).sort();
}

const stateLogIds = (active: ActiveTrigger, options: TriggerOptions) =>
	Object.keys(stateOf(active, options).logs as IDataObject).sort();

describe('Neto Customer Log Trigger: a read of every customer spread over polls', () => {
	test('under the durable scheduler, a baseline too long for one poll completes over several, none abandoned, none emitting; then a new log comes once', async () => {
		const active = trigger(durable);
		expect(await active.poll()).toEqual({ emitted: null }); // at activation: n8n keeps nothing
		const before = getCustomerRequests();
		const { polls, longest, emitted } = await pollUntilWhole(active, durable);
		expect(emitted).toEqual([]);
		expect(polls).toBeGreaterThan(2);
		expect(longest).toBeLessThan(SCHEDULER_TIMEOUT_MS);
		// Each poll goes on where the last stopped: at most the page cut off at its limit again.
		expect(getCustomerRequests() - before).toBeLessThanOrEqual(PAGES + polls);
		expect(stateLogIds(active, durable)).toEqual(storeLogIds());
		const log = addLog('shopper3000', 'after the baseline');
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([log.LogID]);
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([]);
	}, 60_000);

	test('a poll the durable scheduler abandons costs its share again, not the whole read: the next goes on from the committed page', async () => {
		const active = trigger(durable);
		await active.poll();
		later(MINUTE);
		await active.poll();
		const committed = active.cursor;
		const atFirst = (JSON.parse(committed) as IDataObject).customerLogTrigger as IDataObject;
		expect((atFirst.wholeRead as IDataObject).page).toBeGreaterThan(0);
		const before = getCustomerRequests();
		later(MINUTE);
		await active.poll();
		const share = getCustomerRequests() - before;
		active.cursor = committed; // abandoned: n8n committed nothing of that poll
		const { polls } = await pollUntilWhole(active, durable);
		// The whole read: the pages after the committed one, the abandoned share, a cut-off page a poll.
		const committedPage = (atFirst.wholeRead as IDataObject).page as number;
		expect(getCustomerRequests() - before).toBeLessThanOrEqual(
			PAGES - committedPage + share + polls,
		);
		expect(stateLogIds(active, durable)).toEqual(storeLogIds());
	}, 60_000);

	test("a log added during the baseline comes once after it when its customer's page was already read, and is part of it when not, even when the baseline outlasts the update read's overlap", async () => {
		const options: TriggerOptions = { typeVersion: 2 };
		const active = trigger(options);
		expect(await active.poll()).toEqual({ emitted: null }); // at activation: the first share
		const read = addLog('shopper1', 'its page was read'); // page 0
		const unread = addLog('shopper3000', 'its page was not read yet'); // page 30
		const { emitted } = await pollUntilWhole(active, options, () => later(15 * MINUTE));
		expect(emitted).toEqual([]);
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([read.LogID]);
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([]);
		expect(stateLogIds(active, options)).toContain(String(unread.LogID));
	}, 60_000);

	test('n8n restarting during the baseline (the default poller saved only its first share) goes on from there: every log in the baseline, then each new one once', async () => {
		const options: TriggerOptions = { typeVersion: 2 };
		const active = trigger(options);
		await active.poll(); // at activation: saved
		later(MINUTE);
		await active.poll(); // quiet: in memory only
		const saved = (JSON.parse(active.saved) as IDataObject)['node:Neto Trigger'] as IDataObject;
		const savedState = saved.customerLogTrigger as IDataObject;
		expect((savedState.wholeRead as IDataObject).page).toBeGreaterThan(0);
		active.restart();
		const { emitted } = await pollUntilWhole(active, options);
		expect(emitted).toEqual([]);
		expect(stateLogIds(active, options)).toEqual(storeLogIds());
		const log = addLog('shopper1999', 'after the restart');
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([log.LogID]);
	}, 60_000);

	test('two polls at once during the baseline (the default poller) read one share each, one keeps its progress, and the baseline completes with nothing emitted twice', async () => {
		const options: TriggerOptions = { typeVersion: 2 };
		const active = trigger(options);
		await active.poll();
		later(MINUTE);
		const both = await Promise.all([active.poll(), active.poll()]);
		expect(both.map((outcome) => [outcome.error, outcome.emitted])).toEqual([
			[undefined, null],
			[undefined, null],
		]);
		await pollUntilWhole(active, options);
		expect(stateLogIds(active, options)).toEqual(storeLogIds());
		const log = addLog('shopper1000', 'after the overlap');
		later(MINUTE);
		const next = await Promise.all([active.poll(), active.poll()]);
		expect(next.flatMap(emittedIds)).toEqual([log.LogID]);
	}, 60_000);

	test('a store that counts pages from 1 (page 0 answers as page 1): the baseline over polls still ends, holding every log, one page more', async () => {
		suite.sandbox.set({ firstPage: 1 });
		const active = trigger(durable);
		await active.poll();
		const before = getCustomerRequests();
		const { polls } = await pollUntilWhole(active, durable);
		expect(stateLogIds(active, durable)).toEqual(storeLogIds());
		expect(getCustomerRequests() - before).toBeLessThanOrEqual(PAGES + 1 + polls);
	}, 60_000);

	test('the daily full check goes on over polls under the durable scheduler: changes still come every poll meanwhile, a log its update read missed comes once, a gone customer leaves the state', async () => {
		const active = trigger(durable);
		await active.poll();
		await pollUntilWhole(active, durable);
		const { store } = suite.sandbox;
		const gone = 'shopper1500';
		const goneLogs = [...store.logs.values()]
			.filter((log) => log.Username === gone)
			.map((log) => log.LogID);
		expect(goneLogs.length).toBeGreaterThan(0);
		for (const id of goneLogs) store.logs.delete(id);
		store.customers.delete(gone);
		store.logsTouchCustomer = false;
		const missed = addLog('shopper2990', 'its customer was not touched'); // page 29
		store.logsTouchCustomer = true;
		later(DAY);
		const seen: number[] = [];
		let touched: { LogID: number } | undefined;
		const { polls, emitted } = await pollUntilWhole(active, durable, (poll) => {
			if (poll === 1) touched = addLog('jsmith', 'during the full check');
		});
		seen.push(...emitted);
		expect(polls).toBeGreaterThan(2);
		// The touched log came at the poll after it was added (not at the full check's end).
		expect(seen.slice(0, 1)).toEqual([touched?.LogID]);
		expect(seen.sort()).toEqual([touched?.LogID, missed.LogID].sort());
		expect(stateLogIds(active, durable)).toEqual(storeLogIds());
		later(MINUTE);
		expect(emittedIds(await active.poll())).toEqual([]);
	}, 60_000);
});
