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
 * With `--durable` (latency 1000 unless given): the same store under n8n's durable scheduler, its
 * baseline and a full check each spread over polls (storeScaleDurable).
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

function triggerWorkflow(id = WORKFLOW_ID) {
	return {
		id,
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

/**
 * What both runs start from: n8n installed, an empty work folder (`.cache/<name>/`: n8n's user
 * folder, the polls' trace file) and the sandbox at the account's real limit.
 */
async function setUpRun(name, { version, latencyMs, portBase }, sandboxOptions = {}) {
	const install = env.ensureN8n(version);
	const work = path.join(env.cache, name);
	const userFolder = path.join(work, 'n8n-user');
	const traceFile = path.join(work, 'polls.jsonl');
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const sandbox = await startSandboxProcess({
		port: portBase + 4,
		latencyMs,
		rateLimit: RATE_LIMIT,
		...sandboxOptions,
	});
	return { install, work, userFolder, traceFile, sandbox };
}

async function storeScale({ version, customers, logs, latencyMs, portBase }) {
	const { install, work, userFolder, traceFile, sandbox } = await setUpRun('bench-store-scale', {
		version,
		latencyMs,
		portBase,
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

/**
 * `--durable`: the same store, at `latencyMs` a request (1 s by default), under n8n's durable
 * scheduler (which abandons a poll after 45 s): n8n runs until the baseline is whole and then a
 * full check (started by trace-polls.js at the first ordinary poll) is whole too. Gives each
 * poll's trace; durableReport sums them up.
 */
async function storeScaleDurable({ version, customers, logs, latencyMs, portBase }) {
	const { DURABLE_SCHEDULER_ENV } = require('../scripts/e2e-trigger');
	const { install, work, userFolder, traceFile, sandbox } = await setUpRun(
		'bench-store-scale-durable',
		{ version, latencyMs, portBase },
		{ idleStopMs: 0 },
	);
	let n8n;
	try {
		const size = await sandbox.populate({ customers, logs });
		env.installPackage(env.buildAndPack(), userFolder);
		importSandboxCredential(install, userFolder, sandbox);
		const file = path.join(work, 'workflow.json');
		const id = `${WORKFLOW_ID}Durable`;
		fs.writeFileSync(file, JSON.stringify(triggerWorkflow(id)));
		n8nSync(install, userFolder, ['import:workflow', `--input=${file}`], DURABLE_SCHEDULER_ENV);
		n8nSync(install, userFolder, ['publish:workflow', `--id=${id}`], DURABLE_SCHEDULER_ENV);
		const port = portBase + 5;
		n8n = await startN8n(install, userFolder, port, {
			env: {
				...DURABLE_SCHEDULER_ENV,
				NODE_OPTIONS: `--require ${path.join(__dirname, 'trace-polls.js')}`,
				BENCH_POLL_TRACE: traceFile,
				BENCH_FULL_CHECK_AFTER_BASELINE: '1',
				N8N_RUNNERS_BROKER_PORT: String(port + 1),
			},
		});
		// Two whole reads of pages × (latency + n8n's time) each, a poll's share (under 25 s) a
		// minute, with room: a poll may read as little as 15 s of pages.
		const pages = Math.floor(customers / CUSTOMERS_PER_REQUEST) + 1;
		const started = Date.now();
		const limitMs = (4 + 2 * (Math.ceil((pages * (latencyMs + 100)) / 15_000) + 2)) * 60_000;
		for (;;) {
			const traced = polls(traceFile);
			const failed = traced.find((poll) => poll.error);
			if (failed) throw new Error(`a poll failed: ${failed.error}`);
			if (traced.some((poll) => poll.phaseBefore === 'fullCheck' && poll.phaseAfter === 'ordinary'))
				break;
			if (Date.now() - started > limitMs)
				throw new Error(`timed out: ${traced.length} polls noted, the full check not whole`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		const peakMb = vmHwmMb(n8n.child.pid);
		const abandoned =
			fs
				.readFileSync(path.join(userFolder, 'n8n.log'), 'utf8')
				.split('Poll exceeded its timeout and was abandoned').length - 1;
		return {
			version,
			customers: size.customers,
			logs: size.logs,
			latencyMs,
			traced: polls(traceFile),
			abandoned,
			peakMb,
		};
	} finally {
		if (n8n) await stopChild(n8n.child);
		sandbox.child.kill('SIGKILL');
	}
}

/** The polls of one whole read (the first, n8n's at activation, aside): those that began, went on or ended it. */
function wholeRead(traced, kind) {
	return traced.filter(
		(poll, at) =>
			at > 0 &&
			(poll.phaseBefore === kind ||
				poll.phaseAfter === kind ||
				(kind === 'baseline' && poll.phaseBefore === 'none')),
	);
}

function durableReport({ version, customers, logs, latencyMs, traced: noted, abandoned, peakMb }) {
	const traced = [...noted].sort((a, b) => a.startedAt - b.startedAt);
	const pages = Math.floor(customers / CUSTOMERS_PER_REQUEST) + 1;
	const at = (poll) => new Date(poll.startedAt).toISOString().slice(11, 19);
	const sum = (read) => {
		const requests = read.reduce((total, poll) => total + poll.requests, 0);
		const longest = Math.max(...read.map((poll) => poll.ms));
		const span = read.at(-1).startedAt + read.at(-1).ms - read[0].startedAt;
		return `${read.length} polls, ${fmt(requests)} GetCustomer requests (against ${pages} pages), ${fmt(read.reduce((total, poll) => total + poll.rateLimited, 0))} answered 429, longest poll ${fmt(longest / 1000, 1)} s, ${fmt(span / 60_000, 1)} minutes from its first poll's start to its last poll's end`;
	};
	const baseline = wholeRead(traced, 'baseline');
	const fullCheck = wholeRead(traced, 'fullCheck');
	return [
		`Real n8n ${version} under its durable scheduler (poll timeout 45 s, polling every minute); sandbox store of ${fmt(customers)} customers and ${fmt(logs)} logs, ${latencyMs} ms per request, ${RATE_LIMIT} requests a minute enforced; scope Every Customer, event Follow-Up Due, Poll Time Limit at its default.`,
		'',
		'| poll | started (UTC) | phase before → after | requests | node time | events | logs in state |',
		'|---:|---|---|---:|---:|---:|---:|',
		...traced.map(
			(poll, index) =>
				`| ${index} | ${at(poll)} | ${index === 0 ? 'at activation (n8n keeps nothing): ' : ''}${poll.phaseBefore} → ${poll.phaseAfter} | ${poll.requests} | ${fmt(poll.ms / 1000, 1)} s | ${poll.emitted} | ${fmt(poll.logsInState)} |`,
		),
		'',
		`Baseline: ${sum(baseline)}.`,
		`Full check: ${sum(fullCheck)}.`,
		`Polls n8n abandoned (its log): ${abandoned}. Peak RSS of the n8n process (VmHWM): ${fmt(peakMb)} MB.`,
	];
}

module.exports = { storeScale, storeScaleDurable, report, durableReport };
