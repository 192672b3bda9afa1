'use strict';
/**
 * The trigger's read of every customer spread over polls, in real n8n 2.x under the durable
 * scheduler (which abandons a poll after 45 s and keeps nothing of it): a sandbox store of 3,004
 * customers answering each request in 1 s, so a whole read is 31 pages, about 31 s plus n8n's own
 * time per request, more than one poll's share at the node's default Poll Time Limit (25 s). One
 * New Log workflow polling every minute: its baseline completes over two scheduled polls, no poll
 * is abandoned, a log added to a customer already read while the baseline is in progress comes
 * once after it, one added to a customer not yet read comes at most once (it is part of the
 * baseline), and a log added afterwards comes once. About seven minutes, most of it waiting for
 * minutes to turn.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { importSandboxCredential, n8nSync, setupOwner, startN8n, stopChild } = require('./n8n-cli');
const { startSandboxProcess } = require('./sandbox-process');
const { waitFor, envPort } = require('./e2e-toolkit');

const CUSTOMERS = 3000;
const LATENCY_MS = 1000;
/** What n8n's scheduler logs when it gives up on a poll (poll-trigger-task-handler.js). */
const ABANDONED = 'Poll exceeded its timeout and was abandoned';

async function checkWholeReadDurable(install, tarball) {
	// Required here: e2e-trigger.js requires this file.
	const {
		DURABLE_SCHEDULER_ENV,
		SCHEDULER_POLLED,
		restClient,
		triggerWorkflow,
	} = require('./e2e-trigger');
	const env = require('./n8n-env');
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'neto-e2e-whole-read-'));
	const sandbox = await startSandboxProcess({ latencyMs: LATENCY_MS, idleStopMs: 0 });
	let n8n;
	try {
		env.installPackage(tarball, userFolder);
		importSandboxCredential(install, userFolder, sandbox);
		const size = await sandbox.populate({ customers: CUSTOMERS, logs: CUSTOMERS });
		const pages = Math.floor(size.customers / 100) + 1;
		const workflow = triggerWorkflow('netoWholeRead', 'newLog', 2);
		const file = path.join(userFolder, 'whole-read-workflow.json');
		fs.writeFileSync(file, JSON.stringify([workflow]));
		n8nSync(install, userFolder, ['import:workflow', `--input=${file}`], DURABLE_SCHEDULER_ENV);
		n8nSync(
			install,
			userFolder,
			['publish:workflow', `--id=${workflow.id}`],
			DURABLE_SCHEDULER_ENV,
		);
		const logFile = path.join(userFolder, 'n8n.log');
		const log = () => fs.readFileSync(logFile, 'utf8');
		const scheduledPolls = () => log().split(SCHEDULER_POLLED).length - 1;
		const gets = async () => (await sandbox.stats()).byAction.GetCustomer ?? 0;

		n8n = await startN8n(install, userFolder, envPort('E2E_WHOLE_READ_N8N_PORT', 5684), {
			env: DURABLE_SCHEDULER_ENV,
			logFile,
		});
		const { cookie } = await setupOwner(n8n.url);
		const rest = restClient(install, n8n, cookie);
		const executions = async () => rest.executions(workflow.id);

		// The first scheduled poll read its share (n8n keeps nothing of the poll at activation): the
		// baseline is in progress. A log to a customer on its first page, one to the last customer's.
		await waitFor('the first scheduled poll', async () => scheduledPolls() >= 1, 240_000);
		const gotAtFirst = await gets();
		const read = await sandbox.editLog({ Username: 'shopper1', Notes: 'page already read' });
		const unread = await sandbox.editLog({
			Username: `shopper${CUSTOMERS}`,
			Notes: 'page not read yet',
		});
		await waitFor('the second scheduled poll', async () => scheduledPolls() >= 2, 120_000);
		assert.deepEqual(await executions(), [], 'an execution before the baseline was whole');
		await waitFor(
			'the log added to a customer already read, after the baseline',
			async () => (await executions()).length >= 1,
			150_000,
		);
		const baselinePolls = scheduledPolls() - 1;
		const after = await sandbox.editLog({ Username: 'shopper1500', Notes: 'after the baseline' });
		await waitFor(
			'the log added after the baseline',
			async () => (await executions()).length >= 2,
			150_000,
		);
		const polled = scheduledPolls();
		await waitFor('one more poll', async () => scheduledPolls() >= polled + 1, 150_000);

		const emitted = [];
		for (const execution of await executions()) {
			assert.equal(execution.status, 'success', JSON.stringify(execution));
			emitted.push(...(await rest.output(execution.id, 'Trigger')).map((json) => json.LogID));
		}
		const count = (id) => emitted.filter((each) => each === id).length;
		assert.equal(count(read.LogID), 1, `the log added to a read page: ${emitted}`);
		assert.ok(count(unread.LogID) <= 1, `the log added to an unread page twice: ${emitted}`);
		assert.equal(count(after.LogID), 1, `the log added after the baseline: ${emitted}`);
		assert.equal(emitted.length, 2 + count(unread.LogID), `other logs were emitted: ${emitted}`);
		assert.ok(baselinePolls >= 2, `the baseline took ${baselinePolls} scheduled poll(s)`);
		assert.ok(!log().includes(ABANDONED), "n8n's scheduler abandoned a poll");
		const figures = {
			pages,
			baselinePolls,
			getCustomerAtFirstScheduledPoll: gotAtFirst,
			getCustomerInAll: await gets(),
		};
		fs.rmSync(userFolder, { recursive: true, force: true });
		return figures;
	} catch (error) {
		error.message += `\n(n8n's log is kept in ${userFolder}/n8n.log)`;
		throw error;
	} finally {
		if (n8n) await stopChild(n8n.child);
		sandbox.stop();
	}
}

module.exports = { checkWholeReadDurable };

/** `node scripts/e2e-trigger-whole-read.js [--n8n <version>]`: this check alone (npm run test:e2e runs it too). */
if (require.main === module) {
	const env = require('./n8n-env');
	const versionArg = process.argv.indexOf('--n8n');
	const version = versionArg > 0 ? process.argv[versionArg + 1] : env.DEFAULT_N8N;
	checkWholeReadDurable(env.ensureN8n(version), env.buildAndPack()).then(
		(figures) =>
			process.stdout.write(
				`ok   a baseline spread over polls under the durable scheduler on n8n ${version}: ${JSON.stringify(figures)}\n`,
			),
		(error) => {
			process.stdout.write(
				`FAIL a baseline spread over polls on n8n ${version}: ${error.stack || error}\n`,
			);
			process.exitCode = 1;
		},
	);
}
