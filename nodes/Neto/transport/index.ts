import { sleep } from 'n8n-workflow';

import type { RequestFailure, Result } from '../failures';
import type { NetoAnswer } from '../answer';
import type { NetoContext, NetoRequest, RequestControl } from './control';
import type { Decision, TryCount, TryOutcome, RawResponse } from './decide';
import { decide } from './decide';
import type { PreparedRequest } from './prepare';
import { prepare, readCredential } from './prepare';
import type { Permit } from './rateLimiter';
import { accountLimiters } from './rateLimiter';
import { netoEndpoint } from './storeUrl';
import { isTimeout } from './networkFailures';

export type { NetoContext, NetoRequest, RequestControl, RetryPolicy } from './control';
export { DEFAULT_CONTROL } from './control';
export { NETWORK_FAILURES, networkFailureInWords } from './networkFailures';
export { redact } from './prepare';

/**
 * How much earlier than its limit a try may end and still be the limit's doing: timers and clocks
 * differ by a millisecond or so. n8n 1.x's HTTP helper wraps a time-out in an error that no longer
 * says so (n8n 2.x keeps axios's "timeout of N ms exceeded" in its cause), so a try that failed
 * when its limit ran out is taken as timed out by the clock too.
 */
const TIMER_SLACK_MS = 50;

/**
 * One try: unless its time has run out, tells control.onSend and sends. It waits for the answer
 * as long as the Request Time Limit, or the time left before `notAfter` when that is less; a try
 * cut off by the Request Time Limit is `timedOut`, one cut off by `notAfter` a network error as
 * any other (then the next try is `expired`).
 */
async function send(
	this: NetoContext,
	prepared: PreparedRequest,
	control: RequestControl,
): Promise<TryOutcome> {
	const sentAt = Date.now();
	if (control.notAfter !== undefined && sentAt >= control.notAfter) return { kind: 'expired' };
	control.onSend?.(sentAt);
	const { options, credential } = prepared;
	const timeLeft = control.notAfter === undefined ? Infinity : control.notAfter - sentAt;
	const byTimeLimit = control.timeLimitMs <= timeLeft;
	const timeout = Math.min(control.timeLimitMs, timeLeft);
	return await this.helpers.httpRequestWithAuthentication
		.call(this, 'netoApi', { ...options, timeout }, { credentialsDecrypted: credential })
		.then(
			(response: RawResponse): TryOutcome => ({ kind: 'answered', response }),
			(error: unknown): TryOutcome =>
				byTimeLimit && (isTimeout(error) || Date.now() - sentAt >= timeout - TIMER_SLACK_MS)
					? { kind: 'timedOut' }
					: { kind: 'networkError', error },
		);
}

/** Ends a try's permit with the account's limiter as decided. */
function settlePermit(permit: Permit, end: Decision['permit']): void {
	if (end.kind === 'unused') permit.unused();
	else if (end.kind === 'done') permit.done();
	else permit.refused(end.pauseMs);
}

/** The count after a try, as decided. */
function countTry(tries: TryCount, decision: Decision, now: number): TryCount {
	return {
		failures: tries.failures + (decision.counts === 'failure' ? 1 : 0),
		limitedTimes: tries.limitedTimes + (decision.counts === 'limited' ? 1 : 0),
		limitedSince: decision.counts === 'limited' ? (tries.limitedSince ?? now) : tries.limitedSince,
		mayHaveLanded: tries.mayHaveLanded || decision.mayHaveLanded === true,
	};
}

/**
 * Sends one request to the store's Neto API and returns its answer, normalized, or a
 * RequestFailure (with no secret in it) when no usable answer came back. The only place that
 * talks HTTP: prepare the request, then send a try (each waits for the account's rate limiter),
 * decide what came back, settle the try's permit and count it, until an answer or a failure that
 * is not safe to retry.
 */
export async function sendNetoRequest(
	this: NetoContext,
	request: NetoRequest,
	control: RequestControl,
): Promise<Result<NetoAnswer, RequestFailure>> {
	const prepared = await prepare.call(this, request);
	if (!prepared.ok) return prepared;
	let tries: TryCount = { failures: 0, limitedTimes: 0, mayHaveLanded: false };
	for (;;) {
		// Looked up each try: a limiter left quiet for a window (a long backoff) may have been dropped.
		const permit = await accountLimiters
			.for(prepared.value.url, prepared.value.account)
			.acquire(control.requestsPerMinute);
		const outcome = await send.call(this, prepared.value, control);
		const now = Date.now();
		const decision = decide(outcome, tries, prepared.value, control, now);
		settlePermit(permit, decision.permit);
		tries = countTry(tries, decision, now);
		if (!decision.next.again) return decision.next.result;
		if (decision.next.waitMs !== undefined) await sleep(waitBefore(decision.next.waitMs, control));
	}
}

/**
 * A wait before the next try, never past `notAfter`: the try after it is then `expired` at once,
 * instead of a poll or an append outliving its deadline by a whole backoff.
 */
function waitBefore(waitMs: number, control: RequestControl): number {
	return control.notAfter === undefined
		? waitMs
		: Math.max(0, Math.min(waitMs, control.notAfter - Date.now()));
}

/**
 * The store's API endpoint as the credential gives it (no secret in it), or '' when the Store URL
 * is not usable (every request then fails with the reason). What identifies a store's logs.
 */
export async function storeEndpoint(this: NetoContext): Promise<string> {
	const endpoint = netoEndpoint((await readCredential(this)).data?.storeUrl);
	return endpoint.ok ? endpoint.value : '';
}
