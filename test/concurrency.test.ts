import { sleep } from 'n8n-workflow';

import { accountLimiters } from '../nodes/Neto/transport/rateLimiter';
import { runCustomerLog, runListSearch } from './harness/engine';
import { useSandbox } from './harness/fixtures';

const notes = (count: number, prefix: string) =>
	Array.from({ length: count }, (_, n) => ({ u: 'jsmith', note: `${prefix}${n}` }));
const ADD = {
	operation: 'add',
	username: '={{ $json.u }}',
	additionalFields: { notes: '={{ $json.note }}' },
};

/**
 * Neto's minute, shortened to WINDOW in both the sandbox and the node's process-wide limiters, so
 * that a test sees several windows in a few seconds.
 */
const WINDOW = 1000;
function useShortMinute() {
	beforeAll(() => {
		accountLimiters.windowMs = WINDOW;
	});
	afterAll(() => {
		accountLimiters.windowMs = 60_000;
	});
}

describe('One budget per account in one process', () => {
	useShortMinute();
	const neto = useSandbox({ rateLimitPerMinute: 4, rateWindowMs: WINDOW });
	const add = (prefix: string) =>
		runCustomerLog({
			parameters: { ...ADD, options: { batchSize: 1, requestsPerMinute: 4 } },
			items: notes(4, prefix),
			credentials: neto.credentials(),
		});

	test("executions, Get Many and list searches at once, set to the store's limit: not one 429, every log lands once", async () => {
		const started = [
			add('one-'),
			add('two-'),
			runCustomerLog({
				parameters: { operation: 'getAll', username: 'jsmith', returnAll: true },
				credentials: neto.credentials(),
			}),
			...[0, 1, 2].map(() => runListSearch('searchCustomers', { credentials: neto.credentials() })),
		];
		const [one, two, read] = (await Promise.all(started)) as Array<Awaited<ReturnType<typeof add>>>;
		expect([one.error, two.error, read.error]).toEqual([undefined, undefined, undefined]);
		// 8 Adds, 1 Get Many and 3 list searches: 12 requests at 4 a window
		expect(neto.sandbox.requests).toHaveLength(12);
		expect(neto.sandbox.requests.filter((request) => request.status === 429)).toEqual([]);
		const landed = neto.sandbox.store
			.logsOf('jsmith')
			.map((log) => log.Notes)
			.filter((text) => /^(one|two)-/.test(text));
		expect(landed.sort()).toEqual(
			[...notes(4, 'one-'), ...notes(4, 'two-')].map((item) => item.note).sort(),
		);
	});
});

describe('Adapting to 429s', () => {
	useShortMinute();
	const neto = useSandbox({ rateLimitPerMinute: 4, rateWindowMs: WINDOW });

	test("set above the store's limit: after a 429 the process sends slower, every log lands once, then it climbs back", async () => {
		const result = await runCustomerLog({
			parameters: { ...ADD, options: { batchSize: 1, requestsPerMinute: 10 } },
			items: notes(10, 'n'),
			credentials: neto.credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(result.json.every((json) => json.Ack === 'Success')).toBe(true);
		const requests = neto.requestsFor('AddCustomerLog');
		const firstLimited = requests.findIndex((request) => request.status === 429);
		// 4 fit the store's window; the 5th is refused with Retry-After: 1
		expect(firstLimited).toBe(4);
		const after = requests.slice(firstLimited + 1);
		// 4 had been sent when refused: the rate drops to floor(4 * 0.7) = 2 and climbs back over a
		// window, so the 3rd request after the pause starts half a window after the first
		expect(after[2].at - after[0].at).toBeGreaterThanOrEqual(WINDOW / 4);
		const stored = neto.sandbox.store
			.logsOf('jsmith')
			.map((log) => log.Notes)
			.filter((text) => /^n\d$/.test(text));
		expect(stored.sort()).toEqual(notes(10, 'n').map((item) => item.note));

		const limiter = accountLimiters.for(`${neto.sandbox.url}/do/WS/NetoAPI`, 'user sandbox');
		expect(limiter.allowance(10)).toBeLessThan(10);
		await sleep(2 * WINDOW);
		expect(limiter.allowance(10)).toBe(10);
	});
});

describe('Reading overlaps sending', () => {
	const neto = useSandbox();

	test('the first batch reaches the store while the next one is still being read', async () => {
		// Reading an item takes 40 ms of wall time here, whatever the machine: 400 ms per batch of 10.
		// The request needs a few turns of the event loop to reach the wire, one per item read at
		// most, so on a busy machine it may lag a few items behind, but never a whole batch.
		const slowNote =
			'={{ (() => { const until = Date.now() + 40; while (Date.now() < until) {} return $json.note; })() }}';
		const result = await neto.run(
			{ ...ADD, additionalFields: { notes: slowNote }, options: { batchSize: 10, concurrency: 2 } },
			notes(20, 'n'),
		);
		expect(result.error).toBeUndefined();
		const [first, second] = neto.requestsFor('AddCustomerLog');
		// Had the first request waited for the second batch to be read, both would arrive together.
		expect(second.at - first.at).toBeGreaterThanOrEqual(100);
	});
});
