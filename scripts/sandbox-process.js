'use strict';
/** Starts the Neto sandbox as a child process (so it is not part of what is measured or run). */
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

/** `idleStopMs: 0` keeps it up until stopped (by default it stops after 15 minutes without a request). */
function startSandboxProcess({ port = 0, latencyMs = 0, rateLimit, idleStopMs } = {}) {
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'test', 'sandbox', 'cli.js'), '--json'], {
		env: {
			...process.env,
			NETO_SANDBOX_PORT: String(port),
			NETO_SANDBOX_LATENCY_MS: String(latencyMs),
			...(rateLimit ? { NETO_SANDBOX_RATE_LIMIT: String(rateLimit) } : {}),
			...(idleStopMs === undefined ? {} : { NETO_SANDBOX_IDLE_STOP_MS: String(idleStopMs) }),
		},
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it listened`)));
		readline.createInterface({ input: child.stdout }).once('line', (line) => {
			const { url, credentials } = JSON.parse(line);
			resolve({
				child,
				url,
				credentials,
				stop: () => child.kill('SIGTERM'),
				stats: async () => (await fetch(`${url}/__sandbox/stats`)).json(),
				logs: async () => (await fetch(`${url}/__sandbox/logs`)).json(),
				reset: async () => (await fetch(`${url}/__sandbox/reset`, { method: 'POST' })).json(),
			});
		});
	});
}

module.exports = { startSandboxProcess };
