/**
 * The sandbox as a store with orders: GetOrder as its page documents it (its rules refused as a
 * store following the page refuses them, JSON and XML both ways, the account's rate limit), and
 * order notifications POSTed over real HTTP to a local receiver as the notifications page
 * describes them, delivered again until answered 200, and delivered twice or with a wrong or no
 * token on request.
 */
import { XMLParser } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Receiver } from '../sandbox/receiver';
import { startReceiver } from '../sandbox/receiver';

import { useSandbox } from './harness/fixtures';

const suite = useSandbox();

async function getOrder(body: string, { xml = false, accept = 'json' } = {}) {
	const response = await fetch(`${suite.sandbox.url}/do/WS/NetoAPI`, {
		method: 'POST',
		headers: {
			NETOAPI_ACTION: 'GetOrder',
			NETOAPI_USERNAME: 'sandbox',
			NETOAPI_KEY: 'sandbox-key',
			'Content-Type': xml ? 'application/xml' : 'application/json',
			...(accept === 'json' ? { Accept: 'application/json' } : {}),
		},
		body,
	});
	const text = await response.text();
	let json: IDataObject | undefined;
	try {
		json = JSON.parse(text) as IDataObject;
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

const listOf = (value: unknown) => (Array.isArray(value) ? value : value ? [value] : []);
const errorsOf = (json: IDataObject | undefined) =>
	listOf((json?.Messages as IDataObject | undefined)?.Error).map(
		(error) => (error as IDataObject).Message,
	);

describe('GetOrder: the strict sandbox refuses what the page forbids', () => {
	beforeEach(() => suite.expectBrokenRules());

	test.each([
		['no Filter at all', {}, 'Filter is required'],
		[
			'only Page, Limit and OutputSelector (no filter)',
			{ Filter: { Page: 0, Limit: 10, OutputSelector: ['Username'] } },
			'No filter given',
		],
		['no OutputSelector', { Filter: { OrderID: ['N1001'] } }, 'No OutputSelector given'],
		[
			"an OutputSelector not in the enumeration (the page's own example's eBay.eBayUsername)",
			{ Filter: { OrderID: ['N1001'], OutputSelector: ['eBay.eBayUsername'] } },
			'Invalid OutputSelector eBay.eBayUsername',
		],
		[
			'BillFirstName as an OutputSelector (BillAddress selects it)',
			{ Filter: { OrderID: ['N1001'], OutputSelector: ['BillFirstName'] } },
			'Invalid OutputSelector BillFirstName',
		],
		[
			'an OrderStatus filter of Quote (a notification status, not a GetOrder filter value)',
			{ Filter: { OrderStatus: ['Quote'], OutputSelector: ['Username'] } },
			'Invalid OrderStatus Quote',
		],
		[
			'an OrderID over String(15)',
			{ Filter: { OrderID: ['N'.repeat(16)], OutputSelector: ['Username'] } },
			'OrderID is too long',
		],
		[
			'a Username over String(25)',
			{ Filter: { Username: ['u'.repeat(26)], OutputSelector: ['Username'] } },
			'Username is too long',
		],
		[
			'a WarehouseID that is not an Integer',
			{ Filter: { WarehouseID: ['main'], OutputSelector: ['Username'] } },
			'Invalid WarehouseID main',
		],
		[
			'a DateTime not as YYYY-MM-DD HH:MM:SS',
			{ Filter: { DatePlacedFrom: '2026-01-01T00:00:00Z', OutputSelector: ['Username'] } },
			'Invalid DateTime for DatePlacedFrom',
		],
		[
			'a Page that is not an Integer',
			{ Filter: { OrderID: ['N1001'], Page: 'first', OutputSelector: ['Username'] } },
			'Invalid Page first',
		],
		[
			'Email as a filter (only an OutputSelector on this page)',
			{ Filter: { Email: ['jane.smith@example.com'], OutputSelector: ['Username'] } },
			'Unknown filter Email',
		],
		[
			"OrderComplete (the page's example's name; the table has CompleteStatus)",
			{ Filter: { OrderComplete: ['Approved'], OutputSelector: ['Username'] } },
			'Unknown filter OrderComplete',
		],
		[
			'an element outside Filter',
			{ Filter: { OrderID: ['N1001'], OutputSelector: ['Username'] }, Limit: 5 },
			'Unknown element Limit',
		],
		[
			'two values for ExternalOrderReference (it does not support multiple elements)',
			{ Filter: { ExternalOrderReference: ['a', 'b'], OutputSelector: ['Username'] } },
			'ExternalOrderReference takes one value',
		],
		[
			'an UpdateResults ExportStatus outside Pending, Exported',
			{
				Filter: {
					OrderID: ['N1001'],
					OutputSelector: ['Username'],
					UpdateResults: { ExportStatus: 'Done' },
				},
			},
			'Invalid ExportStatus Done',
		],
	])('GetOrder with %s', async (_label, body, message) => {
		const answer = await getOrder(JSON.stringify(body));
		expect(answer.json?.Ack).toBe('Error');
		expect(errorsOf(answer.json)).toContain(message);
		expect(suite.sandbox.requests.at(-1)?.brokeRule).toBeDefined();
	});

	test('GetOrder in XML with its Filter elements out of the schema order is refused', async () => {
		const answer = await getOrder(
			'<?xml version="1.0" encoding="utf-8"?><GetOrder><Filter><OutputSelector>Username</OutputSelector><OrderID>N1001</OrderID></Filter></GetOrder>',
			{ xml: true, accept: 'xml' },
		);
		expect(answer.text).toContain('<Ack>Error</Ack>');
		expect(answer.text).toContain('Element OrderID is not expected after OutputSelector');
	});

	test('GetOrder in XML that is not well-formed is refused', async () => {
		const answer = await getOrder(
			'<?xml version="1.0"?><GetOrder><Filter><OrderID>N1001 & co</OrderID><OutputSelector>Username</OutputSelector></Filter></GetOrder>',
			{ xml: true, accept: 'xml' },
		);
		expect(answer.text).toContain('<Ack>Error</Ack>');
		expect(answer.text).toContain('not well-formed');
	});
});

describe('GetOrder answers the seeded orders of the seeded customers', () => {
	const customerRead = {
		OrderID: ['N1002'],
		OutputSelector: ['Username', 'Email', 'OrderStatus', 'GrandTotal', 'BillAddress', 'OrderLine'],
	};

	test('JSON: the selected fields, with Neto quirks (one order and one line as bare objects)', async () => {
		const answer = await getOrder(JSON.stringify({ Filter: customerRead }));
		expect(answer.json?.Ack).toBe('Success');
		const order = answer.json?.Order as IDataObject;
		expect(Array.isArray(order)).toBe(false);
		expect(order).toMatchObject({
			OrderID: 'N1002',
			Username: 'jsmith',
			Email: 'jane.smith@example.com',
			OrderStatus: 'New',
			GrandTotal: '59.90',
			BillFirstName: 'Jane',
			BillLastName: 'Smith',
			OrderLine: { OrderLineID: 'N1002-0', SKU: 'MUG-02' },
		});
		// Not selected: not answered.
		expect(order.DatePlaced).toBeUndefined();
		expect(order.ShipFirstName).toBeUndefined();
	});

	test('XML asked and answered: the same order under GetOrderResponse, as the sample answer', async () => {
		const answer = await getOrder(
			'<?xml version="1.0" encoding="utf-8"?><GetOrder><Filter><OrderID>N1002</OrderID>' +
				customerRead.OutputSelector.map((s) => `<OutputSelector>${s}</OutputSelector>`).join('') +
				'</Filter></GetOrder>',
			{ xml: true, accept: 'xml' },
		);
		const parsed = new XMLParser({ parseTagValue: false }).parse(answer.text) as IDataObject;
		const root = parsed.GetOrderResponse as IDataObject;
		expect(root.Ack).toBe('Success');
		expect(root.Order).toMatchObject({
			OrderID: 'N1002',
			Username: 'jsmith',
			Email: 'jane.smith@example.com',
		});
	});

	test('filters select: Username, OrderStatus lists, a DatePlaced bound, SKU; Limit and Page page them', async () => {
		const ids = async (filter: IDataObject) => {
			const answer = await getOrder(
				JSON.stringify({ Filter: { ...filter, OutputSelector: ['Username'] } }),
			);
			expect(answer.json?.Ack).toBe('Success');
			return listOf(answer.json?.Order).map((order) => (order as IDataObject).OrderID);
		};
		expect(await ids({ Username: ['jsmith'] })).toEqual(['N1001', 'N1002']);
		expect(await ids({ OrderStatus: ['Pick', 'On Hold'] })).toEqual(['N1003', 'N1005']);
		expect(await ids({ DatePlacedFrom: '2026-02-15 00:00:00' })).toEqual([
			'N1003',
			'N1004',
			'N1005',
		]);
		expect(await ids({ SKU: ['TEA-100'] })).toEqual(['N1001', 'N1003']);
		expect(await ids({ OrderStatus: ['Dispatched', 'New', 'Pick'], Limit: 2, Page: 1 })).toEqual([
			'N1003',
		]);
		expect(await ids({ OrderID: ['N9999'] })).toEqual([]);
	});

	test('GetOrder shares the account rate limit with every other call: past it, HTTP 429', async () => {
		suite.sandbox.set({ rateLimitPerMinute: 2 });
		const read = JSON.stringify({ Filter: { OrderID: ['N1001'], OutputSelector: ['Username'] } });
		const customers = await fetch(`${suite.sandbox.url}/do/WS/NetoAPI`, {
			method: 'POST',
			headers: {
				NETOAPI_ACTION: 'GetCustomer',
				NETOAPI_USERNAME: 'sandbox',
				NETOAPI_KEY: 'sandbox-key',
				Accept: 'application/json',
			},
			body: JSON.stringify({ Filter: { Username: ['jsmith'], OutputSelector: ['Username'] } }),
		});
		expect(customers.status).toBe(200);
		expect((await getOrder(read)).status).toBe(200);
		const refused = await getOrder(read);
		expect(refused.status).toBe(429);
	});

	test('GetOrder with a wrong key is refused, and GetOrder faults are injected as for any action', async () => {
		const read = JSON.stringify({ Filter: { OrderID: ['N1001'], OutputSelector: ['Username'] } });
		const wrongKey = await fetch(`${suite.sandbox.url}/do/WS/NetoAPI`, {
			method: 'POST',
			headers: {
				NETOAPI_ACTION: 'GetOrder',
				NETOAPI_USERNAME: 'sandbox',
				NETOAPI_KEY: 'another-key',
				Accept: 'application/json',
			},
			body: read,
		});
		expect(errorsOf((await wrongKey.json()) as IDataObject)).toEqual(['Invalid API credentials']);
		suite.sandbox.injectFaults([{ action: 'GetOrder', kind: 'status', status: 503 }]);
		expect((await getOrder(read)).status).toBe(503);
		expect((await getOrder(read)).status).toBe(200);
	});
});

describe('Order notifications over real HTTP', () => {
	let receiver: Receiver;
	beforeEach(async () => {
		receiver = await startReceiver();
	});
	afterEach(() => receiver.close());

	const eventOf = (body: string) =>
		(new XMLParser({ parseTagValue: false }).parse(body) as IDataObject).Event as IDataObject;

	test('a status change POSTs the documented <Event> with NETO_NOTIFICATION: Order and the token', async () => {
		suite.sandbox.notifyTo({ url: receiver.url, token: 'verify-123' });
		const result = await suite.sandbox.changeOrderStatus('N1002', 'Dispatched');
		expect(result?.attempts.map((a) => a.status)).toEqual([200]);
		expect(receiver.received).toHaveLength(1);
		const [{ headers, body }] = receiver.received;
		expect(headers.neto_notification).toBe('Order');
		expect(headers.netoapi_key).toBe('verify-123');
		expect(eventOf(body)).toEqual({
			CurrentTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
			EventID: String(result?.event.EventID),
			EventType: 'Order',
			Order: { OrderID: 'N1002', OrderStatus: 'Dispatched' },
		});
		// The store's side changed too: GetOrder reads the new status.
		const answer = await getOrder(
			JSON.stringify({ Filter: { OrderID: ['N1002'], OutputSelector: ['OrderStatus'] } }),
		);
		expect((answer.json?.Order as IDataObject).OrderStatus).toBe('Dispatched');
	});

	test('the token defaults to the credentials webhookVerifyToken; each change has a new, larger EventID', async () => {
		suite.sandbox.notifyTo(receiver.url);
		const first = await suite.sandbox.changeOrderStatus('N1003', 'Pack');
		const second = await suite.sandbox.changeOrderStatus('N1003', 'Pending Dispatch');
		expect(receiver.received.map((r) => r.headers.netoapi_key)).toEqual([
			'sandbox-webhook-token',
			'sandbox-webhook-token',
		]);
		expect(second!.event.EventID).toBeGreaterThan(first!.event.EventID);
	});

	test.each([500, 202, 401, 302])(
		'answered %i (anything but 200): undelivered, delivered again later until answered 200, then no more',
		async (status) => {
			suite.sandbox.notifyTo({ url: receiver.url, redeliverAfterMs: 50 });
			let answers = [status, status, 200];
			receiver.state.answer = () => answers.shift() ?? 200;
			const result = await suite.sandbox.changeOrderStatus('N1004', 'Dispatched');
			expect(suite.sandbox.undeliveredEvents()).toEqual([result!.event.EventID]);
			await suite.sandbox.waitForDeliveries((all) => all.some((a) => a.status === 200));
			await sleep(200);
			expect(suite.sandbox.deliveries.map((a) => [a.attempt, a.status])).toEqual([
				[1, status],
				[2, status],
				[3, 200],
			]);
			expect(new Set(receiver.received.map((r) => eventOf(r.body).EventID))).toEqual(
				new Set([String(result!.event.EventID)]),
			);
			expect(suite.sandbox.undeliveredEvents()).toEqual([]);
			answers = [];
		},
	);

	test('nobody listening (n8n down): no answer (status 0); delivered once the receiver is back', async () => {
		const { port } = receiver;
		await receiver.close();
		suite.sandbox.notifyTo({ url: `http://127.0.0.1:${port}/webhook/neto`, redeliverAfterMs: 100 });
		const result = await suite.sandbox.changeOrderStatus('N1005', 'Cancelled');
		expect(result!.attempts[0]).toMatchObject({ status: 0, error: expect.any(String) });
		receiver = await startReceiver();
		suite.sandbox.notifyTo({ url: receiver.url });
		await suite.sandbox.waitForDeliveries((all) => all.some((a) => a.status === 200));
		expect(receiver.received).toHaveLength(1);
		expect(eventOf(receiver.received[0].body).EventID).toBe(String(result!.event.EventID));
	});

	test('an answer that does not come in time counts as undelivered', async () => {
		receiver.state.answer = () => 'hang';
		const slow = await (
			await import('../sandbox/server')
		).startSandbox({ notifyTimeoutMs: 100, idleStopMs: 5000 });
		try {
			slow.notifyTo({ url: receiver.url, redeliverAfterMs: 60_000 });
			const result = await slow.changeOrderStatus('N1001', 'Dispatched');
			expect(result!.attempts[0]).toMatchObject({ status: 0, error: 'no answer in 100 ms' });
			expect(slow.undeliveredEvents()).toEqual([result!.event.EventID]);
		} finally {
			await slow.close();
		}
	});

	test('redeliver() delivers every undelivered event now, without waiting for the interval', async () => {
		suite.sandbox.notifyTo({ url: receiver.url, redeliverAfterMs: 600_000 });
		receiver.state.answer = () => 503;
		await suite.sandbox.changeOrderStatus('N1001', 'Pick');
		await suite.sandbox.changeOrderStatus('N1002', 'Pick');
		expect(suite.sandbox.undeliveredEvents()).toHaveLength(2);
		receiver.state.answer = () => 200;
		const again = await suite.sandbox.redeliver();
		expect(again.map((a) => [a.OrderID, a.attempt, a.status])).toEqual([
			['N1001', 2, 200],
			['N1002', 2, 200],
		]);
		expect(suite.sandbox.undeliveredEvents()).toEqual([]);
	});

	test('deliver "twice": the same event twice in a row, the second after the first was answered', async () => {
		suite.sandbox.notifyTo({ url: receiver.url });
		const result = await suite.sandbox.changeOrderStatus('N1002', 'Dispatched', 'twice');
		expect(result!.attempts.map((a) => [a.attempt, a.status])).toEqual([
			[1, 200],
			[2, 200],
		]);
		const [first, second] = receiver.received;
		expect(second.body).toBe(first.body);
		expect(second.at).toBeGreaterThanOrEqual(first.answeredAt!);
	});

	test('deliver "twiceAtOnce": both POSTs of the same event are in flight together', async () => {
		suite.sandbox.notifyTo({ url: receiver.url });
		// The receiver answers neither until both arrived: they can only both arrive if sent at once.
		receiver.state.holdUntil = 2;
		const result = await suite.sandbox.changeOrderStatus('N1002', 'Dispatched', 'twiceAtOnce');
		expect(result!.attempts.map((a) => a.status)).toEqual([200, 200]);
		expect(receiver.received.map((r) => eventOf(r.body).EventID)).toEqual([
			String(result!.event.EventID),
			String(result!.event.EventID),
		]);
	});

	test.each([
		['wrongToken', 'not-the-webhook-verify-token', 'wrong'],
		['noToken', undefined, 'none'],
	] as const)(
		'deliver "%s": NETOAPI_KEY as asked; refused (401), it is not delivered again',
		async (deliver, sent, kind) => {
			suite.sandbox.notifyTo({ url: receiver.url, token: 'verify-123', redeliverAfterMs: 30 });
			receiver.state.answer = () => 401;
			const result = await suite.sandbox.changeOrderStatus('N1003', 'Dispatched', deliver);
			expect(result!.attempts).toEqual([expect.objectContaining({ token: kind, status: 401 })]);
			expect(receiver.received[0].headers.netoapi_key).toBe(sent);
			expect(receiver.received[0].headers.neto_notification).toBe('Order');
			await sleep(150);
			expect(receiver.received).toHaveLength(1);
			expect(suite.sandbox.undeliveredEvents()).toEqual([]);
		},
	);

	test('no URL configured (notifications off): a status change sends nothing', async () => {
		const result = await suite.sandbox.changeOrderStatus('N1001', 'Cancelled');
		expect(result!.attempts).toEqual([]);
		expect(suite.sandbox.deliveries).toEqual([]);
	});

	test('over HTTP: configure, add an order, change its status, list the attempts', async () => {
		const call = async (method: string, path: string, body?: IDataObject) => {
			const response = await fetch(`${suite.sandbox.url}${path}`, {
				method,
				body: body && JSON.stringify(body),
			});
			return { status: response.status, json: (await response.json()) as IDataObject };
		};
		const configured = await call('POST', '/__sandbox/notifications', {
			url: receiver.url,
			token: 'verify-123',
			redeliverAfterMs: 1000,
		});
		expect(configured.json).toEqual({ url: receiver.url, redeliverAfterMs: 1000 });
		const added = await call('POST', '/__sandbox/orders', {
			Username: 'ellie.w',
			GrandTotal: '12.00',
		});
		const orderId = (added.json.order as IDataObject).OrderID as string;
		expect(added.json.order).toMatchObject({ Username: 'ellie.w', Email: 'ellie@example.net' });
		expect(receiver.received).toHaveLength(0);
		const changed = await call('PATCH', `/__sandbox/orders/${orderId}`, {
			OrderStatus: 'Dispatched',
			deliver: 'twice',
		});
		expect(changed.status).toBe(200);
		expect((changed.json.event as IDataObject).OrderID).toBe(orderId);
		const listed = await call('GET', '/__sandbox/notifications');
		expect(
			(listed.json as unknown as IDataObject[]).map((a) => [a.OrderID, a.attempt, a.status]),
		).toEqual([
			[orderId, 1, 200],
			[orderId, 2, 200],
		]);
		expect((await call('PATCH', '/__sandbox/orders/N9999', { OrderStatus: 'Pick' })).status).toBe(
			404,
		);
		expect(
			(await call('PATCH', `/__sandbox/orders/${orderId}`, { OrderStatus: 'Shipped' })).status,
		).toBe(400);
		expect(
			(
				await call('PATCH', `/__sandbox/orders/${orderId}`, {
					OrderStatus: 'Pick',
					deliver: 'thrice',
				})
			).status,
		).toBe(400);
		// The new order is the store's: GetOrder finds it by its customer.
		const read = await getOrder(
			JSON.stringify({ Filter: { Username: ['ellie.w'], OutputSelector: ['OrderStatus'] } }),
		);
		expect(listOf(read.json?.Order).map((o) => (o as IDataObject).OrderID)).toContain(orderId);
	});

	test('a reset forgets the attempts, but EventIDs keep growing (a receiver that remembers them sees new ones)', async () => {
		suite.sandbox.notifyTo({ url: receiver.url });
		const before = await suite.sandbox.changeOrderStatus('N1001', 'Pick');
		await fetch(`${suite.sandbox.url}/__sandbox/reset`, { method: 'POST' });
		expect(suite.sandbox.deliveries).toEqual([]);
		const after = await suite.sandbox.changeOrderStatus('N1001', 'Pack');
		expect(after!.event.EventID).toBeGreaterThan(before!.event.EventID);
		expect(after!.attempts[0].status).toBe(200);
	});
});
