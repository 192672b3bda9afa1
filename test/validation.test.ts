import type { IDataObject } from 'n8n-workflow';

import { CUSTOMER_LOG_FIELDS } from '../nodes/Neto/log/fields';
import { WIRE_FORMATS, useSandbox } from './harness/fixtures';

/** Every string limit of the contract, per operation: [operation, parameter, Neto field, limit]. */
const LIMITS: Array<[string, string, string, number]> = [
	['add', 'username', 'Username', 25],
	['add', 'customerName', 'CustomerName', 100],
	['add', 'allocatedTo', 'AllocatedTo', 255],
	['add', 'followUpType', 'FollowUpType', 50],
	['update', 'customerName', 'CustomerName', 100],
	['update', 'allocatedTo', 'AllocatedTo', 100],
	['update', 'followUpType', 'FollowUpType', 50],
];

test('LIMITS names every string limit of the field table, and no other', () => {
	const inTable = CUSTOMER_LOG_FIELDS.flatMap((field) =>
		Object.entries(field.operations)
			.filter(([, limit]) => field.kind === 'string' && typeof limit === 'number')
			.map(([operation, limit]) => [operation, field.param, field.wire, limit]),
	);
	const sorted = (rows: unknown[][]) => rows.map((row) => row.join(' ')).sort();
	expect(sorted(LIMITS)).toEqual(sorted(inTable));
});

function parametersFor(operation: string, param: string, value: string): IDataObject {
	if (operation === 'add') {
		return param === 'username'
			? { operation, username: value }
			: { operation, username: 'jsmith', additionalFields: { [param]: value } };
	}
	return { operation, logId: '1000', updateFields: { [param]: value } };
}

describe.each(WIRE_FORMATS)('Limits and refusals (%s)', (format) => {
	const neto = useSandbox({}, format);

	beforeEach(() => {
		// Usernames at the limit must exist for the store to accept the Add.
		neto.sandbox.store.addCustomer({ Username: 'u'.repeat(25) });
	});

	test.each(LIMITS)(
		'%s %s (%s): %i characters, at the limit, is sent',
		async (operation, param, wire, limit) => {
			const value = (param === 'username' ? 'u' : 'é').repeat(limit);
			const result = await neto.run(parametersFor(operation, param, value));
			expect(result.error).toBeUndefined();
			expect(result.json[0][wire]).toBe(value);
			const logId = operation === 'add' ? (result.json[0].LogID as number) : 1000;
			expect(neto.sandbox.store.logs.get(logId)?.[wire as 'Notes']).toBe(value);
		},
	);

	test.each(LIMITS)(
		'%s %s (%s): one over the limit of %i is refused before sending',
		async (operation, param, wire, limit) => {
			const value = 'a'.repeat(limit + 1);
			const logsBefore = JSON.stringify([...neto.sandbox.store.logs.values()]);
			const result = await neto.run(parametersFor(operation, param, value));
			expect(result.error?.name).toBe('NodeOperationError');
			expect(result.error?.message).toContain('Item index 0:');
			expect(result.error?.message).toContain(`(${wire})`);
			expect(result.error?.message).toContain(`is ${limit + 1} characters long`);
			expect(result.error?.message).toContain(`at most ${limit}`);
			expect(result.error?.message).toContain('Given: "aaaa');
			expect(neto.sandbox.requests).toHaveLength(0);
			expect(JSON.stringify([...neto.sandbox.store.logs.values()])).toBe(logsBefore);
		},
	);

	test('a character counts as one, whatever its UTF-16 length', async () => {
		const result = await neto.run(parametersFor('add', 'followUpType', '😀'.repeat(50)));
		expect(result.error).toBeUndefined();
		expect(result.json[0].FollowUpType).toBe('😀'.repeat(50));
	});

	test('a status not in the list is refused, naming the allowed values and what was given', async () => {
		const result = await neto.run(parametersFor('add', 'status', 'Done'));
		expect(result.error?.message).toBe(
			'Item index 0: "Status" (Status) must be one of "Require Recontact", "Recontacting", "Completed"; got string "Done". Nothing was sent for this item.',
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test.each([
		['2026-02-30T10:00:00', 'cannot be read as a date'],
		['next tuesday', 'cannot be read as a date'],
		['2026-13-01 00:00:00', 'cannot be read as a date'],
		['0999-12-31T23:59:59Z', 'outside the years 1000 to 9999'],
	])('the date %s is refused: %s', async (value, reason) => {
		const result = await neto.run(parametersFor('add', 'lastContacted', value));
		expect(result.error?.message).toContain(
			'Item index 0: "Last Contacted" (LastContacted) cannot be used:',
		);
		expect(result.error?.message).toContain(reason);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('a value that is not text (an object from an expression) is refused', async () => {
		const result = await neto.run(
			{ operation: 'add', username: 'jsmith', additionalFields: { notes: '={{ $json.notes }}' } },
			[{ notes: { a: 1 } }],
		);
		expect(result.error?.message).toContain('"Notes" (Notes) must be text; got an object');
	});

	test('characters XML 1.0 cannot carry are refused with their position', async () => {
		const result = await neto.run({
			operation: 'add',
			username: 'jsmith',
			additionalFields: { notes: '={{ "ok" + String.fromCharCode(1) }}' },
		});
		expect(result.error?.message).toContain(
			'"Notes" (Notes) holds the character U+0001 at position 2',
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('one bad item among good ones in one batch: without Continue On Fail nothing at all is sent', async () => {
		const result = await neto.run({ operation: 'add', username: '={{ $json.u }}' }, [
			{ u: 'jsmith' },
			{ u: 'x'.repeat(26) },
			{ u: 'tom_k' },
		]);
		expect(result.error?.message).toContain('Item index 1:');
		expect(result.error?.message).toContain(
			'"Customer" (Username) is 26 characters long; Add allows at most 25',
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('without Continue On Fail a refused item stops the run there: full batches before it were sent, nothing after', async () => {
		const result = await neto.run(
			{
				operation: 'add',
				username: '={{ $json.u }}',
				additionalFields: { notes: '={{ $json.n }}' },
				options: { batchSize: 2 },
			},
			[
				{ u: 'jsmith', n: 'a' },
				{ u: 'jsmith', n: 'b' },
				{ u: 'x'.repeat(26), n: 'c' },
				{ u: 'tom_k', n: 'd' },
				{ u: 'tom_k', n: 'e' },
			],
		);
		expect(result.error?.message).toContain(
			'Item index 2: "Customer" (Username) is 26 characters long',
		);
		expect(neto.sandbox.requests.map((r) => r.logs)).toEqual([2]);
		expect(
			neto.sandbox.store
				.logsOf('jsmith')
				.map((log) => log.Notes)
				.slice(-2),
		).toEqual(['a', 'b']);
		expect(neto.sandbox.store.logsOf('tom_k')).toHaveLength(0);
	});

	test('one bad item among good ones with Continue On Fail: it alone becomes an error item', async () => {
		const result = await neto.run(
			{ operation: 'add', username: '={{ $json.u }}' },
			[{ u: 'jsmith' }, { u: 'x'.repeat(26) }, { u: 'tom_k' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.json).toHaveLength(3);
		expect(result.json[1]).toEqual({
			error: expect.objectContaining({
				message: expect.stringContaining(
					'Item index 1: "Customer" (Username) is 26 characters long',
				),
				itemIndex: 1,
				field: 'Username',
			}),
		});
		expect([result.json[0].Username, result.json[2].Username]).toEqual(['jsmith', 'tom_k']);
		expect(neto.sandbox.store.logsOf('tom_k')).toHaveLength(1);
	});
});
