/**
 * The trigger's reads wait for the same per-account budget as the Customer Log node's requests in
 * this process (real clock, Neto's minute shortened to WINDOW as in concurrency.test.ts).
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { accountLimiters } from '../nodes/Neto/transport/rateLimiter';
import { ActiveTrigger, runCustomerLog } from './harness/engine';
import { useSandbox } from './harness/fixtures';

const WINDOW = 1000;
beforeAll(() => {
	accountLimiters.windowMs = WINDOW;
});
afterAll(() => {
	accountLimiters.windowMs = 60_000;
});

const neto = useSandbox({ rateLimitPerMinute: 4, rateWindowMs: WINDOW });

test('a poll and an execution of the node at once share the account budget: not one 429, every event and log once', async () => {
	for (let index = 0; index < 246; index++)
		neto.sandbox.store.addCustomer({ Username: `customer${index}` });
	const trigger = new ActiveTrigger({ event: 'newLog' }, neto.credentials());
	expect(await trigger.poll()).toEqual({ emitted: null }); // the baseline
	const requestsBefore = neto.sandbox.requests.length;
	const items: IDataObject[] = [0, 1, 2, 3, 4].map((n) => ({
		u: 'customer200',
		note: `note ${n}`,
	}));
	await sleep(WINDOW * 1.2); // the baseline's requests out of the window
	// The execution is set to the store's limit and starts first; the poll, at the trigger's
	// default 500, comes while its requests are in the window and must keep to their limit.
	const adding = runCustomerLog({
		parameters: {
			operation: 'add',
			username: '={{ $json.u }}',
			additionalFields: { notes: '={{ $json.note }}' },
			options: { batchSize: 1, requestsPerMinute: 4 },
		},
		items,
		credentials: neto.credentials(),
	});
	while (neto.requestsFor('AddCustomerLog').length === 0) await sleep(5);
	const [poll, add] = await Promise.all([trigger.poll(), adding]);
	expect([poll.error, add.error]).toEqual([undefined, undefined]);
	const after = neto.sandbox.requests.slice(requestsBefore);
	// 5 Adds and the poll's 3 pages of customers, at 4 a window
	expect(after).toHaveLength(8);
	expect(after.filter((request) => request.status === 429)).toEqual([]);
	expect(neto.sandbox.store.logsOf('customer200')).toHaveLength(5);
	// The logs the poll saw are each emitted once, by this poll or the next.
	const next = await trigger.poll();
	const emitted = [...(poll.emitted ?? []), ...(next.emitted ?? [])]
		.map((item) => item.json.Notes)
		.sort();
	expect(emitted).toEqual(items.map((item) => item.note));
});
