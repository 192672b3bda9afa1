'use strict';
/** `npm run sandbox`: a Neto sandbox store on 127.0.0.1 for trying the node by hand. */
const { startSandbox } = require('./server');

const port = Number(process.env.NETO_SANDBOX_PORT ?? 8787);
const options = {
	port,
	latencyMs: Number(process.env.NETO_SANDBOX_LATENCY_MS || 0),
	...(process.env.NETO_SANDBOX_RATE_LIMIT
		? { rateLimitPerMinute: Number(process.env.NETO_SANDBOX_RATE_LIMIT) }
		: {}),
	// 0: never stop for lack of requests (npm start keeps it as long as n8n runs).
	...(process.env.NETO_SANDBOX_IDLE_STOP_MS
		? { idleStopMs: Number(process.env.NETO_SANDBOX_IDLE_STOP_MS) }
		: {}),
};
startSandbox(options).then((sandbox) => {
	const c = sandbox.options.credentials;
	if (process.argv.includes('--json')) {
		// For programs that start the sandbox as a child process (the benchmark, npm start).
		process.stdout.write(`${JSON.stringify({ url: sandbox.url, credentials: c })}\n`);
		process.on('SIGTERM', () => sandbox.close().then(() => process.exit(0)));
		return;
	}
	process.stdout.write(
		`Neto sandbox listening on ${sandbox.url}/do/WS/NetoAPI\n` +
			`API username: ${c.apiUsername}   API key: ${c.apiKey}\n` +
			`OAuth client ID: ${c.clientId}   access token: ${c.accessToken}\n` +
			`Customers: ${[...sandbox.store.customers.keys()].join(', ')}\n` +
			'It stops by itself after 15 minutes without a request; Ctrl-C stops it now.\n',
	);
	const stop = () => sandbox.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
});
