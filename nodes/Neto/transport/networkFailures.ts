/**
 * Network failures (an error a request failed with, before any answer) in words and by what they
 * prove: shared by the requests (index.ts) and the credential's Test (credentialTest.ts).
 */

/**
 * Network failures in words. n8n's NodeApiError replaces any message that contains an error code
 * such as ECONNREFUSED with a generic text, losing the item and the URL, so codes stay out of it.
 * Shared with the credential's Test (credentialTest.ts), which says the same in the same words.
 */
export const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (nothing is listening at that address and port)',
	ECONNRESET: 'the connection was reset by the other end',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed while sending',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	ENOTFOUND: "the host name was not found (check the Store URL's domain)",
	EAI_AGAIN: 'the host name could not be looked up (a DNS failure)',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ERR_INVALID_URL: 'the URL is not valid',
	CERT_HAS_EXPIRED: "the store's TLS certificate has expired",
	DEPTH_ZERO_SELF_SIGNED_CERT:
		"the store's TLS certificate is self-signed, so it cannot be trusted",
	SELF_SIGNED_CERT_IN_CHAIN:
		"the store's TLS certificate chain holds a self-signed certificate, so it cannot be trusted",
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the store's TLS certificate could not be verified",
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		"the store's TLS certificate could not be verified (its issuer is unknown here)",
	ERR_TLS_CERT_ALTNAME_INVALID: "the store's TLS certificate is for another host name",
	EPROTO: 'the secure (TLS) connection could not be set up',
	// What Node's fetch (the credential's Test) says for the same failures.
	UND_ERR_SOCKET: 'the connection was closed by the other end',
	UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
	UND_ERR_HEADERS_TIMEOUT: 'the store did not answer in time',
};

/**
 * What fetch says when it will not connect to a port of another service (Node's undici, on
 * Node.js 20 to 24: a TypeError "fetch failed" whose cause is an Error "bad port", no code): the
 * fetch standard's list of "bad ports", 9 (discard) and 1 among them. Only the credential's Test
 * uses fetch; the node's requests connect, and such a port refuses them as ECONNREFUSED.
 */
const BAD_PORT =
	'the connection was refused before it was made: fetch never connects to this port, which is reserved for another service (use the port your store answers on)';

/**
 * The error and every error it carries, nearest first: its `cause` and an AggregateError's
 * `errors` (Node's connect to a name with several addresses fails with one per address), as deep
 * as fetch and Node nest them.
 */
type ErrorLink = { code?: unknown; message?: unknown; name?: unknown };

function errorChain(error: unknown): ErrorLink[] {
	const chain: ErrorLink[] = [];
	let level: unknown[] = [error];
	for (let depth = 0; depth < 5 && level.length > 0; depth++) {
		const next: unknown[] = [];
		for (const item of level) {
			if (item === null || typeof item !== 'object') continue;
			const carrier = item as { cause?: unknown; errors?: unknown };
			chain.push(item);
			if (Array.isArray(carrier.errors)) next.push(...(carrier.errors as unknown[]));
			if (carrier.cause !== undefined) next.push(carrier.cause);
		}
		level = next;
	}
	return chain;
}

/**
 * The request's own time limit cut it off, not an abort: n8n's HTTP helper (axios) says
 * ECONNABORTED (or ETIMEDOUT) with "timeout of N ms exceeded", fetch a TimeoutError. n8n wraps
 * the helper's error in a NodeApiError with a message of its own, the original as its cause.
 */
export function isTimeout(error: unknown): boolean {
	return errorChain(error).some(
		(link) => /timeout|timed out/i.test(String(link.message)) || link.name === 'TimeoutError',
	);
}

/** A network failure in words, from the error a request failed with. */
export function networkFailureInWords(error: unknown): string {
	const code = errorCode(error) ?? '';
	const text = error instanceof Error ? error.message : String(error);
	// A request's own time limit (axios says ECONNABORTED, fetch a TimeoutError) is a timeout, not an abort.
	if (
		/timeout|timed out/i.test(text) ||
		(error as { name?: unknown } | undefined)?.name === 'TimeoutError'
	)
		return 'the store did not answer in time';
	if (NETWORK_FAILURES[code]) return NETWORK_FAILURES[code];
	if (errorChain(error).some((link) => link.message === 'bad port')) return BAD_PORT;
	if (/certificate|self.signed|TLS|SSL/i.test(text))
		return "the store's TLS certificate could not be verified";
	return 'a network error';
}

/** Codes that prove the request never left this machine or was never accepted by a server. */
export const NOT_DELIVERED_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ERR_INVALID_URL',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** The first error code in the error's chain that names a network failure, else one its message quotes. */
export function errorCode(error: unknown): string | undefined {
	for (const link of errorChain(error)) {
		if (
			typeof link.code === 'string' &&
			(/^E[A-Z_]+$/.test(link.code) || link.code in NETWORK_FAILURES)
		)
			return link.code;
	}
	const text = error instanceof Error ? error.message : String(error);
	return /\b(E[A-Z]{3,}[A-Z_]*|[A-Z]+(?:_[A-Z]+)*_CERT[A-Z_]*|CERT_[A-Z_]+)\b/.exec(text)?.[1];
}
