/**
 * The transport's pure parts: the response reader, the XML encoder, the rate limiter and network
 * failures in words (the same through the engine against failing servers: networkFailures.test.ts).
 */
import type { Clock } from '../nodes/Neto/transport/rateLimiter';
import { AccountLimiter, AccountLimiters } from '../nodes/Neto/transport/rateLimiter';
import { encodeRequest, parseNetoResponse } from '../nodes/Neto/transport/wire';
import { findCharacterNotInXml } from '../nodes/Neto/log/validation';
import { networkFailureInWords } from '../nodes/Neto/transport';
import { closedPort, refusedAtTwoAddresses } from '../sandbox/failing-servers';

describe('parseNetoResponse', () => {
	const NORMAL = {
		Ack: 'Success',
		CustomerLog: [{ LogID: 12 }],
		Customer: [],
		Messages: { Error: [], Warning: [] },
	};

	test.each([
		[
			'JSON with lists',
			{ Ack: 'Success', CustomerLog: [{ LogID: '12' }], Messages: { Error: [], Warning: [] } },
		],
		['JSON with a bare object and no Messages', { Ack: 'Success', CustomerLog: { LogID: '12' } }],
		[
			'JSON text with empty lists as ""',
			'{"Ack":"Success","CustomerLog":{"LogID":12},"Messages":{"Error":"","Warning":""}}',
		],
		[
			'XML',
			'<?xml version="1.0" encoding="utf-8"?><AddCustomerLog><Ack>Success</Ack><CustomerLog><LogID>12</LogID></CustomerLog></AddCustomerLog>',
		],
		[
			'indented XML',
			'<AddCustomerLog>\n  <Ack>Success</Ack>\n  <CustomerLog>\n    <LogID> 12 </LogID>\n  </CustomerLog>\n  <Messages/>\n</AddCustomerLog>\n',
		],
	])('%s reads as the same shape', (_label, body) => {
		expect(parseNetoResponse(body)).toMatchObject({ ok: true, value: NORMAL });
	});

	test('values stay strings as the store wrote them; empty elements are empty strings', () => {
		const answer = parseNetoResponse(
			'<GetCustomer><Ack>Success</Ack><Customer><ID>00123</ID><Active>true</Active><Notes></Notes><Blank/><CustomerLogs><CustomerLog><LogID>7</LogID><Notes>  a &amp; b\n</Notes></CustomerLog></CustomerLogs></Customer></GetCustomer>',
		);
		expect(answer.ok).toBe(true);
		if (!answer.ok) return;
		expect(answer.value.Customer).toEqual([
			{
				ID: '00123',
				Active: 'true',
				Notes: '',
				Blank: '',
				CustomerLogs: { CustomerLog: [{ LogID: 7, Notes: '  a & b\n' }] },
			},
		]);
		const json = parseNetoResponse({
			Ack: 'Success',
			Customer: { ID: 123, Active: true, CustomerLogs: { CustomerLog: '' } },
		});
		expect(json).toMatchObject({
			ok: true,
			value: { Customer: [{ ID: '123', Active: 'true', CustomerLogs: { CustomerLog: [] } }] },
		});
	});

	test("messages always come as Neto's shape, in arrays", () => {
		const answer = parseNetoResponse({
			Ack: 'Error',
			Messages: { Error: { Message: 'Bad', SeverityCode: 'Error', Description: 'Very' } },
		});
		expect(answer).toMatchObject({
			ok: true,
			value: {
				Messages: {
					Error: [{ Message: 'Bad', SeverityCode: 'Error', Description: 'Very' }],
					Warning: [],
				},
			},
		});
	});

	test.each([
		['an HTML page', '<!DOCTYPE html><html><body>Not found</body></html>', "not Neto's API"],
		['plain text', 'Service Unavailable', 'neither JSON nor XML'],
		['broken JSON', '{"Ack": ', 'JSON that cannot be read'],
		['JSON of something else', '{"error": "nope"}', 'none of the parts of a Neto API answer'],
		['an empty body', '   ', 'empty answer'],
	])('%s is not a Neto answer', (_label, body, reason) => {
		expect(parseNetoResponse(body)).toEqual({
			ok: false,
			failure: { reason: expect.stringContaining(reason), excerpt: expect.any(String) },
		});
	});
});

describe('XML encoding', () => {
	test("field values cannot change the document's structure", () => {
		const nasty = ` <a>&amp;"'</Notes><Notes>x]]>\r\n `;
		const { body } = encodeRequest(
			'AddCustomerLog',
			{ CustomerLogs: { CustomerLog: [{ Notes: nasty }] } },
			'xml',
		);
		expect(body).toBe(
			'<?xml version="1.0" encoding="utf-8"?><AddCustomerLog><CustomerLogs><CustomerLog><Notes> &lt;a&gt;&amp;amp;&quot;&apos;&lt;/Notes&gt;&lt;Notes&gt;x]]&gt;&#13;\n </Notes></CustomerLog></CustomerLogs></AddCustomerLog>',
		);
		const answer = parseNetoResponse(
			body.replace('AddCustomerLog>', 'AddCustomerLog><Ack>Success</Ack>'),
		);
		expect(answer).toMatchObject({ ok: true, value: { CustomerLog: [] } });
	});

	test('finds the characters XML 1.0 cannot carry, and only those', () => {
		expect(findCharacterNotInXml('tab\tnew\nline\rok 😀 \uE000 \uFFFD')).toBeUndefined();
		expect(findCharacterNotInXml('a\u0000')).toEqual({ index: 1, code: 0 });
		expect(findCharacterNotInXml('a\u001F')).toEqual({ index: 1, code: 0x1f });
		expect(findCharacterNotInXml('\uFFFE')).toEqual({ index: 0, code: 0xfffe });
		expect(findCharacterNotInXml('x\uD800y')).toEqual({ index: 1, code: 0xd800 });
		expect(findCharacterNotInXml('x\uDC00')).toEqual({ index: 1, code: 0xdc00 });
	});
});

/** Virtual time: sleeps resolve when `settle` moves the clock to them, so no test waits for real. */
class FakeClock implements Clock {
	time = 0;

	private timers: Array<{ at: number; resolve: () => void }> = [];

	now() {
		return this.time;
	}

	async sleep(ms: number) {
		await new Promise<void>((resolve) => this.timers.push({ at: this.time + ms, resolve }));
	}

	/** Lets every pending promise run, moving time to the next timer while `until` is false. */
	async settle(until: () => boolean = () => false) {
		for (;;) {
			for (let n = 0; n < 50; n++) await Promise.resolve();
			if (until() || this.timers.length === 0) return;
			this.timers.sort((a, b) => a.at - b.at);
			const next = this.timers.shift()!;
			this.time = Math.max(this.time, next.at);
			next.resolve();
		}
	}
}

describe('AccountLimiter (virtual clock)', () => {
	const WINDOW = 1000;

	/** Starts `count` requests one after another, each answered at once; returns their start times. */
	async function startTimes(
		limiter: AccountLimiter,
		clock: FakeClock,
		count: number,
		limit: number,
	) {
		const starts: number[] = [];
		const run = (async () => {
			for (let n = 0; n < count; n++) {
				const permit = await limiter.acquire(limit);
				starts.push(clock.now());
				permit.done();
			}
		})();
		await clock.settle(() => starts.length === count);
		await run;
		return starts;
	}

	/** Starts `sent + refused` requests at once (limit 10): `sent` are answered, then the others refused. */
	async function refusedAfter(
		limiter: AccountLimiter,
		sent: number,
		retryAfterMs?: number,
		refused = 1,
	) {
		const permits = [];
		for (let n = 0; n < sent + refused; n++) permits.push(await limiter.acquire(10));
		for (const permit of permits.slice(0, sent)) permit.done();
		for (const permit of permits.slice(sent)) permit.refused(retryAfterMs);
	}

	test('bursts up to the limit go at once; never more than the limit in any window', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		expect(await startTimes(limiter, clock, 7, 3)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
	});

	test('a request counts until a full window after its answer, however late the store saw it', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		const first = await limiter.acquire(1);
		clock.time = 400;
		first.done();
		expect(await startTimes(limiter, clock, 1, 1)).toEqual([1400]);
	});

	test("with different limits, the lowest among the window's requests and the new one applies", async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		(await limiter.acquire(2)).done();
		expect(limiter.allowance(5)).toBe(2);
		expect(await startTimes(limiter, clock, 3, 5)).toEqual([0, 1000, 1000]);
		clock.time = 2500;
		expect(limiter.allowance(5)).toBe(5);
	});

	test('a 429 lowers the rate to 70% of what was sent, pauses for Retry-After, then climbs back', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		await refusedAfter(limiter, 9, 2000);
		// 9 were counted when the 10th was refused: floor(9 * 0.7) = 6 until the pause ends
		expect(limiter.allowance(10)).toBe(6);
		const waiting = limiter.acquire(10);
		await clock.settle();
		await waiting; // no request starts before the pause ends (and stays in flight, so counted)
		expect(clock.now()).toBe(2000);
		clock.time = 2500;
		expect(limiter.allowance(10)).toBe(7); // halfway back to 9
		clock.time = 3000;
		expect(limiter.allowance(10)).toBe(9); // back where it was refused
		clock.time = 3500;
		expect(limiter.allowance(10)).toBe(10); // then on by 30% of the setting per window, up to it
	});

	test('the lowered rate holds requests back: the window after the pause takes 6, not 10', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		await refusedAfter(limiter, 9, 1000);
		const starts = await startTimes(limiter, clock, 8, 10);
		// at 1000 the 9 answers of t=0 have aged out; 6 may start, the next when the ceiling reaches 7
		expect(starts.slice(0, 6)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
		expect(starts[6]).toBe(1334);
	});

	test('429s of requests sent before a lowering do not lower it again', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		await refusedAfter(limiter, 8, undefined, 2);
		expect(limiter.allowance(10)).toBe(6); // floor(9 * 0.7), once: 9 were counted at the first 429
	});

	test('a quiet window after the climb began forgets the 429', async () => {
		const clock = new FakeClock();
		const limiter = new AccountLimiter(WINDOW, clock);
		(await limiter.acquire(10)).refused();
		expect(limiter.allowance(10)).toBe(1);
		clock.time = 1000;
		expect(limiter.idle()).toBe(true);
		expect(limiter.allowance(10)).toBe(10);
	});

	test('the process has one limiter per endpoint and API user, whatever the caller', () => {
		const registry = new AccountLimiters();
		const a = registry.for('https://a.example/do/WS/NetoAPI', 'user sam');
		expect(registry.for('https://a.example/do/WS/NetoAPI', 'user sam')).toBe(a);
		expect(registry.for('https://a.example/do/WS/NetoAPI', 'user kim')).not.toBe(a);
		expect(registry.for('https://b.example/do/WS/NetoAPI', 'user sam')).not.toBe(a);
	});
});

describe('networkFailureInWords', () => {
	test.each([
		[
			'an axios time limit',
			Object.assign(new Error('timeout of 5000ms exceeded'), { code: 'ECONNABORTED' }),
			'the store did not answer in time',
		],
		[
			"fetch's time limit",
			Object.assign(new Error('The operation was aborted due to timeout'), {
				name: 'TimeoutError',
			}),
			'the store did not answer in time',
		],
		[
			'a connect timeout',
			Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { code: 'ETIMEDOUT' }),
			'the connection timed out',
		],
		[
			'an expired certificate, as a cause',
			Object.assign(new TypeError('fetch failed'), {
				cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
			}),
			"the store's TLS certificate has expired",
		],
		[
			'a certificate for another host',
			Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
				code: 'ERR_TLS_CERT_ALTNAME_INVALID',
			}),
			"the store's TLS certificate is for another host name",
		],
		[
			'a name not found',
			Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }),
			"the host name was not found (check the Store URL's domain)",
		],
	])('%s', (_label, error, words) => {
		expect(networkFailureInWords(error)).toBe(words);
	});
});

/**
 * The credential's Test goes out through fetch, whose errors nest what happened: a TypeError "fetch
 * failed" whose cause is the connection's error, an AggregateError (one error per address) when
 * a name has several, or fetch's own "bad port" (no code) for a port it never connects to. The
 * same shapes on Node.js 20, 22 and 24 (n8n 2.x runs on 24); each made here by a real fetch or
 * connect on 127.0.0.1.
 */
describe('networkFailureInWords: the errors fetch really gives', () => {
	const REFUSED = 'the connection was refused (nothing is listening at that address and port)';

	async function fetchError(url: string): Promise<unknown> {
		return await fetch(url, { method: 'POST', body: '{}' }).then(
			() => undefined,
			(error: unknown) => error,
		);
	}

	test('a closed port: "fetch failed", its cause ECONNREFUSED', async () => {
		const { port } = await closedPort();
		const error = await fetchError(`http://127.0.0.1:${port}/do/WS/NetoAPI`);
		expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
		expect(networkFailureInWords(error)).toBe(REFUSED);
	});

	test('port 9, a port fetch never connects to: "fetch failed", its cause "bad port"', async () => {
		const error = await fetchError('http://127.0.0.1:9/do/WS/NetoAPI');
		expect(error).toMatchObject({ message: 'fetch failed', cause: { message: 'bad port' } });
		expect(networkFailureInWords(error)).toBe(
			'the connection was refused before it was made: fetch never connects to this port, which is reserved for another service (use the port your store answers on)',
		);
	});

	test('a name with two addresses, both refused: an AggregateError as the cause, one error each', async () => {
		const aggregate = await refusedAtTwoAddresses();
		expect((aggregate as Error).name).toBe('AggregateError');
		const [first] = (aggregate as AggregateError).errors as Array<{ code?: string }>;
		expect((aggregate as AggregateError).errors).toHaveLength(2);
		expect(first.code).toBe('ECONNREFUSED');
		// As undici wraps a connection's error.
		const error = new TypeError('fetch failed', { cause: aggregate });
		expect(networkFailureInWords(error)).toBe(REFUSED);
		// And when the aggregate carries no code of its own, its errors say it.
		delete (aggregate as { code?: string }).code;
		expect(networkFailureInWords(error)).toBe(REFUSED);
	});
});
