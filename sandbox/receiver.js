'use strict';
/**
 * A receiver of order notifications on 127.0.0.1, for tests of the sandbox's deliveries: it records
 * each POST (headers, body, when it came, when it was answered) and answers with the status
 * `answer()` gives ('hang': never), holding the first `holdUntil` requests until that many arrived.
 */
const http = require('node:http');

async function startReceiver() {
	const received = [];
	const state = { answer: () => 200, holdUntil: 0 };
	const held = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			const entry = { headers: req.headers, body, at: Date.now() };
			received.push(entry);
			const status = state.answer();
			const reply = () => {
				if (status === 'hang') return;
				entry.answeredAt = Date.now();
				res.writeHead(status);
				res.end();
			};
			if (received.length > state.holdUntil) return reply();
			held.push(reply);
			if (held.length === state.holdUntil) held.splice(0).forEach((go) => go());
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}/webhook/neto`,
		port,
		received,
		state,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startReceiver };
