/**
 * The trigger when it is activated (published, or n8n started) while the store cannot answer:
 * polled as n8n polls it (one n8n-core PollContext per activation, whose first poll is n8n's test
 * poll: if that throws, n8n never polls the workflow again). A store that is down, answers 503 or
 * refuses connections must not kill the trigger; a wrong key or a bad setting must still fail the
 * activation, where the user sees it.
 */
import type { IDataObject } from 'n8n-workflow';

import { ActiveTrigger } from './harness/engine';
import { useSandbox, useTestClock } from './harness/fixtures';

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const MINUTE = 60_000;
const { later } = useTestClock(START);

const suite = useSandbox();

/** Every request answered 503 (a store down for maintenance) until clearFaults. */
const OUTAGE = [{ kind: 'status' as const, status: 503, times: 100_000 }];

async function emittedIds(trigger: ActiveTrigger): Promise<unknown[]> {
	const outcome = await trigger.poll();
	expect(outcome.error).toBeUndefined();
	return (outcome.emitted ?? []).map((item) => [item.json.event, item.json.LogID]);
}

describe('Neto Customer Log Trigger: activation while the store cannot answer', () => {
	test('n8n restarts while the store answers 503 to everything: the trigger stays active, and the log added during the outage is emitted once when the store is back', async () => {
		const trigger = new ActiveTrigger({ event: 'newLog' }, suite.credentials());
		expect(await emittedIds(trigger)).toEqual([]); // the baseline, at publish
		later(MINUTE);
		suite.sandbox.injectFaults(OUTAGE);
		const added = suite.sandbox.store.insertLog({
			Username: 'tom_k',
			Notes: 'added while the store was down',
		});
		trigger.restart();
		later(MINUTE);
		const atStart = await trigger.poll();
		expect(trigger.dead).toBeUndefined();
		expect(atStart.emitted).toBeNull();
		// Reported as a failed poll, in words, naming the store.
		expect(atStart.error?.message).toBe(
			`The store at ${suite.sandbox.url}/do/WS/NetoAPI answered HTTP 503 instead of a Neto API answer`,
		);
		later(MINUTE);
		const during = await trigger.poll();
		expect(during.emitted).toBeNull();
		expect(during.error?.message).toMatch(/HTTP 503/);
		suite.sandbox.clearFaults();
		later(MINUTE);
		expect(await emittedIds(trigger)).toEqual([['newLog', added.LogID]]);
		later(MINUTE);
		expect(await emittedIds(trigger)).toEqual([]);
		trigger.restart();
		later(MINUTE);
		expect(await emittedIds(trigger)).toEqual([]);
	}, 60_000);

	test('published while the store refuses connections: the trigger stays active, records its baseline when the store answers, then emits what is new', async () => {
		const closed = suite.sandbox.url;
		const port = Number(new URL(closed).port);
		await suite.sandbox.close();
		const trigger = new ActiveTrigger({ event: 'newLog' }, suite.credentials({ storeUrl: closed }));
		const atPublish = await trigger.poll();
		expect(trigger.dead).toBeUndefined();
		expect(atPublish.error?.message).toMatch(/could not be reached: the connection was refused/);
		const { startSandbox } = await import('../sandbox/server');
		const revived = await startSandbox({ port, idleStopMs: 60_000 });
		try {
			later(MINUTE);
			expect(await emittedIds(trigger)).toEqual([]); // the baseline
			later(MINUTE);
			const log = revived.store.insertLog({ Username: 'jsmith', Notes: 'after the baseline' });
			later(MINUTE);
			expect(await emittedIds(trigger)).toEqual([['newLog', log.LogID]]);
			expect(revived.requests.filter((request) => request.brokeRule)).toEqual([]);
		} finally {
			await revived.close();
		}
	}, 60_000);

	test("a wrong key fails the activation at publish, in the store's words", async () => {
		const trigger = new ActiveTrigger(
			{ event: 'newLog' },
			suite.credentials({ apiKey: 'wrong-key' }),
		);
		const outcome = await trigger.poll();
		expect(trigger.dead?.message).toBe('Invalid API credentials');
		expect(outcome.emitted).toBeNull();
	});

	test('a bad setting (Chosen Customers with none chosen) fails the activation at publish', async () => {
		const trigger = new ActiveTrigger(
			{ event: 'newLog', scope: 'chosen', customers: {} },
			suite.credentials(),
		);
		await trigger.poll();
		expect(trigger.dead?.message).toMatch(/Add at least one customer/);
	});

	test('a Store URL whose name is not found fails the first activation (likely mistyped), but not a restart of a trigger that has read the store', async () => {
		const unknown = suite.credentials({ storeUrl: 'https://no-such-store.invalid' });
		const fresh = new ActiveTrigger({ event: 'newLog' }, unknown);
		await fresh.poll();
		expect(fresh.dead?.message).toBe(
			"The store at https://no-such-store.invalid/do/WS/NetoAPI could not be reached: the host name was not found (check the Store URL's domain)",
		);
		// The same trigger after it recorded a baseline: a name not found at n8n's start is the network's.
		const known = new ActiveTrigger({ event: 'newLog' }, suite.credentials());
		await known.poll();
		const restarted = new ActiveTrigger(
			{ event: 'newLog' },
			unknown,
			JSON.parse(known.saved) as IDataObject,
		);
		const outcome = await restarted.poll();
		expect(restarted.dead).toBeUndefined();
		expect(outcome.error?.message).toMatch(/the host name was not found/);
	}, 60_000);
});
