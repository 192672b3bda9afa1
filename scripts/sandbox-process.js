'use strict';
/** Starts the Neto sandbox as a child process (so it is not part of what is measured or run). */
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

/**
 * One JSON request on a connection of its own. The callers block their event loop for seconds (a
 * spawnSync of n8n) between requests, so a kept-alive connection may have been closed by the
 * sandbox unnoticed, and fetch would fail with "other side closed".
 */
function requestJson(url, method = 'GET', body = undefined) {
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method, agent: false }, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk) => {
				body += chunk;
			});
			response.on('end', () => {
				try {
					resolve(JSON.parse(body));
				} catch (error) {
					reject(error);
				}
			});
		});
		request.on('error', reject);
		request.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

/** `idleStopMs: 0` keeps it up until stopped (by default it stops after 15 minutes without a request). */
function startSandboxProcess({ port = 0, latencyMs = 0, rateLimit, idleStopMs } = {}) {
	const child = spawn(
		process.execPath,
		[path.join(__dirname, '..', 'sandbox', 'cli.js'), '--json'],
		{
			env: {
				...process.env,
				NETO_SANDBOX_PORT: String(port),
				NETO_SANDBOX_LATENCY_MS: String(latencyMs),
				...(rateLimit ? { NETO_SANDBOX_RATE_LIMIT: String(rateLimit) } : {}),
				...(idleStopMs === undefined ? {} : { NETO_SANDBOX_IDLE_STOP_MS: String(idleStopMs) }),
			},
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	return new Promise((resolve, reject) => {
		child.once('exit', (code) =>
			reject(new Error(`the sandbox exited (${code}) before it listened`)),
		);
		readline.createInterface({ input: child.stdout }).once('line', (line) => {
			const { url, credentials } = JSON.parse(line);
			resolve({
				child,
				url,
				credentials,
				stop: () => child.kill('SIGTERM'),
				stats: () => requestJson(`${url}/__sandbox/stats`),
				logs: () => requestJson(`${url}/__sandbox/logs`),
				reset: () => requestJson(`${url}/__sandbox/reset`, 'POST'),
				/** Queues faults as the sandbox's injectFaults takes them; clearFaults ends them. */
				injectFaults: (faults) => requestJson(`${url}/__sandbox/faults`, 'POST', faults),
				clearFaults: () => requestJson(`${url}/__sandbox/faults`, 'DELETE'),
				/** Adds a merchant-sized store: { customers, logs } (NetoStore.populate). */
				populate: (size) => requestJson(`${url}/__sandbox/populate`, 'POST', size),
				/** Where the store's order notifications go: { url, token?, redeliverAfterMs?, contentType? }. */
				notifyTo: (target) => requestJson(`${url}/__sandbox/notifications`, 'POST', target),
				/** Every notification delivery attempt so far. */
				deliveries: () => requestJson(`${url}/__sandbox/notifications`),
				/** Changes an order's status ({ OrderStatus, deliver? }); resolves once its first attempts were answered. */
				changeOrder: (orderId, change) =>
					requestJson(`${url}/__sandbox/orders/${encodeURIComponent(orderId)}`, 'PATCH', change),
				/** Adds an order ({ Username, ... }). */
				addOrder: (fields) => requestJson(`${url}/__sandbox/orders`, 'POST', fields),
				/** Adds a log (POST) or changes one (PATCH, with its LogID) as a store user would. */
				editLog: (fields, logId) =>
					requestJson(
						`${url}/__sandbox/logs${logId ? `/${logId}` : ''}`,
						logId ? 'PATCH' : 'POST',
						fields,
					),
			});
		});
	});
}

module.exports = { startSandboxProcess };
