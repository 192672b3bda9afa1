'use strict';
/**
 * `npm run test:e2e`: each example workflow runs headless in real n8n (`n8n execute`) with the built
 * package installed as a community package, against the Neto sandbox; its output items and the
 * sandbox's store are checked; then the credential's Test button through n8n's own tester, n8n's AI
 * Agent calling the node as its tool (e2e-agent.js), the trigger workflows (e2e-trigger.js), and the
 * order example live, started by the sandbox's order notifications (e2e-orders.js).
 * `-- --n8n 1.123.81` picks another tested n8n version.
 * Ends with one line "e2e: N passed, N failed".
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const env = require('./n8n-env');
const kit = require('./e2e-toolkit');
const {
	holdsOrderTrigger,
	importCredentialAndExamples,
	executeWorkflow,
	startN8n,
	setupOwner,
	stopChild,
	n8nSync,
	SANDBOX_CREDENTIAL_ID,
} = require('./n8n-cli');
const trigger = require('./e2e-trigger');
const { checkWholeReadDurable } = require('./e2e-trigger-whole-read');
const agent = require('./e2e-agent');
const orders = require('./e2e-orders');

const VERSION = kit.arg('n8n', env.DEFAULT_N8N);
const suite = kit.suite('e2e', VERSION);
const N8N_PORT = kit.envPort('E2E_N8N_PORT', 5681);

/** The items a node put on an output of the run. */
function outputOf(run, nodeName, output = 0) {
	const task = run.data.resultData.runData[nodeName];
	assert.ok(task, `node "${nodeName}" did not run`);
	assert.equal(
		task[0].error,
		undefined,
		`node "${nodeName}" failed: ${JSON.stringify(task[0].error)}`,
	);
	return (task[0].data.main[output] ?? []).map((item) => item.json);
}

const CHECKS = {
	'update-status-from-list.json': async (run, sandbox) => {
		const out = outputOf(run, 'Update log');
		assert.deepEqual(
			out.map((json) => [json.LogID, json.Status, json.Ack]),
			[
				[1000, 'Completed', 'Success'],
				[1002, 'Recontacting', 'Success'],
			],
		);
		const logs = await sandbox.logs();
		const byId = new Map(logs.map((log) => [log.LogID, log]));
		assert.equal(byId.get(1000).Status, 'Completed');
		assert.equal(byId.get(1000).Notes, 'Bulk pricing sent');
		assert.equal(byId.get(1002).Status, 'Recontacting');
		assert.equal(byId.get(1001).Notes, 'Sent the catalogue');
	},
	'route-failed-items.json': async (run, sandbox) => {
		const added = outputOf(run, 'Added');
		const failed = outputOf(run, 'Failed');
		assert.deepEqual(
			added.map((json) => json.Username),
			['jsmith', 'tom_k'],
		);
		assert.equal(failed.length, 2);
		assert.match(failed[0].error.message, /^Item index 1: Customer not found/);
		assert.equal(failed[0].customer, 'no_such_customer');
		assert.match(
			failed[1].error.message,
			/^Item index 2: "Customer" \(Username\) is 40 characters long; Add allows at most 25/,
		);
		assert.equal(failed[1].error.field, 'Username');
		// One shape for every error item: the store's error and the node's refusal carry the same keys.
		assert.deepEqual(Object.keys(failed[0].error).sort(), Object.keys(failed[1].error).sort());
		assert.equal(failed[0].error.Ack, 'Error');
		const logs = await sandbox.logs();
		assert.equal(
			logs.filter(
				(log) => log.Notes === 'Unknown to the store' || log.Notes === 'Refused before sending',
			).length,
			0,
		);
		assert.equal(logs.filter((log) => log.Notes === 'Asked for a catalogue').length, 1);
	},
	'close-open-logs.json': async (run, sandbox) => {
		const open = outputOf(run, 'Get open logs');
		assert.deepEqual(
			open.map((json) => [json.Username, json.LogID, json.Status]),
			[['jsmith', 1000, 'Require Recontact']],
		);
		// Version 2 simplifies: one clean log, no repeated customer or LastContacted variants.
		assert.deepEqual(Object.keys(open[0]), trigger.SIMPLIFIED_LOG_KEYS);
		const done = outputOf(run, 'Mark done');
		assert.deepEqual(
			done.map((json) => [json.LogID, json.Status]),
			[[1000, 'Completed']],
		);
		const log = (await sandbox.logs()).find((entry) => entry.LogID === 1000);
		assert.equal(log.Status, 'Completed');
		assert.match(
			log.Notes,
			/^Asked about bulk pricing\n--- \d{4}-\d\d-\d\d \d\d:\d\d UTC ---\nClosed by n8n$/,
		);
	},
};

/**
 * The credential's Test button, through n8n's own credential tester (its REST endpoint, as the
 * editor calls it): the right key, a wrong key, a Store URL that is not Neto's API, a name not
 * found, a closed port, a bad scheme, plain http to another machine.
 */
async function checkCredentialTest(install, userFolder, sandbox) {
	const n8n = await startN8n(install, userFolder, N8N_PORT);
	try {
		const { cookie } = await setupOwner(n8n.url);
		const good = {
			storeUrl: sandbox.url,
			authType: 'apiKey',
			apiUsername: sandbox.credentials.apiUsername,
			apiKey: sandbox.credentials.apiKey,
		};
		const test = async (data) => {
			const response = await fetch(`${n8n.url}/rest/credentials/test`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', cookie },
				body: JSON.stringify({
					credentials: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox', type: 'netoApi', data },
				}),
			});
			assert.equal(response.status, 200);
			return (await response.json()).data;
		};
		assert.deepEqual(await test(good), { status: 'OK', message: 'Connection successful!' });
		const wrongKey = await test({ ...good, apiKey: 'not-the-key' });
		assert.equal(wrongKey.status, 'Error');
		assert.match(wrongKey.message, /^The store at .* refused these credentials/);
		const notNeto = await test({ ...good, storeUrl: n8n.url });
		assert.equal(notNeto.status, 'Error');
		assert.match(notNeto.message, /^No Neto API answer came from this Store URL/);
		const ftp = await test({ ...good, storeUrl: 'ftp://mystore.com.au' });
		assert.deepEqual(ftp, {
			status: 'Error',
			message: 'The Store URL must be a web address (http or https); "ftp:" is not supported',
		});
		// Network failures in words, naming the Store URL, never a bare ENOTFOUND or ECONNREFUSED.
		const unknownName = await test({ ...good, storeUrl: 'https://no-such-store.invalid' });
		assert.equal(unknownName.status, 'Error');
		assert.match(
			unknownName.message,
			/^No answer came from the Store URL https:\/\/no-such-store\.invalid\/do\/WS\/NetoAPI: the host name was not found/,
		);
		const closedPort = new URL(sandbox.url);
		closedPort.port = String(N8N_PORT + 100);
		const refused = await test({ ...good, storeUrl: closedPort.origin });
		assert.equal(refused.status, 'Error');
		assert.match(refused.message, /: the connection was refused/);
		// Port 9 (discard) is one fetch never connects to: still a refusal, in words.
		const port9 = await test({ ...good, storeUrl: 'http://127.0.0.1:9' });
		assert.equal(port9.status, 'Error');
		assert.match(port9.message, /: the connection was refused/);
		const plainHttp = await test({ ...good, storeUrl: 'http://mystore.com.au' });
		assert.equal(plainHttp.status, 'Error');
		assert.match(
			plainHttp.message,
			/^The Store URL "http:\/\/mystore\.com\.au" uses plain http, which would send the API key unencrypted/,
		);
	} finally {
		await stopChild(n8n.child);
	}
}

/**
 * A store that takes a request and never answers: the execution ends at the node's Request Time
 * Limit (2 s here), not at n8n's own 5 minutes, with the limit in words and the Store URL, and the
 * Add whose answer never came is not sent again (it may have been applied).
 */
async function checkSilentStore(install, userFolder, sandbox) {
	const workflow = {
		id: 'netoE2eSilentStore',
		name: 'Neto e2e: a silent store',
		active: false,
		settings: {},
		connections: { Start: { main: [[{ node: 'Add log', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: 's1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 's2',
				name: 'Add log',
				type: 'n8n-nodes-neto.netoCustomerLog',
				typeVersion: 2,
				position: [220, 0],
				// Continue (regular output): the item's outcome is read as a downstream node gets it.
				onError: 'continueRegularOutput',
				parameters: {
					operation: 'add',
					username: { __rl: true, mode: 'username', value: 'jsmith' },
					notes: 'Sent to a store that never answers',
					options: { requestTimeLimitSeconds: 2 },
				},
				credentials: { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } },
			},
		],
	};
	const file = path.join(userFolder, 'silent-store.json');
	fs.writeFileSync(file, JSON.stringify(workflow));
	n8nSync(install, userFolder, ['import:workflow', `--input=${file}`]);
	await sandbox.reset();
	await sandbox.injectFaults([{ kind: 'silent', action: 'AddCustomerLog', times: 10 }]);
	try {
		const started = Date.now();
		const run = executeWorkflow(install, userFolder, workflow.id);
		const seconds = Math.round((Date.now() - started) / 1000);
		const [item] = outputOf(run, 'Add log');
		assert.ok(item.error, `the Add did not fail: ${JSON.stringify(item)}`);
		assert.match(
			`${item.error.message} ${item.error.description ?? ''}`,
			new RegExp(
				`The store at ${sandbox.url.replace(/[.]/g, '\\.')}\\S* did not answer within 2 s`,
			),
		);
		const stats = await sandbox.stats();
		assert.equal(stats.byAction.AddCustomerLog, 1, 'the Add was sent again after its time-out');
		return `ended after ${seconds} s (n8n execute, start-up included)`;
	} finally {
		await sandbox.clearFaults();
	}
}

suite.main(async () => {
	const { install, tarball, userFolder, sandbox } = await kit.setUp({
		version: VERSION,
		prefix: 'neto-e2e-',
	});
	const workflows = importCredentialAndExamples(install, userFolder, sandbox);
	for (const workflow of workflows.filter(
		(example) => !trigger.isTriggerExample(example) && !holdsOrderTrigger(example),
	)) {
		await suite.check(workflow.file, async () => {
			const check = CHECKS[workflow.file];
			assert.ok(check, `no check is written for ${workflow.file}`);
			await sandbox.reset();
			const run = executeWorkflow(install, userFolder, workflow.id);
			assert.equal(
				run.data.resultData.error,
				undefined,
				`the run failed: ${JSON.stringify(run.data.resultData.error)}`,
			);
			await check(run, sandbox);
		});
	}
	await suite.check(
		"a silent store: the Add ends at the node's Request Time Limit, sent once",
		() => checkSilentStore(install, userFolder, sandbox),
	);
	await suite.check("credential test (n8n's tester)", () =>
		checkCredentialTest(install, userFolder, sandbox),
	);
	await suite.check('AI Agent with the node as its tool, scripted model (e2e-agent.js)', () =>
		agent.checkAgent(install, userFolder, sandbox),
	);
	await suite.check('trigger workflows, active and polling (e2e-trigger.js)', () =>
		trigger.checkTriggers(install, userFolder, sandbox, path.join(env.root, 'examples')),
	);
	await orders.checkOrders(install, userFolder, sandbox, suite.check);
	if (trigger.hasDurableScheduler(install.version))
		await suite.check(
			"trigger workflows under n8n's durable scheduler, each event once through a restart (e2e-trigger.js)",
			() => trigger.checkTriggersDurable(install, tarball, sandbox),
		);
	if (trigger.hasDurableScheduler(install.version))
		await suite.check(
			"a baseline of 3,004 customers at 1 s a page spread over polls under n8n's durable scheduler, each log once (e2e-trigger-whole-read.js)",
			async () => JSON.stringify(await checkWholeReadDurable(install, tarball)),
		);
});
