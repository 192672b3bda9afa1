/**
 * Follow-Up Required By is a calendar day. Written in a workflow east or west of UTC (Neto's
 * merchants live in Australia and New Zealand), the day as written reaches the store as that day,
 * comes back from Get and Get Many and the trigger as that day, and Follow-Up Due fires when that
 * day begins in the workflow's timezone: whichever way a store keeps the field (the contract's
 * unknown: the date alone, or a UTC time shown as its day in the shop's zone, or the time itself).
 * `npm test` runs this suite again with the machine in each of these zones.
 */
import type { IDataObject } from 'n8n-workflow';

import { ActiveTrigger } from './harness/engine';
import { useSandbox, useTestClock } from './harness/fixtures';

const ZONES = ['Australia/Sydney', 'Pacific/Auckland', 'America/Los_Angeles'] as const;
/** How a store may keep DateRequiredFollowUp (the sandbox's followUpDates switch). */
const STORES = [
	{ label: 'a store that keeps the date', options: { followUpDates: 'date' as const } },
	{
		label: 'a store that keeps the UTC time and answers its day in Sydney',
		options: { followUpDates: 'shopZone' as const, shopTimezone: 'Australia/Sydney' },
	},
	{
		label: 'a store that keeps the UTC time and answers its day in Auckland',
		options: { followUpDates: 'shopZone' as const, shopTimezone: 'Pacific/Auckland' },
	},
	{
		label: 'a store that answers the UTC time it keeps',
		options: { followUpDates: 'dateTime' as const },
	},
];

/** Ways a user gives the 15th of December 2026, as the date picker, a mapping or an expression does. */
function inputsForThe15th(zone: string): Array<[string, string]> {
	return [
		[
			'midnight with its offset, as the date picker gives it in Sydney',
			'2026-12-15T00:00:00+11:00',
		],
		['a bare date', '2026-12-15'],
		['the date picker without an offset (the workflow timezone)', '2026-12-15T00:00:00'],
		['late in the evening, without an offset', '2026-12-15T23:30:00'],
		['a UTC time on that day', '2026-12-15T18:00:00Z'],
		[
			'a Luxon DateTime in the workflow timezone',
			`={{ DateTime.fromISO('2026-12-15T00:00:00', { zone: '${zone}' }) }}`,
		],
		["Get Many's own output fed back", '={{ $json.DateRequiredFollowUp }}'],
		["Get Many's iso output fed back", '={{ $json.iso.DateRequiredFollowUp }}'],
	];
}

describe.each(STORES)('Follow-Up Required By is a calendar day ($label)', ({ options }) => {
	const neto = useSandbox(options);

	describe.each(ZONES)('workflow timezone %s', (zone) => {
		test('every way of giving the 15th reaches the store as the 15th, and Get Many and Get give back 2026-12-15', async () => {
			for (const [label, value] of inputsForThe15th(zone)) {
				const fed = {
					DateRequiredFollowUp: '2026-12-15',
					iso: { DateRequiredFollowUp: '2026-12-15T00:00:00.000Z' },
				};
				const added = await neto.run(
					{
						operation: 'add',
						username: 'tom_k',
						additionalFields: { dateRequiredFollowUp: value, notes: label },
					},
					[fed],
					{ timezone: zone },
				);
				expect([label, added.error?.message]).toEqual([label, undefined]);
				const logId = added.json[0].LogID as number;
				expect([label, added.json[0].DateRequiredFollowUp]).toEqual([label, '2026-12-15 00:00:00']);
				const many = await neto.run(
					{ operation: 'getAll', username: 'tom_k', returnAll: true, simplify: true },
					[{}],
					{ timezone: zone },
				);
				const read = many.json.find((json) => json.LogID === logId);
				expect([label, read?.DateRequiredFollowUp]).toEqual([label, '2026-12-15']);
				const one = await neto.run(
					{ operation: 'get', username: 'tom_k', logId: String(logId) },
					[{}],
					{ timezone: zone },
				);
				expect([label, one.json[0].DateRequiredFollowUp]).toEqual([label, '2026-12-15']);
			}
		});

		test("Get Many's output fed into Update keeps the day", async () => {
			const added = await neto.run(
				{
					operation: 'add',
					username: 'ellie.w',
					additionalFields: { dateRequiredFollowUp: '2026-12-15' },
				},
				[{}],
				{ timezone: zone },
			);
			const logId = added.json[0].LogID as number;
			const many = await neto.run(
				{ operation: 'getAll', username: 'ellie.w', returnAll: true, simplify: true },
				[{}],
				{ timezone: zone },
			);
			const read = many.json.filter((json) => json.LogID === logId);
			const updated = await neto.run(
				{
					operation: 'update',
					logId: '={{ $json.LogID }}',
					updateFields: {
						dateRequiredFollowUp: '={{ $json.DateRequiredFollowUp }}',
						notes: 'moved nowhere',
					},
				},
				read,
				{ timezone: zone },
			);
			expect(updated.error).toBeUndefined();
			const again = await neto.run(
				{ operation: 'getAll', username: 'ellie.w', returnAll: true, simplify: true },
				[{}],
				{ timezone: zone },
			);
			expect(again.json.find((json) => json.LogID === logId)?.DateRequiredFollowUp).toBe(
				'2026-12-15',
			);
		});
	});
});

describe.each(ZONES)('Follow-Up Due in workflow timezone %s', (zone) => {
	const suite = useSandbox();

	useTestClock(Date.UTC(2026, 11, 1));

	/** When the 15th of December 2026 begins in the zone. */
	function startOfThe15th(): number {
		const noonUtc = Date.UTC(2026, 11, 15, 12);
		const offsetMinutes = (() => {
			const parts = new Intl.DateTimeFormat('en-US', {
				timeZone: zone,
				timeZoneName: 'longOffset',
			}).formatToParts(new Date(noonUtc));
			const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
			const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
			return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
		})();
		return Date.UTC(2026, 11, 15) - offsetMinutes * 60_000;
	}

	test('fires when the day begins there (not in UTC), once per log and day, and gives the day back', async () => {
		const added = await suite.run(
			{
				operation: 'add',
				username: 'tom_k',
				additionalFields: { dateRequiredFollowUp: '2026-12-15', status: 'Require Recontact' },
			},
			[{}],
			{ timezone: zone },
		);
		const logId = added.json[0].LogID as number;
		const trigger = new ActiveTrigger(
			{ event: 'followUpDue' },
			suite.credentials(),
			{},
			{ timezone: zone },
		);
		expect((await trigger.poll()).emitted).toBeNull();
		const begins = startOfThe15th();
		jest.setSystemTime(begins - 60_000);
		const before = await trigger.poll();
		expect(before.error).toBeUndefined();
		expect(before.emitted).toBeNull();
		jest.setSystemTime(begins + 60_000);
		const at = await trigger.poll();
		expect(at.error).toBeUndefined();
		expect(
			(at.emitted ?? []).map((item) => [
				item.json.event,
				item.json.LogID,
				item.json.DateRequiredFollowUp,
			]),
		).toEqual([['followUpDue', logId, '2026-12-15']]);
		for (const minutes of [2, 60, 24 * 60]) {
			jest.setSystemTime(begins + minutes * 60_000);
			const afterwards = await trigger.poll();
			expect(afterwards.error).toBeUndefined();
			expect(afterwards.emitted).toBeNull();
		}
		trigger.restart();
		expect((await trigger.poll()).emitted).toBeNull();
		expect((JSON.parse(trigger.saved) as IDataObject)['node:Neto Trigger']).toBeDefined();
	});
});
