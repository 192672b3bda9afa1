import type { IDataObject } from 'n8n-workflow';

import { useSandbox } from './harness/fixtures';

/**
 * Every date input n8n users pass, through the engine (expressions included), in a workflow
 * timezone that is not UTC: each must reach the store as the same UTC instant.
 */
const SYDNEY = 'Australia/Sydney'; // UTC+10 in May

describe('Dates', () => {
	const neto = useSandbox();

	async function sentLastContacted(value: unknown, timezone = SYDNEY, item: IDataObject = {}) {
		const result = await neto.run(
			{ operation: 'add', username: 'jsmith', additionalFields: { lastContacted: value } },
			[item],
			{ timezone },
		);
		expect(result.error).toBeUndefined();
		const logId = result.json[0].LogID as number;
		expect(neto.sandbox.store.logs.get(logId)?.LastContacted).toBe(result.json[0].LastContacted);
		return result.json[0].LastContacted;
	}

	test.each([
		[
			"the date picker's value (no offset: workflow timezone)",
			'2026-05-01T10:30:00',
			'2026-05-01 00:30:00',
		],
		['ISO 8601 with an offset', '2026-05-01T10:30:00-04:00', '2026-05-01 14:30:00'],
		['ISO 8601 in UTC', '2026-05-01T10:30:00.000Z', '2026-05-01 10:30:00'],
		['an ISO date alone (midnight, workflow timezone)', '2026-05-01', '2026-04-30 14:00:00'],
		["Neto's own format (already UTC)", '2026-05-01 10:30:00', '2026-05-01 10:30:00'],
		['epoch milliseconds as text', '1777631400000', '2026-05-01 10:30:00'],
	])('%s', async (_label, value, expected) => {
		expect(await sentLastContacted(value)).toBe(expected);
	});

	test('a Luxon DateTime from an expression', async () => {
		const value = "={{ DateTime.fromISO('2026-05-01T10:30:00', { zone: 'America/New_York' }) }}";
		expect(await sentLastContacted(value)).toBe('2026-05-01 14:30:00');
	});

	test('$now from an expression is the current time in UTC', async () => {
		const before = Date.now();
		const sent = (await sentLastContacted('={{ $now }}')) as string;
		const sentMs = Date.parse(`${sent.replace(' ', 'T')}Z`);
		expect(sentMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
		expect(sentMs).toBeLessThanOrEqual(Date.now());
	});

	test('a JS Date from an expression', async () => {
		expect(await sentLastContacted('={{ new Date(Date.UTC(2026, 4, 1, 10, 30, 0)) }}')).toBe(
			'2026-05-01 10:30:00',
		);
	});

	test('epoch milliseconds as a number from an expression', async () => {
		expect(await sentLastContacted('={{ $json.ms }}', SYDNEY, { ms: 1777631400000 })).toBe(
			'2026-05-01 10:30:00',
		);
	});

	test('the same wall time means another instant in another workflow timezone', async () => {
		expect(await sentLastContacted('2026-01-15T09:00:00', 'Europe/London')).toBe(
			'2026-01-15 09:00:00',
		);
		expect(await sentLastContacted('2026-07-15T09:00:00', 'Europe/London')).toBe(
			'2026-07-15 08:00:00',
		);
		expect(await sentLastContacted('2026-07-15T09:00:00', 'America/Los_Angeles')).toBe(
			'2026-07-15 16:00:00',
		);
	});

	test('both date fields are converted: Last Contacted as an instant, Follow-Up Required By as its day', async () => {
		const result = await neto.run(
			{
				operation: 'add',
				username: 'jsmith',
				additionalFields: {
					lastContacted: '2026-05-01T10:30:00',
					dateRequiredFollowUp: '2026-05-02T09:00:00Z',
				},
			},
			[{}],
			{ timezone: SYDNEY },
		);
		expect(result.json[0]).toMatchObject({
			LastContacted: '2026-05-01 00:30:00',
			DateRequiredFollowUp: '2026-05-02 00:00:00',
		});
	});

	test.each([
		[
			'text that is no date',
			'next tuesday',
			'"next tuesday" cannot be read as a date. Use ISO 8601',
		],
		[
			'a day that does not exist',
			'2026-02-30T10:00:00',
			'"2026-02-30T10:00:00" cannot be read as a date: there is no such day or time. Use ISO 8601',
		],
		[
			'an object from an expression',
			'={{ $json.d }}',
			'an object cannot be read as a date. Use ISO 8601',
		],
		[
			'an invalid JS Date from an expression',
			'={{ new Date("soon") }}',
			'an invalid JS Date cannot be read as a date. Use ISO 8601',
		],
		['a list from an expression', '={{ [1, 2] }}', 'a list cannot be read as a date. Use ISO 8601'],
	])(
		"%s is refused, saying what was given and what is accepted, never a library's words",
		async (_label, value, expected) => {
			const result = await neto.run(
				{ operation: 'add', username: 'jsmith', additionalFields: { lastContacted: value } },
				[{ d: { when: 'soon' } }],
				{ timezone: SYDNEY },
			);
			const message = result.error?.message ?? '';
			expect(message).toContain(
				`Item index 0: "Last Contacted" (LastContacted) cannot be used: ${expected} such as 2026-05-01T10:30:00`,
			);
			expect(message).toContain('epoch milliseconds, YYYY-MM-DD HH:MM:SS in UTC');
			expect(message).not.toMatch(/\[object|HTTP|RFC|unparsable|invalid input|you specified/i);
			expect(neto.sandbox.requests).toHaveLength(0);
		},
	);
});
