import { useSandbox } from './harness/fixtures';

describe('Add through n8n\'s engine against the sandbox', () => {
	const neto = useSandbox();

	test('sends every field, returns the LogID, and the store holds exactly that log', async () => {
		const result = await neto.run(
			{
				operation: 'add',
				username: 'jsmith',
				additionalFields: {
					customerName: 'Jane Smith',
					allocatedTo: 'Sam',
					followUpType: 'Phone Call',
					lastContacted: '2026-05-01T10:30:00',
					dateRequiredFollowUp: '2026-05-08T09:00:00+10:00',
					status: 'Recontacting',
					notes: 'Wants a quote for 40 units',
				},
			},
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(1);
		const [out] = result.json;
		expect(typeof out.LogID).toBe('number');
		expect(out).toMatchObject({
			Username: 'jsmith',
			CustomerName: 'Jane Smith',
			AllocatedTo: 'Sam',
			FollowUpType: 'Phone Call',
			LastContacted: '2026-05-01 10:30:00',
			DateRequiredFollowUp: '2026-05-07 23:00:00',
			Status: 'Recontacting',
			Notes: 'Wants a quote for 40 units',
			Ack: 'Success',
			Messages: { Error: [], Warning: [] },
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const stored = neto.sandbox.store.logs.get(out.LogID as number);
		expect(stored).toMatchObject({ Username: 'jsmith', Notes: 'Wants a quote for 40 units', DateRequiredFollowUp: '2026-05-07 23:00:00' });
	});
});
