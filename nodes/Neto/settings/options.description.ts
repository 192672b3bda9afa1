import type { INodeProperties } from 'n8n-workflow';

/**
 * The node's Options on screen; runSettings.ts reads them as the run's settings. The defaults are
 * written out (n8n's lint reads them as literals) and equal runSettings.ts's DEFAULT_SETTINGS.
 */
/**
 * How long a request waits for the store's answer: in the node's Options and the trigger's (the
 * list searches read it from the node on screen). Its bounds are runSettings.ts's TIME_LIMIT_SECONDS.
 */
export const requestTimeLimitOption: INodeProperties = {
	displayName: 'Request Time Limit (Seconds)',
	name: 'requestTimeLimitSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 120 },
	default: 60,
	description:
		'How long to wait for the store to answer a request before giving up on it. A read or an Update that gets no answer in time is tried again (Max Retries); an Add is not, as the store may have added the log.',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'How the node talks to the store. Read once per run, from the first item.',
	// Batching, limits and retries are for writes; reads use the wire format and the time limit.
	options: [
		{
			displayName: 'Append Window (Seconds)',
			name: 'appendWindowSeconds',
			displayOptions: { show: { '/operation': ['update'] } },
			type: 'number',
			typeOptions: { minValue: 0.1, maxValue: 300, numberPrecision: 1 },
			default: 10,
			description:
				"For Notes Mode Append. The longest an append may take from reading the notes to the store's answer to its write (a slower one reads again). The node then waits this long before reading the log back, so that any other execution or worker that read the notes before this write has written by then. Use the same value in every workflow that appends to the same logs. When this n8n process is the only writer of these logs, a few seconds more than the store takes to answer is enough.",
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: 50,
			description:
				'How many logs to send in one request. 1 gives every item an exact outcome from the store; larger batches make far fewer requests.',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 1,
			description: 'How many requests may be in flight at once, all within the rate limit',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How often to try again after a 5xx or a network error, for requests that are safe to repeat. An Add is repeated only when it provably never reached the store. Rate limiting (429) has its own time budget.',
		},
		{
			displayName: 'Rate Limit Wait (Minutes)',
			name: 'rateLimitWaitMinutes',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 60, numberPrecision: 2 },
			default: 5,
			description:
				'How long to keep retrying a request the store refuses as rate limited (HTTP 429), from its first refusal. A 429 means nothing was applied, so every request is retried, Add included.',
		},
		requestTimeLimitOption,
		{
			displayName: 'Requests Per Minute',
			name: 'requestsPerMinute',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 500 },
			default: 500,
			description:
				'The most requests this n8n process starts in any minute for this store and API user, shared by every execution using them. Neto allows 500 per minute per account: with several n8n workers, divide.',
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelayMs',
			displayOptions: { show: { '/operation': ['add', 'update'] } },
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1000,
			description:
				'The first wait before a retry when the store gives no Retry-After; each further wait doubles, with jitter',
		},
		{
			displayName: 'Wire Format',
			name: 'wireFormat',
			type: 'options',
			options: [
				{ name: 'JSON', value: 'json' },
				{ name: 'XML', value: 'xml' },
			],
			default: 'json',
			description:
				'The format of the requests. Answers are read in whichever format the store sends.',
		},
	],
};
