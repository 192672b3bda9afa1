'use strict';
/**
 * `npm run bench -- --orders`: a sale's burst of order notifications into real n8n (`n8n start`).
 * The sandbox store changes the status of `count` orders within `seconds` (evenly spaced), each
 * notification POSTed as Neto does, twice over: first to n8n's own Webhook node (answering on
 * receipt, followed by a No Op), the baseline, then with the same posts to the order example's Neto
 * Order Trigger (which answers on receipt too; its run then reads the order with GetOrder in the
 * trigger's own step, waiting for the account's budget there, and adds a log to its customer). The
 * answer time of each POST is the store's (request sent to answer received); "runs done after" is
 * when the last of the trigger's logs reached the store, from the burst's first post. Checked: each
 * event started exactly one execution (n8n's REST API) and added one log, no request was answered
 * 429, every notification was answered 200 the first time. The figures go in docs/performance.md.
 */
const fs = require('node:fs');
const path = require('node:path');

const env = require('../scripts/n8n-env');
const {
	activate,
	exampleWorkflows,
	importSandboxCredential,
	n8nSync,
	orderTriggerExample,
	orderWebhookUrl,
	setupOwner,
	startN8n,
	stopChild,
} = require('../scripts/n8n-cli');
const kit = require('../scripts/e2e-toolkit');
const { startSandboxProcess } = require('../scripts/sandbox-process');

const RATE_LIMIT = 500;
const WEBHOOK_WORKFLOW_ID = 'benchOrderWebhookNode';
const WEBHOOK_PATH = 'bench-order-webhook';
const CUSTOMERS = ['jsmith', 'acme_buyer', 'ellie.w', 'tom_k'];

/** n8n's own Webhook node with the same posts: answers on receipt; a No Op after it. */
function webhookNodeWorkflow() {
	return {
		id: WEBHOOK_WORKFLOW_ID,
		name: "Bench: n8n's Webhook node",
		active: false,
		nodes: [
			{
				id: 'w1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '3b1d9f0e-7c2a-4e55-9a10-b3e0c0f0a001',
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, options: {} },
			},
			{
				id: 'w2',
				name: 'No Op',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'No Op', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Changes each order's status, one every seconds/count; resolves with every change's answer. */
async function burst(sandbox, orderIds, seconds, OrderStatus) {
	const spacing = (seconds * 1000) / orderIds.length;
	const started = Date.now();
	const changes = [];
	for (const [n, orderId] of orderIds.entries()) {
		const due = started + n * spacing;
		if (due > Date.now()) await kit.sleep(due - Date.now());
		changes.push(sandbox.changeOrder(orderId, { OrderStatus }));
	}
	const answers = await Promise.all(changes);
	return { answers, wallMs: Date.now() - started };
}

function quantile(sorted, q) {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function timing(answers) {
	const ms = answers.map((answer) => answer.attempts[0].ms).sort((a, b) => a - b);
	return {
		median: quantile(ms, 0.5),
		p95: quantile(ms, 0.95),
		worst: ms.at(-1),
		statuses: answers.reduce((counts, answer) => {
			const status = answer.attempts[0].status;
			counts[status] = (counts[status] ?? 0) + 1;
			return counts;
		}, {}),
	};
}

/**
 * The order example as the burst's trigger workflow; `variant` takes work out of its runs to see
 * where the answer time goes: `orderDetails: false` (no GetOrder), `withAdd: false` (the trigger
 * alone, no Customer Log Add).
 */
function triggerWorkflow({ orderDetails, withAdd }) {
	if (!orderDetails && withAdd)
		throw new Error(
			"The example's Add takes the Username GetOrder gives: use --order-details off with --no-add",
		);
	const example = orderTriggerExample(exampleWorkflows());
	const trigger = example.nodes.find((node) => node.type.endsWith('.netoOrderTrigger'));
	if (!orderDetails)
		trigger.parameters.options = { ...trigger.parameters.options, orderDetails: false };
	if (!withAdd) {
		example.nodes = [trigger];
		example.connections = {};
	}
	return example;
}

async function orderBurst({
	version,
	count,
	seconds,
	portBase,
	orderDetails = true,
	withAdd = true,
}) {
	const install = env.ensureN8n(version);
	const work = path.join(env.cache, 'bench-orders');
	const userFolder = path.join(work, 'n8n-user');
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const sandbox = await startSandboxProcess({ port: portBase + 6, rateLimit: RATE_LIMIT });
	let n8n;
	try {
		env.installPackage(env.buildAndPack(), userFolder);
		importSandboxCredential(install, userFolder, sandbox);
		const example = triggerWorkflow({ orderDetails, withAdd });
		const file = path.join(work, 'workflows.json');
		fs.writeFileSync(file, JSON.stringify([example, webhookNodeWorkflow()]));
		n8nSync(install, userFolder, ['import:workflow', `--input=${file}`]);
		activate(install, userFolder, example.id);
		activate(install, userFolder, WEBHOOK_WORKFLOW_ID);
		const orderIds = [];
		for (let n = 0; n < count; n++)
			orderIds.push(
				(await sandbox.addOrder({ Username: CUSTOMERS[n % CUSTOMERS.length] })).order.OrderID,
			);

		n8n = await startN8n(install, userFolder, portBase + 7, {
			env: { N8N_RUNNERS_BROKER_PORT: String(portBase + 8) },
		});
		const { cookie } = await setupOwner(n8n.url);
		/** How many executions of a workflow n8n recorded (its list's count), or of them in `status`. */
		const executions = async (workflowId, status) => {
			const filter = encodeURIComponent(
				JSON.stringify(status ? { workflowId, status: [status] } : { workflowId }),
			);
			const response = await fetch(`${n8n.url}/rest/executions?limit=1&filter=${filter}`, {
				headers: { cookie },
			});
			const body = await response.json();
			if (!response.ok || !body.data)
				throw new Error(
					`n8n's executions list answered ${response.status}: ${JSON.stringify(body)}`,
				);
			return body.data.count;
		};
		const base = n8n.url.replace('localhost', '127.0.0.1');
		// n8n registers live webhooks just after its editor is up: wait until the trigger answers
		// (a post without a token: refused, nothing started).
		await kit.waitFor(
			'the live webhooks',
			async () => (await fetch(orderWebhookUrl(base, example), { method: 'POST' })).status !== 404,
			60_000,
		);

		// n8n's Webhook node first, the baseline, on a quiet n8n; then the trigger.
		await sandbox.notifyTo({ url: `${base}/webhook/${WEBHOOK_PATH}`, redeliverAfterMs: 60_000 });
		const webhookNode = await burst(sandbox, orderIds, seconds, 'Pick');
		await kit.waitFor(
			'the Webhook node executions',
			async () => (await executions(WEBHOOK_WORKFLOW_ID)) >= count,
			300_000,
		);
		const webhookRuns = await executions(WEBHOOK_WORKFLOW_ID);
		const beforeTrigger = (await sandbox.deliveries()).length;

		// Neto delivers again "at a later time": a minute here.
		await sandbox.notifyTo({
			url: orderWebhookUrl(base, example),
			token: sandbox.credentials.webhookVerifyToken,
			redeliverAfterMs: 60_000,
		});
		const triggerStarted = Date.now();
		const trigger = await burst(sandbox, orderIds, seconds, 'Dispatched');
		// The orders are read and the logs added in the runs, after the answers: when the last
		// log came (to the poll's second) is when the burst's store work was done; without the Add
		// node, when n8n recorded the last run as succeeded.
		await kit.waitFor(
			withAdd ? `${count} logs` : `${count} succeeded runs`,
			async () =>
				withAdd
					? (await sandbox.logs()).length >= 3 + count
					: (await executions(example.id, 'success')) >= count,
			300_000,
		);
		const runsDoneMs = Date.now() - triggerStarted;
		await kit.sleep(5000);
		const logs = (await sandbox.logs()).slice(3);
		const perOrder = new Map(orderIds.map((id) => [id, 0]));
		for (const log of logs) {
			const id = /N\d+/.exec(log.Notes)?.[0];
			if (perOrder.has(id)) perOrder.set(id, perOrder.get(id) + 1);
		}
		const triggerRuns = await executions(example.id);
		const stats = await sandbox.stats();
		// n8n's peak memory over both bursts (Linux: VmHWM of its process).
		const peak = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${n8n.child.pid}/status`, 'utf8'));
		const deliveries = (await sandbox.deliveries()).slice(beforeTrigger);
		return {
			version,
			count,
			seconds,
			orderDetails,
			withAdd,
			trigger: {
				...timing(trigger.answers),
				wallMs: trigger.wallMs,
				runs: triggerRuns,
				runsDoneMs,
			},
			webhookNode: {
				...timing(webhookNode.answers),
				wallMs: webhookNode.wallMs,
				runs: webhookRuns,
			},
			logsOnce: [...perOrder.values()].filter((n) => n === 1).length,
			logsTwice: [...perOrder.values()].filter((n) => n > 1).length,
			redelivered: deliveries.filter((d) => d.attempt > 1).length,
			requests: stats.byAction,
			answered429: stats.byStatus?.['429'] ?? 0,
			n8nPeakMb: peak ? Math.round(Number(peak[1]) / 1024) : undefined,
		};
	} finally {
		if (n8n) await stopChild(n8n.child);
		sandbox.child.kill('SIGKILL');
	}
}

const ms = (value) => `${value.toFixed(0)} ms`;

function orderReport(f) {
	const seconds = (value) => `${(value / 1000).toFixed(1)} s`;
	const row = (what, t) =>
		`| ${what} | ${ms(t.median)} | ${ms(t.p95)} | ${ms(t.worst)} | ${JSON.stringify(t.statuses)} | ${t.runs} | ${seconds(t.wallMs)} | ${t.runsDoneMs === undefined ? '(no store work)' : seconds(t.runsDoneMs)} |`;
	return [
		`Real n8n ${f.version} (\`n8n start\`, regular mode), a sale's burst: ${f.count} order notifications in ${f.seconds} s, each order its own event.`,
		'',
		'| receiver | answer: median | p95 | worst | statuses answered | executions | last answer after | runs done after |',
		'|---|---:|---:|---:|---|---:|---:|---:|',
		row("n8n's Webhook node (answers on receipt)", f.webhookNode),
		row(
			`Neto Order Trigger (answers on receipt; ${f.orderDetails ? 'GetOrder in the run' : 'Order Details off'}${f.withAdd ? '' : ', no Add node'})`,
			f.trigger,
		),
		'',
		f.withAdd
			? `Each event once: ${f.logsOnce} of ${f.count} orders got exactly one log, ${f.logsTwice} more than one; ${f.redelivered} notifications were delivered again.`
			: `No Add node (no logs to count): ${f.trigger.runs} executions of the trigger for ${f.count} events; ${f.redelivered} notifications were delivered again.`,
		`Store requests: ${JSON.stringify(f.requests)}; answered 429: ${f.answered429}. n8n's peak RSS: ${f.n8nPeakMb ?? '?'} MB.`,
	];
}

module.exports = { orderBurst, orderReport };
