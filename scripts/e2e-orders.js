'use strict';
/**
 * The Neto Order Trigger in real n8n, as `npm run test:e2e` (regular mode, checkOrders) and
 * `npm run test:queue` (queue mode, orderCases) run it: the order example (examples/, the workflow
 * holding the trigger) is live, and the sandbox store POSTs its order notifications to the
 * trigger's production URL with the credential's Webhook Verify Token, as Neto does:
 *   - an order dispatched → one execution, a follow-up log on the order's customer;
 *   - a wrong or missing token → 4xx, no execution;
 *   - the same EventID twice in a row, and twice at once → one execution;
 *   - GetOrder refused (429 with Retry-After, or 503) for a few seconds → the notification is
 *     answered 200 at once and not delivered again; the run (the trigger's own step) keeps trying
 *     and reads the order once the store answers: one execution, one log;
 *   - the store down past the trigger's Read Retry Time (a copy of the example with a short
 *     one, at a webhook of its own) → answered 200, the execution fails at the trigger naming the
 *     order; n8n's Retry of it, once the store answers, reads the order: one log; the succeeded
 *     retry cannot be retried, and the same event delivered again starts nothing;
 *   - n8n down while the store notifies → delivered once after it is back.
 * Each case dispatches an order of its own, and counts the executions n8n recorded (REST API, or
 * the database in queue mode) and the logs the store holds for it.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const {
	activate,
	exampleWorkflows,
	n8nSync,
	ORDER_TRIGGER,
	orderTriggerExample,
	orderWebhookUrl,
	setupOwner,
	startN8n,
	stopChild,
} = require('./n8n-cli');
const kit = require('./e2e-toolkit');
const { restClient, signIn } = require('./e2e-trigger');
const { eventXml } = require('../sandbox/notifications');

/** How soon the store delivers an event again after an attempt not answered 200 (Neto: "later"). */
const REDELIVER_AFTER_MS = 2000;
/** How long a case waits, after its deliveries were answered, for an execution that should not come. */
const SETTLE_MS = 3000;
/** How long GetOrder stays refused in the "for a while" cases: the run's first tries are 1, 2, 4 s apart. */
const FAULT_HELD_MS = 5000;
/** The short-retry copy's Read Retry Time: the store stays down longer than this in its case. */
const SHORT_RETRY_MINUTES = 0.1;
const holdsTrigger = (node) => node.type === ORDER_TRIGGER;

/**
 * A copy of the order example whose trigger gives up reading after SHORT_RETRY_MINUTES (the
 * example keeps the default 10 minutes, too long for a test), with its own id and webhook, so the
 * example itself runs as shipped.
 */
function shortRetryExample(example) {
	const { file: _file, ...copy } = structuredClone(example);
	copy.id = `${example.id}ShortRetry`;
	copy.name = `${example.name} (Read Retry Time ${SHORT_RETRY_MINUTES} min)`;
	const trigger = copy.nodes.find(holdsTrigger);
	trigger.webhookId = `${trigger.webhookId}-short-retry`;
	trigger.parameters.options = {
		...trigger.parameters.options,
		orderReadRetryMinutes: SHORT_RETRY_MINUTES,
	};
	return copy;
}

/** Imports shortRetryExample(example) into n8n's user folder and makes it live; returns it. */
function importShortRetryExample(install, userFolder, example) {
	const workflow = shortRetryExample(example);
	const file = path.join(userFolder, 'order-example-short-retry.json');
	fs.writeFileSync(file, JSON.stringify(workflow));
	n8nSync(install, userFolder, ['import:workflow', `--input=${file}`]);
	activate(install, userFolder, workflow.id);
	return workflow;
}

/** POSTs an event's notification as the store does; resolves with the HTTP status answered. */
async function deliverAgain(url, token, event) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { NETO_NOTIFICATION: 'Order', NETOAPI_KEY: token, 'Content-Type': 'application/xml' },
		body: eventXml(event),
	});
	return response.status;
}
const EXAMPLE_TIMEZONE = 'Australia/Sydney';

/** The day `days` after today in a timezone, as the store keeps a follow-up day. */
function dayAfter(days, timeZone) {
	const [y, m, d] = kit.dayIn(timeZone).split('-').map(Number);
	return `${new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)} 00:00:00`;
}

/**
 * Waits until n8n has registered the example's production webhook: n8n serves its REST API before
 * it has activated the workflows, and a notification sent then is answered 404 (and delivered again
 * by the store later, into another case's count). A POST without a token is the trigger's own 401
 * once it is there, and starts nothing.
 */
async function webhookRegistered(url) {
	await kit.waitFor(
		`the order webhook at ${url}`,
		async () => (await fetch(url, { method: 'POST' }).catch(() => undefined))?.status === 401,
		120_000,
	);
}

/**
 * The cases, against a live order example and its live short-retry copy (shortRetryExample):
 * `n8n` ({ url }), `executions(workflowId = example.id)` (the executions n8n recorded), `rest()`
 * (n8n's REST API with the owner's session: restClient), `ranOnWorker(executionId)` (queue mode:
 * whether a worker said it finished it), `restart(during)` (stops n8n, runs `during`, starts it
 * again, resolves with the new { url }); `check(title, body)` runs and reports each case (the
 * toolkit's suite.check).
 */
async function orderCases({
	sandbox,
	example,
	shortRetry,
	n8n,
	executions,
	rest,
	ranOnWorker,
	restart,
	check,
}) {
	const webhook = (url, workflow = example) =>
		orderWebhookUrl(url.replace('localhost', '127.0.0.1'), workflow);
	const token = sandbox.credentials.webhookVerifyToken;
	await webhookRegistered(webhook(n8n.url));
	await webhookRegistered(webhook(n8n.url, shortRetry));
	await sandbox.notifyTo({
		url: webhook(n8n.url),
		token,
		redeliverAfterMs: REDELIVER_AFTER_MS,
	});
	const logsOf = async (orderId) =>
		(await sandbox.logs()).filter((log) => String(log.Notes).includes(orderId));
	const newOrder = async (Username) => (await sandbox.addOrder({ Username })).order;
	/** Waits until the order's one log is there and the executions settled; returns both counts. */
	const settled = async (orderId, before, expectLog = true, workflowId = example.id) => {
		if (expectLog)
			await kit.waitFor(
				`a log for ${orderId}`,
				async () => (await logsOf(orderId)).length > 0,
				60_000,
			);
		await kit.sleep(SETTLE_MS);
		return { logs: await logsOf(orderId), runs: (await executions(workflowId)).length - before };
	};
	const run = (title, body) => check(`order example live: ${title}`, body);

	await run('an order dispatched: one execution, a follow-up log on its customer', async () => {
		const before = (await executions()).length;
		const change = await sandbox.changeOrder('N1002', { OrderStatus: 'Dispatched' });
		assert.deepEqual(
			change.attempts.map((a) => a.status),
			[200],
			`the trigger's answer: ${JSON.stringify(change.attempts)}`,
		);
		const { logs, runs } = await settled('N1002', before);
		assert.equal(runs, 1, 'executions');
		assert.equal(logs.length, 1, `logs: ${JSON.stringify(logs)}`);
		assert.equal(logs[0].Username, 'jsmith');
		assert.equal(logs[0].DateRequiredFollowUp, dayAfter(14, EXAMPLE_TIMEZONE));
	});

	await run('a wrong or missing token: 4xx, no execution', async () => {
		const before = (await executions()).length;
		const order = await newOrder('acme_buyer');
		for (const deliver of ['wrongToken', 'noToken']) {
			const change = await sandbox.changeOrder(order.OrderID, {
				OrderStatus: 'Dispatched',
				deliver,
			});
			const [attempt] = change.attempts;
			assert.ok(
				attempt.status >= 400 && attempt.status < 500,
				`${deliver}: answered ${attempt.status}`,
			);
		}
		const { logs, runs } = await settled(order.OrderID, before, false);
		assert.equal(runs, 0, 'executions');
		assert.equal(logs.length, 0, 'logs');
	});

	for (const deliver of ['twice', 'twiceAtOnce']) {
		await run(
			`the same EventID ${deliver === 'twice' ? 'twice in a row' : 'twice at once'}: one execution`,
			async () => {
				const before = (await executions()).length;
				const order = await newOrder('ellie.w');
				const change = await sandbox.changeOrder(order.OrderID, {
					OrderStatus: 'Dispatched',
					deliver,
				});
				assert.equal(change.attempts.length, 2);
				assert.ok(
					change.attempts.every((a) => a.status === 200),
					`both answered 200 (a duplicate too): ${JSON.stringify(change.attempts)}`,
				);
				const { logs, runs } = await settled(order.OrderID, before);
				assert.equal(runs, 1, 'executions');
				assert.equal(logs.length, 1, 'logs');
			},
		);
	}

	for (const status of [429, 503]) {
		await run(
			`GetOrder refused (${status}) for a while: answered 200 at once, not delivered again; the run reads the order once the store answers: one execution, one log`,
			async () => {
				const before = (await executions()).length;
				const order = await newOrder('tom_k');
				const getOrders = async () => (await sandbox.stats()).byAction.GetOrder ?? 0;
				const readsBefore = await getOrders();
				await sandbox.injectFaults([
					{
						action: 'GetOrder',
						kind: 'status',
						status,
						...(status === 429 ? { retryAfter: 1 } : {}),
						times: 1000,
					},
				]);
				let change;
				try {
					change = await sandbox.changeOrder(order.OrderID, { OrderStatus: 'Dispatched' });
					// Long enough for several of the run's tries (1 s apart, then 2 s, ...), all refused.
					await kit.sleep(FAULT_HELD_MS);
				} finally {
					await sandbox.clearFaults();
				}
				const refusedReads = (await getOrders()) - readsBefore;
				assert.deepEqual(
					change.attempts.map((a) => a.status),
					[200],
					`the first delivery is answered 200: ${JSON.stringify(change.attempts)}`,
				);
				assert.ok(refusedReads >= 2, `the run tried GetOrder ${refusedReads} times while refused`);
				const { logs, runs } = await settled(order.OrderID, before);
				const attempts = (await sandbox.deliveries()).filter((a) => a.OrderID === order.OrderID);
				assert.equal(attempts.length, 1, `delivered once: ${JSON.stringify(attempts)}`);
				assert.equal(runs, 1, 'executions');
				assert.equal(logs.length, 1, `logs: ${JSON.stringify(logs)}`);
				assert.equal(logs[0].Username, 'tom_k');
				return `answered in ${Math.round(change.attempts[0].ms)} ms, ${refusedReads} GetOrder tries refused`;
			},
		);
	}

	/** The store down past the copy's Read Retry Time, with the notifications sent to the copy. */
	const pastTheRetryTime = async () => {
		const id = shortRetry.id;
		const triggerName = shortRetry.nodes.find(holdsTrigger).name;
		const listed = await executions(id);
		const before = listed.length;
		const seen = new Set(listed.map((execution) => String(execution.id)));
		const order = await newOrder('ellie.w');
		await sandbox.notifyTo({ url: webhook(n8n.url, shortRetry) });
		await sandbox.injectFaults([{ action: 'GetOrder', kind: 'status', status: 503, times: 1000 }]);
		let change;
		let failed;
		try {
			change = await sandbox.changeOrder(order.OrderID, { OrderStatus: 'Dispatched' });
			assert.deepEqual(
				change.attempts.map((a) => a.status),
				[200],
				`the first delivery is answered 200: ${JSON.stringify(change.attempts)}`,
			);
			const done = ['success', 'error', 'crashed', 'canceled'];
			const fresh = await kit.waitFor(
				'the execution to end while the store is down',
				async () => {
					const found = (await executions(id)).filter((e) => !seen.has(String(e.id)));
					return found.length > 0 && found.every((e) => done.includes(e.status)) && found;
				},
				120_000,
			);
			assert.equal(fresh.length, 1, `executions: ${JSON.stringify(fresh)}`);
			failed = fresh[0];
		} finally {
			await sandbox.clearFaults();
		}
		assert.equal(failed.status, 'error', `the execution: ${JSON.stringify(failed)}`);
		const { data } = await rest().execution(failed.id);
		assert.equal(data.resultData.lastNodeExecuted, triggerName, 'the node that failed');
		const message = data.resultData.error?.message ?? '';
		assert.ok(
			message.includes(
				`The order ${order.OrderID} of event ${change.event.EventID} could not be read`,
			),
			`its error names the order and the event: ${message}`,
		);
		assert.equal((await logsOf(order.OrderID)).length, 0, 'no log before the retry');
		if (ranOnWorker) assert.ok(ranOnWorker(failed.id), `execution ${failed.id} ran on a worker`);

		const retried = await rest().retry(failed.id);
		assert.equal(retried.status, 200, `the retry: ${JSON.stringify(retried.body).slice(0, 500)}`);
		const retry = retried.body.data;
		assert.equal(retry.status, 'success', `the retry: ${JSON.stringify(retry).slice(0, 500)}`);
		const { logs, runs } = await settled(order.OrderID, before, true, id);
		assert.equal(runs, 2, 'executions: the failed one and its retry');
		assert.equal(logs.length, 1, `logs: ${JSON.stringify(logs)}`);
		assert.equal(logs[0].Username, 'ellie.w');
		if (ranOnWorker) assert.ok(ranOnWorker(retry.id), `the retry ${retry.id} ran on a worker`);

		// n8n marks the failed execution with its successful retry (the Executions list then offers
		// no Retry on it), and refuses to retry the retry: it succeeded.
		assert.equal(String((await rest().execution(failed.id)).retrySuccessId), String(retry.id));
		const again = await rest().retry(retry.id);
		assert.notEqual(again.status, 200, `a retry of the retry: ${JSON.stringify(again.body)}`);
		// The same event delivered again (as Neto does when its answer was lost): answered 200, the
		// trigger has it already, nothing starts.
		assert.equal(await deliverAgain(webhook(n8n.url, shortRetry), token, change.event), 200);
		const after = await settled(order.OrderID, before, true, id);
		assert.equal(after.runs, 2, 'executions after the second retry and the redelivery');
		assert.equal(after.logs.length, 1, 'logs after the second retry and the redelivery');
		const attempts = (await sandbox.deliveries()).filter((a) => a.OrderID === order.OrderID);
		assert.equal(attempts.length, 1, `the store delivered once: ${JSON.stringify(attempts)}`);
		return `execution ${failed.id} failed: "${message}"; retried as ${retry.id}; a retry of that: ${again.status} ${again.body?.message ?? ''}`;
	};
	await run(
		"the store down past the Read Retry Time: the execution fails at the trigger, n8n's Retry reads the order, one log",
		async () => {
			try {
				return await pastTheRetryTime();
			} finally {
				await sandbox.notifyTo({ url: webhook(n8n.url) });
			}
		},
	);

	await run('n8n down while the store notifies: delivered once after it is back', async () => {
		const before = (await executions()).length;
		const order = await newOrder('jsmith');
		let down;
		const back = await restart(async () => {
			down = await sandbox.changeOrder(order.OrderID, { OrderStatus: 'Dispatched' });
		});
		assert.notEqual(down.attempts[0].status, 200, 'nobody answered while n8n was down');
		// n8n may come back on another port (queue mode's main does not).
		await sandbox.notifyTo({ url: webhook(back.url) });
		const { logs, runs } = await settled(order.OrderID, before);
		assert.equal(runs, 1, 'executions');
		assert.equal(logs.length, 1, 'logs');
	});
	await sandbox.notifyTo({ url: '' });
}

/**
 * Regular mode, in the suite's user folder (the credential and the examples imported): the order
 * example published, n8n started on its own port (E2E_ORDERS_N8N_PORT), each case a `check`, n8n
 * stopped. Throws only when n8n cannot be set up.
 */
async function checkOrders(install, userFolder, sandbox, check) {
	const example = orderTriggerExample(exampleWorkflows());
	assert.ok(example, 'no example holds the Neto Order Trigger');
	await sandbox.reset();
	activate(install, userFolder, example.id);
	const shortRetry = importShortRetryExample(install, userFolder, example);
	// The suite's other checks may have set up n8n's owner in this user folder already.
	n8nSync(install, userFolder, ['user-management:reset']);
	const port = kit.envPort('E2E_ORDERS_N8N_PORT', 5684);
	let n8n = await startN8n(install, userFolder, port);
	kit.onCleanUp('n8n (order example)', () => stopChild(n8n.child));
	try {
		const { cookie, owner } = await setupOwner(n8n.url);
		let rest = restClient(install, n8n, cookie);
		await orderCases({
			sandbox,
			example,
			shortRetry,
			n8n,
			executions: (workflowId = example.id) => rest.executions(workflowId),
			rest: () => rest,
			restart: async (during) => {
				await stopChild(n8n.child);
				await during();
				n8n = await startN8n(install, userFolder, port);
				rest = restClient(install, n8n, await signIn(n8n.url, owner));
				return n8n;
			},
			check,
		});
	} finally {
		await stopChild(n8n.child);
	}
}

module.exports = { checkOrders, importShortRetryExample, orderCases };

/** `node scripts/e2e-orders.js [--n8n <version>]`: these checks alone (npm run test:e2e runs them too). */
if (require.main === module) {
	const { importCredentialAndExamples } = require('./n8n-cli');
	const version = kit.arg('n8n', kit.DEFAULT_N8N);
	const suite = kit.suite('e2e-orders', version);
	suite.main(async () => {
		const { install, userFolder, sandbox } = await kit.setUp({
			version,
			prefix: 'neto-e2e-orders-',
		});
		importCredentialAndExamples(install, userFolder, sandbox);
		await checkOrders(install, userFolder, sandbox, suite.check);
	});
}
