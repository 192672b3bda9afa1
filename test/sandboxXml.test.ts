/**
 * The sandbox reads XML requests as a conforming XML 1.0 parser does: what such a parser rejects,
 * the sandbox answers with an error and does not act on; what it accepts, the sandbox reads. So a
 * node that writes XML a real store's parser would refuse fails the tests (roundTrip.test.ts).
 */
import { useSandbox } from './harness/fixtures';

const neto = useSandbox();

async function addByXml(notes: string): Promise<string> {
	const body = `<?xml version="1.0" encoding="utf-8"?><AddCustomerLog><CustomerLogs><CustomerLog><Username>jsmith</Username><Notes>${notes}</Notes></CustomerLog></CustomerLogs></AddCustomerLog>`;
	const response = await fetch(`${neto.sandbox.url}/do/WS/NetoAPI`, {
		method: 'POST',
		headers: {
			NETOAPI_ACTION: 'AddCustomerLog',
			NETOAPI_USERNAME: 'sandbox',
			NETOAPI_KEY: 'sandbox-key',
			'Content-Type': 'application/xml',
			Accept: 'application/json',
		},
		body,
	});
	return await response.text();
}

const logsOfJsmith = () => neto.sandbox.store.logsOf('jsmith').length;

test.each([
	['"]]>" in character data', 'a ]]> b', /"\]\]>" in character data/],
	['an unescaped "<"', 'a < b', /"<" that does not start markup/],
	['"&" that starts no reference', 'fish & chips', /"&" that does not start a reference/],
	['an entity XML does not predefine', 'a&nbsp;b', /undeclared entity &nbsp;/],
	['a control character', 'bell \u0007', /character XML forbids \(U\+0007\)/],
	[
		'a character reference to a forbidden character',
		'a &#1; b',
		/character reference to a character XML forbids/,
	],
	[
		'U+FFFE, which XML leaves out of its characters',
		'a \ufffe b',
		/character XML forbids \(U\+FFFE\)/,
	],
	['an unclosed CDATA section', 'x <![CDATA[ y', /unclosed CDATA section/],
	['mismatched tags', 'a</Username><Notes>', /end tag <\/Username> .* does not match <Notes>/],
	['"--" inside a comment', 'x <!-- a -- b --> y', /"--" inside a comment/],
])('an XML request with %s is refused, and nothing is added', async (_what, notes, reason) => {
	const before = logsOfJsmith();
	const answer = JSON.parse(await addByXml(notes));
	expect(answer.Ack).toBe('Error');
	const [error] = [answer.Messages.Error].flat(); // Neto's JSON: a one-element list comes bare
	expect(error.Message).toBe('The request could not be read');
	expect(error.Description).toMatch(reason);
	expect(logsOfJsmith()).toBe(before);
});

test('well-formed XML with every escape, character references, CDATA and a comment is read as a conforming parser reads it', async () => {
	const answer = JSON.parse(
		await addByXml(
			'a ]]&gt; &lt;b&gt; &amp; &quot;&apos; &#233;&#x1F600; <![CDATA[<raw> & ]]]]><![CDATA[>]]><!-- note --> end',
		),
	);
	expect(answer.Ack).toBe('Success');
	const added = neto.sandbox.store.logs.get(Number(answer.CustomerLog.LogID));
	expect(added?.Notes).toBe('a ]]> <b> & "\' é😀 <raw> & ]]> end');
});
