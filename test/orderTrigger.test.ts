/**
 * The Neto Order Trigger as n8n runs a webhook trigger (test/harness/webhook.ts: n8n-core's
 * WebhookContext per request, the workflow loaded per request, WorkflowExecute for the run),
 * notified by the sandbox store over HTTP on 127.0.0.1, reading its orders from the sandbox.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_REMEMBERED, acceptOnce } from '../nodes/Neto/orderTrigger/dedupe';

import exampleWorkflow from '../examples/add-log-per-order.json';
import type { Sandbox, SandboxOrder } from '../sandbox/server';
import type { Format } from './harness/fixtures';
import { WIRE_FORMATS, useSandbox } from './harness/fixtures';
import type { ServedTriggerOptions } from './harness/webhook';
import { ServedOrderTrigger, TRIGGER, outputOf, postNotification } from './harness/webhook';

const store = useSandbox();
let served: ServedOrderTrigger | undefined;

afterEach(async () => {
	await served?.close();
	expect(served?.errors ?? []).toEqual([]);
	served = undefined;
});

function token(sandbox: Sandbox): string {
	return sandbox.options.credentials.webhookVerifyToken ?? '';
}

/** The trigger served, its credential the sandbox's with the Webhook Verify Token, and the store notifying it. */
async function serve(
	options: Partial<ServedTriggerOptions> & { format?: Format; notify?: 'production' | 'test' } = {},
): Promise<ServedOrderTrigger> {
	const { format = 'json', notify = 'production', ...rest } = options;
	served = await new ServedOrderTrigger({
		credentials: store.credentials({ webhookVerifyToken: token(store.sandbox) }),
		...rest,
		parameters: {
			...(rest.parameters ?? {}),
			options: { wireFormat: format, ...((rest.parameters?.options as IDataObject) ?? {}) },
		},
	}).start();
	store.sandbox.notifyTo({
		url: notify === 'test' ? served.testUrl : served.url,
		token: token(store.sandbox),
		// Redelivery only when a test asks for it (redeliver()), never by the store's timer mid-test.
		redeliverAfterMs: 3_600_000,
	});
	return served;
}

/** What the trigger's step put out in a run (after the order's read), once the run ended. */
async function emitted(trigger: ServedOrderTrigger, run = 0): Promise<IDataObject[]> {
	return outputOf(await trigger.runs[run].done, TRIGGER);
}

/** The EventIDs n8n's database holds for the trigger. */
function acceptedIds(trigger: ServedOrderTrigger): string[] {
	const node = trigger.staticData['node:Neto Order Trigger'] as IDataObject | undefined;
	return (node?.acceptedEventIds as string[] | undefined) ?? [];
}

function jsmithOrder(): SandboxOrder {
	return store.sandbox.addOrder({
		Username: 'jsmith',
		OrderStatus: 'Pick',
		GrandTotal: '129.50',
	});
}

describe('who gets in', () => {
	test.each(['wrongToken', 'noToken'] as const)(
		'a notification with %s is answered 401 and starts nothing, asks the store nothing',
		async (deliver) => {
			const trigger = await serve();
			const order = jsmithOrder();
			const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched', deliver);
			expect(result?.attempts.map((attempt) => attempt.status)).toEqual([401]);
			expect(trigger.runs).toHaveLength(0);
			expect(store.requestsFor('GetOrder')).toHaveLength(0);
			// The answer says why in words and never quotes a token.
			expect(trigger.answers[0].body).toMatch(/NETOAPI_KEY header is missing or is not/);
			expect(trigger.answers[0].body).not.toContain(token(store.sandbox));
		},
	);

	test('the right token on a request that is not NETO_NOTIFICATION: Order is answered 400', async () => {
		const trigger = await serve();
		for (const notification of [null, 'Customer']) {
			const answer = await postNotification(trigger.url, {
				token: token(store.sandbox),
				notification,
			});
			expect(answer.status).toBe(400);
		}
		expect(trigger.runs).toHaveLength(0);
	});

	test.each([
		['an empty body', ''],
		['plain text', 'EventID=34'],
		['another root element', '<Order><OrderID>N1</OrderID></Order>'],
		[
			'no EventID',
			'<Event><EventType>Order</EventType><Order><OrderID>N1</OrderID><OrderStatus>New</OrderStatus></Order></Event>',
		],
		[
			'an EventID that is not an integer',
			'<Event><EventID>3a</EventID><EventType>Order</EventType><Order><OrderID>N1</OrderID><OrderStatus>New</OrderStatus></Order></Event>',
		],
		[
			'another EventType',
			'<Event><EventID>3</EventID><EventType>Customer</EventType><Order><OrderID>N1</OrderID><OrderStatus>New</OrderStatus></Order></Event>',
		],
		[
			'no OrderStatus',
			'<Event><EventID>3</EventID><EventType>Order</EventType><Order><OrderID>N1</OrderID></Order></Event>',
		],
		[
			'two Orders',
			'<Event><EventID>3</EventID><EventType>Order</EventType><Order><OrderID>N1</OrderID><OrderStatus>New</OrderStatus></Order><Order><OrderID>N2</OrderID><OrderStatus>New</OrderStatus></Order></Event>',
		],
		[
			'a DTD',
			'<!DOCTYPE Event [<!ENTITY a "N1">]><Event><EventID>3</EventID><EventType>Order</EventType><Order><OrderID>&a;</OrderID><OrderStatus>New</OrderStatus></Order></Event>',
		],
		['XML that is not well-formed', '<Event><EventID>3</EventID>'],
	])(
		'a body with %s, sent as text/plain, is answered 400 and starts nothing',
		async (_label, body) => {
			const trigger = await serve();
			const answer = await postNotification(trigger.url, {
				token: token(store.sandbox),
				body,
				contentType: 'text/plain',
			});
			expect(answer.status).toBe(400);
			expect(JSON.parse(answer.body).message).toMatch(/^Not a well-formed order notification: /);
			expect(trigger.runs).toHaveLength(0);
		},
	);

	test('XML that is not well-formed, sent as XML, is refused (422) by n8n before the node', async () => {
		const trigger = await serve();
		const answer = await postNotification(trigger.url, {
			token: token(store.sandbox),
			body: '<Event><EventID>3</EventID>',
		});
		expect(answer.status).toBe(422);
		expect(trigger.runs).toHaveLength(0);
	});

	test('a credential without a Webhook Verify Token lets nobody in, and activating says why', async () => {
		const trigger = await serve({ credentials: store.credentials() });
		const answer = await postNotification(trigger.url, { token: '' });
		expect(answer.status).toBe(401);
		const withToken = await postNotification(trigger.url, { token: token(store.sandbox) });
		expect(withToken.status).toBe(401);
		expect(trigger.runs).toHaveLength(0);
		await expect(trigger.activate()).rejects.toThrow(
			'The Neto API credential has no Webhook Verify Token',
		);
		await trigger.close();
		const ready = await serve();
		await expect(ready.activate()).resolves.toBeUndefined();
	});
});

describe.each(WIRE_FORMATS)('an order notification, GetOrder in %s', (format) => {
	test("starts one run whose item holds the event and the order's customer, answered 200", async () => {
		const trigger = await serve({ format });
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
		expect(trigger.runs).toHaveLength(1);
		const [run] = await trigger.settled();
		expect(run.status).toBe('success');
		const [item] = outputOf(run, TRIGGER);
		const event = result!.event;
		// What started the run (and what Neto's answer waited for): the event alone.
		expect(trigger.runs[0].items).toEqual([
			{
				EventID: String(event.EventID),
				EventType: 'Order',
				CurrentTime: event.CurrentTime,
				OrderID: order.OrderID,
				OrderStatus: 'Dispatched',
			},
		]);
		expect(item).toEqual({
			EventID: String(event.EventID),
			EventType: 'Order',
			CurrentTime: event.CurrentTime,
			OrderID: order.OrderID,
			OrderStatus: 'Dispatched',
			Username: 'jsmith',
			Email: order.Email,
			Order: expect.objectContaining({
				OrderID: order.OrderID,
				Username: 'jsmith',
				Email: order.Email,
				OrderStatus: 'Dispatched',
				GrandTotal: '129.50',
				DatePlaced: order.DatePlaced,
			}),
		});
		expect(JSON.stringify(item)).not.toContain(token(store.sandbox));
		const reads = store.requestsFor('GetOrder');
		expect(reads).toHaveLength(1);
		expect(reads[0].format).toBe(format);
		// What n8n saved: the EventID, and nothing of the credential.
		expect(trigger.staticData).toEqual({
			'node:Neto Order Trigger': { acceptedEventIds: [String(event.EventID)] },
		});
	});
});

describe('each event once', () => {
	test('the same EventID delivered twice in a row starts one run; both answered 200', async () => {
		const trigger = await serve();
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched', 'twice');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200, 200]);
		expect(trigger.runs).toHaveLength(1);
		await trigger.settled();
		expect(store.requestsFor('GetOrder')).toHaveLength(1);
	});

	test('the same EventID delivered twice at once starts one run; both answered 200', async () => {
		// Both load the static data before either saves it: only this process's memory tells.
		const trigger = await serve({ loadTogether: 2 });
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(
			order.OrderID,
			'Dispatched',
			'twiceAtOnce',
		);
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200, 200]);
		expect(trigger.runs).toHaveLength(1);
		await trigger.settled();
		expect(store.requestsFor('GetOrder')).toHaveLength(1);
	});

	test('an EventID n8n saved before (another process, before a restart) starts nothing', async () => {
		const trigger = await serve({
			staticData: { 'node:Neto Order Trigger': { acceptedEventIds: ['4242'] } },
		});
		const again = await postNotification(trigger.url, {
			token: token(store.sandbox),
			eventId: 4242,
		});
		expect(again.status).toBe(200);
		expect(JSON.parse(again.body).message).toMatch(/Received before/);
		expect(trigger.runs).toHaveLength(0);
		const other = await postNotification(trigger.url, {
			token: token(store.sandbox),
			eventId: 4243,
			orderId: jsmithOrder().OrderID,
		});
		expect(other.status).toBe(200);
		expect(trigger.runs).toHaveLength(1);
		expect(acceptedIds(trigger)).toEqual(['4242', '4243']);
		await trigger.settled();
	});

	test('different events at once each start their run, and every EventID is saved', async () => {
		const trigger = await serve();
		const orders = [jsmithOrder(), jsmithOrder(), jsmithOrder()];
		const results = await Promise.all(
			orders.map(async (order) => await store.sandbox.changeOrderStatus(order.OrderID, 'Pack')),
		);
		expect(trigger.runs).toHaveLength(3);
		expect([...acceptedIds(trigger)].sort()).toEqual(
			results.map((result) => String(result!.event.EventID)).sort(),
		);
		expect((await trigger.settled()).map((run) => run.status)).toEqual([
			'success',
			'success',
			'success',
		]);
	});
});

describe('Neto is answered on receipt; the order is read in the run', () => {
	test('a store that never answers GetOrder: the notification is still answered 200, and the run fails naming the order and the event', async () => {
		const trigger = await serve({
			parameters: { options: { requestTimeLimitSeconds: 1, orderReadRetryMinutes: 0 } },
		});
		const order = jsmithOrder();
		store.sandbox.injectFaults([{ kind: 'silent', action: 'GetOrder', times: 100 }]);
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		// Answered while GetOrder was still unanswered: the read is not in front of the answer.
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
		expect(store.sandbox.undeliveredEvents()).toEqual([]);
		const [run] = await trigger.settled();
		expect(store.requestsFor('GetOrder').length).toBeGreaterThan(0);
		expect(trigger.answers[0].ms).toBeLessThan(run.stoppedAt!.getTime() - run.startedAt.getTime());
		expect(run.status).toBe('error');
		const error = run.data.resultData.runData[TRIGGER][0].error!;
		expect(error.message).toBe(
			`Item index 0: The order ${order.OrderID} of event ${result!.event.EventID} could not be read from the store: The store at ${store.sandbox.url}/do/WS/NetoAPI did not answer within 1 s`,
		);
		expect(error.description).toMatch(/retry it from n8n's Executions list/);
		// The event was accepted: delivered again, it starts nothing.
		expect(acceptedIds(trigger)).toEqual([String(result!.event.EventID)]);
	});

	test.each([
		['429 with Retry-After 1 s', { kind: 'status' as const, status: 429, retryAfter: 1 }, 3],
		['503', { kind: 'status' as const, status: 503 }, 3],
	])(
		'GetOrder refused with %s for a while: answered 200 at once, and the run reads the order once the store answers',
		async (_label, fault, times) => {
			const trigger = await serve();
			const order = jsmithOrder();
			store.sandbox.injectFaults([{ ...fault, action: 'GetOrder', times }]);
			const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
			expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
			const [run] = await trigger.settled();
			expect(run.status).toBe('success');
			expect(outputOf(run, TRIGGER)).toEqual([
				expect.objectContaining({ EventID: String(result!.event.EventID), Username: 'jsmith' }),
			]);
			// Every refused try, then the one that was answered.
			const reads = store.requestsFor('GetOrder');
			expect(reads).toHaveLength(times + 1);
			// A 429's Retry-After (1 s) is waited out before the next try.
			if (fault.status === 429)
				for (const [n, read] of reads.slice(1).entries())
					expect(read.at - reads[n].at).toBeGreaterThanOrEqual(1000);
			expect(store.sandbox.undeliveredEvents()).toEqual([]);
		},
		30_000,
	);

	test.each(['a wrong API key (Ack Error)', 'HTTP 403'] as const)(
		'a refusal that trying again would not change, %s: the run fails after one GetOrder, naming the order',
		async (refusal) => {
			await serve({
				credentials: store.credentials({
					webhookVerifyToken: token(store.sandbox),
					...(refusal === 'HTTP 403' ? {} : { apiKey: 'not-the-key' }),
				}),
			});
			if (refusal === 'HTTP 403')
				store.sandbox.injectFaults([
					{ kind: 'status', status: 403, action: 'GetOrder', times: 100 },
				]);
			const order = jsmithOrder();
			const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
			expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
			const [run] = await served!.settled();
			expect(run.status).toBe('error');
			const error = run.data.resultData.runData[TRIGGER][0].error!;
			expect(error.message).toMatch(
				new RegExp(`^Item index 0: The order ${order.OrderID} of event \\d+ could not be read`),
			);
			expect(error.message).not.toMatch(/tries in/);
			expect(error.description).not.toMatch(/Tried again/);
			expect(store.requestsFor('GetOrder')).toHaveLength(1);
		},
		20_000,
	);

	test('GetOrder still refused when the Read Retry Time runs out: the run fails at the trigger; with Continue On Fail an error item names the order', async () => {
		const trigger = await serve({
			parameters: { options: { orderReadRetryMinutes: 0.05 } },
			continueOnFail: true,
		});
		const order = jsmithOrder();
		store.sandbox.injectFaults([{ kind: 'status', status: 503, action: 'GetOrder', times: 1000 }]);
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
		const [run] = await trigger.settled();
		const [item] = outputOf(run, TRIGGER);
		const error = item.error as IDataObject;
		expect(error.message).toMatch(
			new RegExp(
				`^Item index 0: The order ${order.OrderID} of event ${result!.event.EventID} could not be read from the store: The store at .* answered HTTP 503.* \\(\\d+ tries in [34] s\\)$`,
			),
		);
		expect(error.httpCode).toBe(503);
		// It kept trying for the 3 s it was given (waits of 0.5-1 s, then 1-2 s, ...): 3 tries at least.
		expect(store.requestsFor('GetOrder').length).toBeGreaterThanOrEqual(3);
		expect(item).toEqual({ error: expect.any(Object) });
	}, 30_000);
});

describe('when n8n is down', () => {
	test('a notification while n8n is down is delivered again once it is back, and starts once', async () => {
		const before = await serve();
		const order = jsmithOrder();
		await before.close();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([0]);
		// n8n is back: the same workflow, its static data as the database kept it.
		const after = await serve({ staticData: before.staticData });
		const again = await store.sandbox.redeliver();
		expect(again.map((attempt) => attempt.status)).toEqual([200]);
		expect(after.runs).toHaveLength(1);
		expect((await emitted(after))[0]).toMatchObject({
			EventID: String(result!.event.EventID),
			Username: 'jsmith',
		});
		expect(await store.sandbox.redeliver()).toEqual([]);
	});
});

describe('filters and options', () => {
	test('a status the workflow does not start on is answered 200 and starts nothing, reads nothing', async () => {
		const trigger = await serve({ parameters: { orderStatuses: ['Dispatched', 'Cancelled'] } });
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Pack');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
		expect(trigger.runs).toHaveLength(0);
		expect(store.requestsFor('GetOrder')).toHaveLength(0);
		await store.sandbox.changeOrderStatus(order.OrderID, 'Cancelled');
		expect(trigger.runs).toHaveLength(1);
		await trigger.settled();
	});

	test('Order Details off: the item is the event alone, and the store is not asked', async () => {
		const trigger = await serve({ parameters: { options: { orderDetails: false } } });
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		expect(await emitted(trigger)).toEqual([
			{
				EventID: String(result!.event.EventID),
				EventType: 'Order',
				CurrentTime: result!.event.CurrentTime,
				OrderID: order.OrderID,
				OrderStatus: 'Dispatched',
			},
		]);
		expect(store.requestsFor('GetOrder')).toHaveLength(0);
	});

	test('an order the store does not have starts a run with its customer empty and Order null', async () => {
		const trigger = await serve();
		const answer = await postNotification(trigger.url, {
			token: token(store.sandbox),
			orderId: 'N99999999',
		});
		expect(answer.status).toBe(200);
		expect((await emitted(trigger))[0]).toMatchObject({ Username: '', Email: '', Order: null });
	});

	test('"Listen for test event": the test URL starts a manual run', async () => {
		const trigger = await serve({ notify: 'test' });
		const order = jsmithOrder();
		const result = await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		expect(result?.attempts.map((attempt) => attempt.status)).toEqual([200]);
		expect(trigger.runs.map((run) => run.mode)).toEqual(['manual']);
		expect((await emitted(trigger))[0]).toMatchObject({ Username: 'jsmith' });
		// A test keeps nothing: production's remembered EventIDs stay as they were.
		expect(trigger.staticData).toEqual({});
	});
});

describe('into Customer Log', () => {
	test("examples/add-log-per-order.json as written: a dispatched order gets a follow-up log on its customer, due in 14 days in the workflow's timezone", async () => {
		const example = exampleWorkflow as unknown as {
			nodes: Array<{ type: string; parameters: IDataObject }>;
			settings: IDataObject;
		};
		const nodeOf = (type: string) => example.nodes.find((node) => node.type === type)!;
		const trigger = await serve({
			timezone: example.settings.timezone as string,
			parameters: nodeOf('n8n-nodes-neto.netoOrderTrigger').parameters,
			next: nodeOf('n8n-nodes-neto.netoCustomerLog').parameters,
		});
		expect(example.settings.timezone).toBe('Australia/Sydney');
		const order = store.sandbox.addOrder({ Username: 'ellie.w', OrderStatus: 'Pack' });
		// Not a status the example starts on.
		await store.sandbox.changeOrderStatus(order.OrderID, 'Pending Dispatch');
		expect(trigger.runs).toHaveLength(0);
		await store.sandbox.changeOrderStatus(order.OrderID, 'Dispatched');
		const [run] = await trigger.settled();
		const [added] = outputOf(run);
		expect(added).toMatchObject({ Ack: 'Success', Username: 'ellie.w' });
		const log = store.sandbox.store.logs.get(added.LogID as number)!;
		expect(log.Username).toBe('ellie.w');
		expect(log.Status).toBe('Require Recontact');
		expect(log.Notes).toBe(`Order ${order.OrderID} dispatched: call to check it arrived`);
		const inFourteenDays = new Intl.DateTimeFormat('en-CA', {
			timeZone: 'Australia/Sydney',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
		}).format(new Date(Date.now() + 14 * 86_400_000));
		expect(log.DateRequiredFollowUp).toBe(`${inFourteenDays} 00:00:00`);
	});
});

describe('what is remembered', () => {
	test(`the accepted EventIDs n8n saves are bounded to the last ${MAX_REMEMBERED}`, async () => {
		const staticData: IDataObject = {};
		for (let id = 1; id <= MAX_REMEMBERED + 1; id++)
			if (!acceptOnce('bound-test/ot1', String(id), staticData))
				throw new Error(`event ${id} taken for a duplicate`);
		const saved = staticData.acceptedEventIds as string[];
		expect(saved).toHaveLength(MAX_REMEMBERED);
		expect(saved[0]).toBe('2');
		expect(saved.at(-1)).toBe(String(MAX_REMEMBERED + 1));
		expect(acceptOnce('bound-test/ot1', '2', staticData)).toBe(false);
		// The oldest is forgotten: delivered again, it would start again.
		expect(acceptOnce('bound-test/ot1', '1', {})).toBe(true);
	});
});
