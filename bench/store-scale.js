'use strict';
/**
 * `npm run bench -- --store-scale`: the Neto Customer Log Trigger at a merchant's scale, in real
 * n8n (`n8n start`, the workflow active, polling every minute) against a sandbox store of 20,000
 * customers and 60,000 logs that enforces the account's 500 requests a minute. Scope Every
 * Customer, event Follow-Up Due. What each poll cost is noted inside the n8n process
 * (trace-polls.js): its requests, its time, its state's size, the memory.
 *
 *   1. activation: the baseline, every customer read;
 *   2. a poll after 10 logs were added (due now) and 5 changed: the update read, events emitted;
 *   3. the next poll, nothing changed;
 *   4. the next, with the state's last full check set a day back (trace-polls.js): it reads every
 *      customer (the full check of "Check Every Customer Every (Hours)").
 *
 *   npm run bench -- --store-scale [--customers 20000] [--logs 60000] [--latency 200] [--n8n 2.41.1]
 *
 * Nothing here is pass/fail; it prints the figures and what a day of polling costs from them.
 */
const fs = require('node:fs');
const path = require('node:path');

const env = require('../scripts/n8n-env');
const {
	activate,
	importSandboxCredential,
	n8nSync,
	startN8n,
	stopChild,
	SANDBOX_CREDENTIAL_ID,
} = require('../scripts/n8n-cli');
const { waitFor } = require('../scripts/e2e-toolkit');
const { startSandboxProcess } = require('../scripts/sandbox-process');

const WORKFLOW_ID = 'benchStoreScaleTrigger';
const RATE_LIMIT = 500;
/** The README's bound on the trigger's state: 1 MB per 10,000 logs. */
const BOUND_BYTES_PER_LOG = 100;
const CUSTOMERS_PER_REQUEST = 100;

function vmHwmMb(pid) {
	const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : 0;
}

function triggerWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'Bench: trigger at store scale',
		active: false,
		nodes: [
			{
				id: 's1',
				name: 'Trigger',
				type: 'n8n-nodes-neto.netoCustomerLogTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					event: 'followUpDue',
					scope: 'all',
				},
				credentials: { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** The polls noted so far (trace-polls.js writes one JSON line each). */
function polls(traceFile) {
	if (!fs.existsSync(traceFile)) return [];
	return fs
		.readFileSync(traceFile, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line));
}

/** The `count`th poll noted in the trace, once it is there. */
function waitForPolls(traceFile, count, timeoutMs) {
	return waitFor(`poll ${count}`, () => polls(traceFile)[count - 1], timeoutMs, 500);
}

/** Runs n8n until `polls` more polls are noted; returns the n8n process's peak RSS (VmHWM, MB). */
async function runN8nFor(install, userFolder, traceFile, port, pollsWanted, between) {
	const preload = path.join(__dirname, 'trace-polls.js');
	const n8n = await startN8n(install, userFolder, port, {
		env: {
			NODE_OPTIONS: `--require ${preload}`,
			BENCH_POLL_TRACE: traceFile,
			BENCH_FULL_CHECK_POLL: '4',
			N8N_RUNNERS_BROKER_PORT: String(port + 1),
		},
	});
	try {
		const first = polls(traceFile).length;
		for (let n = 1; n <= pollsWanted; n++) {
			const poll = await waitForPolls(traceFile, first + n, 240_000);
			if (poll.error) throw new Error(`poll ${first + n} failed: ${poll.error}`);
			if (between) await between(n, poll);
		}
		return vmHwmMb(n8n.child.pid);
	} finally {
		await stopChild(n8n.child);
	}
}

const fmt = (value, digits = 0) =>
	value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes) => bytes / 2 ** 20;

async function storeScale({ version, customers, logs, latencyMs, portBase }) {
	const install = env.ensureN8n(version);
	const work = path.join(env.cache, 'bench-store-scale');
	const userFolder = path.join(work, 'n8n-user');
	const traceFile = path.join(work, 'polls.jsonl');
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const sandbox = await startSandboxProcess({
		port: portBase + 4,
		latencyMs,
		rateLimit: RATE_LIMIT,
	});
	try {
		const size = await sandbox.populate({ customers, logs });
		env.installPackage(env.buildAndPack(), userFolder);
		importSandboxCredential(install, userFolder, sandbox);
		const file = path.join(work, 'workflow.json');
		fs.writeFileSync(file, JSON.stringify(triggerWorkflow()));
		n8nSync(install, userFolder, ['import:workflow', `--input=${file}`]);
		activate(install, userFolder, WORKFLOW_ID);

		// 10 logs due now and 5 changed, after the baseline: the next poll's events.
		const changeTheStore = async (n) => {
			if (n !== 1) return;
			const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
			for (let k = 1; k <= 10; k++) {
				await sandbox.editLog({
					Username: `shopper${k * 997}`,
					AllocatedTo: 'Sam',
					Status: 'Require Recontact',
					Notes: `Bench: new log ${k}`,
					DateRequiredFollowUp: now,
				});
			}
			for (let k = 1; k <= 5; k++)
				await sandbox.editLog({ Notes: `Bench: changed ${k}` }, 1000 + k * 4001);
		};
		const peakMb = await runN8nFor(install, userFolder, traceFile, portBase + 5, 4, changeTheStore);
		const [baseline, changed, quiet, fullCheck] = polls(traceFile);
		return {
			version,
			customers: size.customers,
			logs: size.logs,
			latencyMs,
			baseline,
			changed,
			quiet,
			fullCheck,
			peakMb,
		};
	} finally {
		sandbox.child.kill('SIGKILL');
	}
}

function report(figures) {
	const { version, customers, logs, latencyMs, baseline, changed, quiet, fullCheck, peakMb } =
		figures;
	const boundBytes = logs * BOUND_BYTES_PER_LOG;
	const expectedRequests = Math.floor(customers / CUSTOMERS_PER_REQUEST) + 1;
	const row = (what, poll) =>
		`| ${what} | ${fmt(poll.requests)} | ${fmt(poll.rateLimited)} | ${fmt(poll.ms / 1000, 2)} s | ${fmt(poll.emitted)} | ${fmt(poll.logsInState)} | ${fmt(mb(poll.stateBytes), 2)} MB | ${fmt(poll.after.rssMb)} MB | ${fmt(poll.after.heapMb)} MB |`;
	// A day of polls every minute: one full check, the other 1,439 ordinary (as poll 3, nothing to emit).
	const dayRequests = fullCheck.requests + 1439 * quiet.requests;
	const dayMs = fullCheck.ms + 1439 * quiet.ms;
	return [
		`Real n8n ${version} (\`n8n start\`, the workflow active, polling every minute); sandbox store of ${fmt(customers)} customers and ${fmt(logs)} logs, ${latencyMs} ms per request, ${RATE_LIMIT} requests a minute enforced; scope Every Customer, event Follow-Up Due.`,
		'',
		'| poll | requests | answered 429 | node time (poll) | events | logs in state | state (static data, JSON) | n8n RSS after | heap after |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|',
		row('1. baseline (activation)', baseline),
		row('2. 10 logs added, 5 changed', changed),
		row('3. nothing changed', quiet),
		row('4. full check', fullCheck),
		'',
		`Every customer read: ${fmt(baseline.requests)} GetCustomer requests (floor(${fmt(customers)} / ${CUSTOMERS_PER_REQUEST}) + 1 = ${fmt(expectedRequests)}), within one minute's budget of ${RATE_LIMIT}; the store's answer time sets its wall time (${fmt(baseline.ms / baseline.requests)} ms a request here).`,
		`State: ${fmt(mb(baseline.stateBytes), 2)} MB for ${fmt(baseline.logsInState)} logs (${fmt(baseline.stateBytes / baseline.logsInState)} bytes a log), against the bound of ${fmt(mb(boundBytes), 2)} MB (1 MB per 10,000 logs).`,
		`Peak RSS of the n8n process (VmHWM) through the four polls: ${fmt(peakMb)} MB; RSS when the first poll started ${fmt(baseline.before.rssMb)} MB.`,
		`A day of polling every minute: ${fmt(dayRequests)} requests (${fmt((dayRequests / (RATE_LIMIT * 1440)) * 100, 2)}% of the account's ${fmt(RATE_LIMIT * 1440)}) and ${fmt(dayMs / 1000, 1)} s of node time, with 1,439 polls like poll 3 and one full check.`,
	];
}

module.exports = { storeScale, report };
