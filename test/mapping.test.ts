import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeHelpers, traverseNodeParameters } from 'n8n-workflow';

import { NetoCustomerLog } from '../nodes/Neto/NetoCustomerLog.node';
import { CUSTOMER_LOG_FIELDS } from '../nodes/Neto/log/fields';
import type { RunResult } from './harness/engine';
import { ALL_ADD_FIELDS, WIRE_FORMATS, errorOf, useSandbox } from './harness/fixtures';

/**
 * Every Add field as parameters (Define Below, from the fixtures) and as the same values under
 * Neto's names (the field table's), in the same order after Username.
 */
const ADD_PARAMETERS = ALL_ADD_FIELDS;
const wireOf = (param: string) => CUSTOMER_LOG_FIELDS.find((field) => field.param === param)?.wire;
const ADD_JSON: Record<string, string> = {
	Username: 'jsmith',
	...Object.fromEntries(
		Object.entries(ADD_PARAMETERS).map(([param, value]) => [wireOf(param), value]),
	),
};

const autoMap = (operation: string, extra: IDataObject = {}) => ({
	operation,
	mappingMode: 'autoMapInputData',
	...extra,
});

/** The run's hints, as n8n shows them over the output. */
function hintsOf(result: RunResult): string[] {
	return (result.run.data.resultData.runData.Neto[0].hints ?? []).map((hint) => hint.message);
}

/** Output items without the store-assigned LogID of an Add, so two runs can be compared. */
const withoutNewLogIds = (items: INodeExecutionData[]) =>
	items.map((item) => ({
		...item,
		json: { ...item.json, LogID: item.json.error ? undefined : 'assigned' },
	}));

describe.each(WIRE_FORMATS)('Map Automatically (%s)', (format) => {
	const neto = useSandbox({}, format);

	test('Add reads every field from the item key of its Neto name: the same output and stored log as Define Below', async () => {
		const result = await neto.run(autoMap('add'), [ADD_JSON]);
		const defined = await neto.run({
			operation: 'add',
			username: 'jsmith',
			additionalFields: ADD_PARAMETERS,
		});
		expect(result.error).toBeUndefined();
		expect(Object.keys(result.json[0]).sort()).toEqual(
			[...Object.keys(ADD_JSON), 'LogID', 'Ack', 'Messages', 'iso'].sort(),
		);
		expect(withoutNewLogIds(result.items)).toEqual(withoutNewLogIds(defined.items));
		const stored = (json: IDataObject) => ({
			...neto.sandbox.store.logs.get(json.LogID as number),
			LogID: 0,
			DateAdded: '',
		});
		expect(stored(result.json[0])).toEqual(stored(defined.json[0]));
		expect(hintsOf(result)).toEqual([]);
	});

	test.each(Object.keys(ADD_JSON).filter((key) => key !== 'Username'))(
		'Add takes %s from JSON alone, as its parameter would',
		async (key) => {
			const json = { Username: 'jsmith', [key]: ADD_JSON[key as keyof typeof ADD_JSON] };
			const param = Object.keys(ADD_PARAMETERS)[Object.keys(ADD_JSON).indexOf(key) - 1];
			const mapped = await neto.run(autoMap('add'), [json]);
			const defined = await neto.run({
				operation: 'add',
				username: 'jsmith',
				additionalFields: { [param]: ADD_PARAMETERS[param as keyof typeof ADD_PARAMETERS] },
			});
			expect(mapped.error).toBeUndefined();
			expect(Object.keys(mapped.json[0])).toContain(key);
			expect(withoutNewLogIds(mapped.items)).toEqual(withoutNewLogIds(defined.items));
		},
	);

	test('bad values fail as the same error items as Define Below gives, naming the item and the field, and the others go on', async () => {
		const bad: IDataObject[] = [
			{ Username: 'u'.repeat(26) },
			{ Username: 'jsmith', AllocatedTo: 'a'.repeat(256) },
			{ Username: 'jsmith', CustomerName: 'c'.repeat(101) },
			{ Username: 'jsmith', FollowUpType: 'f'.repeat(51) },
			{ Username: 'jsmith', LastContacted: 'next tuesday' },
			{ Username: 'jsmith', DateRequiredFollowUp: { not: 'a date' } },
			{ Username: 'jsmith', Status: 'Done' },
			{ Username: 'jsmith', Notes: 'bell \u0007' },
			{ Username: 'jsmith', Notes: ['a list'] },
			{ Username: 'jsmith', Notes: 'fine' },
		];
		const mapped = await neto.run(autoMap('add'), bad, { onError: 'continueRegularOutput' });
		const defined = await neto.run(
			{
				operation: 'add',
				username: '={{ $json.Username }}',
				additionalFields: Object.fromEntries(
					Object.entries(ADD_PARAMETERS).map(([param], n) => [
						param,
						`={{ $json.${Object.keys(ADD_JSON)[n + 1]} }}`,
					]),
				),
			},
			bad,
			{ onError: 'continueRegularOutput' },
		);
		expect(withoutNewLogIds(mapped.items)).toEqual(withoutNewLogIds(defined.items));
		expect(
			mapped.json.slice(0, 9).map((json) => [errorOf(json).itemIndex, errorOf(json).field]),
		).toEqual([
			[0, 'Username'],
			[1, 'AllocatedTo'],
			[2, 'CustomerName'],
			[3, 'FollowUpType'],
			[4, 'LastContacted'],
			[5, 'DateRequiredFollowUp'],
			[6, 'Status'],
			[7, 'Notes'],
			[8, 'Notes'],
		]);
		expect(errorOf(mapped.json[1]).message).toBe(
			'Item index 1: "Allocated To" (AllocatedTo) is 256 characters long; Add allows at most 255. Given: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…". Nothing was sent for this item.',
		);
		expect(mapped.json[9]).toMatchObject({ Username: 'jsmith', Notes: 'fine', Ack: 'Success' });
	});

	test('without Continue On Fail a bad item stops the node with an error naming the item and the field', async () => {
		const result = await neto.run(autoMap('add'), [
			{ Username: 'jsmith', Notes: 'ok' },
			{ Username: 'jsmith', Status: 'Done' },
		]);
		expect(result.error?.message).toBe(
			'Item index 1: "Status" (Status) must be one of "Require Recontact", "Recontacting", "Completed"; got string "Done". Nothing was sent for this item.',
		);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('keys that are not Neto fields are ignored and listed once, in a hint over the output', async () => {
		const items = [
			{ Username: 'jsmith', Notes: 'one', orderId: 7, Email: 'x@example.com' },
			{ Username: 'jsmith', Notes: 'two', orderId: 8, iso: {} },
			{ Username: 'jsmith', Notes: 'three' },
		];
		const result = await neto.run(autoMap('add'), items);
		expect(result.error).toBeUndefined();
		expect(
			result.json.map((json) =>
				Object.keys(json).filter((key) => !['LogID', 'Ack', 'Messages', 'iso'].includes(key)),
			),
		).toEqual([
			['Username', 'Notes'],
			['Username', 'Notes'],
			['Username', 'Notes'],
		]);
		// The sandbox refuses a log with a key Neto does not know, so Success means none was sent.
		expect(result.json.map((json) => json.Ack)).toEqual(['Success', 'Success', 'Success']);
		expect(hintsOf(result)).toEqual([
			'Map Automatically ignored input keys that are not Neto fields: orderId, Email, iso',
		]);
	});

	test('Username is not an Update field: it is not sent, and it is not listed as ignored', async () => {
		const result = await neto.run(autoMap('update'), [
			{ LogID: 1000, Username: 'jsmith', Status: 'Completed' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toEqual({
			LogID: 1000,
			Status: 'Completed',
			Ack: 'Success',
			Messages: { Error: [], Warning: [] },
			iso: {},
		});
		expect(hintsOf(result)).toEqual([]);
	});

	test('Update: a key with an empty value clears the field; an item with no field is refused, naming the keys Map Automatically reads', async () => {
		const result = await neto.run(
			autoMap('update'),
			[{ LogID: 1000, Notes: '' }, { LogID: '1001' }, { Notes: 'no id' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.json[0]).toMatchObject({ LogID: 1000, Notes: '', Ack: 'Success' });
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toBe('');
		expect(errorOf(result.json[1]).message).toBe(
			'Item index 1: Nothing to update: the input item has no field to change besides the Log ID (Map Automatically reads AllocatedTo, FollowUpType, CustomerName, LastContacted, DateRequiredFollowUp, Status, Notes; a key with an empty value clears that field). Nothing was sent for this item.',
		);
		expect(errorOf(result.json[2]).message).toBe(
			'Item index 2: "Log ID" (LogID) is required to update a customer log; it is empty. Nothing was sent for this item.',
		);
	});

	test("Get Many's output maps straight back into Update: the changed fields land, the others stay as they were", async () => {
		const before = structuredClone([...neto.sandbox.store.logs.values()]);
		const read = await neto.run({
			operation: 'getAll',
			username: 'jsmith, acme_buyer',
			returnAll: true,
		});
		expect(read.json).toHaveLength(3);
		const edited = read.json.map((json) => ({
			...json,
			Status: 'Completed',
			Notes: `${json.Notes as string} (closed)`,
		}));
		const result = await neto.run(autoMap('update'), edited);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.Ack)).toEqual(['Success', 'Success', 'Success']);
		for (const log of before) {
			expect(neto.sandbox.store.logs.get(log.LogID)).toMatchObject({
				...log,
				Status: 'Completed',
				Notes: `${log.Notes} (closed)`,
			});
		}
		const [hint] = hintsOf(result);
		expect(hint.split(': ')[1].split(', ').sort()).toEqual([
			'Customer',
			'LastContactedLocal',
			'LastContactedUTC',
			'iso',
		]);
	});

	test("Update with Notes Mode Append (a parameter, read once) appends through the item's Username", async () => {
		const result = await neto.run(autoMap('update', { notesMode: 'append' }), [
			{ LogID: 1000, Username: 'jsmith', Notes: 'called back' },
		]);
		expect(result.error).toBeUndefined();
		expect(neto.sandbox.store.logs.get(1000)?.Notes).toMatch(
			/^Asked about bulk pricing\n--- \d{4}-\d\d-\d\d \d\d:\d\d UTC ---\ncalled back$/,
		);
	});

	test("Define Below (the default, as saved workflows have it) reads the parameters, not the item's keys", async () => {
		const result = await neto.run(
			{ operation: 'add', username: 'ellie.w', additionalFields: { notes: 'from the parameter' } },
			[{ Username: 'jsmith', Notes: 'from the item', Status: 'Completed' }],
		);
		expect(result.json[0]).toMatchObject({ Username: 'ellie.w', Notes: 'from the parameter' });
		expect(result.json[0].Status).toBeUndefined();
		expect(hintsOf(result)).toEqual([]);
	});
});

describe('Map Automatically as an AI agent tool', () => {
	const description = new NetoCustomerLog().description;
	const asTool = { ...description, name: `${description.name}Tool` };

	test.each(['add', 'update'])(
		'%s: the tool asks the agent for the whole log as one JSON object, and nothing else',
		(operation) => {
			const saved: INodeParameters = { operation, mappingMode: 'autoMapInputData' };
			// What n8n does when it loads the workflow: fill in the defaults of the parameters shown.
			const parameters = NodeHelpers.getNodeParameters(
				description.properties,
				saved,
				true,
				false,
				null,
				asTool,
			) as INodeParameters;
			const keys: Array<{ key: string; type?: string }> = [];
			traverseNodeParameters(parameters, keys as never);
			expect(keys.map(({ key, type }) => [key, type])).toEqual([['log', 'json']]);
			// Not a tool: no such parameter, so Map Automatically reads the item's JSON.
			const plain = NodeHelpers.getNodeParameters(
				description.properties,
				saved,
				true,
				false,
				null,
				description,
			) as INodeParameters;
			expect(plain.log).toBeUndefined();
		},
	);
});
