import type { DeliveryOutcome, RequestFailure, Result, Unavailable } from '../failures';
import { fail, ok } from '../failures';
import type { NetoAnswer, NetoMessage } from '../answer';
import type { RequestControl, RetryPolicy } from './control';
import type { PreparedRequest } from './prepare';
import { NOT_DELIVERED_CODES, errorCode, networkFailureInWords } from './networkFailures';
import { parseNetoResponse } from './wire';

/**
 * What a try of a request means, decided from what came back and the tries before it: a value,
 * nothing settled or counted here (the loop in index.ts does both).
 */

export interface RawResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

/** What one try brought back. */
export type TryOutcome =
	| { kind: 'expired' }
	/** Sent, and no answer came within the Request Time Limit. */
	| { kind: 'timedOut' }
	| { kind: 'networkError'; error: unknown }
	| { kind: 'answered'; response: RawResponse };

/** The tries of one request so far: what the next retry decision rests on. */
export interface TryCount {
	/** 5xx answers and network errors that were retried. */
	failures: number;
	/** 429 answers, and since when. */
	limitedTimes: number;
	limitedSince?: number;
	/** An earlier try may have been applied: the store answered 5xx, or the connection failed after sending. */
	mayHaveLanded: boolean;
}

/** How the try's rate-limit permit ends: not used, used, or refused by the store (pausing the account). */
export type PermitEnd =
	| { kind: 'unused' }
	| { kind: 'done' }
	| { kind: 'refused'; pauseMs?: number };

/** A try's meaning: how its permit ends, what it counts as, and what comes next. */
export interface Decision {
	permit: PermitEnd;
	/** What the try adds to the count: a retried failure, or a 429. */
	counts?: 'failure' | 'limited';
	/** This try may have been applied by the store. */
	mayHaveLanded?: boolean;
	/** Go again (after `waitMs`, or at once when the account's limiter does the waiting), or this result. */
	next:
		| { again: true; waitMs?: number }
		| { again: false; result: Result<NetoAnswer, RequestFailure> };
}

const MAX_WAIT_MS = 60_000;

function retryAfterMs(header: unknown, now: number): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(MAX_WAIT_MS, policy.baseDelayMs * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
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

interface FailureText {
	message: string;
	description: string;
	outcome: DeliveryOutcome;
	httpCode?: number;
	unavailable?: Unavailable;
}

/** The request ends with this failure, its texts redacted. */
function failed(prepared: PreparedRequest, failure: FailureText): Decision['next'] {
	return {
		again: false,
		result: fail<RequestFailure>({
			message: prepared.redact(failure.message),
			description: prepared.redact(failure.description),
			outcome: failure.outcome,
			...(failure.httpCode === undefined ? {} : { httpCode: failure.httpCode }),
			...(failure.unavailable === undefined ? {} : { unavailable: failure.unavailable }),
		}),
	};
}

/** A retried failure: back off, doubling with each one before it. */
function retryAfterBackoff(control: RequestControl, tries: TryCount): Decision['next'] {
	return { again: true, waitMs: backoffMs(control.retry, tries.failures) };
}

function decideExpired(tries: TryCount, prepared: PreparedRequest): Decision {
	return {
		permit: { kind: 'unused' },
		next: tries.mayHaveLanded
			? failed(prepared, {
					message: `The store did not answer in time, and the request was not tried again: its time ran out (${tries.failures + tries.limitedTimes + 1} tries)`,
					description: 'The store may or may not have applied an earlier try.',
					outcome: 'unknown',
				})
			: failed(prepared, {
					message: 'The request to the store was not sent: its time ran out before it could go',
					description: 'Nothing was changed.',
					outcome: 'expired',
				}),
	};
}

function decideNetworkError(
	error: unknown,
	tries: TryCount,
	prepared: PreparedRequest,
	control: RequestControl,
): Decision {
	const { request, url } = prepared;
	const code = errorCode(error) ?? '';
	const delivery: DeliveryOutcome = NOT_DELIVERED_CODES.has(code) ? 'notDelivered' : 'unknown';
	const mayHaveLanded = delivery === 'unknown';
	if (
		tries.failures < control.retry.maxRetries &&
		(delivery === 'notDelivered' || request.idempotent)
	)
		return {
			permit: { kind: 'done' },
			counts: 'failure',
			mayHaveLanded,
			next: retryAfterBackoff(control, tries),
		};
	return {
		permit: { kind: 'done' },
		mayHaveLanded,
		next: failed(prepared, {
			message: `The store at ${url} could not be reached: ${networkFailureInWords(error)}`,
			description:
				delivery === 'notDelivered'
					? `The request never reached the store, so nothing was changed. Store URL: ${url}`
					: `The connection failed after the request was sent; the store may or may not have applied it. Store URL: ${url}`,
			outcome: delivery,
			unavailable: code === 'ENOTFOUND' ? 'nameNotFound' : 'network',
		}),
	};
}

/** Seconds as the user set them: 60, 1.5. */
function seconds(ms: number): string {
	return String(Math.round(ms / 100) / 10);
}

/**
 * No answer within the Request Time Limit. The request was sent, so the store may have applied
 * it: only a request that is safe to repeat (never an Add) goes again, within Max Retries.
 */
function decideTimedOut(
	tries: TryCount,
	prepared: PreparedRequest,
	control: RequestControl,
): Decision {
	const { request, url } = prepared;
	if (request.idempotent && tries.failures < control.retry.maxRetries)
		return {
			permit: { kind: 'done' },
			counts: 'failure',
			mayHaveLanded: true,
			next: retryAfterBackoff(control, tries),
		};
	const tried = tries.failures > 0 ? ` (${tries.failures + 1} tries)` : '';
	return {
		permit: { kind: 'done' },
		mayHaveLanded: true,
		next: failed(prepared, {
			message: `The store at ${url} did not answer within ${seconds(control.timeLimitMs)} s${tried}`,
			description: `The request was sent and no answer came within the Request Time Limit (Options), so the store may or may not have applied it. If the store is slow, raise "Request Time Limit (Seconds)". Store URL: ${url}`,
			outcome: 'unknown',
			unavailable: 'network',
		}),
	};
}

function decideRateLimited(
	headers: Record<string, unknown>,
	tries: TryCount,
	control: RequestControl,
	now: number,
): Decision {
	// Nothing was applied, so any request may go again, Add included, until the time budget is spent.
	const retryAfter = retryAfterMs(headers['retry-after'], now);
	// Never pause the account longer than this request would wait: the others then decide by their own budgets.
	const permit: PermitEnd = {
		kind: 'refused',
		...(retryAfter === undefined
			? {}
			: { pauseMs: Math.min(retryAfter, control.retry.rateLimitWaitMs) }),
	};
	const since = tries.limitedSince ?? now;
	const wait = retryAfter ?? backoffMs(control.retry, tries.limitedTimes);
	if (now - since + wait <= control.retry.rateLimitWaitMs) {
		// With Retry-After the account's limiter pauses every request; without, this one backs off.
		const next =
			retryAfter === undefined ? { again: true as const, waitMs: wait } : { again: true as const };
		return { permit, counts: 'limited', next };
	}
	return {
		permit,
		counts: 'limited',
		next: { again: false, result: fail(rateLimited(tries, since, now)) },
	};
}

function rateLimited(tries: TryCount, since: number, now: number): RequestFailure {
	return {
		message: 'The store is rate limiting this account (HTTP 429)',
		description: `Still limited after ${tries.limitedTimes + 1} tries over ${Math.round((now - since) / 1000)} s; nothing was changed. Neto allows 500 requests a minute per account, shared by every workflow and app that uses it: lower "Requests Per Minute" or raise "Rate Limit Wait (Minutes)".`,
		outcome: 'notDelivered',
		httpCode: 429,
		unavailable: 'server',
	};
}

function decideAnswer(
	response: RawResponse,
	tries: TryCount,
	prepared: PreparedRequest,
	control: RequestControl,
): Decision {
	const { statusCode: status, body } = response;
	const { request, url } = prepared;
	const done: PermitEnd = { kind: 'done' };
	if (status >= 500 && tries.failures < control.retry.maxRetries && request.idempotent)
		return {
			permit: done,
			counts: 'failure',
			mayHaveLanded: true,
			next: retryAfterBackoff(control, tries),
		};
	const unavailable = status >= 500 ? ('server' as const) : undefined;
	const parsed = parseNetoResponse(body);
	if (!parsed.ok) {
		const { reason, excerpt } = parsed.failure;
		return {
			permit: done,
			next: failed(prepared, {
				message:
					status >= 400
						? `The store at ${url} answered HTTP ${status} instead of a Neto API answer`
						: `No Neto API answered at ${url}: ${reason}`,
				description: `HTTP ${status}. ${excerpt ? `The answer began: ${excerpt}. ` : ''}Check the Store URL in the credential.`,
				outcome: 'unknown',
				httpCode: status,
				unavailable,
			}),
		};
	}
	const answer = parsed.value;
	if (status >= 400) {
		const first = answer.Messages.Error[0];
		return {
			permit: done,
			next: failed(prepared, {
				message: `The store at ${url} answered HTTP ${status}${first ? `: ${first.Message}` : ''}`,
				description:
					first?.Description ?? `The store's Neto API refused the request with HTTP ${status}.`,
				outcome: 'unknown',
				httpCode: status,
				unavailable,
			}),
		};
	}
	return {
		permit: done,
		next: { again: false, result: ok(redactMessages(answer, prepared.redact)) },
	};
}

/** What a try means: whether to try again (what is safe to retry) or what the request's result is. */
export function decide(
	outcome: TryOutcome,
	tries: TryCount,
	prepared: PreparedRequest,
	control: RequestControl,
	now: number,
): Decision {
	switch (outcome.kind) {
		case 'expired':
			return decideExpired(tries, prepared);
		case 'timedOut':
			return decideTimedOut(tries, prepared, control);
		case 'networkError':
			return decideNetworkError(outcome.error, tries, prepared, control);
		case 'answered':
			return outcome.response.statusCode === 429
				? decideRateLimited(outcome.response.headers, tries, control, now)
				: decideAnswer(outcome.response, tries, prepared, control);
	}
}
