import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { DeliveryOutcome, RequestFailure, Result, Unavailable } from '../failures';
import { fail, ok } from '../failures';
import type { NetoAction, NetoAnswer, NetoMessage, WireFormat } from '../answer';
import { encodeRequest, parseNetoResponse } from './wire';
import type { Permit } from './rateLimiter';
import { accountLimiters } from './rateLimiter';
import { netoEndpoint } from './storeUrl';

type NetoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IWebhookFunctions;

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
	 * must not land long after the read it builds on (see write/append/append.ts).
	 */
	notAfter?: number;
	/** Told the moment each try goes to the store. */
	onSend?: (at: number) => void;
}

/** What a request goes out with unless the node's Options say otherwise: Neto's limit, three retries. */
export const DEFAULT_CONTROL: Pick<RequestControl, 'requestsPerMinute' | 'retry'> = {
	requestsPerMinute: 500,
	retry: { maxRetries: 3, baseDelayMs: 1000, rateLimitWaitMs: 5 * 60_000 },
};

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
const NOT_DELIVERED_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ERR_INVALID_URL',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

function errorCode(error: unknown): string | undefined {
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
	return secrets.reduce(
		(result, secret) => (secret.length >= 4 ? result.split(secret).join('[redacted]') : result),
		text,
	);
}

/** The store's own messages go to error items and output: any key a store echoes in them is redacted. */
function redactMessages(answer: NetoAnswer, redactText: (text: string) => string): NetoAnswer {
	const clean = (message: NetoMessage): NetoMessage => {
		const copy = { ...message };
		for (const [name, value] of Object.entries(copy))
			if (typeof value === 'string') copy[name] = redactText(value);
		return copy;
	};
	return {
		...answer,
		Messages: {
			Error: answer.Messages.Error.map(clean),
			Warning: answer.Messages.Warning.map(clean),
		},
	};
}

/** Who the store counts requests against: the API user or the add-on's client. Never the key. */
function accountOf(credentials: IDataObject): string {
	return credentials.authType === 'oAuthToken'
		? `client ${String(credentials.clientId)}`
		: `user ${String(credentials.apiUsername)}`;
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
		return {
			id: id ?? '',
			name: name ?? '',
			type: 'netoApi',
			data: await context.getCredentials<ICredentialDataDecryptedObject>('netoApi'),
		};
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

/** A request made ready to go: everything a try needs, the Store URL parsed once. */
interface PreparedRequest {
	request: NetoRequest;
	credential: ICredentialsDecrypted;
	url: string;
	options: IHttpRequestOptions;
	account: string;
	/** Redacts the credential's secrets from a text. */
	redact: (text: string) => string;
}

/** What one try brought back. */
type TryOutcome =
	| { kind: 'expired' }
	| { kind: 'networkError'; error: unknown }
	| { kind: 'answered'; response: RawResponse };

/** The tries of one request so far: what the next retry decision rests on. */
interface TryCount {
	/** 5xx answers and network errors. */
	failures: number;
	/** 429 answers, and since when. */
	limitedTimes: number;
	limitedSince?: number;
	/** An earlier try may have been applied: the store answered 5xx, or the connection failed after sending. */
	mayHaveLanded: boolean;
}

/** After a try: go again (after `waitMs`, or at once when the account's limiter does the waiting), or this result. */
type Next =
	| { again: true; waitMs?: number }
	| { again: false; result: Result<NetoAnswer, RequestFailure> };

/** Reads the credential, parses the Store URL and encodes the body: a request ready to try, or why none can go. */
async function prepare(
	this: NetoContext,
	request: NetoRequest,
): Promise<Result<PreparedRequest, RequestFailure>> {
	const credential = await readCredential(this);
	const credentials = credential.data ?? {};
	const secrets = [
		credentials.apiKey,
		credentials.accessToken,
		credentials.webhookVerifyToken,
	].filter((s): s is string => typeof s === 'string');
	const endpoint = netoEndpoint(credentials.storeUrl);
	if (!endpoint.ok) {
		return fail({
			message: endpoint.failure,
			description: 'Fix the Store URL in the Neto API credential.',
			outcome: 'notDelivered',
		});
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
	return ok({
		request,
		credential,
		url,
		options,
		account: accountOf(credentials),
		redact: (text) => redact(text, secrets),
	});
}

/** One try: unless its time has run out, tells control.onSend and sends, with the time left as its timeout. */
async function tryOnce(
	this: NetoContext,
	prepared: PreparedRequest,
	control: RequestControl,
): Promise<TryOutcome> {
	const sentAt = Date.now();
	if (control.notAfter !== undefined && sentAt >= control.notAfter) return { kind: 'expired' };
	control.onSend?.(sentAt);
	const { options, credential } = prepared;
	return await this.helpers.httpRequestWithAuthentication
		.call(
			this,
			'netoApi',
			control.notAfter === undefined ? options : { ...options, timeout: control.notAfter - sentAt },
			{
				credentialsDecrypted: credential,
			},
		)
		.then(
			(response: RawResponse): TryOutcome => ({ kind: 'answered', response }),
			(error: unknown): TryOutcome => ({ kind: 'networkError', error }),
		);
}

/**
 * What a try means: settles its permit with the account's limiter, counts it, and says whether to
 * try again (what is safe to retry) or what the request's result is.
 */
function classify(
	outcome: TryOutcome,
	permit: Permit,
	tries: TryCount,
	prepared: PreparedRequest,
	control: RequestControl,
): Next {
	const { request, url } = prepared;
	const failed = (
		message: string,
		description: string,
		deliveryOutcome: DeliveryOutcome,
		httpCode?: number,
		unavailable?: Unavailable,
	): Next => ({
		again: false,
		result: fail<RequestFailure>({
			message: prepared.redact(message),
			description: prepared.redact(description),
			outcome: deliveryOutcome,
			...(httpCode === undefined ? {} : { httpCode }),
			...(unavailable === undefined ? {} : { unavailable }),
		}),
	});
	const retryAfterBackoff = (): Next => ({
		again: true,
		waitMs: backoffMs(control.retry, tries.failures++),
	});

	if (outcome.kind === 'expired') {
		permit.unused();
		return tries.mayHaveLanded
			? failed(
					`The store did not answer in time, and the request was not tried again: its time ran out (${tries.failures + tries.limitedTimes + 1} tries)`,
					'The store may or may not have applied an earlier try.',
					'unknown',
				)
			: failed(
					'The request to the store was not sent: its time ran out before it could go',
					'Nothing was changed.',
					'expired',
				);
	}
	if (outcome.kind === 'networkError') {
		permit.done();
		const code = errorCode(outcome.error) ?? '';
		const delivery: DeliveryOutcome = NOT_DELIVERED_CODES.has(code) ? 'notDelivered' : 'unknown';
		tries.mayHaveLanded ||= delivery === 'unknown';
		if (
			tries.failures < control.retry.maxRetries &&
			(delivery === 'notDelivered' || request.idempotent)
		)
			return retryAfterBackoff();
		return failed(
			`The store at ${url} could not be reached: ${networkFailureInWords(outcome.error)}`,
			delivery === 'notDelivered'
				? `The request never reached the store, so nothing was changed. Store URL: ${url}`
				: `The connection failed after the request was sent; the store may or may not have applied it. Store URL: ${url}`,
			delivery,
			undefined,
			code === 'ENOTFOUND' ? 'nameNotFound' : 'network',
		);
	}
	const { statusCode: status, headers, body } = outcome.response;
	if (status === 429) {
		// Nothing was applied, so any request may go again, Add included, until the time budget is spent.
		const retryAfter = retryAfterMs(headers['retry-after']);
		// Never pause the account longer than this request would wait: the others then decide by their own budgets.
		permit.refused(
			retryAfter === undefined ? undefined : Math.min(retryAfter, control.retry.rateLimitWaitMs),
		);
		tries.limitedSince ??= Date.now();
		const wait = retryAfter ?? backoffMs(control.retry, tries.limitedTimes);
		tries.limitedTimes++;
		if (Date.now() - tries.limitedSince + wait <= control.retry.rateLimitWaitMs) {
			// With Retry-After the account's limiter pauses every request; without, this one backs off.
			return retryAfter === undefined ? { again: true, waitMs: wait } : { again: true };
		}
		return failed(
			'The store is rate limiting this account (HTTP 429)',
			`Still limited after ${tries.limitedTimes} tries over ${Math.round((Date.now() - tries.limitedSince) / 1000)} s; nothing was changed. Neto allows 500 requests a minute per account, shared by every workflow and app that uses it: lower "Requests Per Minute" or raise "Rate Limit Wait (Minutes)".`,
			'notDelivered',
			status,
			'server',
		);
	}
	permit.done();
	if (status >= 500 && tries.failures < control.retry.maxRetries && request.idempotent) {
		tries.mayHaveLanded = true;
		return retryAfterBackoff();
	}
	const parsed = parseNetoResponse(body);
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
	return { again: false, result: ok(redactMessages(answer, prepared.redact)) };
}

/**
 * Sends one request to the store's Neto API and returns its answer, normalized, or a
 * RequestFailure (with no secret in it) when no usable answer came back. The only place that
 * talks HTTP: prepare the request, then try it (each try waits for the account's rate limiter)
 * and classify what came back, until an answer or a failure that is not safe to retry.
 */
export async function sendNetoRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
): Promise<Result<NetoAnswer, RequestFailure>> {
	const prepared = await prepare.call(this, request);
	if (!prepared.ok) return prepared;
	const tries: TryCount = { failures: 0, limitedTimes: 0, mayHaveLanded: false };
	for (;;) {
		// Looked up each try: a limiter left quiet for a window (a long backoff) may have been dropped.
		const permit = await accountLimiters
			.for(prepared.value.url, prepared.value.account)
			.acquire(control.requestsPerMinute);
		const outcome = await tryOnce.call(this, prepared.value, control);
		const next = classify(outcome, permit, tries, prepared.value, control);
		if (!next.again) return next.result;
		if (next.waitMs !== undefined) await sleep(next.waitMs);
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
