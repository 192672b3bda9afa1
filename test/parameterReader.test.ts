import { useSandbox } from './harness/fixtures';

/**
 * The node reads literals once and an item's `={{ … }}` expressions in one evaluation; these check
 * that what it reads is what n8n's getNodeParameter gives, for every shape of parameter value.
 */
describe('Reading parameters with fewer evaluations', () => {
	const neto = useSandbox();

	test('literals, single expressions, templates with text, comments and dates all read as n8n gives them', async () => {
		const items = [
			{ user: 'jsmith', n: 1, who: 'Sam' },
			{ user: 'acme_buyer', n: 2, who: 'Priya' },
		];
		const result = await neto.run(
			{
				operation: 'add',
				username: { __rl: true, mode: 'username', value: '={{ $json.user }}' },
				additionalFields: {
					allocatedTo: '={{ $json.who // the owner }}',
					followUpType: '={{ "}" + $json.n }}',
					dateRequiredFollowUp: '2026-06-01T00:00:00',
					notes: '=Order {{ $json.n }} of {{ $json.user }}',
					// n8n gives a text field a date as its ISO text.
					customerName:
						'={{ DateTime.fromISO("2026-05-01T10:30:00Z", { zone: "utc" }).plus({ hours: $json.n }) }}',
					lastContacted: '={{ DateTime.fromISO("2026-05-01T10:30:00Z").plus({ days: $json.n }) }}',
					status: '={{ $json.n === 1 ? "Completed" : "Recontacting" }}',
				},
			},
			items,
		);
		expect(result.error).toBeUndefined();
		const fields = [
			'Username',
			'AllocatedTo',
			'FollowUpType',
			'DateRequiredFollowUp',
			'Notes',
			'CustomerName',
			'LastContacted',
			'Status',
		];
		expect(result.json.map((json) => fields.map((field) => json[field]))).toEqual([
			[
				'jsmith',
				'Sam',
				'}1',
				'2026-06-01 00:00:00',
				'Order 1 of jsmith',
				'2026-05-01T11:30:00.000Z',
				'2026-05-02 10:30:00',
				'Completed',
			],
			[
				'acme_buyer',
				'Priya',
				'}2',
				'2026-06-01 00:00:00',
				'Order 2 of acme_buyer',
				'2026-05-01T12:30:00.000Z',
				'2026-05-03 10:30:00',
				'Recontacting',
			],
		]);
	});

	test("an expression that fails on one item fails the node with n8n's own error for that parameter", async () => {
		const result = await neto.run(
			{
				operation: 'update',
				logId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				updateFields: {
					notes: '={{ $json.id === 1001 ? $("No such node").item.json.x : $json.note }}',
					status: '={{ "Completed" }}',
				},
			},
			[
				{ id: 1000, note: 'fine' },
				{ id: 1001, note: 'never read' },
			],
		);
		expect(result.error?.message).toBe("Referenced node doesn't exist");
		expect(result.error?.context).toMatchObject({ itemIndex: 1, parameter: 'updateFields.notes' });
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('an expression that gives nothing reads as empty, as n8n gives it (Update clears the field)', async () => {
		const result = await neto.run({
			operation: 'update',
			logId: '1000',
			updateFields: { allocatedTo: '={{ $json.missing }}', status: 'Completed' },
		});
		expect(result.error).toBeUndefined();
		expect(neto.sandbox.store.logs.get(1000)).toMatchObject({
			AllocatedTo: '',
			Status: 'Completed',
		});
	});

	test.each([
		['$json.value', '($json.value)'],
		['$json["value"]', '[$json["value"]][0]'],
	])(
		"{{ %s }} is read from the item and gives what n8n's evaluation of %s gives, for every kind of value",
		async (direct, evaluated) => {
			const items = [
				42,
				true,
				null,
				{ a: 1 },
				['x'],
				'',
				'=not an expression',
				'plain',
				undefined,
			].map((value) => ({ value, LogID: 1000 }));
			const run = (expression: string) =>
				neto.run(
					{
						operation: 'update',
						logId: '={{ $json.LogID }}',
						updateFields: { allocatedTo: `={{ ${expression} }}` },
					},
					items,
					{ onError: 'continueRegularOutput' },
				);
			const viaN8n = await run(evaluated);
			const fromItem = await run(direct);
			expect(fromItem.json).toEqual(viaN8n.json);
			expect(
				fromItem.json.map((json) => json.AllocatedTo ?? (json.error as { field?: string }).field),
			).toEqual([
				'42',
				'true',
				'',
				'AllocatedTo',
				'AllocatedTo',
				'',
				'=not an expression',
				'plain',
				'',
			]);
		},
	);
});
