/**
 * The sandbox enforces every "must" of Neto's vendor pages (docs/neto-contract.md, "Rules and
 * where they are enforced"): raw requests that break one are refused. And the node's reads of
 * every customer use a filter the pages allow that leaves no customer out: inactive customers and
 * prospects are read too.
 */
import type { IDataObject } from 'n8n-workflow';

import { ActiveTrigger } from './harness/engine';
import { addOutsiders, fakeDateOnly, useSandbox } from './harness/fixtures';

const suite = useSandbox();

async function post(
	action: string | undefined,
	body: string,
	headers: Record<string, string> = {},
) {
	const response = await fetch(`${suite.sandbox.url}/do/WS/NetoAPI`, {
		method: 'POST',
		headers: {
			...(action ? { NETOAPI_ACTION: action } : {}),
			NETOAPI_USERNAME: 'sandbox',
			NETOAPI_KEY: 'sandbox-key',
			'Content-Type': 'application/json',
			Accept: 'application/json',
			...headers,
		},
		body,
	});
	const text = await response.text();
	return {
		status: response.status,
		text,
		json: (() => {
			try {
				return JSON.parse(text) as IDataObject;
			} catch {
				return undefined;
			}
		})(),
	};
}

const errorsOf = (json: IDataObject | undefined) => {
	const messages = (json?.Messages as IDataObject | undefined)?.Error;
	return (Array.isArray(messages) ? messages : messages ? [messages] : []).map(
		(error) => (error as IDataObject).Message,
	);
};

describe('The strict sandbox refuses what the vendor pages forbid', () => {
	beforeEach(() => suite.expectBrokenRules());

	test.each([
		[
			'only Page, Limit and OutputSelector (no filter)',
			{ Filter: { Page: 0, Limit: 100, OutputSelector: ['Username'] } },
			'No filter given',
		],
		['no OutputSelector', { Filter: { Username: ['jsmith'] } }, 'No OutputSelector given'],
		['no Filter at all', {}, 'Filter is required'],
		[
			'an OutputSelector that is not listed',
			{ Filter: { Username: ['jsmith'], OutputSelector: ['Everything'] } },
			'Invalid OutputSelector Everything',
		],
		[
			'a Boolean that is not True or False',
			{ Filter: { Active: ['yes'], OutputSelector: ['Username'] } },
			'Invalid Active yes',
		],
		[
			'a Type outside Prospect, Customer',
			{ Filter: { Type: ['Lead'], OutputSelector: ['Username'] } },
			'Invalid Type Lead',
		],
		[
			'a Username over String(25)',
			{ Filter: { Username: ['u'.repeat(26)], OutputSelector: ['Username'] } },
			'Username is too long',
		],
		[
			'an ID that is not an Integer(10)',
			{ Filter: { ID: ['12345678901'], OutputSelector: ['Username'] } },
			'Invalid ID 12345678901',
		],
		[
			'a DateTime not as YYYY-MM-DD HH:MM:SS',
			{ Filter: { DateUpdatedFrom: '2026-12-15T00:00:00Z', OutputSelector: ['Username'] } },
			'Invalid DateTime for DateUpdatedFrom',
		],
		[
			'a Page that is not an Integer',
			{ Filter: { Username: ['jsmith'], Page: 'first', OutputSelector: ['Username'] } },
			'Invalid Page first',
		],
		[
			'a filter the page does not list',
			{ Filter: { Nickname: ['js'], Username: ['jsmith'], OutputSelector: ['Username'] } },
			'Unknown filter Nickname',
		],
	])('GetCustomer with %s', async (_label, body, message) => {
		const answer = await post('GetCustomer', JSON.stringify(body));
		expect(answer.json?.Ack).toBe('Error');
		expect(errorsOf(answer.json)).toContain(message);
	});

	test('GetCustomer with a filter and an OutputSelector is answered', async () => {
		const answer = await post(
			'GetCustomer',
			JSON.stringify({ Filter: { Active: ['True', 'False'], OutputSelector: ['Username'] } }),
		);
		expect(answer.json?.Ack).toBe('Success');
	});

	test.each([
		[
			'a field the page does not list',
			{ CustomerLogs: { CustomerLog: [{ Username: 'jsmith', Mood: 'happy' }] } },
			'Unknown field Mood',
		],
		[
			'a Status outside the enumeration',
			{ CustomerLogs: { CustomerLog: [{ Username: 'jsmith', Status: 'Done' }] } },
			'Invalid Status Done',
		],
		[
			'a DateTime not as YYYY-MM-DD HH:MM:SS',
			{ CustomerLogs: { CustomerLog: [{ Username: 'jsmith', LastContacted: '2026-12-15' }] } },
			'Invalid DateTime for LastContacted',
		],
		[
			'an AllocatedTo over String(255)',
			{ CustomerLogs: { CustomerLog: [{ Username: 'jsmith', AllocatedTo: 'a'.repeat(256) }] } },
			'AllocatedTo is too long',
		],
	])('AddCustomerLog with %s', async (_label, body, message) => {
		const answer = await post('AddCustomerLog', JSON.stringify(body));
		expect(answer.json?.Ack).toBe('Error');
		expect(errorsOf(answer.json)).toContain(message);
	});

	test('UpdateCustomerLog with an AllocatedTo over String(100) (255 on Add)', async () => {
		const answer = await post(
			'UpdateCustomerLog',
			JSON.stringify({
				CustomerLogs: { CustomerLog: [{ LogID: 1000, AllocatedTo: 'a'.repeat(101) }] },
			}),
		);
		expect(errorsOf(answer.json)).toContain('AllocatedTo is too long');
	});

	test('XML elements out of the schema order', async () => {
		const xml =
			'<?xml version="1.0" encoding="utf-8"?><GetCustomer><Filter><OutputSelector>Username</OutputSelector><Username>jsmith</Username></Filter></GetCustomer>';
		const answer = await post('GetCustomer', xml, { 'Content-Type': 'application/xml' });
		expect(answer.json?.Ack).toBe('Error');
		expect(errorsOf(answer.json)).toContain('The request does not match the schema');
	});

	test('a request without NETOAPI_ACTION, or without the key', async () => {
		const body = JSON.stringify({ Filter: { Username: ['jsmith'], OutputSelector: ['Username'] } });
		expect(errorsOf((await post(undefined, body)).json)).toEqual(['Unknown NETOAPI_ACTION (none)']);
		expect(errorsOf((await post('GetCustomer', body, { NETOAPI_KEY: 'wrong' })).json)).toEqual([
			'Invalid API credentials',
		]);
	});

	test('JSON comes back only with Accept: application/json, XML otherwise', async () => {
		const body = JSON.stringify({ Filter: { Username: ['jsmith'], OutputSelector: ['Username'] } });
		expect((await post('GetCustomer', body, { Accept: 'text/plain' })).text).toMatch(/^<\?xml/);
	});

	test('past 500 requests a minute per account, HTTP 429', async () => {
		suite.sandbox.set({ rateLimitPerMinute: 2 });
		const body = JSON.stringify({ Filter: { Username: ['jsmith'], OutputSelector: ['Username'] } });
		const statuses = [];
		for (let n = 0; n < 3; n++) statuses.push((await post('GetCustomer', body)).status);
		expect(statuses).toEqual([200, 200, 429]);
	});
});

describe('Every Customer leaves no customer out', () => {
	test("the trigger's baseline and full check read inactive customers and prospects; a new log of each is emitted", async () => {
		addOutsiders(suite.sandbox);
		const baselineLog = suite.sandbox.store.insertLog({
			Username: 'gone_quiet',
			Notes: 'before the baseline',
		});
		fakeDateOnly(Date.UTC(2026, 10, 23, 12));
		try {
			const trigger = new ActiveTrigger({ event: 'newLog' }, suite.credentials());
			expect((await trigger.poll()).emitted).toBeNull();
			const saved = (JSON.parse(trigger.saved) as IDataObject)['node:Neto Trigger'] as IDataObject;
			expect(Object.keys((saved.customerLogTrigger as IDataObject).logs as IDataObject)).toContain(
				String(baselineLog.LogID),
			);
			// Past the full check's 24 hours, with customers' DateUpdated untouched: only the full read finds them.
			suite.sandbox.set({ logsTouchCustomer: false });
			const added = ['gone_quiet', 'maybe_later', 'inactive_prospect'].map((Username) =>
				suite.sandbox.store.insertLog({ Username, Notes: 'new' }),
			);
			jest.setSystemTime(Date.UTC(2026, 10, 24, 12, 1));
			const outcome = await trigger.poll();
			expect(outcome.error).toBeUndefined();
			expect((outcome.emitted ?? []).map((item) => item.json.LogID).sort()).toEqual(
				added.map((log) => log.LogID).sort(),
			);
		} finally {
			jest.useRealTimers();
		}
	});
});
