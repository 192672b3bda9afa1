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

export function errorCode(error: unknown): string | undefined {
	for (
		let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
		current && depth < 5;
		depth++
	) {
		if (
			typeof current.code === 'string' &&
			(/^E[A-Z_]+$/.test(current.code) || current.code in NETWORK_FAILURES)
		)
			return current.code;
		current = current.cause as typeof current;
	}
	const text = error instanceof Error ? error.message : String(error);
	return /\b(E[A-Z]{3,}[A-Z_]*|[A-Z]+(?:_[A-Z]+)*_CERT[A-Z_]*|CERT_[A-Z_]+)\b/.exec(text)?.[1];
}
