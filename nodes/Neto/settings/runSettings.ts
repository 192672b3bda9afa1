import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import type { RequestControl, RetryPolicy } from '../transport';
import { DEFAULT_CONTROL } from '../transport';
import type { WireFormat } from '../answer';

/**
 * The node's Options (options.description.ts) as the settings a run goes by: read once, from the
 * first item, by every operation that uses them.
 */
export interface RunSettings {
	wireFormat: WireFormat;
	batchSize: number;
	requestsPerMinute: number;
	concurrency: number;
	retry: RetryPolicy;
	/** Notes Mode Append: how old an append's read may be when its write is answered (append/append.ts). */
	appendWindowMs: number;
	/** Request Time Limit: how long a try waits for the store's answer (every operation). */
	timeLimitMs: number;
}

export const DEFAULT_SETTINGS: RunSettings = {
	wireFormat: 'json',
	batchSize: 50,
	requestsPerMinute: DEFAULT_CONTROL.requestsPerMinute,
	concurrency: 1,
	retry: DEFAULT_CONTROL.retry,
	appendWindowMs: 10_000,
	timeLimitMs: DEFAULT_CONTROL.timeLimitMs,
};

/** The Request Time Limit's bounds, in seconds: at most 2 minutes (docs/neto-contract.md). */
export const TIME_LIMIT_SECONDS = { min: 1, max: 120 };

function whole(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(number)));
}

/** A duration given in `unitMs` units (minutes, seconds), clamped to [min, max], in milliseconds. */
function duration(
	value: unknown,
	fallbackMs: number,
	unitMs: number,
	min: number,
	max: number,
): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (value === undefined || value === '' || !Number.isFinite(number)) return fallbackMs;
	return Math.round(Math.min(max, Math.max(min, number)) * unitMs);
}

export function readRunSettings(context: IExecuteFunctions): RunSettings {
	const raw = context.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		wireFormat: raw.wireFormat === 'xml' ? 'xml' : 'json',
		batchSize: whole(raw.batchSize, DEFAULT_SETTINGS.batchSize, 1, 1000),
		requestsPerMinute: whole(raw.requestsPerMinute, DEFAULT_SETTINGS.requestsPerMinute, 1, 500),
		concurrency: whole(raw.concurrency, DEFAULT_SETTINGS.concurrency, 1, 10),
		retry: {
			maxRetries: whole(raw.maxRetries, DEFAULT_SETTINGS.retry.maxRetries, 0, 10),
			baseDelayMs: whole(raw.retryDelayMs, DEFAULT_SETTINGS.retry.baseDelayMs, 0, 60_000),
			rateLimitWaitMs: duration(
				raw.rateLimitWaitMinutes,
				DEFAULT_SETTINGS.retry.rateLimitWaitMs,
				60_000,
				0,
				60,
			),
		},
		appendWindowMs: duration(
			raw.appendWindowSeconds,
			DEFAULT_SETTINGS.appendWindowMs,
			1000,
			0.1,
			300,
		),
		timeLimitMs: timeLimitOf(raw),
	};
}

/** The Request Time Limit from an Options collection (the node's or the trigger's), in ms. */
export function timeLimitOf(options: unknown): number {
	const raw = options !== null && typeof options === 'object' ? (options as IDataObject) : {};
	const { min, max } = TIME_LIMIT_SECONDS;
	return duration(raw.requestTimeLimitSeconds, DEFAULT_SETTINGS.timeLimitMs, 1000, min, max);
}

/**
 * The Request Time Limit a node's Options set, read where no item is: a poll (its parameters) and
 * a list search (the node being edited, whose parameters n8n hands it as they are on screen).
 */
export function optionsTimeLimit(context: IPollFunctions | ILoadOptionsFunctions): number {
	const options =
		'getCurrentNodeParameter' in context
			? context.getCurrentNodeParameter('options')
			: context.getNodeParameter('options', {});
	return timeLimitOf(options);
}

/**
 * The settings a request goes out with; the limiter is the process's one for the account, whoever
 * asks. Writes give their run's settings; readers (Get, Get Many, list searches, the trigger) give
 * only their Request Time Limit, and go by the defaults for the rest.
 */
export function requestControl(
	settings: Partial<Pick<RequestControl, 'requestsPerMinute' | 'retry' | 'timeLimitMs'>> = {},
): RequestControl {
	return {
		requestsPerMinute: settings.requestsPerMinute ?? DEFAULT_CONTROL.requestsPerMinute,
		retry: settings.retry ?? DEFAULT_CONTROL.retry,
		timeLimitMs: settings.timeLimitMs ?? DEFAULT_CONTROL.timeLimitMs,
	};
}
