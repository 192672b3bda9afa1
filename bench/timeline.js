'use strict';
/**
 * Where the node's wall time goes between its requests, from the times bench/trace-requests.js
 * noted in the n8n process: before the first request, setting each one up and writing it (n8n's
 * HTTP helper, a new connection every time), waiting at the store, from an answer to the next
 * request, and after the last answer. The phases add up to n8n's executionTime of the node.
 */
const fs = require('node:fs');
const path = require('node:path');

const API_PATH = '/do/WS/NetoAPI';

/** The trace the process that sent the Neto requests wrote, among `<traceFile>.<pid>` files. */
function readTrace(traceFile) {
	const dir = path.dirname(traceFile);
	const traces = fs
		.readdirSync(dir)
		.filter((name) => name.startsWith(`${path.basename(traceFile)}.`))
		.map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
	const trace = traces.find((t) => t.requests.some((r) => r.path?.startsWith(API_PATH)));
	if (!trace) throw new Error(`no Neto request in the traces ${traceFile}.*`);
	return {
		clock: trace.clock,
		requests: trace.requests
			.filter((r) => r.path?.startsWith(API_PATH))
			.sort((a, b) => a.created - b.created),
	};
}

function summarizeTimeline(task, traceFile) {
	const { clock, requests } = readTrace(traceFile);
	const unfinished = requests.find((r) => r.read === undefined || r.written === undefined);
	if (unfinished)
		throw new Error(`a request was not traced to its end: ${JSON.stringify(unfinished)}`);
	const start = clock.micros + (task.startTime - clock.epochMs) * 1000;
	const end = start + task.executionTime * 1000;
	const sum = (f) => requests.reduce((total, r, i) => total + f(r, i), 0);
	const phases = [
		[
			'before the first request (reading the first batch, the credential, the first request set up)',
			requests[0].created - start,
		],
		[
			"setting each request up and writing it (n8n's HTTP helper; it opens a new connection every time)",
			sum((r) => r.written - r.created),
		],
		[
			'at the store: written to fully read (the sandbox: its latency, its own work, loopback)',
			sum((r) => r.read - r.written),
		],
		[
			"from an answer to the next request (reading the answer, the items' output, the next request handed to n8n)",
			sum((r, i) => (requests[i + 1] ? requests[i + 1].created - r.read : 0)),
		],
		['after the last answer', end - requests[requests.length - 1].read],
	];
	const ms = (micros) => (micros / 1000).toFixed(1);
	const n = requests.length;
	return [
		`| phase (${n} requests, node time ${task.executionTime} ms) | total | per request |`,
		'|---|---:|---:|',
		...phases.map(([label, micros], index) => {
			const per = index === 1 || index === 2 ? n : index === 3 ? n - 1 : 0;
			return `| ${label} | ${ms(micros)} ms | ${per ? `${ms(micros / per)} ms` : ''} |`;
		}),
	];
}

module.exports = { summarizeTimeline };
