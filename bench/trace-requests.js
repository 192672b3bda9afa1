'use strict';
/**
 * Preloaded into the n8n process by `npm run bench -- --timeline` (NODE_OPTIONS=--require): notes
 * when each outgoing HTTP request was created, written, answered and read to its end, on the
 * process's monotonic clock, and writes them to `$BENCH_TRACE_FILE.<pid>` when the process exits.
 * Only looks: the requests themselves go out unchanged.
 */
const fs = require('node:fs');
const http = require('node:http');

const file = process.env.BENCH_TRACE_FILE;
if (file) {
	const micros = () => Number(process.hrtime.bigint() / 1000n);
	// To place n8n's own times (epoch milliseconds) on the same clock.
	const clock = { epochMs: performance.timeOrigin + performance.now(), micros: micros() };
	const requests = [];
	const request = http.request;
	http.request = function tracedRequest(...args) {
		const entry = { created: micros() };
		const req = request.apply(this, args);
		entry.path = req.path;
		req.once('finish', () => {
			entry.written = micros();
		});
		req.once('response', (res) => {
			entry.answered = micros();
			res.once('end', () => {
				entry.read = micros();
			});
		});
		requests.push(entry);
		return req;
	};
	process.once('exit', () =>
		fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify({ clock, requests })),
	);
}
