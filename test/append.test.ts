import { sleep } from 'n8n-workflow';

import { logLocks } from '../nodes/Neto/write/append/locks';
import { runCustomerLog } from './harness/engine';
import { WIRE_FORMATS, errorOf, useSandbox } from './harness/fixtures';

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });
const SEPARATOR = '\n--- \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC ---\n';
/** The notes a log holds after the given texts were appended one after another, as a pattern. */
const appended = (...texts: string[]) => new RegExp(`^${texts.join(SEPARATOR)}$`);
const APPEND = {
	operation: 'update',
	username: '={{ $json.u }}',
	logId: '={{ $json.id }}',
	updateFields: { notes: '={{ $json.note }}', notesMode: '={{ $json.mode ?? "append" }}' },
};

describe.each(WIRE_FORMATS)('Locators and appending to notes (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('Add takes the customer from a list pick, by username, or as a saved plain value', async () => {
		for (const username of [
			locator('list', 'ellie.w'),
			locator('username', 'ellie.w'),
			'ellie.w',
		]) {
			const result = await neto.run({
				operation: 'add',
				username,
				additionalFields: { notes: 'x' },
			});
			expect(result.json[0]).toMatchObject({ Username: 'ellie.w', Ack: 'Success' });
		}
		expect(neto.sandbox.store.logsOf('ellie.w')).toHaveLength(3);
	});

	test('Update takes the log from a list pick, by ID, or as a saved plain value', async () => {
		for (const [logId, status] of [
			[locator('list', '1000'), 'Completed'],
			[locator('id', ' 1001 '), 'Recontacting'],
			['1002', 'Completed'],
		] as const) {
			const result = await neto.run({ operation: 'update', logId, updateFields: { status } });
			expect(result.error).toBeUndefined();
		}
		expect([1000, 1001, 1002].map((id) => neto.sandbox.store.logs.get(id)?.Status)).toEqual([
			'Completed',
			'Recontacting',
			'Completed',
		]);
	});

	test('append adds after the current notes, below a line with the time in UTC', async () => {
		const result = await neto.run({
			operation: 'update',
			username: locator('list', 'jsmith'),
			logId: locator('list', '1000'),
			updateFields: { notes: 'Called back: wants 50 units', notesMode: 'append' },
		});
		expect(result.error).toBeUndefined();
		const notes = neto.sandbox.store.logs.get(1000)?.Notes;
		expect(notes).toMatch(appended('Asked about bulk pricing', 'Called back: wants 50 units'));
		expect(result.json[0].Notes).toBe(notes);
	});

	test('append to empty notes is just the new text', async () => {
		const first = await neto.run({
			operation: 'update',
			username: 'acme_buyer',
			logId: '1002',
			updateFields: { notes: 'First note', notesMode: 'append' },
		});
		expect(first.error).toBeUndefined();
		expect(neto.sandbox.store.logs.get(1002)?.Notes).toBe('First note');
	});

	test.each([
		['in one batch', { batchSize: 50 }],
		['one per batch, 3 in flight', { batchSize: 1, concurrency: 3 }],
	])(
		'several appends to one log in one run all land, in item order (%s); each item shows the notes it wrote',
		async (_label, options) => {
			const items = ['second', 'third', 'fourth'].map((note) => ({ u: 'jsmith', id: 1000, note }));
			const result = await neto.run({ ...APPEND, options }, items);
			expect(result.error).toBeUndefined();
			const notes = neto.sandbox.store.logs.get(1000)?.Notes;
			expect(notes).toMatch(appended('Asked about bulk pricing', 'second', 'third', 'fourth'));
			expect(result.json.map((json) => json.Notes)).toEqual([
				expect.stringMatching(appended('Asked about bulk pricing', 'second')),
				expect.stringMatching(appended('Asked about bulk pricing', 'second', 'third')),
				notes,
			]);
			// never two updates of one log in a request
			expect(neto.requestsFor('UpdateCustomerLog').map((r) => r.logs)).toEqual([1, 1, 1]);
		},
	);

	test('Replace and Append on one log in one run end as if applied one item after another', async () => {
		const items = [
			{ u: 'jsmith', id: 1000, note: 'a' },
			{ u: 'jsmith', id: 1001, note: 'other log', mode: 'replace' },
			{ u: 'jsmith', id: 1000, note: 'Replaced', mode: 'replace' },
			{ u: 'jsmith', id: 1000, note: 'b' },
			{ u: 'jsmith', id: 1001, note: 'c' },
		];
		const result = await neto.run({ ...APPEND, options: { batchSize: 50, concurrency: 2 } }, items);
		expect(result.error).toBeUndefined();
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toMatch(appended('Replaced', 'b'));
		expect(neto.sandbox.store.logs.get(1001)?.Notes).toMatch(appended('other log', 'c'));
		expect(result.json.map((json) => json.Notes)).toEqual([
			expect.stringMatching(appended('Asked about bulk pricing', 'a')),
			'other log',
			'Replaced',
			expect.stringMatching(appended('Replaced', 'b')),
			expect.stringMatching(appended('other log', 'c')),
		]);
		// the batch breaks before a log's second update: [a, other log] [Replaced] [b, c]
		expect(neto.requestsFor('UpdateCustomerLog').map((r) => r.logs)).toEqual([2, 1, 2]);
	});

	test('append without the customer, or with a log of another customer, is refused before sending', async () => {
		const result = await neto.run(
			{
				operation: 'update',
				username: '={{ $json.u }}',
				logId: '={{ $json.id }}',
				updateFields: { notes: 'x', notesMode: 'append' },
			},
			[
				{ u: '', id: 1000 },
				{ u: 'acme_buyer', id: 1000 },
				{ u: 'jsmith', id: 1001 },
			],
			{ onError: 'continueRegularOutput' },
		);
		expect(errorOf(result.json[0]).message).toContain('"Notes Mode" Append needs the Customer');
		expect(errorOf(result.json[1]).message).toContain(
			'Log 1000 is not one of the logs of customer "acme_buyer"',
		);
		expect(result.json[2]).toMatchObject({
			LogID: 1001,
			Notes: expect.stringMatching(appended('Sent the catalogue', 'x')),
		});
		expect(neto.requestsFor('UpdateCustomerLog').map((r) => r.logs)).toEqual([1]);
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toBe('Asked about bulk pricing');
	});

	test('replace (the default) does not read the log first', async () => {
		await neto.run({
			operation: 'update',
			username: 'jsmith',
			logId: '1000',
			updateFields: { notes: 'new' },
		});
		expect(neto.requestsFor('GetCustomer')).toHaveLength(0);
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toBe('new');
	});
});

/** Short, so the suite is quick: the sandbox answers in milliseconds. */
const WINDOW_SECONDS = 0.5;

describe.each(WIRE_FORMATS)('Appends across executions (%s)', (format) => {
	const neto = useSandbox({}, format);
	/**
	 * One execution appending `note` to log 1000. `process` 'other' reaches the same sandbox as
	 * localhost instead of 127.0.0.1: another store address to this process, so it shares neither
	 * the log locks nor the rate limiter, as a second n8n process (a queue-mode worker) would not.
	 */
	const appendOne = (note: string, process: 'this' | 'other' = 'this', extra = {}) =>
		runCustomerLog({
			parameters: {
				...APPEND,
				options: { wireFormat: format, appendWindowSeconds: WINDOW_SECONDS, retryDelayMs: 10 },
			},
			items: [{ u: 'jsmith', id: 1000, note }],
			credentials: neto.credentials(
				process === 'other' ? { storeUrl: neto.sandbox.url.replace('127.0.0.1', 'localhost') } : {},
			),
			...extra,
		});
	const notesNow = () => neto.sandbox.store.logs.get(1000)?.Notes ?? '';
	const bothLanded = (notes: string, one: string, two: string) =>
		[
			appended('Asked about bulk pricing', one, two),
			appended('Asked about bulk pricing', two, one),
		].some((pattern) => pattern.test(notes));

	test('two executions in one n8n process appending to one log at once: the second reads after the first wrote, both land with no rewrite', async () => {
		// With the store slow to answer, both reads would surely be out before either write without the process's log lock.
		neto.sandbox.set({ latencyMs: 150 });
		const [one, two] = await Promise.all([
			appendOne('from execution one'),
			appendOne('from execution two'),
		]);
		expect([one.error, two.error]).toEqual([undefined, undefined]);
		expect(bothLanded(notesNow(), 'from execution one', 'from execution two')).toBe(true);
		expect(neto.sandbox.requests.slice(0, 4).map((request) => request.action)).toEqual([
			'GetCustomer',
			'UpdateCustomerLog',
			'GetCustomer',
			'UpdateCustomerLog',
		]);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(2);
		// and the process keeps nothing of them once they are done
		expect(logLocks.size).toBe(0);
	});

	test('two processes appending to one log at the same moment: the overwritten append is written again, both land', async () => {
		// Both read the notes before either writes, and both writes land before either reads back:
		// the lost update surely happens, and the node must repair it.
		neto.sandbox.holdUntil('GetCustomer', 2);
		neto.sandbox.holdUntil('UpdateCustomerLog', 2);
		const [one, two] = await Promise.all([
			appendOne('from process one'),
			appendOne('from process two', 'other'),
		]);
		expect([one.error, two.error]).toEqual([undefined, undefined]);
		const notes = notesNow();
		expect(bothLanded(notes, 'from process one', 'from process two')).toBe(true);
		// each output shows the notes its item finally wrote
		expect([one.json[0].Notes, two.json[0].Notes]).toContain(notes);
		// 2 reads before, 2 writes, 2 reads back; then 1 write again and 1 read back for the overwritten one
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(3);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(5);
	});

	test('a write from another process that read before this append and lands after its answer is seen: the read-back waits the Append Window, and repairs', async () => {
		// Both read at once; the second write to arrive reaches the store 150 ms late (within its window),
		// after the first execution's write was answered: reading back at once would find the text still there.
		neto.sandbox.holdUntil('GetCustomer', 2);
		neto.sandbox.injectFaults([{ kind: 'delay', ms: 150, action: 'UpdateCustomerLog', skip: 1 }]);
		const [one, two] = await Promise.all([
			appendOne('from process one'),
			appendOne('from process two', 'other'),
		]);
		expect([one.error, two.error]).toEqual([undefined, undefined]);
		expect(bothLanded(notesNow(), 'from process one', 'from process two')).toBe(true);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(3);
		// no read-back before the Append Window has passed since the write's answer
		const [firstWrite] = neto.requestsFor('UpdateCustomerLog');
		const readBacks = neto.requestsFor('GetCustomer').slice(2);
		expect(
			Math.min(...readBacks.map((request) => request.at)) - firstWrite.at,
		).toBeGreaterThanOrEqual(WINDOW_SECONDS * 1000);
	});

	test('a write held back past the Append Window (a 429) is not sent on its old read: it reads again, and what another writer wrote meanwhile stays', async () => {
		neto.sandbox.injectFaults([
			{ kind: 'status', status: 429, retryAfter: 1, action: 'UpdateCustomerLog' },
		]);
		const running = appendOne('mine');
		// The other writer changes the notes while this append's write waits out the 429.
		while (!neto.sandbox.requests.some((request) => request.status === 429)) await sleep(5);
		neto.sandbox.store.changeLog(1000, {
			Notes: 'Asked about bulk pricing\nChanged by the other writer',
		});
		const result = await running;
		expect(result.error).toBeUndefined();
		expect(notesNow()).toMatch(
			appended('Asked about bulk pricing\nChanged by the other writer', 'mine'),
		);
		// read, write refused (429), read again, write, read back
		expect(neto.sandbox.requests.map((request) => `${request.action} ${request.status}`)).toEqual([
			'GetCustomer 200',
			'UpdateCustomerLog 429',
			'GetCustomer 200',
			'UpdateCustomerLog 200',
			'GetCustomer 200',
		]);
	});

	test('a write whose retry backoff outlasts the Append Window ends when the window ends, not after the backoff', async () => {
		// A 503 may come from a store that applied the write: after it, the append is not written
		// again on its old read, so the item fails; it must do so at the window's end.
		neto.sandbox.injectFaults([{ kind: 'status', status: 503, action: 'UpdateCustomerLog' }]);
		const backoffMs = 30_000;
		const started = Date.now();
		const result = await runCustomerLog({
			parameters: {
				...APPEND,
				options: { wireFormat: format, appendWindowSeconds: 1, retryDelayMs: backoffMs },
			},
			items: [{ u: 'jsmith', id: 1000, note: 'mine' }],
			credentials: neto.credentials(),
			onError: 'continueRegularOutput',
		});
		expect(errorOf(result.json[0]).message).toMatch(/its time ran out/);
		// The backoff is at least half its ceiling (jitter): a wait of it would take 15 s or more.
		expect(Date.now() - started).toBeLessThan(backoffMs / 2);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(1);
	});

	test('an append whose read-back fails is an error item: accepted, not confirmed', async () => {
		// The first GetCustomer (the read before writing) passes; the read-back finds a web page.
		neto.sandbox.injectFaults([{ kind: 'html', action: 'GetCustomer', skip: 1 }]);
		const result = await appendOne('mine', 'this', { onError: 'continueRegularOutput' });
		expect(errorOf(result.json[0]).message).toMatch(
			/^Item index 0: The update of log 1000 was accepted, but reading it back to confirm the appended text failed: .*web page/,
		);
		expect(errorOf(result.json[0]).description).toBe(
			"Check the log's notes before appending this text again.",
		);
		expect(notesNow()).toMatch(appended('Asked about bulk pricing', 'mine'));
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(1);
	});

	test('an append overwritten every time it is written becomes an error item that says so', async () => {
		// Another writer that replaces the notes right after each of the node's writes.
		const log = neto.sandbox.store.logs.get(1000)!;
		let writes = 0;
		Object.defineProperty(log, 'Notes', {
			configurable: true,
			get: () => 'someone else',
			set: () => {
				writes++;
			},
		});
		const result = await appendOne('mine', 'this', { onError: 'continueRegularOutput' });
		expect(errorOf(result.json[0]).message).toBe(
			"Item index 0: The text appended to log 1000 was overwritten by another writer each of the 4 times it was written; it is not in the log's notes now",
		);
		expect(writes).toBe(4);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(1 + 4);
	});
});
