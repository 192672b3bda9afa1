import { fieldsOf } from '../nodes/Neto/log/fields';
import { ALL_ADD_FIELDS as ALL_FIELDS, WIRE_FORMATS, useSandbox } from './harness/fixtures';

/** The log the store holds after an Add of every field (ALL_FIELDS, for jsmith). */
const STORED_WITH_ALL_FIELDS = {
	Username: 'jsmith',
	CustomerName: 'Jane Smith',
	AllocatedTo: 'Sam',
	FollowUpType: 'Phone Call',
	LastContacted: '2026-05-01 10:30:00',
	DateRequiredFollowUp: '2026-05-08 00:00:00',
	Status: 'Recontacting',
	Notes: 'Wants a quote for 40 units',
};

const ADD_FIELDS = fieldsOf('add');
const TAKEN_AS_ADDITIONAL_FIELD = ADD_FIELDS.filter((field) => !field.topLevel);

test('the every-field lists (ALL_ADD_FIELDS, the stored log) name every field Add takes in the field table, and no other', () => {
	expect(Object.keys(ALL_FIELDS).sort()).toEqual(
		TAKEN_AS_ADDITIONAL_FIELD.map((field) => field.param).sort(),
	);
	expect(Object.keys(STORED_WITH_ALL_FIELDS).sort()).toEqual(
		ADD_FIELDS.map((field) => field.wire).sort(),
	);
});

describe.each(WIRE_FORMATS)('Add (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('sends every field, outputs the log with its LogID and its dates also as ISO, and the store holds exactly that log', async () => {
		const before = neto.sandbox.store.logs.size;
		const result = await neto.run({
			operation: 'add',
			username: 'jsmith',
			additionalFields: ALL_FIELDS,
		});
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(1);
		const [out] = result.json;
		expect(out).toEqual({
			LogID: expect.any(Number),
			AllocatedTo: 'Sam',
			FollowUpType: 'Phone Call',
			Username: 'jsmith',
			CustomerName: 'Jane Smith',
			LastContacted: '2026-05-01 10:30:00',
			DateRequiredFollowUp: '2026-05-08 00:00:00',
			Status: 'Recontacting',
			Notes: 'Wants a quote for 40 units',
			iso: {
				LastContacted: '2026-05-01T10:30:00.000Z',
				DateRequiredFollowUp: '2026-05-08T00:00:00.000Z',
			},
			Ack: 'Success',
			Messages: { Error: [], Warning: [] },
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(neto.sandbox.store.logs.size).toBe(before + 1);
		expect(neto.sandbox.store.logs.get(out.LogID as number)).toMatchObject(STORED_WITH_ALL_FIELDS);
		expect(neto.requestsFor('AddCustomerLog').map((r) => r.format)).toEqual([format]);
	});

	test('leaves out fields not set and fields set empty', async () => {
		const result = await neto.run({
			operation: 'add',
			username: 'ellie.w',
			additionalFields: { notes: 'Only notes', allocatedTo: '' },
		});
		expect(result.json[0]).toEqual({
			LogID: expect.any(Number),
			Username: 'ellie.w',
			Notes: 'Only notes',
			iso: {},
			Ack: 'Success',
			Messages: { Error: [], Warning: [] },
		});
		expect(neto.sandbox.store.logs.get(result.json[0].LogID as number)).toMatchObject({
			AllocatedTo: '',
			Notes: 'Only notes',
		});
	});

	test('one output item per input item, in order, each paired and mapped from its own item', async () => {
		const items = ['jsmith', 'acme_buyer', 'ellie.w', 'tom_k'].map((username, n) => ({
			username,
			note: `note ${n}`,
		}));
		const result = await neto.run(
			{
				operation: 'add',
				username: '={{ $json.username }}',
				additionalFields: { notes: '={{ $json.note }}' },
			},
			items,
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(result.json.map((json) => [json.Username, json.Notes])).toEqual(
			items.map((i) => [i.username, i.note]),
		);
		const ids = result.json.map((json) => json.LogID as number);
		expect(new Set(ids).size).toBe(4);
		ids.forEach((id, n) =>
			expect(neto.sandbox.store.logs.get(id)).toMatchObject({
				Username: items[n].username,
				Notes: items[n].note,
			}),
		);
	});

	test('a warning from the store does not fail the item and is passed on', async () => {
		const long = 'x'.repeat(12_000);
		const result = await neto.run({
			operation: 'add',
			username: 'jsmith',
			additionalFields: { notes: long },
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({
			Ack: 'Warning',
			Notes: long,
			Messages: {
				Error: [],
				Warning: [{ Message: 'Notes are very long', SeverityCode: 'Warning' }],
			},
		});
		expect(neto.sandbox.store.logs.get(result.json[0].LogID as number)?.Notes).toBe(long);
	});

	test("a store error fails the node with a NodeApiError carrying the store's message, item index and description", async () => {
		const before = neto.sandbox.store.logs.size;
		const result = await neto.run({ operation: 'add', username: 'nobody_here' });
		expect(result.json).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Item index 0: Customer not found');
		expect(result.error?.description).toBe('No customer has the username nobody_here.');
		expect(neto.sandbox.store.logs.size).toBe(before);
	});

	test('with Continue On Fail the failed item becomes an error item and the others go on', async () => {
		const result = await neto.run(
			{ operation: 'add', username: '={{ $json.u }}', options: { batchSize: 1 } },
			[{ u: 'jsmith' }, { u: 'nobody_here' }, { u: 'tom_k' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(3);
		expect(result.json[0]).toMatchObject({ Username: 'jsmith', Ack: 'Success' });
		expect(result.json[1]).toEqual({
			error: {
				message: 'Item index 1: Customer not found',
				description: 'No customer has the username nobody_here.',
				itemIndex: 1,
				field: null,
				httpCode: null,
				Ack: 'Error',
				Messages: {
					Error: [
						{
							Message: 'Customer not found',
							SeverityCode: 'Error',
							Description: 'No customer has the username nobody_here.',
						},
					],
					Warning: [],
				},
			},
		});
		expect(result.json[2]).toMatchObject({ Username: 'tom_k', Ack: 'Success' });
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(neto.sandbox.store.logsOf('tom_k')).toHaveLength(1);
	});

	test('with the error output on, failed items go to the error branch, paired to their inputs', async () => {
		const result = await neto.run(
			{ operation: 'add', username: '={{ $json.u }}', options: { batchSize: 1 } },
			[{ u: 'nobody_here' }, { u: 'jsmith' }],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([expect.objectContaining({ Username: 'jsmith', Ack: 'Success' })]);
		expect(result.errorItems).toHaveLength(1);
		// n8n merges the input item's json into an error-output item.
		expect(result.errorItems[0].json).toMatchObject({
			u: 'nobody_here',
			error: { message: 'Item index 0: Customer not found', itemIndex: 0 },
		});
		expect(result.errorItems[0].pairedItem).toEqual({ item: 0 });
	});

	test('Customer is required: left empty in the node, n8n refuses the run before it starts', async () => {
		await expect(
			neto.run({
				operation: 'add',
				username: { __rl: true, mode: 'list', value: '' },
				additionalFields: { notes: 'x' },
			}),
		).rejects.toThrow('Parameter "Customer" is required');
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('an empty Customer from an expression is refused for its item alone, naming the item and the field, and adds no log that belongs to nobody', async () => {
		const before = neto.sandbox.store.logs.size;
		const result = await neto.run(
			{ operation: 'add', username: '={{ $json.u }}', additionalFields: { notes: 'x' } },
			[{ u: 'jsmith' }, { u: '' }, { u: 'tom_k' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.json[1]).toEqual({
			error: {
				message:
					'Item index 1: "Customer" (Username) is required to add a customer log; it is empty. Nothing was sent for this item.',
				description: "The node checks every field against Neto's documented limits before sending.",
				itemIndex: 1,
				field: 'Username',
				httpCode: null,
				Ack: null,
				Messages: { Error: [], Warning: [] },
			},
		});
		expect([result.json[0].Username, result.json[2].Username]).toEqual(['jsmith', 'tom_k']);
		expect(neto.sandbox.store.logs.size).toBe(before + 2);
		expect([...neto.sandbox.store.logs.values()].filter((log) => log.Username === '')).toEqual([]);

		const stopped = await neto.run({ operation: 'add', username: '={{ "" }}' });
		expect(stopped.error?.name).toBe('NodeOperationError');
		expect(stopped.error?.message).toBe(
			'Item index 0: "Customer" (Username) is required to add a customer log; it is empty. Nothing was sent for this item.',
		);
	});

	test("Customer By Email: each batch's emails are looked up in one request and each log goes to its customer's username; an unknown or shared email refuses its item alone", async () => {
		neto.sandbox.store.addCustomer({ Username: 'twin_a', EmailAddress: 'shared@example.com' });
		neto.sandbox.store.addCustomer({ Username: 'twin_b', EmailAddress: 'shared@example.com' });
		const result = await neto.run(
			{
				operation: 'add',
				username: { __rl: true, mode: 'email', value: '={{ $json.email }}' },
				additionalFields: { notes: '={{ $json.note }}' },
			},
			[
				{ email: 'Jane.Smith@example.com', note: 'a' },
				{ email: 'nobody@example.com', note: 'b' },
				{ email: 'orders@acme.example', note: 'c' },
				{ email: 'shared@example.com', note: 'd' },
			],
			{ onError: 'continueRegularOutput', typeVersion: 2 },
		);
		expect(result.json[0]).toMatchObject({ Username: 'jsmith', Notes: 'a', Ack: 'Success' });
		// The log as sent: Username back in its place in the XSD's order, which XML requests must follow.
		expect(Object.keys(result.json[0])).toEqual([
			'LogID',
			'Username',
			'Notes',
			'iso',
			'Ack',
			'Messages',
		]);
		expect(result.json[1]).toEqual({
			error: expect.objectContaining({
				message:
					'Item index 1: "Customer" (Username): no customer has the email "nobody@example.com". Nothing was sent for this item.',
				field: 'Username',
			}),
		});
		expect(result.json[2]).toMatchObject({ Username: 'acme_buyer', Notes: 'c' });
		expect((result.json[3].error as { message: string }).message).toBe(
			'Item index 3: "Customer" (Username): 2 customers have the email "shared@example.com" (twin_a, twin_b); give the customer By User. Nothing was sent for this item.',
		);
		expect(neto.requestsFor('GetCustomer')).toHaveLength(1);
		expect(neto.requestsFor('AddCustomerLog').map((r) => r.logs)).toEqual([2]);
		expect(neto.sandbox.store.logsOf('jsmith').map((log) => log.Notes)).toContain('a');
		expect(neto.sandbox.store.logsOf('acme_buyer').map((log) => log.Notes)).toContain('c');
		expect(neto.sandbox.store.logsOf('twin_a')).toHaveLength(0);
	});
});
