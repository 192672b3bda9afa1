import type { NetoAnswer } from './answer';

/**
 * The node's one vocabulary for failures, from a value that cannot be sent to an item that failed.
 *
 * Every step that can fail returns a `Result` instead of throwing: most failures are one item's,
 * not the run's, and n8n's lint allows nothing but NodeApiError and NodeOperationError to be thrown
 * from a catch block. Only the edges n8n calls throw: an operation's items without Continue On Fail
 * (itemErrors.ts), a poll and a list search whose read failed (readFailureError, itemErrors.ts),
 * and the credential's authenticate.
 */
export type Result<T, F> = { ok: true; value: T } | { ok: false; failure: F };

export function ok<T>(value: T): { ok: true; value: T } {
	return { ok: true, value };
}

export function fail<F>(failure: F): { ok: false; failure: F } {
	return { ok: false, failure };
}

/** A value or an item the node refuses before sending anything; the caller adds the item index. */
export interface Refusal {
	message: string;
	/** Neto's name of the field at fault, when one is. */
	field?: string;
}

/** A body that is not an answer from Neto's API (an HTML page, a proxy's text, a broken document). */
export interface NotNetoAnswer {
	reason: string;
	/** The body's beginning, to quote in the message. */
	excerpt: string;
}

/** What became of a request that did not bring back a usable answer. */
export type DeliveryOutcome =
	/** It provably never reached the store (connection refused, rate limited): nothing changed. */
	| 'notDelivered'
	/** It may have reached the store: an Add in it may have landed. */
	| 'unknown'
	/** It was never sent: its time (RequestControl.notAfter) ran out first, so nothing changed. */
	| 'expired';

/**
 * Why the store could not be used for now, when that is why a request failed: the network failed
 * (`nameNotFound` on its own, as a mistyped Store URL fails that way too), or the store answered
 * 5xx or 429. A trigger whose activation poll fails this way keeps polling (trigger/poll.ts).
 */
export type Unavailable = 'network' | 'nameNotFound' | 'server';

/** Why no usable answer came back from the store; carries no secret. */
export interface RequestFailure {
	message: string;
	description: string;
	outcome: DeliveryOutcome;
	httpCode?: number;
	unavailable?: Unavailable;
}

/**
 * How one input item failed, as it reaches an error item or the node's error (itemErrors.ts): the
 * one shape of an item's failure, tagged by who failed it. `message` is without the "Item index N:"
 * prefix, which itemErrors.ts adds.
 */
export type ItemFailure =
	/** The node refused the item itself, before sending it: a NodeOperationError. */
	| {
			kind: 'refused';
			message: string;
			description: string;
			/** Neto's name of the field at fault, or '' when no one field is. */
			field: string;
	  }
	/** The store or the network failed it: a NodeApiError. */
	| {
			kind: 'failed';
			message: string;
			description: string;
			httpCode?: number;
			/** The store's answer, when one came. */
			answer?: NetoAnswer;
			/** What became of the request, when the failure is the request's (not shown to the user). */
			delivery?: DeliveryOutcome;
			/** Why the store could not be used for now, when that is why (see Unavailable). */
			unavailable?: Unavailable;
	  };

/** A request's failure as an item's; `note` adds what it means for the item (an Add that may have landed). */
export function itemFailureOf(failure: RequestFailure, note = ''): ItemFailure {
	return {
		kind: 'failed',
		message: failure.message,
		description: `${failure.description}${note}`,
		httpCode: failure.httpCode,
		delivery: failure.outcome,
		...(failure.unavailable === undefined ? {} : { unavailable: failure.unavailable }),
	};
}
