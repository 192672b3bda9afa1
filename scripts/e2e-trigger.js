'use strict';
/**
 * The Neto Customer Log Trigger in real n8n, as `npm run test:e2e` runs it (scripts/e2e.js calls
 * checkTriggers): three active workflows with the default scope (Every Customer) polling every
 * minute against the sandbox, which enforces the vendor pages' rules (New Log, Log Updated, and the
 * follow-ups-due example), in a workflow timezone east of UTC (Australia/Sydney); logs added and
 * changed through the sandbox's own endpoints, and the executions n8n records, read through its
 * REST API, hold exactly the expected events: each once, none at activation, none at the poll
 * after. Then n8n restarts while the sandbox answers 503 to everything: the workflows stay active,
 * and once the sandbox answers again the log added during the outage is emitted once. About four
 * minutes of waiting.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const kit = require('./e2e-toolkit');
const {
	activate,
	importSandboxCredential,
	n8nSync,
	setupOwner,
	startN8n,
	stopChild,
	SANDBOX_CREDENTIAL_ID,
} = require('./n8n-cli');

/** Examples that start from the trigger: e2e.js leaves them to checkTriggers instead of `n8n execute`. */
const TRIGGER_EXAMPLE = 'follow-ups-due-by-staff.json';
const EVERY_MINUTE = { item: [{ mode: 'everyMinute' }] };
/** The workflows' timezone: Follow-Up Due fires when a log's day begins there. */
const TIMEZONE = 'Australia/Sydney';

function isTriggerExample(workflow) {
	return workflow.file === TRIGGER_EXAMPLE;
}

/** A workflow of the trigger alone; version 1 unless given (as saved before version 2). */
function triggerWorkflow(id, event, typeVersion = 1) {
	return {
		id,
		name: `Neto trigger e2e: ${event}`,
		active: false,
		nodes: [
			{
				id: 't1',
				name: 'Trigger',
				type: 'n8n-nodes-neto.netoCustomerLogTrigger',
				typeVersion,
				position: [0, 0],
				parameters: { pollTimes: EVERY_MINUTE, event },
				credentials: { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1', timezone: TIMEZONE },
	};
}

/** The workflows made active: the example (polling every minute here) and one per other event. */
function workflowsToActivate(examples) {
	const example = JSON.parse(fs.readFileSync(path.join(examples, TRIGGER_EXAMPLE), 'utf8'));
	example.nodes.find(
		(node) => node.type === 'n8n-nodes-neto.netoCustomerLogTrigger',
	).parameters.pollTimes = EVERY_MINUTE;
	example.settings = { ...(example.settings ?? {}), timezone: TIMEZONE };
	return [
		example,
		triggerWorkflow('netoE2eNewLog', 'newLog'),
		triggerWorkflow('netoE2eLogUpdated', 'logUpdated'),
	];
}

/** n8n's REST API with the owner's session; executions' data come back in flatted form. */
function restClient(install, n8n, cookie) {
	const flatted = require(path.join(path.dirname(install.n8n), '..', '..', 'flatted'));
	const get = async (route) => {
		const response = await fetch(`${n8n.url}/rest${route}`, { headers: { cookie } });
		assert.equal(response.status, 200, `GET ${route}: ${response.status}`);
		return (await response.json()).data;
	};
	/** One recorded execution, its run data parsed (n8n sends it flatted). */
	const execution = async (executionId) => {
		const found = await get(`/executions/${executionId}`);
		return {
			...found,
			data: typeof found.data === 'string' ? flatted.parse(found.data) : found.data,
		};
	};
	return {
		execution,
		/**
		 * n8n's Retry of a failed execution, as the Executions list's "Retry with original workflow"
		 * sends it; resolves with n8n's answer ({ status, body }) whether it retried or refused.
		 */
		async retry(executionId) {
			const response = await fetch(`${n8n.url}/rest/executions/${executionId}/retry`, {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/json' },
				body: JSON.stringify({ loadWorkflow: false }),
			});
			const text = await response.text();
			let body = text;
			try {
				body = JSON.parse(text);
			} catch {
				/* not JSON: kept as text for the failure message */
			}
			return { status: response.status, body };
		},
		async executions(workflowId) {
			const list = await get(
				`/executions?limit=100&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
			);
			return list.results;
		},
		/** The items one node of a recorded execution output. */
		async output(executionId, nodeName) {
			const { data } = await execution(executionId);
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
		assert.equal(
			json[list].length,
			json.appended_LogID.length,
			`${json.AllocatedTo}: ${list} does not line up with appended_LogID: ${JSON.stringify(json)}`,
		);
	}
	return json.appended_LogID
		.map((id, at) => [id, json.appended_Username[at], json.appended_Notes[at] ?? ''])
		.sort();
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
	const n8n = await startN8n(install, userFolder, kit.envPort('E2E_TRIGGER_N8N_PORT', 5682));
	try {
		const { cookie } = await setupOwner(n8n.url);
		const rest = restClient(install, n8n, cookie);
		// Each activation polls once (the baseline) before the first scheduled poll.
		await kit.waitFor(
			'the three baselines',
			async () => (await gets()) >= workflows.length,
			120_000,
		);
		await kit.sleep(2000);
		// A day that has begun in the workflows' timezone (in UTC it may still be the day before).
		const due = `${kit.dayIn(TIMEZONE)} 00:00:00`;
		const send = sendLog(sandbox);
		const forSam = await send('POST', '', {
			Username: 'tom_k',
			AllocatedTo: 'Sam',
			Status: 'Require Recontact',
			Notes: 'Call about the order',
			DateRequiredFollowUp: due,
		});
		// No notes: n8n's Summarize leaves empty values out of its lists unless told to keep them.
		const alsoSam = await send('POST', '', {
			Username: 'ellie.w',
			AllocatedTo: 'Sam',
			Status: 'Recontacting',
			Notes: '',
			DateRequiredFollowUp: due,
		});
		await send('PATCH', '/1002', { DateRequiredFollowUp: due, Notes: 'Moved to today' });

		const executionsOf = async (id) => rest.executions(id);
		await kit.waitFor(
			'an execution of each workflow',
			async () => {
				const counts = await Promise.all(
					workflows.map(async (workflow) => (await executionsOf(workflow.id)).length),
				);
				return counts.every((count) => count > 0);
			},
			150_000,
		);
		// One more scheduled poll of every workflow: it must emit nothing.
		const polled = await gets();
		await kit.waitFor(
			'the next poll of every workflow',
			async () => (await gets()) >= polled + workflows.length,
			90_000,
		);
		await kit.sleep(3000);

		const only = async (workflow) => {
			const executions = await executionsOf(workflow.id);
			assert.equal(executions.length, 1, `${workflow.name}: ${executions.length} executions`);
			assert.equal(
				executions[0].status,
				'success',
				`${workflow.name}: ${JSON.stringify(executions[0])}`,
			);
			return executions[0].id;
		};
		// Every request the node sent followed the vendor pages' rules: the sandbox refused none.
		assert.equal(
			(await sandbox.stats()).brokeRule,
			0,
			'the sandbox refused a request that broke a documented rule',
		);
		const [example, newLog, logUpdated] = workflows;
		const added = await rest.output(await only(newLog), 'Trigger');
		assert.deepEqual(
			added.map((json) => [json.event, json.LogID, json.Username]).sort(),
			[
				['newLog', forSam.LogID, 'tom_k'],
				['newLog', alsoSam.LogID, 'ellie.w'],
			].sort(),
		);
		const updated = await rest.output(await only(logUpdated), 'Trigger');
		assert.deepEqual(
			updated.map((json) => [json.event, json.LogID, json.changedFields, json.previous]),
			[
				[
					'logUpdated',
					1002,
					['DateRequiredFollowUp', 'Notes'],
					{ DateRequiredFollowUp: '2026-03-10', Notes: '' },
				],
			],
		);
		const executionId = await only(example);
		const dueItems = await rest.output(executionId, 'Follow-ups due');
		assert.deepEqual(
			dueItems.map((json) => [json.event, json.LogID]).sort(),
			[
				['followUpDue', 1002],
				['followUpDue', forSam.LogID],
				['followUpDue', alsoSam.LogID],
			].sort(),
		);
		const perStaff = await rest.output(executionId, 'One item per staff member');
		assert.deepEqual(perStaff.map((json) => [json.AllocatedTo, staffLogs(json)]).sort(), [
			['Priya', [[1002, 'acme_buyer', 'Moved to today']]],
			[
				'Sam',
				[
					[forSam.LogID, 'tom_k', 'Call about the order'],
					[alsoSam.LogID, 'ellie.w', ''],
				].sort(),
			],
		]);
	} finally {
		await stopChild(n8n.child);
	}
	await checkRestartDuringOutage(install, userFolder, sandbox, workflows);
}

/** Adds (POST '') or changes (PATCH '/<LogID>') a log through the sandbox's own endpoint. */
function sendLog(sandbox) {
	return async (method, route, body) => {
		const response = await fetch(`${sandbox.url}/__sandbox/logs${route}`, {
			method,
			body: JSON.stringify(body),
		});
		assert.equal(response.status, 200);
		return response.json();
	};
}

/**
 * n8n starts while the store answers 503 to every request: each workflow's poll at activation
 * fails, and the workflows must stay active (n8n gives up on a workflow whose activation poll
 * throws). When the store answers again, the log added during the outage comes out once.
 */
async function checkRestartDuringOutage(install, userFolder, sandbox, workflows) {
	const [, newLog] = workflows;
	await sandbox.injectFaults([{ kind: 'status', status: 503, times: 1_000_000 }]);
	const unavailable = async () => (await sandbox.stats()).byStatus['503'] ?? 0;
	const during = await sendLog(sandbox)('POST', '', {
		Username: 'acme_buyer',
		AllocatedTo: 'Priya',
		Status: 'Require Recontact',
		Notes: 'Added while the store was down',
	});
	n8nSync(install, userFolder, ['user-management:reset']);
	const n8n = await startN8n(install, userFolder, kit.envPort('E2E_TRIGGER_N8N_PORT', 5682));
	try {
		const { cookie } = await setupOwner(n8n.url);
		const rest = restClient(install, n8n, cookie);
		const successes = async (workflow) =>
			(await rest.executions(workflow.id)).filter((execution) => execution.status === 'success');
		const before = await Promise.all(
			workflows.map(async (workflow) => (await successes(workflow)).length),
		);
		// Every workflow's activation poll met the outage (each read is tried four times).
		await kit.waitFor(
			'the activation polls to meet the outage',
			async () => (await unavailable()) >= workflows.length * 4,
			120_000,
		);
		// And the first scheduled poll after it too, so the polling went on through the outage.
		const atActivation = await unavailable();
		await kit.waitFor(
			'a scheduled poll during the outage',
			async () => (await unavailable()) > atActivation,
			90_000,
		);
		await sandbox.clearFaults();
		await kit.waitFor(
			'the log added during the outage',
			async () => (await successes(newLog)).length > before[1],
			150_000,
		);
		const polled = (await sandbox.stats()).byAction.GetCustomer ?? 0;
		await kit.waitFor(
			'the next poll of every workflow',
			async () => ((await sandbox.stats()).byAction.GetCustomer ?? 0) >= polled + workflows.length,
			90_000,
		);
		await kit.sleep(3000);
		const after = await Promise.all(workflows.map(async (workflow) => await successes(workflow)));
		assert.deepEqual(
			after.map((list, index) => list.length - before[index]),
			[0, 1, 0],
			'new executions per workflow after the outage',
		);
		const emitted = await rest.output(after[1][0].id, 'Trigger');
		assert.deepEqual(
			emitted.map((json) => [json.event, json.LogID, json.Username]),
			[['newLog', during.LogID, 'acme_buyer']],
		);
		assert.equal(
			(await sandbox.stats()).brokeRule,
			0,
			'the sandbox refused a request that broke a documented rule',
		);
	} finally {
		await sandbox.clearFaults();
		await stopChild(n8n.child);
	}
}

/**
 * n8n's durable scheduler (2.36+): polls run as scheduler tasks, and the trigger's static data is
 * committed in one transaction with the execution a poll starts (durable poll cursors).
 */
const DURABLE_SCHEDULER_ENV = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	// Debug, to see in n8n's log that the scheduler's poll task handler ran the polls.
	N8N_LOG_LEVEL: 'debug',
};
/** A simplified log's keys, as Get Many gives them (an event's own fields follow). */
const SIMPLIFIED_LOG_KEYS = [
	'LogID',
	'AllocatedTo',
	'Username',
	'LastContacted',
	'DateRequiredFollowUp',
	'Status',
	'Notes',
	'iso',
];
const SIMPLIFIED_KEYS = [...SIMPLIFIED_LOG_KEYS, 'event'];
/** What n8n's scheduler logs when a poll it ran handed its items to an execution, or had none. */
const SCHEDULER_DISPATCHED = 'Poll returned new data; handed off to a new execution';
const SCHEDULER_POLLED =
	/Poll returned (?:no new data; nothing to hand off|new data; handed off to a new execution)/;

/** Signs the owner in again (after a restart, n8n's owner exists already). */
async function signIn(n8nUrl, owner) {
	const response = await fetch(`${n8nUrl}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	assert.equal(response.status, 200, `sign-in failed: ${response.status} ${await response.text()}`);
	return response.headers.get('set-cookie').split(';')[0];
}

/**
 * The trigger under n8n's durable scheduler, through a restart, in a user folder of its own: three
 * workflows (New Log, Log Updated, Follow-Up Due) polling every minute; events before the restart,
 * events made while n8n is stopped, and after it started again each event is in exactly one
 * execution, none at activation, none at the polls after. n8n 2.x only (1.x has no scheduler).
 */
async function checkTriggersDurable(install, tarball, sandbox) {
	const userFolder = kit.newUserFolder(tarball, 'neto-e2e-durable-');
	const children = [];
	try {
		await sandbox.reset();
		importSandboxCredential(install, userFolder, sandbox);
		// Version 2, as a new node is: items simplified by default, as Get Many's are.
		const workflows = [
			triggerWorkflow('netoDurableNewLog', 'newLog', 2),
			triggerWorkflow('netoDurableLogUpdated', 'logUpdated', 2),
			triggerWorkflow('netoDurableFollowUpDue', 'followUpDue', 2),
		];
		const file = path.join(userFolder, 'durable-workflows.json');
		fs.writeFileSync(file, JSON.stringify(workflows));
		n8nSync(install, userFolder, ['import:workflow', `--input=${file}`], DURABLE_SCHEDULER_ENV);
		for (const workflow of workflows)
			n8nSync(
				install,
				userFolder,
				['publish:workflow', `--id=${workflow.id}`],
				DURABLE_SCHEDULER_ENV,
			);

		const port = kit.envPort('E2E_DURABLE_N8N_PORT', 5683);
		const gets = async () => (await sandbox.stats()).byAction.GetCustomer ?? 0;
		const send = sendLog(sandbox);
		const today = `${new Date().toISOString().slice(0, 10)} 00:00:00`;
		const logFile = (run) => path.join(userFolder, `n8n-${run}.log`);

		// First run: the baselines, then one of each event.
		let n8n = await startN8n(install, userFolder, port, {
			env: DURABLE_SCHEDULER_ENV,
			logFile: logFile(1),
		});
		children.push(n8n.child);
		const { cookie, owner } = await setupOwner(n8n.url);
		let rest = restClient(install, n8n, cookie);
		const counts = async () =>
			Promise.all(workflows.map(async (workflow) => (await rest.executions(workflow.id)).length));
		// n8n polls each workflow once when it activates it, but under the durable scheduler it keeps
		// nothing that poll stored: the baseline is each workflow's first scheduled poll.
		const scheduledPolls = () =>
			fs.readFileSync(logFile(1), 'utf8').split(SCHEDULER_POLLED).length - 1;
		await kit.waitFor(
			"the three baselines (each workflow's first scheduled poll)",
			async () => scheduledPolls() >= workflows.length,
			180_000,
		);
		await kit.sleep(2000);
		const before = await send('POST', '', {
			Username: 'tom_k',
			AllocatedTo: 'Sam',
			Status: 'Require Recontact',
			Notes: 'Before the restart',
			DateRequiredFollowUp: today,
		});
		await send('PATCH', '/1002', { Notes: 'Changed before the restart' });
		await kit.waitFor(
			'an execution of each workflow, finished',
			async () => {
				const lists = await Promise.all(workflows.map((workflow) => rest.executions(workflow.id)));
				return lists.every(
					(list) => list.length >= 1 && list.every((execution) => execution.status === 'success'),
				);
			},
			180_000,
		);
		await stopChild(n8n.child);

		// While n8n is stopped: one more of each event.
		const whileDown = await send('POST', '', {
			Username: 'ellie.w',
			AllocatedTo: 'Priya',
			Status: 'Recontacting',
			Notes: 'While n8n was stopped',
			DateRequiredFollowUp: today,
		});
		await send('PATCH', '/1001', { Status: 'Recontacting' });
		await send('PATCH', '/1000', { DateRequiredFollowUp: today }); // long overdue, fired at the baseline: due again today

		// Second run: those come once; the polls after emit nothing.
		n8n = await startN8n(install, userFolder, port, {
			env: DURABLE_SCHEDULER_ENV,
			logFile: logFile(2),
		});
		children.push(n8n.child);
		rest = restClient(install, n8n, await signIn(n8n.url, owner));
		await kit.waitFor(
			'a second execution of each workflow',
			async () => (await counts()).every((count) => count >= 2),
			240_000,
		);
		const polled = await gets();
		await kit.waitFor(
			'two more polls of every workflow',
			async () => (await gets()) >= polled + 2 * workflows.length,
			180_000,
		);
		await kit.sleep(3000);

		const events = async (workflow) => {
			const executions = await rest.executions(workflow.id);
			assert.equal(
				executions.length,
				2,
				`${workflow.name}: ${executions.length} executions, expected one before and one after the restart`,
			);
			const items = [];
			for (const execution of executions.sort((a, b) => Number(a.id) - Number(b.id))) {
				assert.equal(execution.status, 'success', `${workflow.name}: ${JSON.stringify(execution)}`);
				const output = await rest.output(execution.id, 'Trigger');
				for (const json of output)
					assert.deepEqual(
						Object.keys(json).slice(0, SIMPLIFIED_KEYS.length),
						SIMPLIFIED_KEYS,
						`${workflow.name}: not a simplified log`,
					);
				items.push(
					output
						.map((json) => [
							json.event,
							json.LogID,
							...(json.changedFields ? [json.changedFields] : []),
						])
						.sort((a, b) => a[1] - b[1]),
				);
			}
			return items;
		};
		const [newLog, logUpdated, followUpDue] = workflows;
		assert.deepEqual(await events(newLog), [
			[['newLog', before.LogID]],
			[['newLog', whileDown.LogID]],
		]);
		assert.deepEqual(await events(logUpdated), [
			[['logUpdated', 1002, ['Notes']]],
			[
				['logUpdated', 1000, ['DateRequiredFollowUp']],
				['logUpdated', 1001, ['Status']],
			],
		]);
		assert.deepEqual(await events(followUpDue), [
			[['followUpDue', before.LogID]],
			[
				['followUpDue', 1000],
				['followUpDue', whileDown.LogID],
			],
		]);
		assert.ok(before.LogID > 1002 && whileDown.LogID > before.LogID); // the sort above: LogIDs in this order
		// The scheduler ran the polls (after the restart n8n's poll at activation may be the one that
		// finds what changed while it was stopped).
		assert.ok(
			fs.readFileSync(logFile(1), 'utf8').includes(SCHEDULER_DISPATCHED),
			"n8n's durable scheduler ran no poll that started an execution",
		);
		assert.match(
			fs.readFileSync(logFile(2), 'utf8'),
			SCHEDULER_POLLED,
			"n8n's durable scheduler ran no poll after the restart",
		);
		fs.rmSync(userFolder, { recursive: true, force: true });
	} catch (error) {
		error.message += `\n(n8n's logs are kept in ${userFolder}: n8n-1.log, n8n-2.log)`;
		throw error;
	} finally {
		await Promise.all(children.map(stopChild));
	}
}

/** n8n 2.36 and later have the durable scheduler. */
function hasDurableScheduler(version) {
	const [major, minor] = String(version).split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 36);
}

module.exports = {
	checkTriggers,
	restClient,
	signIn,
	checkTriggersDurable,
	hasDurableScheduler,
	isTriggerExample,
	SIMPLIFIED_LOG_KEYS,
	// For e2e-trigger-whole-read.js.
	DURABLE_SCHEDULER_ENV,
	SCHEDULER_POLLED,
	restClient,
	triggerWorkflow,
};

/** `node scripts/e2e-trigger.js [--n8n <version>]`: this check alone (npm run test:e2e runs it too). */
if (require.main === module) {
	const { importCredentialAndExamples } = require('./n8n-cli');
	const version = kit.arg('n8n', kit.DEFAULT_N8N);
	const suite = kit.suite('e2e-trigger', version);
	suite.main(async () => {
		const { install, tarball, userFolder, sandbox } = await kit.setUp({
			version,
			prefix: 'neto-e2e-trigger-',
		});
		importCredentialAndExamples(install, userFolder, sandbox);
		await suite.check('trigger workflows', () =>
			checkTriggers(install, userFolder, sandbox, path.join(__dirname, '..', 'examples')),
		);
		if (hasDurableScheduler(version))
			await suite.check('trigger workflows under the durable scheduler, through a restart', () =>
				checkTriggersDurable(install, tarball, sandbox),
			);
		if (hasDurableScheduler(version))
			await suite.check('a baseline spread over polls under the durable scheduler', () =>
				require('./e2e-trigger-whole-read').checkWholeReadDurable(install, tarball),
			);
	});
}
