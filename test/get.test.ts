import { WIRE_FORMATS, errorOf, useSandbox } from './harness/fixtures';

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });

describe.each(WIRE_FORMATS)('Get (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('one log by its Log ID and its customer, simplified on version 2, as Get Many gives it', async () => {
		const result = await neto.run(
			{ operation: 'get', username: locator('list', 'jsmith'), logId: locator('list', '1001') },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.error).toBeUndefined();
		const many = await neto.run(
			{ operation: 'getAll', username: 'jsmith', returnAll: true },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.json).toEqual([many.json[1]]);
		expect(result.json[0]).toMatchObject({
			LogID: 1001,
			Username: 'jsmith',
			Status: 'Completed',
			Notes: 'Sent the catalogue',
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(neto.requestsFor('GetCustomer')).toHaveLength(2);
	});

	test('everything the store returned on version 1, or with Simplify off', async () => {
		const v1 = await neto.run({ operation: 'get', username: 'jsmith', logId: '1000' });
		const off = await neto.run(
			{ operation: 'get', username: 'jsmith', logId: locator('id', '1000'), simplify: false },
			[{}],
			{ typeVersion: 2 },
		);
		expect(v1.json[0]).toMatchObject({
			Username: 'jsmith',
			LogID: 1000,
			Customer: 'jsmith',
			LastContactedUTC: '2026-01-10 02:30:00',
		});
		expect(off.json).toEqual(v1.json);
	});

	test('the customer by email', async () => {
		const result = await neto.run(
			{ operation: 'get', username: locator('email', 'orders@acme.example'), logId: '1002' },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.json).toEqual([expect.objectContaining({ LogID: 1002, Username: 'acme_buyer' })]);
	});

	test('one log per input item, paired; a log of another customer, an unknown customer or a bad Log ID fails its item alone, named by its labels', async () => {
		const result = await neto.run(
			{ operation: 'get', username: '={{ $json.u }}', logId: '={{ $json.id }}' },
			[
				{ u: 'acme_buyer', id: 1002 },
				{ u: 'acme_buyer', id: 1000 },
				{ u: 'nobody_here', id: 1000 },
				{ u: 'jsmith', id: 'abc' },
				{ u: '', id: 1000 },
				{ u: 'jsmith', id: 1000 },
			],
			{ onError: 'continueRegularOutput', typeVersion: 2 },
		);
		expect(result.json[0]).toMatchObject({ LogID: 1002 });
		expect(errorOf(result.json[1])).toEqual({
			message:
				'Item index 1: Log 1000 is not one of the logs of the customer with the username "acme_buyer"',
			description: 'Check "Log ID" and "Customer". Nothing was read for this item.',
			itemIndex: 1,
			field: 'LogID',
			httpCode: null,
			Ack: null,
			Messages: { Error: [], Warning: [] },
		});
		expect(errorOf(result.json[2])).toMatchObject({
			message: 'Item index 2: No customer has the username "nobody_here"',
			field: 'Username',
		});
		expect(errorOf(result.json[3])).toMatchObject({
			message:
				'Item index 3: "Log ID" (LogID) must be a positive whole number of at most 10 digits; got string "abc"',
			field: 'LogID',
		});
		expect(errorOf(result.json[4])).toMatchObject({
			message: 'Item index 4: "Customer" (Username) is required to get a customer log; it is empty',
			field: 'Username',
		});
		expect(result.json[5]).toMatchObject({ LogID: 1000 });
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
		);
		// Items refused before reading sent nothing: six items, four requests.
		expect(neto.requestsFor('GetCustomer')).toHaveLength(4);
	});

	test('without Continue On Fail the first failed item fails the node, naming it', async () => {
		const result = await neto.run({ operation: 'get', username: 'acme_buyer', logId: '1000' });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			'Item index 0: Log 1000 is not one of the logs of the customer with the username "acme_buyer"',
		);
	});

	test('Customer and Log ID are required: left empty in the node, n8n refuses the run before it starts', async () => {
		await expect(
			neto.run({ operation: 'get', username: locator('list', ''), logId: '1000' }),
		).rejects.toThrow('Parameter "Customer" is required');
		await expect(
			neto.run({ operation: 'get', username: 'jsmith', logId: locator('list', '') }),
		).rejects.toThrow('Parameter "Log ID" is required');
		expect(neto.sandbox.requests).toHaveLength(0);
	});
});
