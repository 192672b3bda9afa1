import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { RunOptions, RunResult } from './engine';
import { runCustomerLog } from './engine';

/** A sandbox per test file, reset between tests: a fresh store, no faults, no rate window. */
export const WIRE_FORMATS = ['json', 'xml'] as const;
export type Format = (typeof WIRE_FORMATS)[number];

export function useSandbox(options: SandboxOptions = {}, wireFormat: Format = 'json') {
	const state: { sandbox: Sandbox; expectBrokenRules?: boolean } = {} as { sandbox: Sandbox };
	beforeEach(async () => {
		state.expectBrokenRules = false;
		state.sandbox = await startSandbox({ idleStopMs: 120_000, ...options });
	});
	afterEach(async () => {
		const broken = state.sandbox.requests.filter(
			(request) => request.brokeRule && !state.expectBrokenRules,
		);
		await state.sandbox.close();
		// Every request the node sent in the test follows the vendor pages' rules (the strict sandbox refused none).
		expect(
			broken.map((request) => `${request.action}: ${(request.brokeRule ?? []).join('; ')}`),
		).toEqual([]);
	});
	const credentials = (overrides: IDataObject = {}): ICredentialDataDecryptedObject => ({
		storeUrl: state.sandbox.url,
		authType: 'apiKey',
		apiUsername: 'sandbox',
		apiKey: 'sandbox-key',
		...overrides,
	});
	return {
		get sandbox() {
			return state.sandbox;
		},
		/** For a test that sends the store a request breaking a documented rule on purpose. */
		expectBrokenRules() {
			state.expectBrokenRules = true;
		},
		credentials,
		/**
		 * Runs the node against this sandbox in this suite's wire format, with quick retries and a
		 * short Append Window (the sandbox answers in milliseconds).
		 */
		run(
			parameters: IDataObject,
			items: IDataObject[] = [{}],
			extra: Partial<RunOptions> = {},
		): Promise<RunResult> {
			const nodeOptions = {
				wireFormat,
				retryDelayMs: 10,
				appendWindowSeconds: 0.3,
				...((parameters.options as IDataObject) ?? {}),
			};
			return runCustomerLog({
				parameters: { ...parameters, options: nodeOptions },
				items,
				credentials: credentials(),
				...extra,
			});
		},
		/** Requests that reached the Neto API path with a given action. */
		requestsFor(action: string) {
			return state.sandbox.requests.filter((request) => request.action === action);
		},
	};
}

/** Adds `count` customers named <prefix>0000, <prefix>0001, ... to the sandbox's store. */
export function addNumberedCustomers(sandbox: Sandbox, count: number, prefix = 'customer'): void {
	for (let index = 0; index < count; index++)
		sandbox.store.addCustomer({ Username: `${prefix}${String(index).padStart(4, '0')}` });
}

/** Adds the customers a careless "every customer" filter leaves out: inactive ones and prospects. */
export function addOutsiders(sandbox: Sandbox): void {
	sandbox.store.addCustomer({ Username: 'gone_quiet', Active: 'False' });
	sandbox.store.addCustomer({ Username: 'maybe_later', Type: 'Prospect' });
	sandbox.store.addCustomer({
		Username: 'inactive_prospect',
		Type: 'Prospect',
		Active: 'False',
	});
}

/** The `error` object of an error item. */
export function errorOf(json: IDataObject): { message: string; description: string } & IDataObject {
	expect(json.error).toEqual(expect.objectContaining({ message: expect.any(String) }));
	return json.error as { message: string; description: string } & IDataObject;
}

/** Every field of Add's Additional Fields, as a user would fill them in (add and mapping tests). */
export const ALL_ADD_FIELDS = {
	customerName: 'Jane Smith',
	allocatedTo: 'Sam',
	followUpType: 'Phone Call',
	lastContacted: '2026-05-01T10:30:00',
	dateRequiredFollowUp: '2026-05-08T09:00:00+10:00',
	status: 'Recontacting',
	notes: 'Wants a quote for 40 units',
};

/**
 * Jest's fake Date only, set to `now` (timers stay real, so HTTP and the sandbox run as usual):
 * n8n-workflow's and the sandbox's clock, moved by the test with jest.setSystemTime.
 */
export function fakeDateOnly(now: number, running = false): void {
	jest.useFakeTimers({
		now,
		// Running: the fake Date moves on with real time (a poll's time limit runs out), and jumps when set.
		advanceTimers: running,
		doNotFake: [
			'nextTick',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
			'queueMicrotask',
			'hrtime',
			'performance',
		],
	});
}

/**
 * A test clock starting at `start` before each test (fakeDateOnly); `later` moves it on. `running`:
 * it also moves on with real time, and `later` jumps from where it is.
 */
export function useTestClock(start: number, running = false) {
	let clock = start;
	beforeEach(() => {
		fakeDateOnly(start, running);
		clock = start;
	});
	afterEach(() => {
		jest.useRealTimers();
	});
	const set = (ms: number) => {
		clock = ms;
		jest.setSystemTime(ms);
	};
	return {
		now: () => clock,
		set,
		later: (ms: number) => set((running ? Date.now() : clock) + ms),
	};
}
