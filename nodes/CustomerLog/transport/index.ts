import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { NetoAction, NetoAnswer, WireFormat } from './wire';
import { NotNetoAnswer, encodeRequest, parseNetoResponse } from './wire';
import { RateLimiter } from './rateLimiter';
import { StoreUrlError, netoEndpoint } from './storeUrl';

export { RateLimiter };

type NetoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** What became of a request that did not bring back a usable answer. */
export type DeliveryOutcome =
	/** It provably never reached the store (connection refused, rate limited): nothing changed. */
	| 'notDelivered'
	/** It may have reached the store: an Add in it may have landed. */
	| 'unknown';

/** Why no usable answer came back; carries no secret. */
export class NetoRequestFailure {
	constructor(
		readonly message: string,
		readonly description: string,
		readonly outcome: DeliveryOutcome,
		readonly httpCode?: number,
	) {}
}

export interface RetryPolicy {
	/** Further tries after the first, for 429s and (when idempotent) 5xx and network errors. */
	maxRetries: number;
	/** The first backoff; each further one doubles, with jitter, up to a minute. */
	baseDelayMs: number;
}

export interface RequestControl {
	limiter: RateLimiter;
	retry: RetryPolicy;
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
 */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed while sending',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	ENOTFOUND: 'no such host',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ERR_INVALID_URL: 'the URL is not valid',
};
/** Codes that prove the request never left this machine or was never accepted by a server. */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: unknown): string | undefined {
	for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	const text = error instanceof Error ? error.message : String(error);
	return /\b(E[A-Z]{3,}[A-Z_]*)\b/.exec(text)?.[1];
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

function redact(text: string, secrets: string[]): string {
	return secrets.reduce((result, secret) => (secret.length >= 4 ? result.split(secret).join('[redacted]') : result), text);
}

interface RawResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

function endpointOf(storeUrl: unknown): string | NetoRequestFailure {
	try {
		return netoEndpoint(storeUrl);
	} catch (error) {
		const message = error instanceof StoreUrlError ? error.message : String(error);
		return new NetoRequestFailure(message, 'Fix the Store URL in the Neto API credential.', 'notDelivered');
	}
}

/**
 * Sends one request to the store's Neto API and returns its answer, normalized, or a
 * NetoRequestFailure (with no secret in it) when no usable answer came back. The only place that
 * talks HTTP: it waits for the rate limiter and retries what is safe to retry.
 */
export async function sendNetoRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
): Promise<NetoAnswer | NetoRequestFailure> {
	const credentials = await this.getCredentials('netoApi');
	const secrets = [credentials.apiKey, credentials.accessToken].filter((s): s is string => typeof s === 'string');
	const url = endpointOf(credentials.storeUrl);
	if (url instanceof NetoRequestFailure) return url;
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
	const fail = (message: string, description: string, outcome: DeliveryOutcome, httpCode?: number) =>
		new NetoRequestFailure(redact(message, secrets), redact(description, secrets), outcome, httpCode);

	for (let attempt = 0; ; attempt++) {
		const canRetry = attempt < control.retry.maxRetries;
		await control.limiter.acquire();
		const response = await this.helpers.httpRequestWithAuthentication
			.call(this, 'netoApi', options)
			.then((raw: RawResponse) => raw, (error: unknown) => ({ networkError: error }));
		if ('networkError' in response) {
			const code = errorCode(response.networkError) ?? '';
			const outcome: DeliveryOutcome = NOT_DELIVERED_CODES.has(code) ? 'notDelivered' : 'unknown';
			if (canRetry && (outcome === 'notDelivered' || request.idempotent)) {
				await sleep(backoffMs(control.retry, attempt));
				continue;
			}
			return fail(
				`The store at ${url} could not be reached: ${NETWORK_FAILURES[code] ?? 'a network error'}`,
				outcome === 'notDelivered'
					? 'The request never reached the store, so nothing was changed.'
					: 'The connection failed after the request was sent; the store may or may not have applied it.',
				outcome,
			);
		}
		const status = response.statusCode;
		if (status === 429) {
			if (canRetry) {
				await sleep(Math.min(MAX_WAIT_MS, retryAfterMs(response.headers['retry-after']) ?? backoffMs(control.retry, attempt)));
				continue;
			}
			return fail(
				'The store is rate limiting this account (HTTP 429)',
				`Still limited after ${attempt + 1} tries; nothing was changed. Neto allows 500 requests a minute per account: lower "Requests Per Minute" or raise "Max Retries".`,
				'notDelivered',
				status,
			);
		}
		if (status >= 500 && canRetry && request.idempotent) {
			await sleep(backoffMs(control.retry, attempt));
			continue;
		}
		const answer = parseNetoResponse(response.body);
		if (answer instanceof NotNetoAnswer) {
			return fail(
				status >= 400
					? `The store answered HTTP ${status} instead of a Neto API answer`
					: `No Neto API answered at ${url}: ${answer.reason}`,
				`HTTP ${status}. ${answer.excerpt ? `The answer began: ${answer.excerpt}. ` : ''}Check the Store URL in the credential.`,
				'unknown',
				status,
			);
		}
		if (status >= 400) {
			const first = answer.Messages.Error[0];
			return fail(
				`The store answered HTTP ${status}${first ? `: ${first.Message}` : ''}`,
				first?.Description ?? `The store's Neto API refused the request with HTTP ${status}.`,
				'unknown',
				status,
			);
		}
		return answer;
	}
}

/** As sendNetoRequest, for reads: a failure becomes the NodeApiError n8n shows. */
export async function netoApiRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
	itemIndex?: number,
): Promise<NetoAnswer> {
	const answer = await sendNetoRequest.call(this, request, control);
	if (answer instanceof NetoRequestFailure) {
		throw new NodeApiError(this.getNode(), { message: answer.message } as JsonObject, {
			message: answer.message,
			description: answer.description,
			itemIndex,
			...(answer.httpCode === undefined ? {} : { httpCode: String(answer.httpCode) }),
		});
	}
	return answer;
}
