import { fieldsOf } from '../nodes/Neto/log/fields';
import { WIRE_FORMATS, useSandbox } from './harness/fixtures';

/** Every field under Update Fields, as a user would fill them in. */
const ALL_UPDATE_FIELDS = {
	customerName: 'Jane S.',
	allocatedTo: 'Priya',
	followUpType: 'Visit',
	lastContacted: '2026-06-01T08:00:00Z',
	dateRequiredFollowUp: '2026-06-05T00:00:00Z',
	status: 'Recontacting',
	notes: 'Booked a visit',
};
/** Log 1001 (jsmith's) as the store holds it after an Update of every field (ALL_UPDATE_FIELDS). */
const STORED_WITH_ALL_FIELDS = {
	Username: 'jsmith',
	CustomerName: 'Jane S.',
	AllocatedTo: 'Priya',
	FollowUpType: 'Visit',
	LastContacted: '2026-06-01 08:00:00',
	DateRequiredFollowUp: '2026-06-05 00:00:00',
	Status: 'Recontacting',
	Notes: 'Booked a visit',
};

test('the every-field lists (Update Fields, the stored log) name every field Update takes in the field table, and no other', () => {
	const updateFields = fieldsOf('update').filter((field) => !field.topLevel);
	expect(Object.keys(ALL_UPDATE_FIELDS).sort()).toEqual(
		updateFields.map((field) => field.param).sort(),
	);
	// The stored log also keeps its customer, which Update cannot change.
	expect(Object.keys(STORED_WITH_ALL_FIELDS).sort()).toEqual(
		['Username', ...updateFields.map((field) => field.wire)].sort(),
	);
});

describe.each(WIRE_FORMATS)('Update (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('changes only the fields added under Update Fields, and outputs them with the dates also as ISO under iso', async () => {
		const before = { ...neto.sandbox.store.logs.get(1000) };
		const result = await neto.run({
			operation: 'update',
			logId: '1000',
			updateFields: {
				status: 'Completed',
				notes: 'Quote accepted',
				lastContacted: '2026-06-01T08:00:00Z',
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{
				LogID: 1000,
				LastContacted: '2026-06-01 08:00:00',
				Status: 'Completed',
				Notes: 'Quote accepted',
				iso: { LastContacted: '2026-06-01T08:00:00.000Z' },
				Ack: 'Success',
				Messages: { Error: [], Warning: [] },
			},
		]);
		expect(neto.sandbox.store.logs.get(1000)).toMatchObject({
			...before,
			Status: 'Completed',
			Notes: 'Quote accepted',
			LastContacted: '2026-06-01 08:00:00',
			DateUpdated: expect.any(String),
		});
	});

	test('sends every updatable field', async () => {
		const result = await neto.run({
			operation: 'update',
			logId: 1001,
			updateFields: ALL_UPDATE_FIELDS,
		});
		expect(result.error).toBeUndefined();
		expect(neto.sandbox.store.logs.get(1001)).toMatchObject(STORED_WITH_ALL_FIELDS);
	});

	test('a field added with an empty value clears it', async () => {
		const result = await neto.run({
			operation: 'update',
			logId: '1000',
			updateFields: { notes: '', dateRequiredFollowUp: '', allocatedTo: '' },
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({
			LogID: 1000,
			Notes: '',
			DateRequiredFollowUp: '',
			AllocatedTo: '',
		});
		expect(neto.sandbox.store.logs.get(1000)).toMatchObject({
			Notes: '',
			DateRequiredFollowUp: '',
			AllocatedTo: '',
			Status: 'Require Recontact',
		});
	});

	test('an update with no fields is refused before sending, saying so', async () => {
		const result = await neto.run({ operation: 'update', logId: '1000', updateFields: {} });
		expect(result.error?.message).toBe(
			'Item index 0: Nothing to update: add at least one field under "Update Fields" (a field added with an empty value clears it). Nothing was sent for this item.',
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test.each([
		['={{ "" }}', 'is required to update a customer log'],
		['0', 'must be a positive whole number of at most 10 digits; got string "0"'],
		['-4', 'got string "-4"'],
		['12.5', 'got string "12.5"'],
		['abc', 'got string "abc"'],
		['12345678901', 'got string "12345678901"'],
	])('Log ID %j is refused: %s', async (logId, reason) => {
		const result = await neto.run({ operation: 'update', logId, updateFields: { notes: 'x' } });
		expect(result.error?.message).toContain('"Log ID" (LogID)');
		expect(result.error?.message).toContain(reason);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('an empty Log ID typed in the node is refused by n8n itself before the run', async () => {
		await expect(
			neto.run({ operation: 'update', logId: '', updateFields: { notes: 'x' } }),
		).rejects.toThrow('Parameter "Log ID" is required');
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('a Log ID of exactly 10 digits is sent; the store answers that it does not exist', async () => {
		const result = await neto.run(
			{ operation: 'update', logId: '9999999999', updateFields: { notes: 'x' } },
			[{}],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.json[0]).toMatchObject({
			error: {
				message: 'Item index 0: Customer log not found',
				description: 'There is no customer log with LogID 9999999999.',
				Ack: 'Error',
			},
		});
		expect(neto.requestsFor('UpdateCustomerLog')).toHaveLength(1);
	});

	test('Username is not an Update field and is never sent', async () => {
		const result = await neto.run({
			operation: 'update',
			logId: '1000',
			updateFields: { notes: 'n', username: 'tom_k' },
		});
		expect(result.json[0]).not.toHaveProperty('Username');
		expect(neto.sandbox.store.logs.get(1000)?.Username).toBe('jsmith');
	});

	test('Log IDs from items, each item its own outcome, paired', async () => {
		const result = await neto.run(
			{
				operation: 'update',
				logId: '={{ $json.id }}',
				updateFields: { status: '={{ $json.status }}' },
			},
			[
				{ id: 1000, status: 'Completed' },
				{ id: 1002, status: 'Recontacting' },
			],
		);
		expect(result.json.map((json) => [json.LogID, json.Status])).toEqual([
			[1000, 'Completed'],
			[1002, 'Recontacting'],
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(neto.sandbox.store.logs.get(1002)?.Status).toBe('Recontacting');
	});
});
