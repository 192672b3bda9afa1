/**
 * The Request Time Limit (Options): a store that takes a request and never answers (the sandbox's
 * `silent` fault holds it open until the client gives up) costs each try the limit, not n8n's own
 * five minutes. The error says so in words, naming the Store URL; an Add is never resent after it
 * (its answer may have been applied); reads and updates are tried again within Max Retries. The
 * node, the trigger and the list searches each go by it. A 1 s limit keeps the tests quick.
 */
import { ActiveTrigger, runListSearch } from './harness/engine';
import { errorOf, useSandbox } from './harness/fixtures';

const neto = useSandbox();
const LIMIT = { requestTimeLimitSeconds: 1 };
const continueOnFail = { onError: 'continueRegularOutput' as const };
const endpoint = () => `${neto.sandbox.url}/do/WS/NetoAPI`;

/** Milliseconds `run` took, and what it gave. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
	const start = Date.now();
	const value = await run();
	return { ms: Date.now() - start, value };
}

describe('Request Time Limit: a store that never answers', () => {
	test('an Add the store applied but never answered ends at the limit, in words, and is not sent again', async () => {
		neto.sandbox.injectFaults([{ kind: 'silent', phase: 'after', action: 'AddCustomerLog' }]);
		const { ms, value: result } = await timed(
			async () =>
				await neto.run(
					{
						operation: 'add',
						username: 'jsmith',
						additionalFields: { notes: 'sent once' },
						options: { ...LIMIT, maxRetries: 3 },
					},
					[{}],
					continueOnFail,
				),
		);
		const error = errorOf(result.json[0]);
		expect(error.message).toBe(
			`Item index 0: The store at ${endpoint()} did not answer within 1 s`,
		);
		expect(error.description).toContain('may or may not have been added');
		expect(error.description).toContain('"Request Time Limit (Seconds)"');
		expect(neto.requestsFor('AddCustomerLog')).toHaveLength(1);
		expect(
			neto.sandbox.store.logsOf('jsmith').filter((log) => log.Notes === 'sent once'),
		).toHaveLength(1);
		expect(ms).toBeLessThan(10_000);
	}, 30_000);

	test('an Update that got no answer is tried again within Max Retries and lands', async () => {
		const [log] = neto.sandbox.store.logsOf('jsmith');
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'UpdateCustomerLog' }]);
		const result = await neto.run({
			operation: 'update',
			logId: String(log.LogID),
			updateFields: { status: 'Completed' },
			options: LIMIT,
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ Ack: 'Success' });
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(2);
		expect(neto.sandbox.store.logs.get(log.LogID)?.Status).toBe('Completed');
	}, 30_000);

	test('an Update that never gets an answer fails after Max Retries, saying how long it waited', async () => {
		const [log] = neto.sandbox.store.logsOf('jsmith');
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'UpdateCustomerLog', times: 10 }]);
		const result = await neto.run(
			{
				operation: 'update',
				logId: String(log.LogID),
				updateFields: { status: 'Completed' },
				options: { ...LIMIT, maxRetries: 1 },
			},
			[{}],
			continueOnFail,
		);
		expect(errorOf(result.json[0]).message).toBe(
			`Item index 0: The store at ${endpoint()} did not answer within 1 s (2 tries)`,
		);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(2);
	}, 30_000);

	test('a Get Many that got no answer is tried again and lands', async () => {
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'GetCustomer' }]);
		const result = await neto.run({
			operation: 'getAll',
			username: 'jsmith',
			returnAll: true,
			options: LIMIT,
		});
		expect(result.error).toBeUndefined();
		expect(result.json.length).toBeGreaterThan(0);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(2);
	}, 30_000);

	test("the customer picker goes by the Options' limit of the node on screen", async () => {
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'GetCustomer' }]);
		const { ms, value: found } = await timed(
			async () =>
				await runListSearch('searchCustomers', {
					credentials: neto.credentials(),
					parameters: { operation: 'getAll', options: LIMIT },
				}),
		);
		expect(found.results.length).toBeGreaterThan(0);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(2);
		expect(ms).toBeLessThan(10_000);
	}, 30_000);

	test("the trigger's poll ends at its own limit, in words, and the trigger stays active", async () => {
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'GetCustomer', times: 10 }]);
		const trigger = new ActiveTrigger({ event: 'newLog', options: LIMIT }, neto.credentials());
		const outcome = await trigger.poll();
		expect(trigger.dead).toBeUndefined();
		expect(outcome.error?.message).toBe(
			`The store at ${endpoint()} did not answer within 1 s (4 tries)`,
		);
	}, 40_000);

	test("Append's window cuts a silent write off first: the smaller of the two limits, and not said to be the time limit", async () => {
		const [log] = neto.sandbox.store.logsOf('jsmith');
		neto.sandbox.injectFaults([{ kind: 'silent', action: 'UpdateCustomerLog', times: 10 }]);
		const { ms, value: result } = await timed(
			async () =>
				await neto.run(
					{
						operation: 'update',
						logId: String(log.LogID),
						username: 'jsmith',
						updateFields: { notes: 'appended', notesMode: 'append' },
						options: { requestTimeLimitSeconds: 60, appendWindowSeconds: 1, maxRetries: 0 },
					},
					[{}],
					continueOnFail,
				),
		);
		const error = errorOf(result.json[0]);
		// As before the time limit: the window's cut-off is the connection given up, not the store's silence.
		expect(error.message).toMatch(/could not be reached/);
		expect(error.message).not.toMatch(/did not answer within/);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(1);
		expect(ms).toBeLessThan(10_000);
	}, 30_000);
});
