/**
 * The Neto Customer Log node as the editor shows it: versions, the Docs link, mode labels, hints,
 * required marks and notices, read from the node's description as n8n's editor reads it. The
 * editor's list searches (Customer and Log ID pickers) are in listSearch.test.ts.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { NetoCustomerLog } from '../nodes/Neto/NetoCustomerLog.node';
import codex from '../nodes/Neto/NetoCustomerLog.node.json';

describe('The node as the editor shows it', () => {
	const node = new NetoCustomerLog().description;

	test('version 2 is what new nodes get; version 1 stays loadable for saved workflows', () => {
		expect(node.version).toEqual([1, 2]);
		expect(node.defaultVersion).toBe(2);
	});

	test("the Docs link opens the package's own documentation of the node (the README's section, on npm); the API reference stays among the resources", () => {
		expect(codex.resources.primaryDocumentation).toEqual([
			{ url: 'https://www.npmjs.com/package/n8n-nodes-neto#the-neto-customer-log-node' },
		]);
		expect(codex.resources.generic.map((link) => link.url)).toEqual(
			expect.arrayContaining([
				expect.stringContaining(
					'developers.maropost.com/documentation/engineers/api-documentation/customers/getcustomer',
				),
			]),
		);
	});

	test("every resource locator mode label fits the editor's mode selector (about 50 px: at most 8 characters)", () => {
		const labels = node.properties
			.flatMap((property) => property.modes ?? [])
			.filter((mode) => mode.type !== 'list')
			.map((mode) => mode.displayName);
		expect(new Set(labels)).toEqual(new Set(['By User', 'By Email', 'By ID']));
		for (const label of labels) expect(label.length).toBeLessThanOrEqual(8);
	});

	test("no hint repeats what its control shows (a dropdown's options); limits and formats stay", () => {
		const all = node.properties.flatMap((property) => [
			property,
			...((property.options ?? []) as typeof node.properties),
		]);
		for (const property of all) {
			const choices = ((property.options ?? []) as Array<{ name?: string }>)
				.map((option) => option.name)
				.filter(Boolean);
			if (property.type === 'options' || property.type === 'multiOptions') {
				for (const choice of choices) expect(property.hint ?? '').not.toContain(choice);
			}
		}
		const hints = all.map((property) => property.hint).filter(Boolean);
		expect(hints).toEqual(
			expect.arrayContaining([
				'At most 25 characters',
				'At most 100 characters',
				expect.stringContaining('YYYY-MM-DD HH:MM:SS in UTC'),
			]),
		);
	});

	test('Customer is marked required on Add and Get, not on Update or Get Many', () => {
		const customers = node.properties.filter((property) => property.name === 'username');
		const required = Object.fromEntries(
			customers.map((property) => [
				String(property.displayOptions?.show?.operation),
				property.required ?? false,
			]),
		);
		expect(required).toEqual({ add: true, update: false, get: true, getAll: false });
	});

	test('where the user chooses Append, a notice says it waits one Append Window to confirm the text, and how to shorten it; nowhere else', () => {
		/** The notices the editor shows for these parameters (n8n's own display rules, as the editor applies them). */
		const noticesFor = (parameters: IDataObject) => {
			const values = NodeHelpers.getNodeParameters(
				node.properties,
				parameters as INodeParameters,
				true,
				false,
				null,
				node,
			) as INodeParameters;
			const shownAs = { typeVersion: 2, parameters: values } as unknown as INode;
			return node.properties
				.filter(
					(property) =>
						property.type === 'notice' &&
						NodeHelpers.displayParameterPath(values, property, '', shownAs, node),
				)
				.map((property) => property.displayName);
		};
		const appendDefinedBelow = noticesFor({
			operation: 'update',
			updateFields: { notes: 'x', notesMode: 'append' },
		});
		expect(appendDefinedBelow).toEqual([
			expect.stringMatching(
				/^Append waits one Append Window \(Options, 10 s unless changed\) after writing, then reads the log back to confirm/,
			),
		]);
		expect(appendDefinedBelow[0]).toMatch(
			/only one writing to these logs .*set Options > Append Window to a few seconds/,
		);
		expect(
			noticesFor({ operation: 'update', mappingMode: 'autoMapInputData', notesMode: 'append' }),
		).toEqual(appendDefinedBelow);
		expect(
			noticesFor({ operation: 'update', updateFields: { notes: 'x', notesMode: 'replace' } }),
		).toEqual([]);
		expect(noticesFor({ operation: 'update', updateFields: { notes: 'x' } })).toEqual([]);
		expect(noticesFor({ operation: 'update', mappingMode: 'autoMapInputData' })).toEqual([]);
		expect(noticesFor({ operation: 'add', additionalFields: { notes: 'x' } })).toEqual([]);
	});
});
