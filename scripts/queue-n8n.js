'use strict';
/**
 * Real n8n's processes for the queue-mode test: a main process (`n8n start`) and workers
 * (`n8n worker`), all sharing one PostgreSQL, one Redis and one user folder, each on its own
 * ports in this helper's range, their output kept for the checks and for failures.
 */
const { spawn } = require('node:child_process');
const http = require('node:http');

const { startN8n, stopChild } = require('./n8n-cli');
const { waitFor } = require('./e2e-toolkit');

/** Waits for `ready()` while the child runs; stops it, and throws with its output, if it fails. */
async function waitWhileRunning(what, child, output, ready) {
	try {
		await waitFor(
			what,
			async () => {
				if (child.exitCode !== null || child.signalCode !== null)
					throw new Error(`n8n exited (${child.exitCode ?? child.signalCode})`);
				return ready();
			},
			180_000,
			500,
		);
	} catch (error) {
		await stopChild(child);
		error.message += `:\n${output.join('')}`;
		throw error;
	}
}

/** `n8n worker --concurrency=N`; resolves once its health check says it is ready (DB and Redis up). */
async function startWorker(
	install,
	userFolder,
	env,
	{ name, concurrency, healthPort, brokerPort },
) {
	const child = spawn(install.n8n, ['worker', `--concurrency=${concurrency}`], {
		env: {
			...install.env,
			...env,
			N8N_USER_FOLDER: userFolder,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = [];
	child.stdout.on('data', (chunk) => output.push(chunk.toString()));
	child.stderr.on('data', (chunk) => output.push(chunk.toString()));
	const url = `http://127.0.0.1:${healthPort}/healthz/readiness`;
	await waitWhileRunning(`${url} to answer`, child, output, async () => {
		try {
			return (await fetch(url)).ok;
		} catch {
			return false; // not up yet
		}
	});
	return { name, child, output };
}

/** The main process (editor, webhooks; in queue mode it only enqueues). */
async function startMain(install, userFolder, env, { port, brokerPort }) {
	const main = await startN8n(install, userFolder, port, {
		env: { ...env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
	});
	// The REST API answers before the live workflows' webhooks are registered; n8n prints this after.
	await waitWhileRunning("n8n's main process to finish starting", main.child, main.output, () =>
		main.output.join('').includes('Editor is now accessible'),
	);
	return { name: 'main', ...main };
}

/** The execution ids a worker says it finished ("Worker finished execution N (job N)"). */
function finishedExecutions(worker) {
	return [...worker.output.join('').matchAll(/Worker finished execution (\d+)/g)].map(
		(match) => match[1],
	);
}

/**
 * POSTs JSON and resolves to { status, body } (body parsed when it is JSON). Plain node:http with
 * a long timeout: a webhook answering with its last node's items waits for the whole run, which
 * may wait out the account's rate limit.
 */
function postJson(url, data, timeoutMs = 10 * 60_000) {
	const body = JSON.stringify(data);
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
				timeout: timeoutMs,
			},
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						/* not JSON: kept as text for the failure message */
					}
					resolve({ status: response.statusCode, body: parsed });
				});
			},
		);
		request.on('timeout', () =>
			request.destroy(new Error(`no answer from ${url} in ${timeoutMs / 1000} s`)),
		);
		request.on('error', reject);
		request.end(body);
	});
}

module.exports = { startWorker, startMain, finishedExecutions, postJson, stopChild };
