import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Sandbox, SandboxOptions } from '../sandbox/server';
import { startSandbox } from '../sandbox/server';
import type { RunOptions, RunResult } from './engine';
import { runCustomerLog } from './engine';

/** A sandbox per test file, reset between tests: a fresh store, no faults, no rate window. */
export function useSandbox(options: SandboxOptions = {}) {
	const state: { sandbox: Sandbox } = {} as { sandbox: Sandbox };
	beforeEach(async () => {
		state.sandbox = await startSandbox({ idleStopMs: 120_000, ...options });
	});
	afterEach(async () => {
		await state.sandbox.close();
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
		credentials,
		/** Runs the node against this sandbox; options default to fast retries. */
		run(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<RunOptions> = {}): Promise<RunResult> {
			return runCustomerLog({ parameters, items, credentials: credentials(), ...extra });
		},
		/** Requests that reached the Neto API path with a given action. */
		requestsFor(action: string) {
			return state.sandbox.requests.filter((request) => request.action === action);
		},
	};
}
