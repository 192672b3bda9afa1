'use strict';
/**
 * Benchmark row (not a timed test): several processes, as queue-mode workers would be, each
 * running one execution of the node through n8n-core's engine that Adds its logs one per request
 * (batch size 1), all against ONE sandbox account that allows --limit requests a minute. Each
 * process keeps the node's Requests Per Minute at --rpm (the default 500: only the store's 429s
 * and the node's handling of them hold the processes to the account). Prints one Markdown row:
 * items failed, logs stored twice or missing, 429s, wall time beside the floor
 * (all requests / limit per minute).
 *
 *   node bench/shared-account.js [--processes 4] [--adds 2500] [--limit 500] [--rpm 500] [--latency 50]
 *   node bench/shared-account.js --adds 20 --limit 40      # a quick check that it works (~1.5 min)
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
const ENGINE = path.join(root, '.cache', 'bench', 'shared-account-engine.js');

const { arg, flag } = require('../scripts/e2e-toolkit');

/** One process's run: its Adds as one execution, every failed item kept as an error item. */
async function child() {
	require(path.join(root, 'test', 'setup-env.js'));
	const harness = require(ENGINE);
	const [url, apiUsername, apiKey] = [arg('url'), arg('user'), arg('key')];
	const index = Number(arg('index'));
	const items = Array.from({ length: Number(arg('adds')) }, (_, n) => ({
		marker: `shared ${index} ${n}`,
	}));
	const started = Date.now();
	const result = await harness.runCustomerLog({
		parameters: {
			operation: 'add',
			username: 'jsmith',
			additionalFields: { notes: '={{ $json.marker }}' },
			options: { batchSize: 1, requestsPerMinute: Number(arg('rpm')) },
		},
		items,
		credentials: { storeUrl: url, authType: 'apiKey', apiUsername, apiKey },
		onError: 'continueRegularOutput',
	});
	const failed = result.json.filter((json) => json.error);
	process.stdout.write(
		`${JSON.stringify({ index, wallMs: Date.now() - started, items: result.json.length, failed: failed.length, firstError: failed[0]?.error?.message ?? result.error?.message })}\n`,
	);
}

async function parent() {
	const PROCESSES = Number(arg('processes', 4));
	const ADDS = Number(arg('adds', 2500));
	const LIMIT = Number(arg('limit', 500));
	const RPM = Number(arg('rpm', 500));
	const LATENCY_MS = Number(arg('latency', 50));
	const { startSandboxProcess } = require('../scripts/sandbox-process');
	await require('./engine-bundle').bundleEngine(ENGINE);
	const sandbox = await startSandboxProcess({ latencyMs: LATENCY_MS, rateLimit: LIMIT });
	const children = [];
	const stop = () => {
		for (const proc of children) if (proc.exitCode === null) proc.kill('SIGTERM');
		sandbox.stop();
	};
	process.on('SIGINT', () => {
		stop();
		process.exit(130);
	});
	try {
		const started = Date.now();
		const runs = await Promise.all(
			Array.from({ length: PROCESSES }, (_, index) => {
				const proc = spawn(
					process.execPath,
					[
						__filename,
						'--child',
						'--index',
						String(index),
						'--adds',
						String(ADDS),
						'--rpm',
						String(RPM),
						'--url',
						sandbox.url,
						'--user',
						sandbox.credentials.apiUsername,
						'--key',
						sandbox.credentials.apiKey,
					],
					{ stdio: ['ignore', 'pipe', 'inherit'] },
				);
				children.push(proc);
				return new Promise((resolve, reject) => {
					let report;
					readline.createInterface({ input: proc.stdout }).on('line', (line) => {
						if (line.startsWith('{"index"')) report = JSON.parse(line);
					});
					proc.once('exit', (code) =>
						report
							? resolve(report)
							: reject(new Error(`process ${index} exited (${code}) without a report`)),
					);
				});
			}),
		);
		const wallMs = Date.now() - started;
		const stats = await sandbox.stats();
		const logs = await sandbox.logs();
		const stored = new Map();
		for (const log of logs)
			if (String(log.Notes).startsWith('shared '))
				stored.set(log.Notes, (stored.get(log.Notes) ?? 0) + 1);
		let twice = 0;
		let missing = 0;
		for (let index = 0; index < PROCESSES; index++) {
			for (let n = 0; n < ADDS; n++) {
				const times = stored.get(`shared ${index} ${n}`) ?? 0;
				if (times === 0) missing++;
				if (times > 1) twice++;
			}
		}
		const total = PROCESSES * ADDS;
		const failed = runs.reduce((sum, run) => sum + run.failed, 0);
		const floorMs = (total / LIMIT) * 60_000;
		const fmt = (value, digits = 0) =>
			value.toLocaleString('en-US', {
				maximumFractionDigits: digits,
				minimumFractionDigits: digits,
			});
		const minutes = (ms) => `${fmt(ms / 60_000, 1)} min`;
		process.stdout.write(
			[
				`${PROCESSES} processes x ${fmt(ADDS)} Adds (batch size 1, Requests Per Minute ${RPM} each) against one account allowing ${LIMIT}/min, sandbox latency ${LATENCY_MS} ms, Node ${process.version}:`,
				'',
				'| processes x adds | account limit | items failed | logs twice / missing | requests: accepted / answered 429 | wall time | floor | wall / floor |',
				'|---|---:|---:|---|---|---:|---:|---:|',
				`| ${PROCESSES} x ${fmt(ADDS)} | ${LIMIT}/min | ${fmt(failed)} | ${fmt(twice)} / ${fmt(missing)} | ${fmt(stats.requests - (stats.byStatus?.['429'] ?? 0))} / ${fmt(stats.byStatus?.['429'] ?? 0)} | ${minutes(wallMs)} | ${minutes(floorMs)} | ${fmt(wallMs / floorMs, 2)}x |`,
				'',
				`The floor is all requests / the limit, as Neto's budget allows; the sandbox's sliding minute lets the first ${LIMIT} through at once, so its own minimum is ${minutes(((total - LIMIT) / LIMIT) * 60_000)}.`,
				`Per process: ${runs.map((run) => `${fmt(run.wallMs / 60_000, 1)} min, ${run.failed} failed`).join('; ')}.`,
				...(failed > 0 ? [`First failure: ${runs.find((run) => run.firstError)?.firstError}`] : []),
				`Target: no item fails, no log twice, wall time within 1.25x the floor: ${failed === 0 && twice === 0 && missing === 0 && wallMs <= 1.25 * floorMs ? 'met' : 'NOT met'}.`,
				'',
			].join('\n'),
		);
	} finally {
		stop();
	}
}

(flag('child') ? child() : parent()).catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
