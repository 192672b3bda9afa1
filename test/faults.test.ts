import { sleep } from 'n8n-workflow';

import type { RunResult } from './harness/engine';
import type { Sandbox } from '../sandbox/server';
import { startSandbox } from '../sandbox/server';
import { WIRE_FORMATS, errorOf, useSandbox } from './harness/fixtures';

/** Every input item ends as exactly one output item, paired to it, in order. */
function expectOneOutcomePerItem(result: RunResult, count: number) {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(count);
	expect(result.items.map((item) => item.pairedItem)).toEqual(
		Array.from({ length: count }, (_, item) => ({ item })),
	);
}

const notes = (count: number, prefix = 'n') =>
	Array.from({ length: count }, (_, n) => ({ u: 'jsmith', note: `${prefix}${n}` }));
const ADD = {
	operation: 'add',
	username: '={{ $json.u }}',
	additionalFields: { notes: '={{ $json.note }}' },
};
const continueOnFail = { onError: 'continueRegularOutput' as const };

describe.each(WIRE_FORMATS)('Faults and retries (%s)', (format) => {
	const neto = useSandbox({}, format);
	const jsmithNotes = () =>
		neto.sandbox.store
			.logsOf('jsmith')
			.map((log) => log.Notes)
			.filter((n) => /^n\d+$/.test(n));

	test('a 429 is waited out (Retry-After) and retried; the log is added once', async () => {
		neto.sandbox.injectFaults([{ kind: 'status', status: 429, retryAfter: 0, times: 2 }]);
		const result = await neto.run(ADD, notes(1));
		expectOneOutcomePerItem(result, 1);
		expect(result.json[0]).toMatchObject({ Ack: 'Success', Notes: 'n0' });
		expect(neto.requestsFor('AddCustomerLog').map((r) => r.status)).toEqual([429, 429, 200]);
		expect(jsmithNotes()).toEqual(['n0']);
	});

	test('a 429 storm longer than Max Retries: every item lands once, Add included', async () => {
		neto.sandbox.injectFaults([{ kind: 'status', status: 429, retryAfter: 0, times: 8 }]);
		const result = await neto.run({ ...ADD, options: { maxRetries: 2, batchSize: 1 } }, notes(3));
		expectOneOutcomePerItem(result, 3);
		expect(result.json.map((json) => json.Ack)).toEqual(['Success', 'Success', 'Success']);
		expect(neto.requestsFor('AddCustomerLog').map((r) => r.status)).toEqual([
			...Array(8).fill(429),
			200,
			200,
			200,
		]);
		expect(jsmithNotes()).toEqual(['n0', 'n1', 'n2']);
	});

	test('a 429 that outlasts Rate Limit Wait fails the items, saying nothing changed', async () => {
		// Retry-After 2 s is beyond a 0.01-minute (600 ms) budget: no point waiting for it.
		neto.sandbox.injectFaults([{ kind: 'status', status: 429, retryAfter: 2, times: 10 }]);
		const result = await neto.run(
			{ ...ADD, options: { rateLimitWaitMinutes: 0.01 } },
			notes(2),
			continueOnFail,
		);
		expectOneOutcomePerItem(result, 2);
		expect(result.json[0]).toMatchObject({
			error: {
				message: 'Item index 0: The store is rate limiting this account (HTTP 429)',
				httpCode: 429,
			},
		});
		expect(errorOf(result.json[1]).description).toContain('nothing was changed');
		expect(errorOf(result.json[1]).description).toContain('"Rate Limit Wait (Minutes)"');
		expect(neto.requestsFor('AddCustomerLog')).toHaveLength(1);
		expect(jsmithNotes()).toEqual([]);
	});

	test('Retry-After: 1 is honoured: the retry reaches the store no sooner than 1 s after the 429', async () => {
		neto.sandbox.injectFaults([{ kind: 'status', status: 429, retryAfter: 1 }]);
		const result = await neto.run(ADD, notes(1));
		expectOneOutcomePerItem(result, 1);
		const [limited, retried] = neto.requestsFor('AddCustomerLog');
		expect([limited.status, retried.status]).toEqual([429, 200]);
		expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
		expect(jsmithNotes()).toEqual(['n0']);
	});

	test('a refused connection on Add is retried, as it provably never reached the store; added once', async () => {
		const { port, store } = neto.sandbox;
		await neto.sandbox.close();
		let revived: Sandbox | undefined;
		// The store comes back on the same port while the node is backing off.
		const revival = sleep(150).then(async () => {
			revived = await startSandbox({ port, store });
		});
		const result = await neto.run(
			{ ...ADD, options: { retryDelayMs: 100, maxRetries: 6 } },
			notes(2),
			{
				credentials: neto.credentials({ storeUrl: `http://127.0.0.1:${port}` }),
			},
		);
		await revival;
		try {
			expectOneOutcomePerItem(result, 2);
			expect(result.json.map((json) => json.Ack)).toEqual(['Success', 'Success']);
			expect(revived!.requests.filter((r) => r.action === 'AddCustomerLog')).toHaveLength(1);
			expect(jsmithNotes()).toEqual(['n0', 'n1']);
		} finally {
			await revived!.close();
		}
	});

	test('a 5xx on Add is not retried: the items say the log may or may not have been added', async () => {
		neto.sandbox.injectFaults([{ kind: 'status', status: 503 }]);
		const result = await neto.run(ADD, notes(2), continueOnFail);
		expectOneOutcomePerItem(result, 2);
		expect(errorOf(result.json[0]).message).toBe(
			`Item index 0: The store at ${neto.sandbox.url}/do/WS/NetoAPI answered HTTP 503 instead of a Neto API answer`,
		);
		expect(errorOf(result.json[0]).description).toContain('may or may not have been added');
		expect(neto.requestsFor('AddCustomerLog')).toHaveLength(1);
	});

	test('a 5xx on Update is retried with backoff and succeeds', async () => {
		neto.sandbox.injectFaults([{ kind: 'status', status: 502, times: 2 }]);
		const result = await neto.run({
			operation: 'update',
			logId: '1000',
			updateFields: { notes: 'after 502s' },
		});
		expectOneOutcomePerItem(result, 1);
		expect(neto.requestsFor('UpdateCustomerLog').map((r) => r.status)).toEqual([502, 502, 200]);
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toBe('after 502s');
	});

	test('a reset connection after the store added the logs: reported, never sent again, no duplicate', async () => {
		neto.sandbox.injectFaults([{ kind: 'reset', phase: 'after' }]);
		const result = await neto.run(ADD, notes(3), continueOnFail);
		expectOneOutcomePerItem(result, 3);
		for (const json of result.json) {
			expect(errorOf(json).message).toContain('could not be reached: the connection was reset');
			expect(errorOf(json).description).toContain('may or may not have been added');
		}
		expect(neto.requestsFor('AddCustomerLog')).toHaveLength(1);
		expect(jsmithNotes()).toEqual(['n0', 'n1', 'n2']);
	});

	test('a reset connection on Update is retried', async () => {
		neto.sandbox.injectFaults([{ kind: 'reset', phase: 'after' }]);
		const result = await neto.run({
			operation: 'update',
			logId: '1001',
			updateFields: { status: 'Recontacting' },
		});
		expectOneOutcomePerItem(result, 1);
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(2);
		expect(neto.sandbox.store.logs.get(1001)?.Status).toBe('Recontacting');
	});

	test('an HTML error page fails with the status and a short excerpt', async () => {
		neto.sandbox.injectFaults([{ kind: 'html' }]);
		const result = await neto.run(ADD, notes(1));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			/^Item index 0: No Neto API answered at http:\/\/127\.0\.0\.1:\d+\/do\/WS\/NetoAPI: the answer is a web page, not Neto's API$/,
		);
		expect(result.error?.description).toContain(
			'HTTP 200. The answer began: <!DOCTYPE html><html><head><title>200 Store Temporarily Unavailable',
		);
		expect(result.error?.description).not.toContain('sandbox-key');
	});

	test('a key the store echoes in an error page is redacted from the error and the error item', async () => {
		neto.sandbox.injectFaults([{ kind: 'echoKey', in: 'page', status: 500, times: 2 }]);
		const failed = await neto.run(ADD, notes(1));
		expect(failed.error?.description).toContain('NETOAPI_KEY=[redacted] failed');
		const item = await neto.run(ADD, notes(1), continueOnFail);
		expect(errorOf(item.json[0]).description).toContain('NETOAPI_KEY=[redacted] failed');
		expect(
			JSON.stringify([failed.error?.message, failed.error?.description, item.json]),
		).not.toContain('sandbox-key');
	});

	test('a key the store echoes in its own messages is redacted from error items and from output', async () => {
		neto.sandbox.injectFaults([{ kind: 'echoKey', in: 'error', phase: 'after' }]);
		const failed = await neto.run(
			{ operation: 'update', logId: '1000', updateFields: { status: 'Completed' } },
			[{}],
			continueOnFail,
		);
		expect(failed.json[0]).toMatchObject({
			error: {
				message: 'Item index 0: Key [redacted] is not allowed here',
				Messages: {
					Error: [
						{
							Message: 'Key [redacted] is not allowed here',
							Description: 'The key [redacted] was logged.',
						},
					],
				},
			},
		});
		neto.sandbox.injectFaults([{ kind: 'echoKey', in: 'warning', phase: 'after' }]);
		const warned = await neto.run(ADD, notes(1));
		expect(warned.json[0]).toMatchObject({
			Ack: 'Warning',
			Messages: { Warning: [{ Message: 'Key [redacted] is not allowed here' }] },
		});
		expect(JSON.stringify([failed.json, warned.json])).not.toContain('sandbox-key');
	});

	test('a malformed body fails clearly', async () => {
		neto.sandbox.injectFaults([{ kind: 'malformed' }]);
		const result = await neto.run(
			{ operation: 'update', logId: '1000', updateFields: { notes: 'x' } },
			[{}],
			continueOnFail,
		);
		expect(errorOf(result.json[0]).message).toContain('the store sent JSON that cannot be read');
	});

	test.each(WIRE_FORMATS)(
		'an answer in %s is read whatever format was asked',
		async (answerFormat) => {
			neto.sandbox.injectFaults([
				{ kind: 'answerIn', format: answerFormat, phase: 'after', times: 2 },
			]);
			const added = await neto.run(ADD, notes(2));
			expect(added.json.map((json) => [json.Ack, typeof json.LogID])).toEqual([
				['Success', 'number'],
				['Success', 'number'],
			]);
			const failed = await neto.run(
				{ operation: 'update', logId: '4242', updateFields: { notes: 'x' } },
				[{}],
				continueOnFail,
			);
			expect(failed.json[0]).toMatchObject({
				error: {
					message: 'Item index 0: Customer log not found',
					Messages: {
						Error: [{ Message: 'Customer log not found', SeverityCode: 'Error' }],
						Warning: [],
					},
				},
			});
		},
	);
});

describe.each(WIRE_FORMATS)('Batching (%s)', (format) => {
	describe.each(['rejectWhole', 'addValid'] as const)(
		'when the store %s on an invalid log',
		(batchFailure) => {
			const neto = useSandbox({ batchFailure }, format);

			test('120 Adds go in ceil(120/50) = 3 requests and every item gets its own LogID', async () => {
				const result = await neto.run(ADD, notes(120));
				expectOneOutcomePerItem(result, 120);
				expect(neto.requestsFor('AddCustomerLog').map((r) => r.logs)).toEqual([50, 50, 20]);
				result.json.forEach((json, n) => {
					expect(json.Notes).toBe(`n${n}`);
					expect(neto.sandbox.store.logs.get(json.LogID as number)?.Notes).toBe(`n${n}`);
				});
				expect(jsmithCount(neto)).toBe(120);
			});

			test('an invalid log inside an Add batch: that batch cannot be pinned, others land, nothing is resent', async () => {
				const items = notes(12);
				items[7] = { u: 'nobody_here', note: 'n7' };
				const result = await neto.run({ ...ADD, options: { batchSize: 5 } }, items, continueOnFail);
				expectOneOutcomePerItem(result, 12);
				const outcomes = result.json.map((json) => (json.error ? 'error' : 'ok'));
				expect(outcomes).toEqual([
					'ok',
					'ok',
					'ok',
					'ok',
					'ok',
					'error',
					'error',
					'error',
					'error',
					'error',
					'ok',
					'ok',
				]);
				for (const json of result.json.slice(5, 10)) {
					expect(errorOf(json).message).toContain(
						"The store's answer to a batch of 5 logs cannot be pinned to single logs: Customer not found",
					);
					expect(errorOf(json).description).toContain('may or may not have been added');
					expect(json).not.toHaveProperty('LogID');
				}
				expect(neto.requestsFor('AddCustomerLog')).toHaveLength(3);
				const landed = jsmithNotesOf(neto);
				const expected = batchFailure === 'addValid' ? 11 : 7;
				expect(landed).toHaveLength(expected);
				expect(new Set(landed).size).toBe(landed.length);
			});

			test('a wrong LogID inside an Update batch: split until pinned, the valid updates land', async () => {
				const ids = [1000, 1001, 1002, 999_999, 1000, 1001, 1002, 1000];
				const result = await neto.run(
					{
						operation: 'update',
						logId: '={{ $json.id }}',
						updateFields: { notes: '={{ "upd" + $json.n }}' },
						options: { batchSize: 8 },
					},
					ids.map((id, n) => ({ id, n })),
					continueOnFail,
				);
				expectOneOutcomePerItem(result, 8);
				expect(result.json.map((json) => (json.error ? 'error' : 'ok'))).toEqual([
					'ok',
					'ok',
					'ok',
					'error',
					'ok',
					'ok',
					'ok',
					'ok',
				]);
				expect(errorOf(result.json[3]).message).toBe('Item index 3: Customer log not found');
				// 1 + at most 2 per level of splitting (log2 8 = 3 levels) for the one bad log
				expect(neto.requestsFor('UpdateCustomerLog').length).toBeLessThanOrEqual(1 + 2 * 3);
				expect(neto.sandbox.store.logs.get(1000)?.Notes).toBe('upd7');
				expect(neto.sandbox.store.logs.get(1001)?.Notes).toBe('upd5');
				expect(neto.sandbox.store.logs.get(1002)?.Notes).toBe('upd6');
			});
		},
	);

	function jsmithNotesOf(neto: ReturnType<typeof useSandbox>) {
		return neto.sandbox.store
			.logsOf('jsmith')
			.map((log) => log.Notes)
			.filter((n) => /^n\d+$/.test(n));
	}
	function jsmithCount(neto: ReturnType<typeof useSandbox>) {
		return jsmithNotesOf(neto).length;
	}

	describe('concurrency', () => {
		const neto = useSandbox({ latencyMs: 20 }, format);

		test('parallel batches keep input order and pairing; nothing lost or doubled', async () => {
			const result = await neto.run(
				{ ...ADD, options: { batchSize: 10, concurrency: 4 } },
				notes(95),
			);
			expectOneOutcomePerItem(result, 95);
			result.json.forEach((json, n) => expect(json.Notes).toBe(`n${n}`));
			expect(neto.requestsFor('AddCustomerLog')).toHaveLength(10);
			expect(jsmithNotesOf(neto).sort()).toEqual(
				notes(95)
					.map((i) => i.note)
					.sort(),
			);
		});

		test('without Continue On Fail a store error stops further batches and fails the node', async () => {
			const items = notes(30);
			items[12] = { u: 'nobody_here', note: 'n12' };
			const result = await neto.run({ ...ADD, options: { batchSize: 5, concurrency: 1 } }, items);
			expect(result.error?.message).toContain(
				"Item index 10: The store's answer to a batch of 5 logs cannot be pinned",
			);
			expect(neto.requestsFor('AddCustomerLog')).toHaveLength(3);
		});
	});
});
