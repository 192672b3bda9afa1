'use strict';
/** Starts the Neto sandbox as a child process (so it is not part of what is measured or run). */
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

/**
 * fetch, tried again once when it reused a kept-alive socket the sandbox had closed meanwhile: a
 * caller blocked in spawnSync (n8n execute) longer than the server's keep-alive cannot see it close.
 */
async function sandboxFetch(url, init) {
	try {
		return await fetch(url, init);
	} catch (error) {
		if (error.cause?.code !== 'UND_ERR_SOCKET') throw error;
		return await fetch(url, init);
	}
}

function startSandboxProcess({ port = 0, latencyMs = 0, rateLimit } = {}) {
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'test', 'sandbox', 'cli.js'), '--json'], {
		env: {
			...process.env,
			NETO_SANDBOX_PORT: String(port),
			NETO_SANDBOX_LATENCY_MS: String(latencyMs),
			...(rateLimit ? { NETO_SANDBOX_RATE_LIMIT: String(rateLimit) } : {}),
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
				stats: async () => (await sandboxFetch(`${url}/__sandbox/stats`)).json(),
				logs: async () => (await sandboxFetch(`${url}/__sandbox/logs`)).json(),
				reset: async () => (await sandboxFetch(`${url}/__sandbox/reset`, { method: 'POST' })).json(),
			});
		});
	});
}

module.exports = { startSandboxProcess };
