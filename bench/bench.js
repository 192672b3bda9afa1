'use strict';
/**
 * `npm run bench`: the node in real n8n (the n8n that `npm start` installs into .cache/), against
 * the Neto sandbox (its own process) with injected latency. Each workflow is Manual Trigger → a
 * Code node making N items → the node under test, run headless by `n8n execute`; the node's own
 * time is n8n's `executionTime` for it in the run's data, and peak RSS is the VmHWM of the n8n
 * process. Beside the Neto node in its three mapping modes, n8n's HTTP Request node does the same
 * work one request per item, and a No Op node in its place gives the memory of n8n and the items
 * alone. Figures are ratios against those baselines in the same run; nothing here is pass/fail.
 *
 *   npm run bench -- [--latency 50] [--sizes 1000,10000] [--batch 100] [--n8n 2.41.1] [--profile]
 *                    [--timeline] [--operations add,update] [--modes literal,expressions,auto,http]
 *
 * --profile: a CPU profile of the node's 1,000 Adds (profile.js); --timeline: where their wall time
 * goes between requests (trace-requests.js, timeline.js).
 *
 *   npm run bench -- --store-scale [--customers 20000] [--logs 60000] [--latency 200] [--n8n 2.41.1]
 *
 * --store-scale: instead, the trigger polling a store of a merchant's size (store-scale.js);
 *   with --durable, under n8n's durable scheduler at 1 s a request (latency 1000 unless given).
 *
 *   npm run bench -- --orders [--notifications 200] [--seconds 10] [--n8n 2.41.1]
 *                    [--order-details off] [--no-add]
 *
 * --orders: instead, a sale's burst of order notifications into the Neto Order Trigger, beside
 * n8n's own Webhook node answering the same posts (order-burst.js); --no-add takes the Customer
 * Log Add out of the trigger's runs, and with it --order-details off the GetOrder too.
 *
 * Ports: the sandboxes and n8n's task-runner broker use 5750-5759 (BENCH_PORT_BASE moves them).
 * `npm run bench:in-process` gives the older in-process figures (n8n-core's engine in one process).
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const env = require('../scripts/n8n-env');
const { n8nSync, n8nEnv } = require('../scripts/n8n-cli');
const { startSandboxProcess } = require('../scripts/sandbox-process');
const { benchWorkflow, UNDER_TEST } = require('./workflows');
const { summarizeProfile } = require('./profile');
const { summarizeTimeline } = require('./timeline');
const { durableReport, report, storeScale, storeScaleDurable } = require('./store-scale');
const { orderBurst, orderReport } = require('./order-burst');

const { arg, flag } = require('../scripts/e2e-toolkit');
const LATENCY_MS = Number(arg('latency', 50));
const SIZES = String(arg('sizes', '1000,10000')).split(',').map(Number);
const BATCH = Number(arg('batch', 100));
const VERSION = arg('n8n', env.DEFAULT_N8N);
const PROFILE = flag('profile');
const TIMELINE = flag('timeline');
const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 5750);
const OPERATIONS = String(arg('operations', 'add,update')).split(',');
const MODES = String(arg('modes', 'literal,expressions,auto,http')).split(',').concat('control');
const MODE_LABELS = {
	literal: 'Neto, fields as literals',
	expressions: 'Neto, five expressions',
	auto: 'Neto, mapped automatically',
	http: 'HTTP Request node, one per item',
};
/** The account's real limit, and the per-item run that respects it. */
const RATE_LIMIT = 500;
const RATE_LIMITED_COUNT = 1000;

const work = path.join(env.cache, 'bench');
const userFolder = path.join(work, 'n8n-user');

function vmHwmMb(pid) {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

/** `n8n execute --id --rawOutput`, sampling the process's peak RSS until it exits. */
function execute(install, id, extraEnv = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(install.n8n, ['execute', `--id=${id}`, '--rawOutput'], {
			env: n8nEnv(install.env, userFolder, {
				N8N_RUNNERS_BROKER_PORT: String(PORT_BASE + 1),
				...extraEnv,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let peakMb = 0;
		const sampler = setInterval(() => {
			peakMb = Math.max(peakMb, vmHwmMb(child.pid));
		}, 10);
		const out = [];
		const err = [];
		child.stdout.on('data', (chunk) => {
			peakMb = Math.max(peakMb, vmHwmMb(child.pid));
			out.push(chunk);
		});
		child.stderr.on('data', (chunk) => err.push(chunk));
		child.once('exit', (code) => {
			clearInterval(sampler);
			const stdout = Buffer.concat(out).toString();
			const start = stdout.indexOf('{');
			if (code !== 0 || start < 0)
				return reject(
					new Error(
						`n8n execute ${id} failed (${code}):\n${stdout.slice(0, 2000)}\n${Buffer.concat(err)}`,
					),
				);
			try {
				resolve({ run: JSON.parse(stdout.slice(start)), peakMb });
			} catch (error) {
				const file = path.join(work, `${id}.stdout`);
				fs.writeFileSync(file, stdout);
				reject(
					new Error(
						`n8n execute ${id} printed a run that does not parse (${error.message}); its output is in ${file}`,
					),
				);
			}
		});
	});
}

/** The node under test's task: its executionTime, and its output items (checked, one per input). */
function nodeTask(run, count, mode) {
	const task = run.data.resultData.runData[UNDER_TEST]?.[0];
	if (!task)
		throw new Error(`"${UNDER_TEST}" did not run: ${JSON.stringify(run.data.resultData.error)}`);
	if (task.error)
		throw new Error(`"${UNDER_TEST}" failed: ${JSON.stringify(task.error).slice(0, 500)}`);
	const items = task.data.main[0] ?? [];
	if (items.length !== count)
		throw new Error(`${mode}: ${items.length} output items for ${count} input items`);
	const failed = items.find(
		(item) => item.json.error || (mode !== 'control' && item.json.Ack !== 'Success'),
	);
	if (failed)
		throw new Error(`${mode}: an item failed: ${JSON.stringify(failed.json).slice(0, 500)}`);
	return task;
}

async function measure(install, sandbox, spec, extraEnv, attempt = 1) {
	const before = await sandbox.stats();
	let executed;
	try {
		executed = await execute(install, spec.id, extraEnv);
	} catch (error) {
		// Seen once: a 10,000-item run's JSON on stdout did not parse. Say so, and run it again.
		if (attempt > 1 || !/does not parse/.test(error.message)) throw error;
		process.stderr.write(`${error.message}; running it again\n`);
		return await measure(install, sandbox, spec, extraEnv, attempt + 1);
	}
	const { run, peakMb } = executed;
	const after = await sandbox.stats();
	const task = nodeTask(run, spec.count, spec.mode);
	const statuses = Object.fromEntries(
		Object.entries(after.byStatus ?? {}).map(([status, n]) => [
			status,
			n - (before.byStatus?.[status] ?? 0),
		]),
	);
	return {
		...spec,
		requests: after.requests - before.requests,
		statuses,
		nodeMs: task.executionTime,
		peakMb,
		nodeStart: task.startTime,
	};
}

/**
 * A batch of logs added by a plain client; resolves to the store's answer. A connection of its own
 * each time, as n8n's HTTP helper opens one per request (and a kept-alive one may have been closed
 * by the sandbox while this process was blocked running n8n's CLI).
 */
function addLogs(sandbox, count, notes) {
	const log = {
		Username: 'jsmith',
		AllocatedTo: 'Sam',
		FollowUpType: 'Phone Call',
		Status: 'Require Recontact',
		Notes: notes,
	};
	const body = JSON.stringify({ CustomerLogs: { CustomerLog: Array(count).fill(log) } });
	const headers = {
		NETOAPI_ACTION: 'AddCustomerLog',
		NETOAPI_USERNAME: sandbox.credentials.apiUsername,
		NETOAPI_KEY: sandbox.credentials.apiKey,
		Accept: 'application/json',
		'Content-Type': 'application/json',
	};
	return new Promise((resolve, reject) => {
		const request = http.request(
			`${sandbox.url}/do/WS/NetoAPI`,
			{ method: 'POST', headers, agent: false },
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** The logs the Update runs change, added first (LogIDs run on from the first); returns the first LogID. */
async function addLogsToUpdate(sandbox, count) {
	let first;
	for (let added = 0; added < count; added += BATCH) {
		const answer = await addLogs(sandbox, Math.min(BATCH, count - added), 'to update');
		first ??= Number([answer.CustomerLog].flat()[0].LogID);
	}
	return first;
}

/**
 * The store's round trip as a plain client sees it on this machine now (a batch of logs per
 * request, one after another): the sandbox's own time under load, beside its set latency.
 */
async function measuredRoundTripMs(sandbox, rounds = 10) {
	const post = () => addLogs(sandbox, BATCH, 'floor');
	await post();
	const start = performance.now();
	for (let round = 0; round < rounds; round++) await post();
	return (performance.now() - start) / rounds;
}

const fmt = (value, digits = 0) =>
	value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function setUp(install, sandboxes, firstLogId) {
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	env.installPackage(env.buildAndPack(), userFolder);
	const credentials = Object.entries(sandboxes).map(([id, sandbox]) => ({
		id,
		name: id,
		type: 'netoApi',
		data: {
			storeUrl: sandbox.url,
			authType: 'apiKey',
			apiUsername: sandbox.credentials.apiUsername,
			apiKey: sandbox.credentials.apiKey,
		},
	}));
	fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
	n8nSync(install, userFolder, [
		'import:credentials',
		`--input=${path.join(work, 'credentials.json')}`,
	]);

	const specs = [];
	for (const count of SIZES) {
		for (const operation of OPERATIONS) {
			for (const mode of MODES)
				specs.push({
					id: `bench-${operation}-${count}-${mode}`,
					operation,
					mode,
					count,
					credentialId: 'fast',
					firstLogId,
				});
		}
	}
	const limited = {
		id: 'bench-limited',
		operation: 'add',
		mode: 'auto',
		count: RATE_LIMITED_COUNT,
		credentialId: 'limited',
		batchSize: BATCH,
	};
	const profiled = ['expressions', 'auto', 'http'].map((mode) => ({
		id: `bench-profile-${mode}`,
		operation: 'add',
		mode,
		count: 1000,
		credentialId: 'fast',
	}));
	const folder = path.join(work, 'workflows');
	fs.mkdirSync(folder);
	for (const spec of [...specs, limited, ...profiled]) {
		const workflow = benchWorkflow({
			batchSize: BATCH,
			...spec,
			sandbox: sandboxes[spec.credentialId],
		});
		fs.writeFileSync(path.join(folder, `${spec.id}.json`), JSON.stringify(workflow));
	}
	n8nSync(install, userFolder, ['import:workflow', '--separate', `--input=${folder}`]);
	return { specs, limited, profiled };
}

function table(rows, roundTripMs) {
	const lines = [
		'| items | operation | node | requests | wall time (node) | floor | time / floor | node time per item above the floor | time / measured floor | peak RSS (n8n process) | above n8n + items alone |',
		'|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const row of rows.filter((r) => r.mode !== 'control')) {
		const control = rows.find(
			(r) => r.mode === 'control' && r.count === row.count && r.operation === row.operation,
		);
		// The floor: the node's round trips one after another; the HTTP Request node sends all at once.
		const roundTrips = row.mode === 'http' ? 1 : Math.ceil(row.count / BATCH);
		const floorMs = roundTrips * LATENCY_MS;
		lines.push(
			`| ${fmt(row.count)} | ${row.operation} | ${MODE_LABELS[row.mode]} | ${fmt(row.requests)} | ${fmt(row.nodeMs / 1000, 2)} s | ${fmt(floorMs / 1000, 2)} s | ${fmt(row.nodeMs / floorMs, 2)}x | ${fmt(((row.nodeMs - floorMs) * 1000) / row.count)} µs | ${fmt(row.nodeMs / (roundTrips * roundTripMs), 2)}x | ${fmt(row.peakMb)} MB | ${fmt(row.peakMb - control.peakMb)} MB |`,
		);
	}
	return lines;
}

async function main() {
	const install = env.ensureN8n(VERSION);
	const sandboxes = {
		fast: await startSandboxProcess({
			port: PORT_BASE + 2,
			latencyMs: LATENCY_MS,
			rateLimit: 1_000_000_000,
		}),
		limited: await startSandboxProcess({
			port: PORT_BASE + 3,
			latencyMs: LATENCY_MS,
			rateLimit: RATE_LIMIT,
		}),
	};
	const rows = [];
	const load = [os.loadavg()[0]];
	try {
		const firstLogId = OPERATIONS.includes('update')
			? await addLogsToUpdate(sandboxes.fast, Math.max(...SIZES))
			: undefined;
		const { specs, limited, profiled } = setUp(install, sandboxes, firstLogId);
		const roundTrips = [await measuredRoundTripMs(sandboxes.fast)];
		for (const spec of specs) {
			rows.push(await measure(install, sandboxes.fast, spec));
			process.stderr.write(`${spec.id}: ${fmt(rows.at(-1).nodeMs)} ms\n`);
		}
		const limitedRow = await measure(install, sandboxes.limited, limited);
		roundTrips.push(await measuredRoundTripMs(sandboxes.fast));
		load.push(os.loadavg()[0]);
		const roundTripMs = (roundTrips[0] + roundTrips[1]) / 2;
		const lines = [
			`Real n8n ${VERSION} (\`n8n execute\`), Neto sandbox latency ${LATENCY_MS} ms per request, batch size ${BATCH}, ${os.cpus().length} cores, load average ${load.map((l) => fmt(l, 1)).join(' → ')}.`,
			'',
			...table(rows, roundTripMs),
			'',
			`Floor: ceil(N / ${BATCH}) round trips of ${LATENCY_MS} ms one after another for the Neto node; one round trip for the HTTP Request node, which sends every item's request at once (no rate limit here).`,
			`Measured floor: the same round trips from a plain client, ${roundTrips.map((ms) => fmt(ms, 1)).join(' and ')} ms each before and after the runs (the sandbox's own time on this machine beside its ${LATENCY_MS} ms).`,
			'Wall time is n8n\'s executionTime of the node; peak RSS the VmHWM of the n8n process (n8n itself included); "above n8n + items alone" subtracts the same run with a No Op node in place of the node under test.',
			'',
			`Under the account's real limit (${RATE_LIMIT} requests a minute, enforced by the sandbox), mapped automatically, ${fmt(RATE_LIMITED_COUNT)} Adds: ${fmt(limitedRow.requests)} requests, ${fmt(limitedRow.statuses[429] ?? 0)} answered 429, ${fmt(limitedRow.nodeMs / 1000, 2)} s; a run of one request per item that respects the limit needs ${fmt(RATE_LIMITED_COUNT / RATE_LIMIT, 1)} minutes (${fmt((RATE_LIMITED_COUNT / RATE_LIMIT) * 60)} s, computed): ${fmt(((RATE_LIMITED_COUNT / RATE_LIMIT) * 60_000) / limitedRow.nodeMs)}x faster.`,
		];
		if (PROFILE) lines.push('', ...(await profileRuns(install, sandboxes.fast, profiled)));
		if (TIMELINE) lines.push('', ...(await timelineRuns(install, sandboxes.fast, profiled)));
		process.stdout.write(`${lines.join('\n')}\n`);
	} finally {
		// Killed, not asked: a graceful close would wait on idle keep-alive connections.
		for (const sandbox of Object.values(sandboxes)) sandbox.child.kill('SIGKILL');
	}
}

/** The same 1,000 Adds with V8's CPU profiler on the n8n process: where the node's time goes. */
async function profileRuns(install, sandbox, profiled) {
	const lines = [
		'CPU profile of the node under test (1,000 Adds; samples inside its execute, by whose code ran):',
		'',
	];
	for (const spec of profiled) {
		const dir = path.join(work, 'profiles', spec.mode);
		fs.mkdirSync(dir, { recursive: true });
		const row = await measure(install, sandbox, spec, {
			NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
		});
		const files = fs.readdirSync(dir).map((file) => path.join(dir, file));
		// The main n8n process wrote the largest profile (the task runner's is small).
		const main = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
		lines.push(
			`${MODE_LABELS[spec.mode]}: node time ${fmt(row.nodeMs)} ms (profiled)`,
			...summarizeProfile(JSON.parse(fs.readFileSync(main, 'utf8')), spec.mode === 'http'),
			'',
		);
	}
	return lines;
}

/** The same 1,000 Adds with each request's times noted in the n8n process: where the time between them goes. */
async function timelineRuns(install, sandbox, profiled) {
	const lines = [
		'Where the node time of 1,000 Adds goes, request by request (times noted in the n8n process):',
		'',
	];
	const dir = path.join(work, 'traces');
	fs.mkdirSync(dir, { recursive: true });
	for (const spec of profiled.filter((s) => s.mode !== 'http')) {
		const traceFile = path.join(dir, spec.mode);
		const preload = path.join(__dirname, 'trace-requests.js');
		const row = await measure(install, sandbox, spec, {
			NODE_OPTIONS: `--require ${preload}`,
			BENCH_TRACE_FILE: traceFile,
		});
		lines.push(
			`${MODE_LABELS[spec.mode]}:`,
			'',
			...summarizeTimeline({ startTime: row.nodeStart, executionTime: row.nodeMs }, traceFile),
			'',
		);
	}
	return lines;
}

/** `--store-scale`: the trigger at a merchant's scale (store-scale.js), with its own figures. */
async function storeScaleMain() {
	if (process.argv.includes('--durable')) {
		const figures = await storeScaleDurable({
			version: VERSION,
			customers: Number(arg('customers', 20_000)),
			logs: Number(arg('logs', 60_000)),
			latencyMs: Number(arg('latency', 1000)),
			portBase: PORT_BASE,
		});
		process.stdout.write(`${durableReport(figures).join('\n')}\n`);
		return;
	}
	const figures = await storeScale({
		version: VERSION,
		customers: Number(arg('customers', 20_000)),
		logs: Number(arg('logs', 60_000)),
		latencyMs: Number(arg('latency', 200)),
		portBase: PORT_BASE,
	});
	process.stdout.write(`${report(figures).join('\n')}\n`);
}

/** `--orders`: a sale's burst of order notifications into the Order Trigger (order-burst.js). */
async function ordersMain() {
	const figures = await orderBurst({
		version: VERSION,
		count: Number(arg('notifications', 200)),
		seconds: Number(arg('seconds', 10)),
		portBase: PORT_BASE,
		orderDetails: arg('order-details', 'on') !== 'off',
		withAdd: !flag('no-add'),
	});
	process.stdout.write(`${orderReport(figures).join('\n')}\n`);
}

(flag('store-scale') ? storeScaleMain() : flag('orders') ? ordersMain() : main()).catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exitCode = 1;
});
