import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { WireFormat, NetoAction } from '../answer';

/** Whoever n8n lets send a request: an operation, a list search, a poll, a webhook. */
export type NetoContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| IWebhookFunctions;

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
	 * The longest a try waits for the store's answer (the user's Request Time Limit): then it is cut
	 * off and said to be the store's silence. Not an idempotent request's whole time: each retry
	 * waits as long again.
	 */
	timeLimitMs: number;
	/**
	 * The moment (epoch ms) by which the answer must have come: no try starts after it (the request
	 * ends as 'expired', nothing sent) and a try still waiting then is cut off. An append's write
	 * must not land long after the read it builds on (see write/append/append.ts).
	 */
	notAfter?: number;
	/** Told the moment each try goes to the store. */
	onSend?: (at: number) => void;
}

/**
 * What a request goes out with unless the node's Options say otherwise: Neto's limit, three
 * retries, a minute's wait for an answer (why a minute: docs/neto-contract.md, Decisions).
 */
export const DEFAULT_CONTROL: Pick<RequestControl, 'requestsPerMinute' | 'retry' | 'timeLimitMs'> =
	{
		requestsPerMinute: 500,
		retry: { maxRetries: 3, baseDelayMs: 1000, rateLimitWaitMs: 5 * 60_000 },
		timeLimitMs: 60_000,
	};

export interface NetoRequest {
	action: NetoAction;
	payload: IDataObject;
	format: WireFormat;
	/** Safe to send again when the first try's fate is unknown (Update, Get; never Add). */
	idempotent: boolean;
}
