import { WIRE_FORMATS, errorOf, useSandbox } from './harness/fixtures';

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });

/** What version 1 gave for jsmith's first log, and what Simplify off still gives on version 2. */
const RAW_LOG_1000 = {
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
};

describe.each(WIRE_FORMATS)('Get Many (%s)', (format) => {
	const neto = useSandbox({}, format);

	test("version 1 (saved workflows): a customer's logs, one item each, with the username, everything the store returned and ISO dates", async () => {
		const result = await neto.run({
			operation: 'getAll',
			username: locator('list', 'jsmith'),
			returnAll: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			RAW_LOG_1000,
			expect.objectContaining({
				Username: 'jsmith',
				LogID: 1001,
				Status: 'Completed',
				Notes: 'Sent the catalogue',
				DateRequiredFollowUp: '',
			}),
		]);
		expect(result.json[1].iso).toEqual({
			LastContacted: '2026-02-01T05:00:00.000Z',
			LastContactedUTC: '2026-02-01T05:00:00.000Z',
		});
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	test("version 2 simplifies by default: LogID, Username, the log's fields and ISO dates, nothing repeated", async () => {
		const result = await neto.run(
			{ operation: 'getAll', username: locator('list', 'jsmith'), returnAll: true },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{
				LogID: 1000,
				AllocatedTo: 'Sam',
				Username: 'jsmith',
				LastContacted: '2026-01-10 02:30:00',
				DateRequiredFollowUp: '2026-01-17',
				Status: 'Require Recontact',
				Notes: 'Asked about bulk pricing',
				iso: {
					LastContacted: '2026-01-10T02:30:00.000Z',
					DateRequiredFollowUp: '2026-01-17T00:00:00.000Z',
				},
			},
			expect.objectContaining({
				LogID: 1001,
				Username: 'jsmith',
				Status: 'Completed',
				iso: { LastContacted: '2026-02-01T05:00:00.000Z' },
			}),
		]);
		expect(Object.keys(result.json[0])).toEqual([
			'LogID',
			'AllocatedTo',
			'Username',
			'LastContacted',
			'DateRequiredFollowUp',
			'Status',
			'Notes',
			'iso',
		]);
	});

	test('version 2 with Simplify off gives everything the store returned, as version 1 did', async () => {
		const result = await neto.run(
			{ operation: 'getAll', username: 'jsmith', returnAll: true, simplify: false },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.json[0]).toEqual(RAW_LOG_1000);
	});

	test('a simplified log looks like the log Add output (GetCustomer gives an unset date as empty)', async () => {
		const added = await neto.run(
			{
				operation: 'add',
				username: 'tom_k',
				additionalFields: {
					allocatedTo: 'Kim',
					lastContacted: '2026-03-01T09:15:00Z',
					status: 'Recontacting',
					notes: 'Called',
				},
			},
			[{}],
			{ typeVersion: 2 },
		);
		const read = await neto.run({ operation: 'getAll', username: 'tom_k', returnAll: true }, [{}], {
			typeVersion: 2,
		});
		const { Ack, Messages, ...log } = added.json[0];
		expect([Ack, Messages]).toEqual(['Success', { Error: [], Warning: [] }]);
		expect(read.json).toEqual([{ ...log, DateRequiredFollowUp: '' }]);
		expect(log.iso).toEqual({ LastContacted: '2026-03-01T09:15:00.000Z' });
	});

	test('several customers by username, comma-separated; a saved plain string works too', async () => {
		const byUsername = await neto.run({
			operation: 'getAll',
			username: locator('username', 'jsmith, acme_buyer'),
			returnAll: true,
		});
		expect(byUsername.json.map((json) => json.LogID)).toEqual([1000, 1001, 1002]);
		const plain = await neto.run({ operation: 'getAll', username: 'acme_buyer', returnAll: true });
		expect(plain.json.map((json) => json.LogID)).toEqual([1002]);
	});

	test('customers by email, one or several, whatever the case', async () => {
		const result = await neto.run(
			{
				operation: 'getAll',
				username: locator('email', 'Jane.Smith@example.com, orders@acme.example'),
				returnAll: true,
			},
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => [json.Username, json.LogID])).toEqual([
			['jsmith', 1000],
			['jsmith', 1001],
			['acme_buyer', 1002],
		]);
	});

	// Neto does not say whether Page counts from 0 or 1: the node must read each customer once either way.
	test.each([0, 1] as const)(
		'pages through GetCustomer until every customer is read, and stops at the limit (store counts pages from %i)',
		async (firstPage) => {
			neto.sandbox.set({ firstPage });
			const store = neto.sandbox.store;
			for (let n = 0; n < 230; n++) {
				const Username = `bulk${String(n).padStart(3, '0')}`;
				store.addCustomer({ Username });
				store.insertLog({
					Username,
					Status: n % 2 ? 'Completed' : 'Recontacting',
					Notes: `log of ${Username}`,
				});
			}
			const all = await neto.run({
				operation: 'getAll',
				username: '',
				returnAll: true,
				filters: { updatedFrom: '2000-01-01T00:00:00Z' },
			});
			expect(all.error).toBeUndefined();
			expect(all.json).toHaveLength(233);
			expect(new Set(all.json.map((json) => json.LogID)).size).toBe(233);
			// 234 customers at 100 a page: pages 0, 1 and 2 (counting from 1, page 0 repeats page 1: one more)
			expect(neto.requestsFor('GetCustomer')).toHaveLength(3 + firstPage);

			const limited = await neto.run({
				operation: 'getAll',
				username: '',
				returnAll: false,
				limit: 120,
				filters: { updatedFrom: '2000-01-01T00:00:00Z' },
			});
			expect(limited.json).toHaveLength(120);
			expect(new Set(limited.json.map((json) => json.LogID)).size).toBe(120);
			expect(neto.requestsFor('GetCustomer')).toHaveLength(2 * (3 + firstPage) - 1);

			const completed = await neto.run({
				operation: 'getAll',
				username: '',
				returnAll: true,
				filters: { updatedFrom: '2000-01-01T00:00:00Z', status: ['Completed'] },
			});
			expect(completed.json).toHaveLength(116);
			expect(completed.json.every((json) => json.Status === 'Completed')).toBe(true);
		},
	);

	test('a date range filters customers by their last update', async () => {
		const store = neto.sandbox.store;
		for (const customer of store.customers.values()) customer.DateUpdated = '2026-01-01 00:00:00';
		store.customers.get('acme_buyer')!.DateUpdated = '2026-03-05 10:00:00';
		const result = await neto.run(
			{
				operation: 'getAll',
				username: '',
				returnAll: true,
				filters: { updatedFrom: '2026-03-05T20:00:00', updatedTo: '2026-03-06T00:00:00' },
			},
			[{}],
			{ timezone: 'Australia/Sydney' },
		);
		expect(result.json.map((json) => json.Username)).toEqual(['acme_buyer']);
	});

	test('a date filter that cannot be read is named by its label on screen, with what was given and what is accepted', async () => {
		const after = await neto.run({
			operation: 'getAll',
			username: '',
			returnAll: true,
			filters: { updatedFrom: 'next tuesday' },
		});
		expect(after.error?.message).toMatch(
			/^Item index 0: "Customer Updated After" \(DateUpdatedFrom\) cannot be used: "next tuesday" cannot be read as a date\. Use ISO 8601 /,
		);
		const before = await neto.run(
			{
				operation: 'getAll',
				username: '',
				returnAll: true,
				filters: { updatedTo: '={{ $json.d }}' },
			},
			[{ d: { when: 'soon' } }],
			{ onError: 'continueRegularOutput' },
		);
		expect(errorOf(before.json[0])).toMatchObject({ field: 'DateUpdatedTo' });
		expect(errorOf(before.json[0]).message).toMatch(
			/^Item index 0: "Customer Updated Before" \(DateUpdatedTo\) cannot be used: an object cannot be read as a date/,
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('no match is no item, not an error', async () => {
		const result = await neto.run({
			operation: 'getAll',
			username: locator('username', 'nobody_here'),
			returnAll: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([]);
	});

	test('without a customer or a date range the node says what to give, in the labels on screen', async () => {
		const result = await neto.run({ operation: 'getAll', username: '', returnAll: true });
		expect(result.error?.message).toBe(
			'Item index 0: Choose a "Customer", or a date under Filters ("Customer Updated After" or "Customer Updated Before")',
		);
	});

	test('one query per input item, outputs paired to it', async () => {
		const result = await neto.run(
			{ operation: 'getAll', username: '={{ $json.u }}', returnAll: true },
			[{ u: 'acme_buyer' }, { u: 'jsmith' }],
		);
		expect(result.items.map((item) => [item.json.LogID, item.pairedItem])).toEqual([
			[1002, { item: 0 }],
			[1000, { item: 1 }],
			[1001, { item: 1 }],
		]);
	});

	test('a transport error names its item ("Item index N:") and, with Continue On Fail, is an error item of the one shape while the other items go on', async () => {
		neto.sandbox.injectFaults([{ kind: 'html', action: 'GetCustomer' }]);
		const result = await neto.run(
			{ operation: 'getAll', username: '={{ $json.u }}', returnAll: true },
			[{ u: 'jsmith' }, { u: 'acme_buyer' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{
				error: {
					message: expect.stringMatching(
						/^Item index 0: No Neto API answered at http:\/\/127\.0\.0\.1:\d+\/do\/WS\/NetoAPI/,
					),
					description: expect.stringContaining('HTTP 200.'),
					itemIndex: 0,
					field: null,
					httpCode: 200,
					Ack: null,
					Messages: { Error: [], Warning: [] },
				},
			},
			expect.objectContaining({ LogID: 1002 }),
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		neto.sandbox.injectFaults([{ kind: 'html', action: 'GetCustomer' }]);
		const stopped = await neto.run(
			{ operation: 'getAll', username: '={{ $json.u }}', returnAll: true },
			[{ u: 'acme_buyer' }, { u: 'jsmith' }],
		);
		expect(stopped.error?.name).toBe('NodeApiError');
		expect(stopped.error?.message).toMatch(/^Item index 0: No Neto API answered at /);
	});

	test('a store error answer is a failure of the item carrying Ack and Messages, not an empty result', async () => {
		const result = await neto.run(
			{ operation: 'getAll', username: 'jsmith', returnAll: true },
			[{}],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.json).toHaveLength(2);
		const wrongKey = await runWithWrongKey(neto);
		expect(wrongKey.json).toEqual([
			{
				error: {
					message: 'Item index 0: Invalid API credentials',
					description:
						'The API username and key (or client ID and access token) were not accepted.',
					itemIndex: 0,
					field: null,
					httpCode: null,
					Ack: 'Error',
					Messages: {
						Error: [
							{
								Message: 'Invalid API credentials',
								SeverityCode: 'Error',
								Description:
									'The API username and key (or client ID and access token) were not accepted.',
							},
						],
						Warning: [],
					},
				},
			},
		]);
	});
});

async function runWithWrongKey(neto: ReturnType<typeof useSandbox>) {
	const { runCustomerLog } = await import('./harness/engine');
	return await runCustomerLog({
		parameters: {
			operation: 'getAll',
			username: 'jsmith',
			returnAll: true,
			options: { retryDelayMs: 10 },
		},
		credentials: neto.credentials({ apiKey: 'not-the-key' }),
		onError: 'continueRegularOutput',
	});
}
