'use strict';
/**
 * The Neto Customer Log Trigger in real n8n, as `npm run test:e2e` runs it (scripts/e2e.js calls
 * checkTriggers): three active workflows polling every minute against the sandbox (New Log,
 * Log Updated, and the follow-ups-due example), logs added and changed through the sandbox's own
 * endpoints, and the executions n8n records, read through its REST API, hold exactly the expected
 * events: each once, none at activation, none at the poll after. About two minutes of waiting.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { n8nSync, setupOwner, startN8n, stopChild, SANDBOX_CREDENTIAL_ID } = require('./n8n-cli');

/** Examples that start from the trigger: e2e.js leaves them to checkTriggers instead of `n8n execute`. */
const TRIGGER_EXAMPLE = 'follow-ups-due-by-staff.json';
const EVERY_MINUTE = { item: [{ mode: 'everyMinute' }] };

function isTriggerExample(workflow) {
	return workflow.file === TRIGGER_EXAMPLE;
}

function triggerWorkflow(id, event) {
	return {
		id,
		name: `Neto trigger e2e: ${event}`,
		active: false,
		nodes: [
			{
				id: 't1',
				name: 'Trigger',
				type: 'n8n-nodes-neto.netoCustomerLogTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: EVERY_MINUTE, event },
				credentials: { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** The workflows made active: the example (polling every minute here) and one per other event. */
function workflowsToActivate(examples) {
	const example = JSON.parse(fs.readFileSync(path.join(examples, TRIGGER_EXAMPLE), 'utf8'));
	example.nodes.find((node) => node.type === 'n8n-nodes-neto.netoCustomerLogTrigger').parameters.pollTimes = EVERY_MINUTE;
	return [example, triggerWorkflow('netoE2eNewLog', 'newLog'), triggerWorkflow('netoE2eLogUpdated', 'logUpdated')];
}

function activate(install, userFolder, id) {
	// n8n 2.x publishes a version of the workflow; 1.x sets its active flag.
	const major = Number(String(install.version).split('.')[0]);
	n8nSync(install, userFolder, major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
}

async function waitFor(what, check, timeoutMs) {
	const started = Date.now();
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

/** n8n's REST API with the owner's session; executions' data come back in flatted form. */
function restClient(install, n8n, cookie) {
	const flatted = require(path.join(path.dirname(install.n8n), '..', '..', 'flatted'));
	const get = async (route) => {
		const response = await fetch(`${n8n.url}/rest${route}`, { headers: { cookie } });
		assert.equal(response.status, 200, `GET ${route}: ${response.status}`);
		return (await response.json()).data;
	};
	return {
		async executions(workflowId) {
			const list = await get(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
			return list.results;
		},
		/** The items one node of a recorded execution output. */
		async output(executionId, nodeName) {
			const execution = await get(`/executions/${executionId}`);
			const data = typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
			const task = data.resultData.runData[nodeName];
			assert.ok(task, `execution ${executionId} did not run "${nodeName}"`);
			return task[0].data.main[0].map((item) => item.json);
		},
	};
}

/**
 * One staff member's item of the follow-ups example as [LogID, customer, notes] per log, read
 * position by position from its lists: they must all be as long as the LogIDs, so that each log
 * stands beside its own notes, whatever is empty (an empty value kept may come as null).
 */
function staffLogs(json) {
	for (const list of ['appended_Username', 'appended_DateRequiredFollowUp', 'appended_Notes']) {
		assert.equal(json[list].length, json.appended_LogID.length, `${json.AllocatedTo}: ${list} does not line up with appended_LogID: ${JSON.stringify(json)}`);
	}
	return json.appended_LogID.map((id, at) => [id, json.appended_Username[at], json.appended_Notes[at] ?? '']).sort();
}

async function checkTriggers(install, userFolder, sandbox, examples) {
	await sandbox.reset();
	const workflows = workflowsToActivate(examples);
	const file = path.join(userFolder, 'trigger-workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	n8nSync(install, userFolder, ['import:workflow', `--input=${file}`]);
	for (const workflow of workflows) activate(install, userFolder, workflow.id);
	// The suite's credential test may have set up n8n's owner in this user folder already.
	n8nSync(install, userFolder, ['user-management:reset']);

	const gets = async () => (await sandbox.stats()).byAction.GetCustomer ?? 0;
	const n8n = await startN8n(install, userFolder, Number(process.env.E2E_TRIGGER_N8N_PORT || 5682));
	try {
		const { cookie } = await setupOwner(n8n.url);
		const rest = restClient(install, n8n, cookie);
		// Each activation polls once (the baseline) before the first scheduled poll.
		await waitFor('the three baselines', async () => (await gets()) >= workflows.length, 120_000);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const today = new Date().toISOString().slice(0, 10);
		const send = async (method, route, body) => {
			const response = await fetch(`${sandbox.url}/__sandbox/logs${route}`, { method, body: JSON.stringify(body) });
			assert.equal(response.status, 200);
			return response.json();
		};
		const due = `${today} 00:00:00`;
		const forSam = await send('POST', '', { Username: 'tom_k', AllocatedTo: 'Sam', Status: 'Require Recontact', Notes: 'Call about the order', DateRequiredFollowUp: due });
		// No notes: n8n's Summarize leaves empty values out of its lists unless told to keep them.
		const alsoSam = await send('POST', '', { Username: 'ellie.w', AllocatedTo: 'Sam', Status: 'Recontacting', Notes: '', DateRequiredFollowUp: due });
		await send('PATCH', '/1002', { DateRequiredFollowUp: due, Notes: 'Moved to today' });

		const executionsOf = async (id) => rest.executions(id);
		await waitFor('an execution of each workflow', async () => {
			const counts = await Promise.all(workflows.map(async (workflow) => (await executionsOf(workflow.id)).length));
			return counts.every((count) => count > 0);
		}, 150_000);
		// One more scheduled poll of every workflow: it must emit nothing.
		const polled = await gets();
		await waitFor('the next poll of every workflow', async () => (await gets()) >= polled + workflows.length, 90_000);
		await new Promise((resolve) => setTimeout(resolve, 3000));

		const only = async (workflow) => {
			const executions = await executionsOf(workflow.id);
			assert.equal(executions.length, 1, `${workflow.name}: ${executions.length} executions`);
			assert.equal(executions[0].status, 'success', `${workflow.name}: ${JSON.stringify(executions[0])}`);
			return executions[0].id;
		};
		const [example, newLog, logUpdated] = workflows;
		const added = await rest.output(await only(newLog), 'Trigger');
		assert.deepEqual(added.map((json) => [json.event, json.LogID, json.Username]).sort(), [
			['newLog', forSam.LogID, 'tom_k'],
			['newLog', alsoSam.LogID, 'ellie.w'],
		].sort());
		const updated = await rest.output(await only(logUpdated), 'Trigger');
		assert.deepEqual(updated.map((json) => [json.event, json.LogID, json.changedFields, json.previous]), [
			['logUpdated', 1002, ['DateRequiredFollowUp', 'Notes'], { DateRequiredFollowUp: '2026-03-10', Notes: '' }],
		]);
		const executionId = await only(example);
		const dueItems = await rest.output(executionId, 'Follow-ups due');
		assert.deepEqual(dueItems.map((json) => [json.event, json.LogID]).sort(), [['followUpDue', 1002], ['followUpDue', forSam.LogID], ['followUpDue', alsoSam.LogID]].sort());
		const perStaff = await rest.output(executionId, 'One item per staff member');
		assert.deepEqual(
			perStaff.map((json) => [json.AllocatedTo, staffLogs(json)]).sort(),
			[
				['Priya', [[1002, 'acme_buyer', 'Moved to today']]],
				['Sam', [[forSam.LogID, 'tom_k', 'Call about the order'], [alsoSam.LogID, 'ellie.w', '']].sort()],
			],
		);
	} finally {
		await stopChild(n8n.child);
	}
}

module.exports = { activate, checkTriggers, isTriggerExample };

/** `node scripts/e2e-trigger.js [--n8n <version>]`: this check alone (npm run test:e2e runs it too). */
if (require.main === module) {
	const os = require('node:os');
	const env = require('./n8n-env');
	const { importCredentialAndExamples } = require('./n8n-cli');
	const { startSandboxProcess } = require('./sandbox-process');
	const versionArg = process.argv.indexOf('--n8n');
	const version = versionArg > 0 ? process.argv[versionArg + 1] : env.DEFAULT_N8N;
	(async () => {
		const install = env.ensureN8n(version);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'neto-e2e-trigger-'));
		env.installPackage(env.buildAndPack(), userFolder);
		const sandbox = await startSandboxProcess();
		try {
			importCredentialAndExamples(install, userFolder, sandbox);
			await checkTriggers(install, userFolder, sandbox, path.join(env.root, 'examples'));
			process.stdout.write(`ok   trigger workflows on n8n ${version}\n`);
		} finally {
			sandbox.stop();
			fs.rmSync(userFolder, { recursive: true, force: true });
		}
	})().catch((error) => {
		process.stdout.write(`FAIL trigger workflows on n8n ${version}: ${error.stack || error}\n`);
		process.exitCode = 1;
	});
}
