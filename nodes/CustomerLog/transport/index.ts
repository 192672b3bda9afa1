import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { DeliveryOutcome, RequestFailure, Result, Unavailable } from '../failures';
import { fail, ok } from '../failures';
import type { NetoAction, NetoAnswer, NetoMessage, WireFormat } from './wire';
import { encodeRequest, parseNetoResponse } from './wire';
import { accountLimiters } from './rateLimiter';
import { netoEndpoint } from './storeUrl';

type NetoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface RetryPolicy {
	/** Further tries after the first, after a 5xx or a network error (when safe to repeat). */
	maxRetries: number;
	/** The first backoff; each further one doubles, with jitter, up to a minute. */
	baseDelayMs: number;
	/** How long a request refused with 429 is retried, from its first 429: nothing was applied, so always safe. */
	rateLimitWaitMs: number;
}

/**
 * Settings for a request. The limiter itself is the process's one for the account (see
 * rateLimiter.ts), found from the credentials, so every caller shares it.
 */
export interface RequestControl {
	requestsPerMinute: number;
	retry: RetryPolicy;
	/**
	 * The moment (epoch ms) by which the answer must have come: no try starts after it (the request
	 * ends as 'expired', nothing sent) and a try still waiting then is cut off. An append's write
	 * must not land long after the read it builds on (see appendNotes.ts).
	 */
	notAfter?: number;
	/** Told the moment each try goes to the store. */
	onSend?: (at: number) => void;
}

export interface NetoRequest {
	action: NetoAction;
	payload: IDataObject;
	format: WireFormat;
	/** Safe to send again when the first try's fate is unknown (Update, Get; never Add). */
	idempotent: boolean;
}

const MAX_WAIT_MS = 60_000;

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
	ENOTFOUND: 'the host name was not found (check the Store URL\'s domain)',
	EAI_AGAIN: 'the host name could not be looked up (a DNS failure)',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ERR_INVALID_URL: 'the URL is not valid',
	CERT_HAS_EXPIRED: "the store's TLS certificate has expired",
	DEPTH_ZERO_SELF_SIGNED_CERT: "the store's TLS certificate is self-signed, so it cannot be trusted",
	SELF_SIGNED_CERT_IN_CHAIN: "the store's TLS certificate chain holds a self-signed certificate, so it cannot be trusted",
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the store's TLS certificate could not be verified",
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the store's TLS certificate could not be verified (its issuer is unknown here)",
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
	if (/timeout|timed out/i.test(text) || (error as { name?: unknown } | undefined)?.name === 'TimeoutError') return 'the store did not answer in time';
	if (NETWORK_FAILURES[code]) return NETWORK_FAILURES[code];
	if (/certificate|self.signed|TLS|SSL/i.test(text)) return "the store's TLS certificate could not be verified";
	return 'a network error';
}

/** Codes that prove the request never left this machine or was never accepted by a server. */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: unknown): string | undefined {
	for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && (/^E[A-Z_]+$/.test(current.code) || current.code in NETWORK_FAILURES)) return current.code;
		current = current.cause as typeof current;
	}
	const text = error instanceof Error ? error.message : String(error);
	return /\b(E[A-Z]{3,}[A-Z_]*|[A-Z]+(?:_[A-Z]+)*_CERT[A-Z_]*|CERT_[A-Z_]+)\b/.exec(text)?.[1];
}

function retryAfterMs(header: unknown): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(MAX_WAIT_MS, policy.baseDelayMs * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function redact(text: string, secrets: string[]): string {
	return secrets.reduce((result, secret) => (secret.length >= 4 ? result.split(secret).join('[redacted]') : result), text);
}

/** The store's own messages go to error items and output: any key a store echoes in them is redacted. */
function redactMessages(answer: NetoAnswer, secrets: string[]): NetoAnswer {
	const clean = (message: NetoMessage): NetoMessage => {
		const copy = { ...message };
		for (const [name, value] of Object.entries(copy)) if (typeof value === 'string') copy[name] = redact(value, secrets);
		return copy;
	};
	return { ...answer, Messages: { Error: answer.Messages.Error.map(clean), Warning: answer.Messages.Warning.map(clean) } };
}

/** Who the store counts requests against: the API user or the add-on's client. Never the key. */
function accountOf(credentials: IDataObject): string {
	return credentials.authType === 'oAuthToken' ? `client ${String(credentials.clientId)}` : `user ${String(credentials.apiUsername)}`;
}

/**
 * The credential, read once per node run. n8n reads a credential from its database and decrypts it
 * on every getCredentials call, and httpRequestWithAuthentication does so again unless it is handed
 * the credential: in n8n 2.x that was most of the time between one answer and the next request. An
 * execute context is made for one node run, so the next execution reads the credential again and a
 * changed credential applies from then on. Keyed by that context object, never by anything in the
 * credential. A poll's context lives as long as its workflow is active: polls read it every request.
 */
const credentialOfRun = new WeakMap<IExecuteFunctions, Promise<ICredentialsDecrypted>>();

async function readCredential(context: NetoContext): Promise<ICredentialsDecrypted> {
	const read = async (): Promise<ICredentialsDecrypted> => {
		const { id, name } = context.getNode().credentials?.netoApi ?? {};
		return { id: id ?? '', name: name ?? '', type: 'netoApi', data: await context.getCredentials<ICredentialDataDecryptedObject>('netoApi') };
	};
	if (!('getInputData' in context)) return await read();
	let credential = credentialOfRun.get(context);
	if (!credential) {
		credential = read();
		credentialOfRun.set(context, credential);
	}
	return await credential;
}

interface RawResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

/**
 * Sends one request to the store's Neto API and returns its answer, normalized, or a
 * RequestFailure (with no secret in it) when no usable answer came back. The only place that
 * talks HTTP: it waits for the rate limiter and retries what is safe to retry.
 */
export async function sendNetoRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
): Promise<Result<NetoAnswer, RequestFailure>> {
	const credential = await readCredential(this);
	const credentials = credential.data ?? {};
	const secrets = [credentials.apiKey, credentials.accessToken].filter((s): s is string => typeof s === 'string');
	const endpoint = netoEndpoint(credentials.storeUrl);
	if (!endpoint.ok) {
		return fail({ message: endpoint.failure, description: 'Fix the Store URL in the Neto API credential.', outcome: 'notDelivered' });
	}
	const url = endpoint.value;
	const { body, contentType } = encodeRequest(request.action, request.payload, request.format);
	const options: IHttpRequestOptions = {
		method: 'POST',
		url,
		headers: {
			NETOAPI_ACTION: request.action,
			'Content-Type': `${contentType}; charset=utf-8`,
			...(request.format === 'json' ? { Accept: 'application/json' } : {}),
		},
		body,
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const failed = (message: string, description: string, outcome: DeliveryOutcome, httpCode?: number, unavailable?: Unavailable) =>
		fail<RequestFailure>({
			message: redact(message, secrets),
			description: redact(description, secrets),
			outcome,
			...(httpCode === undefined ? {} : { httpCode }),
			...(unavailable === undefined ? {} : { unavailable }),
		});

	const account = accountOf(credentials);
	let failures = 0;
	let limitedTimes = 0;
	let limitedSince: number | undefined;
	/** An earlier try may have been applied: the store answered 5xx, or the connection failed after sending. */
	let mayHaveLanded = false;
	for (;;) {
		// Looked up each try: a limiter left quiet for a window (a long backoff) may have been dropped.
		const permit = await accountLimiters.for(url, account).acquire(control.requestsPerMinute);
		const sentAt = Date.now();
		if (control.notAfter !== undefined && sentAt >= control.notAfter) {
			permit.unused();
			return mayHaveLanded
				? failed(
						`The store did not answer in time, and the request was not tried again: its time ran out (${failures + limitedTimes + 1} tries)`,
						'The store may or may not have applied an earlier try.',
						'unknown',
					)
				: failed('The request to the store was not sent: its time ran out before it could go', 'Nothing was changed.', 'expired');
		}
		control.onSend?.(sentAt);
		const response = await this.helpers.httpRequestWithAuthentication
			.call(this, 'netoApi', control.notAfter === undefined ? options : { ...options, timeout: control.notAfter - sentAt }, {
				credentialsDecrypted: credential,
			})
			.then((raw: RawResponse) => raw, (error: unknown) => ({ networkError: error }));
		if ('networkError' in response) {
			permit.done();
			const code = errorCode(response.networkError) ?? '';
			const outcome: DeliveryOutcome = NOT_DELIVERED_CODES.has(code) ? 'notDelivered' : 'unknown';
			mayHaveLanded ||= outcome === 'unknown';
			if (failures < control.retry.maxRetries && (outcome === 'notDelivered' || request.idempotent)) {
				await sleep(backoffMs(control.retry, failures++));
				continue;
			}
			return failed(
				`The store at ${url} could not be reached: ${networkFailureInWords(response.networkError)}`,
				outcome === 'notDelivered'
					? `The request never reached the store, so nothing was changed. Store URL: ${url}`
					: `The connection failed after the request was sent; the store may or may not have applied it. Store URL: ${url}`,
				outcome,
				undefined,
				code === 'ENOTFOUND' ? 'nameNotFound' : 'network',
			);
		}
		const status = response.statusCode;
		if (status === 429) {
			// Nothing was applied, so any request may go again, Add included, until the time budget is spent.
			const retryAfter = retryAfterMs(response.headers['retry-after']);
			// Never pause the account longer than this request would wait: the others then decide by their own budgets.
			permit.refused(retryAfter === undefined ? undefined : Math.min(retryAfter, control.retry.rateLimitWaitMs));
			limitedSince ??= Date.now();
			const wait = retryAfter ?? backoffMs(control.retry, limitedTimes);
			limitedTimes++;
			if (Date.now() - limitedSince + wait <= control.retry.rateLimitWaitMs) {
				// With Retry-After the account's limiter pauses every request; without, this one backs off.
				if (retryAfter === undefined) await sleep(wait);
				continue;
			}
			return failed(
				'The store is rate limiting this account (HTTP 429)',
				`Still limited after ${limitedTimes} tries over ${Math.round((Date.now() - limitedSince) / 1000)} s; nothing was changed. Neto allows 500 requests a minute per account, shared by every workflow and app that uses it: lower "Requests Per Minute" or raise "Rate Limit Wait (Minutes)".`,
				'notDelivered',
				status,
				'server',
			);
		}
		permit.done();
		if (status >= 500 && failures < control.retry.maxRetries && request.idempotent) {
			mayHaveLanded = true;
			await sleep(backoffMs(control.retry, failures++));
			continue;
		}
		const parsed = parseNetoResponse(response.body);
		if (!parsed.ok) {
			const { reason, excerpt } = parsed.failure;
			return failed(
				status >= 400
					? `The store at ${url} answered HTTP ${status} instead of a Neto API answer`
					: `No Neto API answered at ${url}: ${reason}`,
				`HTTP ${status}. ${excerpt ? `The answer began: ${excerpt}. ` : ''}Check the Store URL in the credential.`,
				'unknown',
				status,
				status >= 500 ? 'server' : undefined,
			);
		}
		const answer = parsed.value;
		if (status >= 400) {
			const first = answer.Messages.Error[0];
			return failed(
				`The store at ${url} answered HTTP ${status}${first ? `: ${first.Message}` : ''}`,
				first?.Description ?? `The store's Neto API refused the request with HTTP ${status}.`,
				'unknown',
				status,
				status >= 500 ? 'server' : undefined,
			);
		}
		return ok(redactMessages(answer, secrets));
	}
}

/**
 * The store's API endpoint as the credential gives it (no secret in it), or '' when the Store URL
 * is not usable (every request then fails with the reason). What identifies a store's logs.
 */
export async function storeEndpoint(this: NetoContext): Promise<string> {
	const endpoint = netoEndpoint((await readCredential(this)).data?.storeUrl);
	return endpoint.ok ? endpoint.value : '';
}

/**
 * As sendNetoRequest, for reads: a failure becomes the NodeApiError n8n shows, its context's
 * `storeUnavailable` set when the store could not be used for now (see Unavailable).
 */
export async function netoApiRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
	itemIndex?: number,
): Promise<NetoAnswer> {
	const answer = await sendNetoRequest.call(this, request, control);
	if (!answer.ok) {
		const { message, description, httpCode, unavailable } = answer.failure;
		const error = new NodeApiError(this.getNode(), { message } as JsonObject, {
			message,
			description,
			itemIndex,
			...(httpCode === undefined ? {} : { httpCode: String(httpCode) }),
		});
		if (unavailable) error.context.storeUnavailable = unavailable;
		throw error;
	}
	return answer.value;
}
