import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

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
}

export const DEFAULT_SETTINGS: RunSettings = {
	wireFormat: 'json',
	batchSize: 50,
	requestsPerMinute: DEFAULT_CONTROL.requestsPerMinute,
	concurrency: 1,
	retry: DEFAULT_CONTROL.retry,
	appendWindowMs: 10_000,
};

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
	};
}

/**
 * The settings a request goes out with; the limiter is the process's one for the account, whoever
 * asks. Readers (Get Many, list searches, the trigger) call it with no arguments: the defaults.
 */
export function requestControl(
	settings: Pick<RequestControl, 'requestsPerMinute' | 'retry'> = DEFAULT_CONTROL,
): RequestControl {
	return { requestsPerMinute: settings.requestsPerMinute, retry: settings.retry };
}
