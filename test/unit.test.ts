/** Unit tests for the pure parts: the response reader, the XML encoder and the rate limiter. */
import { RateLimiter } from '../nodes/CustomerLog/transport/rateLimiter';
import { NotNetoAnswer, encodeRequest, parseNetoResponse } from '../nodes/CustomerLog/transport/wire';
import { findCharacterNotInXml } from '../nodes/CustomerLog/helpers/logBuilder';

describe('parseNetoResponse', () => {
	const NORMAL = {
		Ack: 'Success',
		CustomerLog: [{ LogID: 12 }],
		Customer: [],
		Messages: { Error: [], Warning: [] },
	};

	test.each([
		['JSON with lists', { Ack: 'Success', CustomerLog: [{ LogID: '12' }], Messages: { Error: [], Warning: [] } }],
		['JSON with a bare object and no Messages', { Ack: 'Success', CustomerLog: { LogID: '12' } }],
		['JSON text with empty lists as ""', '{"Ack":"Success","CustomerLog":{"LogID":12},"Messages":{"Error":"","Warning":""}}'],
		['XML', '<?xml version="1.0" encoding="utf-8"?><AddCustomerLog><Ack>Success</Ack><CustomerLog><LogID>12</LogID></CustomerLog></AddCustomerLog>'],
		['indented XML', '<AddCustomerLog>\n  <Ack>Success</Ack>\n  <CustomerLog>\n    <LogID> 12 </LogID>\n  </CustomerLog>\n  <Messages/>\n</AddCustomerLog>\n'],
	])('%s reads as the same shape', (_label, body) => {
		const answer = parseNetoResponse(body);
		expect(answer).toMatchObject(NORMAL);
	});

	test('values stay strings as the store wrote them; empty elements are empty strings', () => {
		const answer = parseNetoResponse(
			'<GetCustomer><Ack>Success</Ack><Customer><ID>00123</ID><Active>true</Active><Notes></Notes><Blank/><CustomerLogs><CustomerLog><LogID>7</LogID><Notes>  a &amp; b\n</Notes></CustomerLog></CustomerLogs></Customer></GetCustomer>',
		);
		expect(answer).not.toBeInstanceOf(NotNetoAnswer);
		if (answer instanceof NotNetoAnswer) return;
		expect(answer.Customer).toEqual([
			{ ID: '00123', Active: 'true', Notes: '', Blank: '', CustomerLogs: { CustomerLog: [{ LogID: 7, Notes: '  a & b\n' }] } },
		]);
		const json = parseNetoResponse({ Ack: 'Success', Customer: { ID: 123, Active: true, CustomerLogs: { CustomerLog: '' } } });
		expect(json).toMatchObject({ Customer: [{ ID: '123', Active: 'true', CustomerLogs: { CustomerLog: [] } }] });
	});

	test('messages always come as Neto\'s shape, in arrays', () => {
		const answer = parseNetoResponse({ Ack: 'Error', Messages: { Error: { Message: 'Bad', SeverityCode: 'Error', Description: 'Very' } } });
		expect(answer).toMatchObject({ Messages: { Error: [{ Message: 'Bad', SeverityCode: 'Error', Description: 'Very' }], Warning: [] } });
	});

	test.each([
		['an HTML page', '<!DOCTYPE html><html><body>Not found</body></html>', "not Neto's API"],
		['plain text', 'Service Unavailable', 'neither JSON nor XML'],
		['broken JSON', '{"Ack": ', 'JSON that cannot be read'],
		['JSON of something else', '{"error": "nope"}', 'none of the parts of a Neto API answer'],
		['an empty body', '   ', 'empty answer'],
	])('%s is not a Neto answer', (_label, body, reason) => {
		const answer = parseNetoResponse(body);
		expect(answer).toBeInstanceOf(NotNetoAnswer);
		expect((answer as NotNetoAnswer).reason).toContain(reason);
	});
});

describe('XML encoding', () => {
	test('field values cannot change the document\'s structure', () => {
		const nasty = ` <a>&amp;"'</Notes><Notes>x]]>\r\n `;
		const { body } = encodeRequest('AddCustomerLog', { CustomerLogs: { CustomerLog: [{ Notes: nasty }] } }, 'xml');
		expect(body).toBe(
			'<?xml version="1.0" encoding="utf-8"?><AddCustomerLog><CustomerLogs><CustomerLog><Notes> &lt;a&gt;&amp;amp;&quot;&apos;&lt;/Notes&gt;&lt;Notes&gt;x]]&gt;&#13;\n </Notes></CustomerLog></CustomerLogs></AddCustomerLog>',
		);
		const answer = parseNetoResponse(body.replace('AddCustomerLog>', 'AddCustomerLog><Ack>Success</Ack>'));
		expect((answer as { CustomerLog: unknown }).CustomerLog).toBeDefined();
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

describe('RateLimiter', () => {
	test('never lets more than the limit start within one window', async () => {
		const windowMs = 150;
		const limiter = new RateLimiter(3, windowMs);
		const starts: number[] = [];
		for (let n = 0; n < 7; n++) {
			await limiter.acquire();
			starts.push(Date.now());
		}
		for (let n = 3; n < starts.length; n++) {
			// the (n)th start comes a full window after the (n-3)th: at most 3 in any window
			expect(starts[n] - starts[n - 3]).toBeGreaterThanOrEqual(windowMs);
		}
		// bursts up to the limit are not delayed
		expect(starts[2] - starts[0]).toBeLessThan(windowMs);
	});
});
