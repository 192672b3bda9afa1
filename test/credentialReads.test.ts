import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runCustomerLog } from './harness/engine';
import { useSandbox } from './harness/fixtures';
import type { Sandbox } from '../sandbox/server';
import { startSandbox } from '../sandbox/server';

const ADD = {
	operation: 'add',
	username: '={{ $json.u }}',
	additionalFields: { notes: '={{ $json.note }}' },
};
const notes = (count: number, prefix: string) =>
	Array.from({ length: count }, (_, n) => ({ u: 'jsmith', note: `${prefix}${n}` }));

/**
 * The credential as n8n's credential store hands it over, counting how often it is read: the
 * harness's store hands out a copy of it for every read, as n8n decrypts one for every read.
 */
function countingCredential(data: ICredentialDataDecryptedObject) {
	const counter = { reads: 0 };
	const credential = { ...data };
	Object.defineProperty(credential, 'apiKey', {
		enumerable: true,
		get: () => {
			counter.reads++;
			return data.apiKey;
		},
	});
	return { credential, counter };
}

describe('Reading the credential', () => {
	const neto = useSandbox({});

	test('one run reads the credential once, however many requests it sends', async () => {
		const { credential, counter } = countingCredential(neto.credentials());
		const result = await runCustomerLog({
			parameters: { ...ADD, options: { batchSize: 10 } },
			items: notes(50, 'n'),
			credentials: credential,
		});
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.Ack)).toEqual(Array(50).fill('Success'));
		expect(neto.requestsFor('AddCustomerLog')).toHaveLength(5);
		expect(counter.reads).toBe(1);
	});

	describe('a changed credential applies from the next execution', () => {
		let other: Sandbox;
		beforeEach(async () => {
			other = await startSandbox({
				idleStopMs: 120_000,
				credentials: { apiUsername: 'other', apiKey: 'other-key' },
			});
		});
		afterEach(async () => {
			await other.close();
		});

		test('the second execution sends to the new Store URL with the new key', async () => {
			const first = await runCustomerLog({
				parameters: ADD,
				items: notes(2, 'first-'),
				credentials: neto.credentials(),
			});
			expect(first.error).toBeUndefined();
			const changed = neto.credentials({
				storeUrl: other.url,
				apiUsername: 'other',
				apiKey: 'other-key',
			});
			const second = await runCustomerLog({
				parameters: ADD,
				items: notes(2, 'second-'),
				credentials: changed,
			});
			expect(second.error).toBeUndefined();
			expect(second.json.map((json) => json.Ack)).toEqual(['Success', 'Success']);
			const notesIn = (sandbox: Sandbox) =>
				sandbox.store
					.logsOf('jsmith')
					.map((log) => log.Notes)
					.filter((text) => /^(first|second)-/.test(text));
			expect(notesIn(neto.sandbox)).toEqual(['first-0', 'first-1']);
			expect(notesIn(other)).toEqual(['second-0', 'second-1']);
		});

		test('a revoked key fails the next execution', async () => {
			const first = await runCustomerLog({
				parameters: ADD,
				items: notes(1, 'first-'),
				credentials: neto.credentials(),
			});
			expect(first.error).toBeUndefined();
			const second = await runCustomerLog({
				parameters: ADD,
				items: notes(1, 'second-'),
				credentials: neto.credentials({ apiKey: 'revoked-key' }),
			});
			expect(second.error?.message).toContain('Invalid API credentials');
			expect(neto.sandbox.store.logsOf('jsmith').map((log) => log.Notes)).not.toContain('second-0');
		});
	});
});
