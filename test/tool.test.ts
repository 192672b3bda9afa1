import type { IDataObject } from 'n8n-workflow';

import type { ToolNode } from './harness/agent';
import { runAgent } from './harness/agent';
import { useSandbox } from './harness/fixtures';

/**
 * The node as an AI agent's tool, through n8n-core's engine as n8n 2.x runs one (harness/agent.ts):
 * what the model is told the tool does, and what it reads back. The end-to-end suite does the same
 * with n8n's AI Agent and a scripted model (scripts/e2e-agent.js).
 */

const fromAI = (key: string, description: string) =>
	`={{ $fromAI('${key}', '${description}', 'string') }}`;

const ADD_TOOL: ToolNode = {
	name: 'Add customer log',
	parameters: {
		operation: 'add',
		username: {
			__rl: true,
			mode: 'username',
			value: fromAI('username', 'The customer username in Neto'),
		},
		additionalFields: { notes: fromAI('notes', 'What to write in the log') },
	},
};

/** Each operation as a user configures it, saved without the node's (hidden) resource parameter. */
const TOOLS: ToolNode[] = [
	ADD_TOOL,
	{
		name: 'Get customer log',
		parameters: {
			operation: 'get',
			username: {
				__rl: true,
				mode: 'username',
				value: fromAI('username', 'The customer username in Neto'),
			},
			logId: { __rl: true, mode: 'id', value: fromAI('logId', 'The Log ID') },
		},
	},
	{
		name: 'Get customer logs',
		parameters: {
			operation: 'getAll',
			username: {
				__rl: true,
				mode: 'username',
				value: fromAI('username', 'The customer username in Neto'),
			},
		},
	},
	{
		name: 'Update customer log',
		parameters: {
			operation: 'update',
			logId: { __rl: true, mode: 'id', value: fromAI('logId', 'The Log ID') },
			updateFields: { status: 'Completed' },
		},
	},
];

describe("the node as an AI agent's tool", () => {
	const neto = useSandbox();

	test('the model is told what each configured tool does, from its operation, with no Tool Description written', async () => {
		const result = await runAgent({ tools: TOOLS, calls: [], credentials: neto.credentials() });
		const shown = result.tools.map(({ name, description }) => ({ name, description }));
		expect(shown.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
			{ name: 'Add_customer_log', description: 'Add a customer log in Neto Customer Log' },
			{ name: 'Get_customer_log', description: 'Get a customer log in Neto Customer Log' },
			{ name: 'Get_customer_logs', description: 'Get many customer logs in Neto Customer Log' },
			{ name: 'Update_customer_log', description: 'Update a customer log in Neto Customer Log' },
		]);
		const argumentsOf = (name: string) =>
			result.tools.find((tool) => tool.name === name)?.arguments;
		expect(argumentsOf('Add_customer_log')).toEqual({
			username: 'The customer username in Neto',
			notes: 'What to write in the log',
		});
		expect(argumentsOf('Get_customer_log')).toEqual({
			username: 'The customer username in Neto',
			logId: 'The Log ID',
		});
	});

	test('a Tool Description the user wrote is what the model is told', async () => {
		const manual = {
			...ADD_TOOL,
			parameters: {
				...ADD_TOOL.parameters,
				descriptionType: 'manual',
				toolDescription: 'Log a phone call',
			},
		};
		const result = await runAgent({ tools: [manual], calls: [], credentials: neto.credentials() });
		expect(result.tools[0].description).toBe('Log a phone call');
	});

	test('a call adds the log, and the model reads the log back without empty parts', async () => {
		const before = neto.sandbox.store.logs.size;
		const result = await runAgent({
			tools: [ADD_TOOL],
			calls: [
				{ tool: 'Add_customer_log', args: { username: 'jsmith', notes: 'Asked for a call back' } },
			],
			credentials: neto.credentials(),
		});
		expect(neto.sandbox.store.logs.size).toBe(before + 1);
		const [added] = JSON.parse(result.results[0]) as IDataObject[];
		expect(added).toEqual({
			LogID: expect.any(Number),
			Username: 'jsmith',
			Notes: 'Asked for a call back',
			Ack: 'Success',
		});
		expect(neto.sandbox.store.logs.get(added.LogID as number)).toMatchObject({
			Username: 'jsmith',
			Notes: 'Asked for a call back',
		});
	});

	test('a log read back keeps its dates, under iso too', async () => {
		const result = await runAgent({
			tools: [TOOLS[1]],
			calls: [{ tool: 'Get_customer_log', args: { username: 'jsmith', logId: '1000' } }],
			credentials: neto.credentials(),
		});
		const [log] = JSON.parse(result.results[0]) as IDataObject[];
		expect(log).toMatchObject({
			LogID: 1000,
			Username: 'jsmith',
			iso: expect.objectContaining({ DateRequiredFollowUp: expect.any(String) }),
		});
	});

	const REFUSAL =
		`"Customer" (Username) is 40 characters long; Add allows at most 25. Given: "${'x'.repeat(40)}". Nothing was sent for this item. ` +
		"The node checks every field against Neto's documented limits before sending.";

	test.each([
		['left as it is', undefined],
		['Continue', 'continueRegularOutput' as const],
	])(
		'a refusal reaches the model as its message and reason, with no item index (On Error %s)',
		async (_, onError) => {
			const before = neto.sandbox.store.logs.size;
			const result = await runAgent({
				tools: [{ ...ADD_TOOL, onError }],
				calls: [
					{ tool: 'Add_customer_log', args: { username: 'x'.repeat(40), notes: 'Never sent' } },
				],
				credentials: neto.credentials(),
			});
			expect(result.error).toBeUndefined();
			expect(JSON.parse(result.results[0])).toEqual([{ error: REFUSAL }]);
			// The tool's run returns the refusal, it does not throw it: n8n 1.x ends the whole run when a tool throws.
			expect(result.runs['Add customer log'].map((run) => run.error)).toEqual([undefined]);
			expect(neto.sandbox.store.logs.size).toBe(before);
		},
	);

	test('with On Error set to Stop Workflow, the refusal ends the run, in the same words', async () => {
		const result = await runAgent({
			tools: [{ ...ADD_TOOL, onError: 'stopWorkflow' }],
			calls: [
				{ tool: 'Add_customer_log', args: { username: 'x'.repeat(40), notes: 'Never sent' } },
			],
			credentials: neto.credentials(),
		});
		expect(result.results).toEqual([]);
		expect(result.error?.message).toBe(REFUSAL);
	});

	test("the store's refusal reaches the model as the store's message", async () => {
		const result = await runAgent({
			tools: [ADD_TOOL],
			calls: [
				{
					tool: 'Add_customer_log',
					args: { username: 'no_such_customer', notes: 'Unknown to the store' },
				},
			],
			credentials: neto.credentials(),
		});
		const [refused] = JSON.parse(result.results[0]) as Array<{ error: string }>;
		expect(refused).toEqual({
			error: 'Customer not found. No customer has the username no_such_customer.',
		});
		expect(result.error).toBeUndefined();
	});

	test('a log its customer does not have reaches the model as what to check', async () => {
		const result = await runAgent({
			tools: [TOOLS[1]],
			calls: [{ tool: 'Get_customer_log', args: { username: 'jsmith', logId: '999999' } }],
			credentials: neto.credentials(),
		});
		expect(JSON.parse(result.results[0])).toEqual([
			{
				error:
					'Log 999999 is not one of the logs of the customer with the username "jsmith". Check "Log ID" and "Customer". Nothing was read for this item.',
			},
		]);
	});
});
