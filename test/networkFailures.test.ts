/**
 * Network failures in words: the credential's Test, the node's errors and the trigger's errors say
 * what happened (name not found, refused, reset, TLS certificate) and name the Store URL, never the
 * key and never a bare code such as ENOTFOUND. Real sockets on 127.0.0.1 (sandbox/failing-servers.js):
 * a closed port, a server that resets every connection, an HTTPS server with a self-signed certificate.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ActiveTrigger, runCustomerLog, testCredential } from './harness/engine';
import type { FailingServer } from '../sandbox/failing-servers';
import { closedPort, resettingServer, selfSignedServer } from '../sandbox/failing-servers';

const SANDBOX_KEY = 'sandbox-key-not-a-secret';
const credentials = (storeUrl: string): ICredentialDataDecryptedObject => ({
	storeUrl,
	authType: 'apiKey',
	apiUsername: 'sandbox',
	apiKey: SANDBOX_KEY,
});

const servers: FailingServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map(async (server) => await server.close()));
});

async function at(start: () => Promise<FailingServer>, scheme: 'http' | 'https'): Promise<string> {
	const server = await start();
	servers.push(server);
	return `${scheme}://127.0.0.1:${server.port}`;
}

type Case = [string, () => Promise<string>, RegExp];
const CASES: Case[] = [
	[
		'a name that is not found',
		async () => 'https://no-such-store.invalid',
		/the host name was not found \(check the Store URL's domain\)/,
	],
	[
		'a closed port',
		async () => await at(closedPort, 'http'),
		/the connection was refused \(nothing is listening at that address and port\)/,
	],
	[
		// Port 9 (discard): fetch (the credential's Test) refuses it itself, the node's requests find it closed.
		'port 9, where nothing listens',
		async () => 'http://127.0.0.1:9',
		/the connection was refused/,
	],
	[
		'a server that resets the connection',
		async () => await at(resettingServer, 'http'),
		/the connection was (reset|closed) by the other end/,
	],
	[
		'a self-signed TLS certificate',
		async () => await at(selfSignedServer, 'https'),
		/TLS certificate is self-signed, so it cannot be trusted/,
	],
];

/** What a message must never be: a bare code, or hold the key. */
function expectWords(message: string, storeUrl: string, words: RegExp) {
	expect(message).toMatch(words);
	expect(message).toContain(`${new URL(storeUrl).origin}/do/WS/NetoAPI`);
	expect(message).not.toMatch(
		/\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|UND_ERR_\w+|DEPTH_ZERO_SELF_SIGNED_CERT)\b/,
	);
	expect(message).not.toContain(SANDBOX_KEY);
}

describe.each(CASES)('Network failure in words: %s', (_label, makeUrl, words) => {
	test("the credential's Test says what happened and names the Store URL", async () => {
		const storeUrl = await makeUrl();
		const result = await testCredential(credentials(storeUrl));
		expect(result.status).toBe('Error');
		expectWords(String(result.message), storeUrl, words);
	});

	test("the node's error says what happened and names the Store URL", async () => {
		const storeUrl = await makeUrl();
		const result = await runCustomerLog({
			parameters: {
				operation: 'getAll',
				username: 'jsmith',
				returnAll: true,
				options: { retryDelayMs: 10 },
			},
			credentials: credentials(storeUrl),
		});
		expect(result.error?.name).toBe('NodeApiError');
		expectWords(String(result.error?.message), storeUrl, words);
	});

	test("the trigger's error says what happened and names the Store URL", async () => {
		const storeUrl = await makeUrl();
		const trigger = new ActiveTrigger({ event: 'newLog' }, credentials(storeUrl));
		const outcome = await trigger.poll();
		const error = trigger.dead ?? outcome.error;
		expectWords(String(error?.message), storeUrl, words);
	}, 30_000);
});
