import type { IDataObject } from 'n8n-workflow';

import { WIRE_FORMATS, useSandbox } from './harness/fixtures';

/**
 * Property test: generated strings go through Add and come back through Get Many (GetCustomer)
 * equal to the character, in both wire formats. The generator is seeded, so a failure repeats.
 */
const COUNT = 10_000;

function prng(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const XML_SPECIALS = [
	'&',
	'<',
	'>',
	'"',
	"'",
	']]>',
	'<![CDATA[',
	'&amp;',
	'&lt;',
	'&#13;',
	'&#x41;',
	'&nbsp;',
	'</Notes>',
	'<?xml',
	'<!--',
	'-->',
	'\\u0000',
];
const WHITESPACE = [' ', '  ', '\t', '\n', '\r', '\r\n', '\n\n\n', ' \t \n '];

function generator(seed: number) {
	const random = prng(seed);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
	const codePoint = (): string => {
		switch (int(0, 5)) {
			case 0:
				return String.fromCodePoint(int(0x20, 0x7e));
			case 1:
				return String.fromCodePoint(int(0xa0, 0x2fff));
			case 2: {
				const cp = int(0x3000, 0xfffd);
				return cp >= 0xd800 && cp <= 0xdfff ? 'x' : String.fromCodePoint(cp);
			}
			case 3:
				return String.fromCodePoint(int(0x1f300, 0x1faff)); // emoji
			case 4:
				return String.fromCodePoint(int(0x20000, 0x2a6df)); // CJK extension B
			default:
				return pick(['é', 'ß', 'Ω', 'ж', 'ع', 'नि', '👩‍👩‍👧', '🇦🇺', '\u200d', '\ufeff', '\u00ad']);
		}
	};
	return (index: number): string => {
		if (index % 1000 === 999)
			return Array.from({ length: int(20_000, 60_000) }, codePoint).join(''); // very long
		const parts: string[] = [];
		const length = int(1, 24);
		for (let n = 0; n < length; n++) {
			const kind = int(0, 9);
			if (kind < 5) parts.push(codePoint());
			else if (kind < 7) parts.push(pick(XML_SPECIALS));
			else parts.push(pick(WHITESPACE));
		}
		return parts.join('');
	};
}

/** The first `max` characters (code points), as AllocatedTo allows 255 on Add. */
const firstChars = (text: string, max: number) => [...text].slice(0, max).join('');

describe.each(WIRE_FORMATS)(`Round trip of ${COUNT} generated strings (%s)`, (format) => {
	const neto = useSandbox({ rateLimitPerMinute: 10_000 }, format);

	test(`${COUNT} strings through Add and back through Get Many, equal to the character`, async () => {
		const next = generator(format === 'json' ? 20261123 : 31122026);
		const items: IDataObject[] = Array.from({ length: COUNT }, (_, n) => {
			const note = next(n);
			return { note, alloc: firstChars(note, 255), n };
		});
		// Leading and trailing whitespace, XML's own syntax and long texts are all in the sample.
		expect(
			items.some((item) => /^\s/.test(item.note as string) && /\s$/.test(item.note as string)),
		).toBe(true);
		expect(items.some((item) => (item.note as string).includes(']]>'))).toBe(true);

		const added = await neto.run(
			{
				operation: 'add',
				username: 'tom_k',
				additionalFields: { notes: '={{ $json.note }}', allocatedTo: '={{ $json.alloc }}' },
				options: { batchSize: 250 },
			},
			items,
		);
		expect(added.error).toBeUndefined();
		expect(added.json).toHaveLength(COUNT);
		const sent = new Map<number, IDataObject>();
		added.json.forEach((json, n) => {
			expect(json.Notes).toBe(items[n].note);
			sent.set(json.LogID as number, items[n]);
		});

		const read = await neto.run({ operation: 'getAll', username: 'tom_k', returnAll: true });
		expect(read.error).toBeUndefined();
		expect(read.json).toHaveLength(COUNT);
		let mismatches = 0;
		for (const log of read.json) {
			const item = sent.get(log.LogID as number);
			if (!item || log.Notes !== item.note || log.AllocatedTo !== item.alloc) {
				mismatches++;
				if (mismatches <= 3)
					expect({ LogID: log.LogID, Notes: log.Notes, AllocatedTo: log.AllocatedTo }).toEqual({
						LogID: log.LogID,
						Notes: item?.note,
						AllocatedTo: item?.alloc,
					});
			}
		}
		expect(mismatches).toBe(0);
	}, 300_000);
});
