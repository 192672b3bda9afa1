/**
 * The store's API endpoint from what a merchant types: `mystore.com.au`,
 * `https://www.mystore.com.au/`, or the full `.../do/WS/NetoAPI` URL all give
 * `<origin>/do/WS/NetoAPI`. Shared by the credential (which authenticates every request,
 * the credential test included) and the transport (which names the endpoint in errors), so no
 * request leaves with an address refused here. A refusal is the reason, in words.
 */
export const NETO_API_PATH = '/do/WS/NetoAPI';

/**
 * The endpoint, or why the Store URL is refused. The shape of the node's Result (failures.ts),
 * written out here so the credential and the transport stand on this file alone.
 */
export type StoreEndpoint = { ok: true; value: string } | { ok: false; failure: string };

const ok = (value: string): StoreEndpoint => ({ ok: true, value });
const fail = (failure: string): StoreEndpoint => ({ ok: false, failure });

/**
 * The last Store URL read and its endpoint (a Store URL is no secret): the transport prepares each
 * request with it and the credential's authenticate is handed the same one on every try, so it is
 * parsed once, not once per request and again per try.
 */
let last: { storeUrl: string; endpoint: StoreEndpoint } | undefined;

export function netoEndpoint(storeUrl: unknown): StoreEndpoint {
	if (typeof storeUrl === 'string' && last?.storeUrl === storeUrl) return last.endpoint;
	const endpoint = parseStoreUrl(storeUrl);
	if (typeof storeUrl === 'string') last = { storeUrl, endpoint };
	return endpoint;
}

function parseStoreUrl(storeUrl: unknown): StoreEndpoint {
	const text = typeof storeUrl === 'string' ? storeUrl.trim() : '';
	if (text === '')
		return fail(
			"The Neto credential has no Store URL; enter your store's address, e.g. mystore.com.au",
		);
	// `mystore.com.au:8443` is a host and a port, not a scheme.
	const scheme = /^[^/:]+:\d+(\/|$)/.test(text) ? null : /^([a-z][a-z0-9+.-]*):/i.exec(text);
	const hasScheme = scheme !== null;
	if (hasScheme && !/^https?$/i.test(scheme[1])) {
		return fail(
			`The Store URL must be a web address (http or https); "${scheme[1]}:" is not supported`,
		);
	}
	const candidate = hasScheme ? text : `https://${text}`;
	if (!URL.canParse(candidate)) {
		return fail(`The Store URL "${text}" is not a valid web address; enter e.g. mystore.com.au`);
	}
	const url = new URL(candidate);
	if (url.username !== '' || url.password !== '') {
		return fail('The Store URL must not contain a user name or password; use the API key fields');
	}
	if (
		url.hostname === '' ||
		(!url.hostname.includes('.') && url.hostname !== 'localhost' && !url.hostname.startsWith('['))
	) {
		return fail(`The Store URL "${text}" has no domain name; enter e.g. mystore.com.au`);
	}
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
		return fail(
			`The Store URL "${text}" uses plain http, which would send the API key unencrypted: use https://${url.host}. Plain http is accepted only for a store on this machine (localhost, 127.x.x.x, [::1]).`,
		);
	}
	return ok(`${url.origin}${NETO_API_PATH}`);
}

/** This machine only (a local test store such as the sandbox), as the URL parser normalized it. */
function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The one pair of headers the chosen authentication sends (the credential's authenticate, and its Test). */
export function authHeaders(credentials: Record<string, unknown>): Record<string, string> {
	return credentials.authType === 'oAuthToken'
		? {
				X_ACCESS_KEY: String(credentials.clientId ?? ''),
				X_SECRET_KEY: String(credentials.accessToken ?? ''),
			}
		: {
				NETOAPI_USERNAME: String(credentials.apiUsername ?? ''),
				NETOAPI_KEY: String(credentials.apiKey ?? ''),
			};
}
