import { runListSearch } from './harness/engine';
import { WIRE_FORMATS, useSandbox } from './harness/fixtures';

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });

describe.each(WIRE_FORMATS)('Get Many (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('a customer\'s logs, one item each, with the username, every field and ISO dates', async () => {
		const result = await neto.run({ operation: 'getAll', username: locator('list', 'jsmith'), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{
				Username: 'jsmith',
				LogID: 1000,
				Customer: 'jsmith',
				AllocatedTo: 'Sam',
				Status: 'Require Recontact',
				DateRequiredFollowUp: '2026-01-17',
				LastContacted: '2026-01-10 02:30:00',
				LastContactedLocal: '2026-01-10 02:30:00',
				LastContactedUTC: '2026-01-10 02:30:00',
				Notes: 'Asked about bulk pricing',
				iso: {
					DateRequiredFollowUp: '2026-01-17T00:00:00.000Z',
					LastContacted: '2026-01-10T02:30:00.000Z',
					LastContactedUTC: '2026-01-10T02:30:00.000Z',
				},
			},
			expect.objectContaining({ Username: 'jsmith', LogID: 1001, Status: 'Completed', Notes: 'Sent the catalogue', DateRequiredFollowUp: '' }),
		]);
		expect(result.json[1].iso).toEqual({ LastContacted: '2026-02-01T05:00:00.000Z', LastContactedUTC: '2026-02-01T05:00:00.000Z' });
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('several customers by username, comma-separated; a saved plain string works too', async () => {
		const byUsername = await neto.run({ operation: 'getAll', username: locator('username', 'jsmith, acme_buyer'), returnAll: true });
		expect(byUsername.json.map((json) => json.LogID)).toEqual([1000, 1001, 1002]);
		const plain = await neto.run({ operation: 'getAll', username: 'acme_buyer', returnAll: true });
		expect(plain.json.map((json) => json.LogID)).toEqual([1002]);
	});

	test('pages through GetCustomer until every customer is read, and stops at the limit', async () => {
		const store = neto.sandbox.store;
		for (let n = 0; n < 230; n++) {
			const Username = `bulk${String(n).padStart(3, '0')}`;
			store.addCustomer({ Username });
			store.insertLog({ Username, Status: n % 2 ? 'Completed' : 'Recontacting', Notes: `log of ${Username}` });
		}
		const all = await neto.run({ operation: 'getAll', username: '', returnAll: true, filters: { updatedFrom: '2000-01-01T00:00:00Z' } });
		expect(all.error).toBeUndefined();
		expect(all.json).toHaveLength(233);
		expect(new Set(all.json.map((json) => json.LogID)).size).toBe(233);
		// 234 customers at 100 a page: pages 0, 1 and 2
		expect(neto.requestsFor('GetCustomer')).toHaveLength(3);

		const limited = await neto.run({ operation: 'getAll', username: '', returnAll: false, limit: 120, filters: { updatedFrom: '2000-01-01T00:00:00Z' } });
		expect(limited.json).toHaveLength(120);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(5);

		const completed = await neto.run({ operation: 'getAll', username: '', returnAll: true, filters: { updatedFrom: '2000-01-01T00:00:00Z', status: ['Completed'] } });
		expect(completed.json).toHaveLength(116);
		expect(completed.json.every((json) => json.Status === 'Completed')).toBe(true);
	});

	test('a date range filters customers by their last update', async () => {
		const store = neto.sandbox.store;
		for (const customer of store.customers.values()) customer.DateUpdated = '2026-01-01 00:00:00';
		store.customers.get('acme_buyer')!.DateUpdated = '2026-03-05 10:00:00';
		const result = await neto.run(
			{ operation: 'getAll', username: '', returnAll: true, filters: { updatedFrom: '2026-03-05T20:00:00', updatedTo: '2026-03-06T00:00:00' } },
			[{}],
			{ timezone: 'Australia/Sydney' },
		);
		expect(result.json.map((json) => json.Username)).toEqual(['acme_buyer']);
	});

	test('no match is no item, not an error', async () => {
		const result = await neto.run({ operation: 'getAll', username: locator('username', 'nobody_here'), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([]);
	});

	test('without a customer or a date range the node says what to give', async () => {
		const result = await neto.run({ operation: 'getAll', username: '', returnAll: true });
		expect(result.error?.message).toBe('Item index 0: choose a Customer, or a "Customer Updated" date range under Filters');
	});

	test('one query per input item, outputs paired to it', async () => {
		const result = await neto.run({ operation: 'getAll', username: '={{ $json.u }}', returnAll: true }, [{ u: 'acme_buyer' }, { u: 'jsmith' }]);
		expect(result.items.map((item) => [item.json.LogID, item.pairedItem])).toEqual([
			[1002, { item: 0 }],
			[1000, { item: 1 }],
			[1001, { item: 1 }],
		]);
	});
});

describe('List searches', () => {
	const neto = useSandbox();

	test('customers: all of them, then filtered as the user types, paged', async () => {
		const all = await runListSearch('searchCustomers', { credentials: neto.credentials() });
		expect(all.results.map((r) => r.value)).toEqual(['jsmith', 'acme_buyer', 'ellie.w', 'tom_k']);
		expect(all.results[0].name).toBe('jsmith (jane.smith@example.com)');
		expect(all.paginationToken).toBeUndefined();
		const typed = await runListSearch('searchCustomers', { credentials: neto.credentials(), filter: 'ACME' });
		expect(typed.results.map((r) => r.value)).toEqual(['acme_buyer']);

		for (let n = 0; n < 150; n++) neto.sandbox.store.addCustomer({ Username: `more${n}` });
		const first = await runListSearch('searchCustomers', { credentials: neto.credentials(), filter: 'more' });
		expect(first.results).toHaveLength(96);
		expect(first.paginationToken).toBe('1');
		const second = await runListSearch('searchCustomers', { credentials: neto.credentials(), filter: 'more', paginationToken: first.paginationToken });
		expect(second.results).toHaveLength(54);
		expect(second.paginationToken).toBeUndefined();
	});

	test('logs: those of the chosen customer, filtered as the user types', async () => {
		const logs = await runListSearch('searchLogs', { credentials: neto.credentials(), parameters: { operation: 'update', username: locator('list', 'jsmith') } });
		expect(logs.results).toEqual([
			{ name: '#1000 · Require Recontact · Asked about bulk pricing', value: '1000' },
			{ name: '#1001 · Completed · Sent the catalogue', value: '1001' },
		]);
		const typed = await runListSearch('searchLogs', { credentials: neto.credentials(), parameters: { username: locator('username', 'jsmith') }, filter: 'catalogue' });
		expect(typed.results.map((r) => r.value)).toEqual(['1001']);
		const none = await runListSearch('searchLogs', { credentials: neto.credentials(), parameters: { username: locator('list', '') } });
		expect(none.results[0].value).toBe('');
	});
});
