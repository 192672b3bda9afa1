'use strict';
/**
 * Endpoints on 127.0.0.1 that fail the way networks fail, for the "failures in words" tests:
 * a port where nothing listens, a server that resets every connection, and an HTTPS server whose
 * certificate is self-signed (made with openssl for the test). Each `close()`s when done.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const https = require('node:https');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function listen(server) {
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
		});
	});
}

/** A port that was just freed: connections to it are refused. */
async function closedPort() {
	const { port, close } = await listen(net.createServer());
	await close();
	return { port, close: async () => {} };
}

function resettingServer() {
	return listen(net.createServer((socket) => socket.resetAndDestroy()));
}

function selfSignedServer() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neto-tls-'));
	try {
		const key = path.join(dir, 'key.pem');
		const cert = path.join(dir, 'cert.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-subj',
				'/CN=127.0.0.1',
				'-days',
				'1',
				'-keyout',
				key,
				'-out',
				cert,
			],
			{ stdio: 'ignore' },
		);
		return listen(
			https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) =>
				res.end('{}'),
			),
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * The error Node gives for a name with two addresses (127.0.0.1 and ::1) that both refuse, as a
 * store's name with an IPv4 and an IPv6 address would: an AggregateError, one error per address
 * (net's autoSelectFamily, on by default since Node.js 20, which fetch's connections use too).
 */
async function refusedAtTwoAddresses() {
	const { port } = await closedPort();
	const both = [
		{ address: '127.0.0.1', family: 4 },
		{ address: '::1', family: 6 },
	];
	return await new Promise((resolve) => {
		const socket = net.connect({
			port,
			host: 'store.test',
			autoSelectFamily: true,
			lookup: (_host, options, callback) =>
				options.all ? callback(null, both) : callback(null, both[0].address, both[0].family),
		});
		socket.on('error', resolve);
	});
}

module.exports = { closedPort, resettingServer, selfSignedServer, refusedAtTwoAddresses };
