import type { IDataObject } from 'n8n-workflow';

import { netoEndpoint } from '../nodes/Neto/transport/storeUrl';
import { testCredential } from './harness/engine';
import { useSandbox } from './harness/fixtures';

describe('Store URL', () => {
	test.each([
		['mystore.com.au', 'https://mystore.com.au/do/WS/NetoAPI'],
		['  www.mystore.com.au/  ', 'https://www.mystore.com.au/do/WS/NetoAPI'],
		['https://www.mystore.com.au/', 'https://www.mystore.com.au/do/WS/NetoAPI'],
		['https://www.mystore.com.au/do/WS/NetoAPI', 'https://www.mystore.com.au/do/WS/NetoAPI'],
		['HTTPS://MyStore.com.au/shop/page?x=1#top', 'https://mystore.com.au/do/WS/NetoAPI'],
		['mystore.com.au:8443', 'https://mystore.com.au:8443/do/WS/NetoAPI'],
		['http://127.0.0.1:8787', 'http://127.0.0.1:8787/do/WS/NetoAPI'],
		['http://localhost:8787/do/WS/NetoAPI', 'http://localhost:8787/do/WS/NetoAPI'],
		['http://127.8.9.10:8787', 'http://127.8.9.10:8787/do/WS/NetoAPI'],
		['http://[::1]:8787', 'http://[::1]:8787/do/WS/NetoAPI'],
	])('%j calls %s', (input, endpoint) => {
		expect(netoEndpoint(input)).toEqual({ ok: true, value: endpoint });
	});

	test.each([
		['', 'has no Store URL'],
		['ftp://mystore.com.au', 'must be a web address (http or https); "ftp:" is not supported'],
		['javascript:alert(1)', '"javascript:" is not supported'],
		['file:///etc/passwd', '"file:" is not supported'],
		['https://user:pass@mystore.com.au', 'must not contain a user name or password'],
		['mystore', 'has no domain name'],
		['https://', 'is not a valid web address'],
		[
			'http://mystore.com.au',
			'"http://mystore.com.au" uses plain http, which would send the API key unencrypted: use https://mystore.com.au.',
		],
		['http://www.mystore.com.au:8080/do/WS/NetoAPI', 'use https://www.mystore.com.au:8080.'],
		['http://10.0.0.5', 'uses plain http'],
		['http://0.0.0.0:8787', 'uses plain http'],
		['http://[::ffff:127.0.0.1]', 'uses plain http'],
		['http://localhost.mystore.com.au', 'uses plain http'],
		['http://127.0.0.1.mystore.com.au', 'uses plain http'],
	])('%j is refused: %s', (input, message) => {
		expect(netoEndpoint(input)).toEqual({ ok: false, failure: expect.stringContaining(message) });
	});
});

describe('Credential', () => {
	const neto = useSandbox();

	test('API key mode sends only NETOAPI_USERNAME and NETOAPI_KEY', async () => {
		const result = await neto.run({ operation: 'add', username: 'jsmith' });
		expect(result.error).toBeUndefined();
		const headers = neto.sandbox.requests[0].headerNames;
		expect(headers).toEqual(
			expect.arrayContaining(['netoapi_username', 'netoapi_key', 'netoapi_action']),
		);
		expect(headers).not.toContain('x_access_key');
		expect(headers).not.toContain('x_secret_key');
	});

	test('OAuth mode sends only X_ACCESS_KEY and X_SECRET_KEY', async () => {
		const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}], {
			credentials: neto.credentials({
				authType: 'oAuthToken',
				clientId: 'sandbox-client',
				accessToken: 'sandbox-token',
				apiKey: 'unused-key-1234',
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0].Ack).toBe('Success');
		const headers = neto.sandbox.requests[0].headerNames;
		expect(headers).toEqual(expect.arrayContaining(['x_access_key', 'x_secret_key']));
		expect(headers).not.toContain('netoapi_username');
		expect(headers).not.toContain('netoapi_key');
	});

	test('the Store URL may be the site, a page of it, or the full API URL', async () => {
		for (const storeUrl of [
			neto.sandbox.url,
			`${neto.sandbox.url}/`,
			`${neto.sandbox.url}/some/page`,
			`${neto.sandbox.url}/do/WS/NetoAPI`,
		]) {
			const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}], {
				credentials: neto.credentials({ storeUrl }),
			});
			expect(result.json[0].Ack).toBe('Success');
		}
		expect(neto.sandbox.requests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
	});

	test("a wrong key fails with the store's message and the key appears nowhere", async () => {
		const refused = ['refused', 'by', 'store', '5678'].join('-');
		const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}, {}], {
			credentials: neto.credentials({ apiKey: refused }),
			onError: 'continueRegularOutput',
		});
		expect(result.json).toHaveLength(2);
		expect((result.json[0].error as IDataObject).message).toContain('Invalid API credentials');
		expect(JSON.stringify(result.run)).not.toContain(refused);
		const failed = await neto.run({ operation: 'add', username: 'jsmith' }, [{}], {
			credentials: neto.credentials({ apiKey: refused }),
		});
		expect(failed.error?.message).toBe('Item index 0: Invalid API credentials');
		expect(JSON.stringify(failed.run)).not.toContain(refused);
		expect(JSON.stringify(failed.error, Object.getOwnPropertyNames(failed.error))).not.toContain(
			refused,
		);
	});

	test('a Store URL that is not http(s) fails every item with a clear message and sends nothing', async () => {
		const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}, {}], {
			credentials: neto.credentials({ storeUrl: 'ftp://mystore.com.au' }),
			onError: 'continueRegularOutput',
		});
		expect(result.json.map((json) => (json.error as IDataObject).message)).toEqual([
			'Item index 0: The Store URL must be a web address (http or https); "ftp:" is not supported',
			'Item index 1: The Store URL must be a web address (http or https); "ftp:" is not supported',
		]);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	// 0.0.0.0 is not a loopback address, yet a connection to it reaches this machine's 127.0.0.1
	// listeners: without the refusal the sandbox would receive the request, key included.
	test('a plain http Store URL that is not this machine fails every item, says why, and sends nothing', async () => {
		const storeUrl = neto.sandbox.url.replace('127.0.0.1', '0.0.0.0');
		const port = new URL(storeUrl).port;
		const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}, {}], {
			credentials: neto.credentials({ storeUrl }),
			onError: 'continueRegularOutput',
		});
		const message = `The Store URL "${storeUrl}" uses plain http, which would send the API key unencrypted: use https://0.0.0.0:${port}. Plain http is accepted only for a store on this machine (localhost, 127.x.x.x, [::1]).`;
		expect(result.json.map((json) => (json.error as IDataObject).message)).toEqual([
			`Item index 0: ${message}`,
			`Item index 1: ${message}`,
		]);
		const failed = await neto.run(
			{ operation: 'getAll', username: 'jsmith', returnAll: true },
			[{}],
			{ credentials: neto.credentials({ storeUrl }) },
		);
		expect(failed.error?.message).toContain(message);
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('the credential test refuses a plain http Store URL that is not this machine, and sends nothing', async () => {
		const storeUrl = neto.sandbox.url.replace('127.0.0.1', '0.0.0.0');
		const result = await testCredential(neto.credentials({ storeUrl }));
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringContaining('uses plain http, which would send the API key unencrypted'),
		});
		expect(neto.sandbox.requests).toHaveLength(0);
	});

	test('a URL where nothing listens: the error says the store could not be reached', async () => {
		const closed = neto.sandbox.url;
		await neto.sandbox.close();
		const result = await neto.run({ operation: 'add', username: 'jsmith' }, [{}], {
			credentials: neto.credentials({ storeUrl: closed }),
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			`Item index 0: The store at ${closed}/do/WS/NetoAPI could not be reached: the connection was refused (nothing is listening at that address and port)`,
		);
		expect(result.error?.description).toContain('never reached the store, so nothing was changed');
	});

	test('the credential test passes with the right key', async () => {
		expect(await testCredential(neto.credentials())).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(neto.requestsFor('GetCustomer')).toHaveLength(1);
	});

	test('the credential test says the key is wrong when the store refuses it', async () => {
		const result = await testCredential(neto.credentials({ apiKey: 'nope-nope' }));
		expect(result).toEqual({
			status: 'Error',
			message: `The store at ${neto.sandbox.url}/do/WS/NetoAPI refused these credentials (Invalid API credentials). Check the API username and key (or the client ID and access token).`,
		});
	});

	test.each([200, 404, 503])(
		'the credential test says the URL is wrong when a web page (HTTP %i) answers instead of the API',
		async (status) => {
			neto.sandbox.injectFaults([{ kind: 'html', status }]);
			const result = await testCredential(neto.credentials());
			expect(result).toEqual({
				status: 'Error',
				message: expect.stringContaining('No Neto API answer came from this Store URL'),
			});
		},
	);
});
