import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { authHeaders, netoEndpoint } from './storeUrl';
import { isAckSuccess } from '../answer';
import { networkFailureInWords } from './networkFailures';
import { redact } from './prepare';
import { encodeRequest, parseNetoResponse } from './wire';

/**
 * The credential's Test: one read-only GetCustomer (a username no store has, so nothing is read),
 * sent to the endpoint made from the Store URL with the chosen pair of headers. It is the node's
 * `testedBy` function rather than a declarative test because n8n's tester shows a declarative
 * test's network failure as its bare code (ENOTFOUND, ECONNREFUSED); here every failure is said in
 * words, naming the Store URL (never the key). n8n gives a credential test no HTTP helper but the
 * deprecated `request`, so this one request goes out through fetch, with redirects not followed
 * (the key would go along) and a time limit.
 */
const TEST_TIMEOUT_MS = 30_000;
const TEST_FILTER = {
	Filter: { Username: ['n8n-credential-test'], OutputSelector: ['Username'], Limit: 1 },
};

export async function testNetoCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const secrets = [data.apiKey, data.accessToken].filter(
		(secret): secret is string => typeof secret === 'string',
	);
	const failed = (message: string): INodeCredentialTestResult => ({
		status: 'Error',
		message: redact(message, secrets),
	});
	const endpoint = netoEndpoint(data.storeUrl);
	if (!endpoint.ok) return failed(endpoint.failure);
	const url = endpoint.value;
	const { body, contentType } = encodeRequest('GetCustomer', TEST_FILTER, 'json');
	const answer = await fetch(url, {
		method: 'POST',
		headers: {
			NETOAPI_ACTION: 'GetCustomer',
			'Content-Type': `${contentType}; charset=utf-8`,
			Accept: 'application/json',
			...authHeaders(data),
		},
		body,
		redirect: 'manual',
		signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
	}).then(
		async (response) => ({ status: response.status, text: await response.text() }),
		(error: unknown) => ({ networkError: error }),
	);
	if ('networkError' in answer) {
		return failed(
			`No answer came from the Store URL ${url}: ${networkFailureInWords(answer.networkError)}. Check the address (your store's domain, e.g. mystore.com.au); if it is right, the store or the network may be down.`,
		);
	}
	const parsed = parseNetoResponse(answer.text);
	if (!parsed.ok) {
		const moved = answer.status >= 300 && answer.status < 400 ? ' (it redirects elsewhere)' : '';
		return failed(
			`No Neto API answer came from this Store URL (${url} answered HTTP ${answer.status}${moved}: ${parsed.failure.reason}). Check the address (your store's domain, e.g. mystore.com.au); if it is right, the store may be down.`,
		);
	}
	if (!isAckSuccess(parsed.value)) {
		const said = parsed.value.Messages.Error.map((error) => error.Message)
			.filter(Boolean)
			.join('; ');
		return failed(
			`The store at ${url} refused these credentials${said ? ` (${said})` : ''}. Check the API username and key (or the client ID and access token).`,
		);
	}
	return { status: 'OK', message: 'Connection successful!' };
}
