'use strict';
/**
 * `npm run bench:in-process`: IN-PROCESS figures (n8n-core's engine in this process, where an
 * expression costs a few µs; real n8n is measured by bench.js). How many requests, how long, how much CPU and memory the node spends on 1,000 and
 * 10,000 Adds and Updates, against the Neto sandbox (in its own process) with injected latency,
 * each beside a one-request-per-item baseline run in this same process (what n8n's HTTP Request
 * node does) and the floor of ceil(N / batch size) round trips. Figures are printed as ratios;
 * nothing here is a pass/fail test.
 *
 *   npm run bench:in-process -- [--latency 50] [--sizes 1000,10000] [--batch 50] [--baseline-max 10000]
 */
const os = require('node:os');
const path = require('node:path');

const { arg } = require('../scripts/e2e-toolkit');
const { startSandboxProcess } = require('../scripts/sandbox-process');
const { bundleEngine } = require('./engine-bundle');

const root = path.resolve(__dirname, '..');
const LATENCY_MS = Number(arg('latency', 50));
const SIZES = String(arg('sizes', '1000,10000')).split(',').map(Number);
const BATCH = Number(arg('batch', 50));
const BASELINE_MAX = Number(arg('baseline-max', 10000));

/** The tests' engine harness (TypeScript), bundled for plain node. */
async function loadHarness() {
	require(path.join(root, 'test/setup-env.js'));
	return require(await bundleEngine(path.join(root, '.cache', 'bench', 'engine.js')));
}

async function measure(run) {
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 20);
	const cpu = process.cpuUsage();
	const start = process.hrtime.bigint();
	const requests = await run();
	const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
	const used = process.cpuUsage(cpu);
	clearInterval(sampler);
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	return {
		requests,
		wallMs,
		cpuMs: (used.user + used.system) / 1000,
		peakRssMb: peakRss / 2 ** 20,
	};
}

/** One request per item, sequentially, as the HTTP Request node sends them. */
async function baseline(sandbox, action, count) {
	const before = (await sandbox.stats()).requests;
	for (let n = 0; n < count; n++) {
		const log =
			action === 'AddCustomerLog'
				? { Username: 'jsmith', Notes: `baseline ${n}` }
				: { LogID: 1000 + (n % 3), Notes: `baseline ${n}` };
		const response = await fetch(`${sandbox.url}/do/WS/NetoAPI`, {
			method: 'POST',
			headers: {
				NETOAPI_ACTION: action,
				NETOAPI_USERNAME: sandbox.credentials.apiUsername,
				NETOAPI_KEY: sandbox.credentials.apiKey,
				Accept: 'application/json',
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({ CustomerLogs: { CustomerLog: [log] } }),
		});
		const answer = await response.json();
		if (answer.Ack !== 'Success')
			throw new Error(`baseline request failed: ${JSON.stringify(answer)}`);
	}
	return (await sandbox.stats()).requests - before;
}

function workflowFor(sandbox, operation, count) {
	const items = Array.from({ length: count }, (_, n) => ({ n, id: 1000 + (n % 3) }));
	const parameters =
		operation === 'add'
			? {
					operation,
					username: 'jsmith',
					additionalFields: { notes: '={{ "node " + $json.n }}' },
					options: { batchSize: BATCH },
				}
			: {
					operation,
					logId: '={{ $json.id }}',
					updateFields: { notes: '={{ "node " + $json.n }}' },
					options: { batchSize: BATCH },
				};
	const credentials = {
		storeUrl: sandbox.url,
		authType: 'apiKey',
		apiUsername: sandbox.credentials.apiUsername,
		apiKey: sandbox.credentials.apiKey,
	};
	return { parameters, items, credentials };
}

async function nodeRun(harness, sandbox, operation, count) {
	const before = (await sandbox.stats()).requests;
	const result = await harness.runCustomerLog(workflowFor(sandbox, operation, count));
	if (result.error || result.json.length !== count || result.json.some((json) => json.error))
		throw new Error(`node run failed: ${result.error?.message}`);
	return (await sandbox.stats()).requests - before;
}

const fmt = (value, digits = 0) =>
	value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
	const harness = await loadHarness();
	// The sandbox in a child process, so its CPU is not counted as the node's.
	const sandbox = await startSandboxProcess({ latencyMs: LATENCY_MS, rateLimit: 1_000_000_000 });
	const rows = [];
	try {
		// Warm up the engine, the JIT and the connections on both paths.
		for (const operation of ['add', 'update']) {
			await nodeRun(harness, sandbox, operation, 500);
			await harness.runParameterReader(workflowFor(sandbox, operation, 500));
		}
		for (const count of SIZES) {
			for (const operation of ['add', 'update']) {
				// Control first, then the node, each after a collection, so neither pays for the other's garbage.
				global.gc?.();
				const control = await measure(
					async () =>
						(await harness.runParameterReader(workflowFor(sandbox, operation, count))) && 0,
				);
				global.gc?.();
				const node = await measure(() => nodeRun(harness, sandbox, operation, count));
				const floorRequests = Math.ceil(count / BATCH);
				const floorMs = floorRequests * LATENCY_MS;
				const baseCount = Math.min(count, BASELINE_MAX);
				const base = await measure(() =>
					baseline(
						sandbox,
						operation === 'add' ? 'AddCustomerLog' : 'UpdateCustomerLog',
						baseCount,
					),
				);
				const scale = count / baseCount;
				rows.push({
					count,
					operation,
					node,
					control,
					floorRequests,
					floorMs,
					base: {
						...base,
						requests: base.requests * scale,
						wallMs: base.wallMs * scale,
						cpuMs: base.cpuMs * scale,
					},
					extrapolated: scale !== 1,
				});
				process.stderr.write(`${operation} ${count}: done\n`);
			}
		}
	} finally {
		sandbox.stop();
	}
	const lines = [
		`IN-PROCESS (n8n-core's engine in the benchmark's process, not real n8n). Neto sandbox latency ${LATENCY_MS} ms per request, batch size ${BATCH}, Node ${process.version}, ${os.cpus().length} cores.`,
		'',
		'| items | operation | requests (node / floor / baseline) | wall time node | node / floor | baseline / node | items per second (node / baseline) | CPU per item: whole run / n8n reading parameters / node overhead | peak RSS |',
		'|---:|---|---|---:|---:|---:|---|---|---:|',
	];
	for (const row of rows) {
		const { node, base } = row;
		lines.push(
			`| ${fmt(row.count)} | ${row.operation} | ${fmt(node.requests)} / ${fmt(row.floorRequests)} / ${fmt(base.requests)}${row.extrapolated ? '*' : ''} | ${fmt(node.wallMs / 1000, 2)} s | ${fmt(node.wallMs / row.floorMs, 2)}x | ${fmt(base.wallMs / node.wallMs, 1)}x${row.extrapolated ? '*' : ''} | ${fmt(row.count / (node.wallMs / 1000))} / ${fmt(row.count / (base.wallMs / 1000))} | ${fmt((node.cpuMs * 1000) / row.count)} / ${fmt((row.control.cpuMs * 1000) / row.count)} / ${fmt(((node.cpuMs - row.control.cpuMs) * 1000) / row.count)} µs | ${fmt(node.peakRssMb)} MB |`,
		);
	}
	lines.push(
		'',
		"Node overhead = CPU of the whole run minus a control run through the same engine that only reads the same parameters (n8n evaluating the expressions): the node's own validation, encoding, HTTP client and answer reading.",
	);
	if (rows.some((row) => row.extrapolated))
		lines.push('', `* baseline measured on ${fmt(BASELINE_MAX)} items and scaled.`);
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
