/**
 * The editor's list searches, run through n8n-core's engine as the editor calls them: the Customer
 * picker (searchCustomers) and the Log ID picker (searchLogs), against the sandbox.
 */
import { runListSearch } from './harness/engine';
import { addNumberedCustomers, addOutsiders, useSandbox } from './harness/fixtures';

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });

describe('List searches', () => {
	const neto = useSandbox();

	test.each([0, 1] as const)(
		'customers: all of them, then filtered as the user types, paged (store counts pages from %i)',
		async (firstPage) => {
			neto.sandbox.set({ firstPage });
			const all = await runListSearch('searchCustomers', { credentials: neto.credentials() });
			expect(all.results.map((r) => r.value)).toEqual(['jsmith', 'acme_buyer', 'ellie.w', 'tom_k']);
			expect(all.results[0].name).toBe('jsmith (jane.smith@example.com)');
			expect(all.paginationToken).toBeUndefined();
			const typed = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'ACME',
			});
			expect(typed.results.map((r) => r.value)).toEqual(['acme_buyer']);

			for (let n = 0; n < 150; n++) neto.sandbox.store.addCustomer({ Username: `more${n}` });
			const first = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'more',
			});
			expect(first.results).toHaveLength(96);
			expect(first.paginationToken).toEqual(expect.any(String));
			const second = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'more',
				paginationToken: first.paginationToken,
			});
			expect(second.results).toHaveLength(54);
			expect(new Set([...first.results, ...second.results].map((r) => r.value)).size).toBe(150);
			expect(second.paginationToken).toBeUndefined();
		},
	);

	test.each([0, 1] as const)(
		'customers: a username or email typed in full is asked of the store first, so it shows at once on a large store, and only once (pages from %i)',
		async (firstPage) => {
			neto.sandbox.set({ firstPage });
			for (let n = 0; n < 250; n++)
				neto.sandbox.store.addCustomer({
					Username: `bulk${n}`,
					EmailAddress: `bulk${n}@example.com`,
				});
			neto.sandbox.store.addCustomer({ Username: 'zoe_late', EmailAddress: 'zoe@late.example' });

			const byUsername = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'zoe_late',
			});
			expect(byUsername.results).toEqual([
				{ name: 'zoe_late (zoe@late.example)', value: 'zoe_late' },
			]);
			const byEmail = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'Zoe@Late.example',
			});
			expect(byEmail.results.map((r) => r.value)).toEqual(['zoe_late']);

			// Paging on still finds partial matches, and never lists the exact match twice.
			const pages = [byUsername];
			while (pages[pages.length - 1].paginationToken) {
				const token = pages[pages.length - 1].paginationToken;
				pages.push(
					await runListSearch('searchCustomers', {
						credentials: neto.credentials(),
						filter: 'zoe_late',
						paginationToken: token,
					}),
				);
			}
			expect(pages).toHaveLength(3);
			expect(pages.flatMap((page) => page.results).map((r) => r.value)).toEqual(['zoe_late']);
			const partial = await runListSearch('searchCustomers', {
				credentials: neto.credentials(),
				filter: 'bulk24',
			});
			expect(partial.results.map((r) => r.value)).toEqual(['bulk24']);
		},
	);

	test('logs: those of the chosen customer, by username or email, filtered as the user types', async () => {
		const logs = await runListSearch('searchLogs', {
			credentials: neto.credentials(),
			parameters: { operation: 'update', username: locator('list', 'jsmith') },
		});
		expect(logs.results).toEqual([
			{ name: '#1000 · Require Recontact · Asked about bulk pricing', value: '1000' },
			{ name: '#1001 · Completed · Sent the catalogue', value: '1001' },
		]);
		const typed = await runListSearch('searchLogs', {
			credentials: neto.credentials(),
			parameters: { username: locator('username', 'jsmith') },
			filter: 'catalogue',
		});
		expect(typed.results.map((r) => r.value)).toEqual(['1001']);
		const byEmail = await runListSearch('searchLogs', {
			credentials: neto.credentials(),
			parameters: { operation: 'get', username: locator('email', 'orders@acme.example') },
		});
		expect(byEmail.results.map((r) => r.value)).toEqual(['1002']);
	});

	test('logs, with no customer chosen: no entry to select, the list says to choose the customer first', async () => {
		for (const username of [locator('list', ''), '', undefined]) {
			await expect(
				runListSearch('searchLogs', {
					credentials: neto.credentials(),
					parameters: { operation: 'update', ...(username === undefined ? {} : { username }) },
				}),
			).rejects.toThrow('Choose the Customer first');
		}
		expect(neto.sandbox.requests).toHaveLength(0);
	});
});

describe('List searches: the customer picker over the whole store', () => {
	const suite = useSandbox();
	const addCustomers = (count: number) => addNumberedCustomers(suite.sandbox, count);

	test('the customer picker pages through the store', async () => {
		addCustomers(146);
		const first = await runListSearch('searchCustomers', { credentials: suite.credentials() });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await runListSearch('searchCustomers', {
			credentials: suite.credentials(),
			paginationToken: first.paginationToken,
		});
		expect(second.results).toHaveLength(50);
		expect(second.paginationToken).toBeUndefined();
	});

	test('the customer picker lists inactive customers and prospects', async () => {
		addOutsiders(suite.sandbox);
		const found = await runListSearch('searchCustomers', { credentials: suite.credentials() });
		expect(found.results.map((item) => item.value)).toEqual(
			expect.arrayContaining(['gone_quiet', 'maybe_later', 'inactive_prospect']),
		);
	});
});
