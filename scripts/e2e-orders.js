'use strict';
/**
 * The Neto Order Trigger in real n8n, as `npm run test:e2e` (regular mode, checkOrders) and
 * `npm run test:queue` (queue mode, orderCases) run it: the order example (examples/, the workflow
 * holding the trigger) is live, and the sandbox store POSTs its order notifications to the
 * trigger's production URL with the credential's Webhook Verify Token, as Neto does:
 *   - an order dispatched → one execution, a follow-up log on the order's customer;
 *   - a wrong or missing token → 4xx, no execution;
 *   - the same EventID twice in a row, and twice at once → one execution;
 *   - GetOrder answered 429, or 503, past the trigger's wait → the event is not lost: the trigger
 *     answers non-200, the store delivers it again, one execution;
 *   - n8n down while the store notifies → delivered once after it is back.
 * Each case dispatches an order of its own, and counts the executions n8n recorded (REST API)
 * and the logs the store holds for it.
 */
const assert = require('node:assert/strict');

const {
	activate,
	exampleWorkflows,
	n8nSync,
	orderTriggerExample,
	orderWebhookUrl,
	setupOwner,
	startN8n,
	stopChild,
} = require('./n8n-cli');
const kit = require('./e2e-toolkit');
const { restClient, signIn } = require('./e2e-trigger');

/** How soon the store delivers an event again after an attempt not answered 200 (Neto: "later"). */
const REDELIVER_AFTER_MS = 2000;
/** How long a case waits, after its deliveries were answered, for an execution that should not come. */
const SETTLE_MS = 3000;
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
 * The cases, against a live order example: `n8n` ({ url }), `executions()` (the example's
 * executions n8n recorded), `restart(during)` (stops n8n, runs `during`, starts it again, resolves
 * with the new { url }); `check(title, body)` runs and reports each case (the toolkit's suite.check).
 */
async function orderCases({ sandbox, example, n8n, executions, restart, check }) {
	const webhook = (url) => orderWebhookUrl(url.replace('localhost', '127.0.0.1'), example);
	const token = sandbox.credentials.webhookVerifyToken;
	await webhookRegistered(webhook(n8n.url));
	await sandbox.notifyTo({
		url: webhook(n8n.url),
		token,
		redeliverAfterMs: REDELIVER_AFTER_MS,
	});
	const logsOf = async (orderId) =>
		(await sandbox.logs()).filter((log) => String(log.Notes).includes(orderId));
	const newOrder = async (Username) => (await sandbox.addOrder({ Username })).order;
	/** Waits until the order's one log is there and the executions settled; returns both counts. */
	const settled = async (orderId, before, expectLog = true) => {
		if (expectLog)
			await kit.waitFor(
				`a log for ${orderId}`,
				async () => (await logsOf(orderId)).length > 0,
				60_000,
			);
		await kit.sleep(SETTLE_MS);
		return { logs: await logsOf(orderId), runs: (await executions()).length - before };
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
			`GetOrder answered ${status} past the trigger's wait: not lost, delivered again, one execution`,
			async () => {
				const before = (await executions()).length;
				const order = await newOrder('tom_k');
				// Every GetOrder refused until the first delivery was answered: more than the trigger's own
				// retries and waits, so it must give the event back to the store.
				await sandbox.injectFaults([
					{ action: 'GetOrder', kind: 'status', status, retryAfter: 1, times: 1000 },
				]);
				const change = await sandbox.changeOrder(order.OrderID, { OrderStatus: 'Dispatched' });
				await sandbox.clearFaults();
				assert.notEqual(change.attempts[0].status, 200, 'the first delivery is answered non-200');
				const { logs, runs } = await settled(order.OrderID, before);
				const attempts = (await sandbox.deliveries()).filter((a) => a.OrderID === order.OrderID);
				assert.ok(attempts.at(-1).status === 200 && attempts.length >= 2, JSON.stringify(attempts));
				assert.equal(runs, 1, 'executions');
				assert.equal(logs.length, 1, 'logs');
			},
		);
	}

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
			n8n,
			executions: () => rest.executions(example.id),
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

module.exports = { checkOrders, orderCases };

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
