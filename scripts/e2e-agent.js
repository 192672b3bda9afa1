'use strict';
/**
 * The node as an AI agent's tool in real n8n, as `npm run test:e2e` runs it (scripts/e2e.js calls
 * checkAgent): n8n's AI Agent with n8n's OpenAI Chat Model, pointed at a scripted model on
 * 127.0.0.1 (no internet), and two Neto Customer Log tools (Add and Get, fields by $fromAI, no
 * Tool Description written). The scripted model adds a log, then asks for one that the node must
 * refuse, then reads the first back by the LogID it was given. Checked: what the model was told of
 * each tool (name, description, argument schema), what it read back from each call, and the store.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { executeWorkflowAsync, n8nSync, SANDBOX_CREDENTIAL_ID } = require('./n8n-cli');

const WORKFLOW_ID = 'netoE2eAgentTool';
const MODEL_CREDENTIAL_ID = 'scriptedModelCred';
const NOTES = 'Agent e2e: asked for a call back';
const TOO_LONG = 'x'.repeat(40);

/** The model's answers, by how many tool results the conversation holds so far. */
function scriptedAnswer(toolResults) {
	const call = (name, args) => ({
		tool_calls: [
			{
				id: `call_${toolResults.length}`,
				type: 'function',
				function: { name, arguments: JSON.stringify(args) },
			},
		],
	});
	switch (toolResults.length) {
		case 0:
			return call('Add_customer_log', { username: 'jsmith', notes: NOTES });
		case 1:
			return call('Add_customer_log', { username: TOO_LONG, notes: 'Never sent' });
		case 2: {
			const [added] = JSON.parse(toolResults[0]);
			return call('Get_customer_log', { username: 'jsmith', logId: String(added?.LogID) });
		}
		default:
			return { content: 'Logged the call for jsmith.' };
	}
}

/**
 * An OpenAI-compatible chat completions endpoint on 127.0.0.1 that answers from the script and
 * keeps every request body. Stops by itself after ten idle minutes.
 */
async function startScriptedModel() {
	const requests = [];
	let idle;
	const server = http.createServer((req, res) => {
		clearTimeout(idle);
		idle = setTimeout(() => server.close(), 600_000);
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
				res.writeHead(404, { 'Content-Type': 'application/json' });
				return res.end(
					JSON.stringify({ error: { message: `not scripted: ${req.method} ${req.url}` } }),
				);
			}
			const request = JSON.parse(body);
			requests.push(request);
			const toolResults = request.messages
				.filter((message) => message.role === 'tool')
				.map((message) => String(message.content));
			const answer = scriptedAnswer(toolResults);
			const message = {
				role: 'assistant',
				content: answer.content ?? null,
				...(answer.tool_calls ? { tool_calls: answer.tool_calls } : {}),
			};
			const finish = answer.tool_calls ? 'tool_calls' : 'stop';
			const base = {
				id: `chatcmpl-${requests.length}`,
				created: Math.floor(Date.now() / 1000),
				model: request.model,
			};
			const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
			if (request.stream) {
				res.writeHead(200, { 'Content-Type': 'text/event-stream' });
				const delta = {
					...message,
					tool_calls: message.tool_calls?.map((toolCall, index) => ({ index, ...toolCall })),
				};
				res.write(
					`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
				);
				res.write(
					`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage })}\n\n`,
				);
				return res.end('data: [DONE]\n\n');
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finish }],
					usage,
				}),
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	idle = setTimeout(() => server.close(), 600_000);
	return {
		url: `http://127.0.0.1:${server.address().port}/v1`,
		requests,
		stop: () => {
			clearTimeout(idle);
			server.close();
		},
	};
}

const fromAI = (key, description) => `={{ $fromAI('${key}', '${description}', 'string') }}`;

function agentWorkflow() {
	const neto = { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } };
	const customer = {
		__rl: true,
		mode: 'username',
		value: fromAI('username', 'The customer username in Neto'),
	};
	const tool = (name) => ({
		[name]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
	});
	return {
		id: WORKFLOW_ID,
		name: 'Neto e2e: AI Agent with the Customer Log tool',
		active: false,
		nodes: [
			{
				id: 'a1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a2',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [220, 0],
				parameters: {
					promptType: 'define',
					text: 'Log that jsmith asked for a call back.',
					options: {},
				},
			},
			{
				id: 'a3',
				name: 'Scripted model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [120, 220],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'scripted-model' },
					options: { maxRetries: 0 },
				},
				credentials: { openAiApi: { id: MODEL_CREDENTIAL_ID, name: 'Scripted model' } },
			},
			{
				id: 'a4',
				name: 'Add customer log',
				type: 'n8n-nodes-neto.netoCustomerLogTool',
				typeVersion: 2,
				position: [320, 220],
				parameters: {
					operation: 'add',
					username: customer,
					additionalFields: { notes: fromAI('notes', 'What to write in the log') },
				},
				credentials: neto,
			},
			{
				id: 'a5',
				name: 'Get customer log',
				type: 'n8n-nodes-neto.netoCustomerLogTool',
				typeVersion: 2,
				position: [440, 220],
				parameters: {
					operation: 'get',
					username: customer,
					logId: { __rl: true, mode: 'id', value: fromAI('logId', 'The Log ID') },
				},
				credentials: neto,
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Scripted model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			...tool('Add customer log'),
			...tool('Get customer log'),
		},
		settings: { executionOrder: 'v1' },
	};
}

function importAgentWorkflow(install, userFolder, model) {
	const credentials = path.join(userFolder, 'scripted-model-credential.json');
	fs.writeFileSync(
		credentials,
		JSON.stringify([
			{
				id: MODEL_CREDENTIAL_ID,
				name: 'Scripted model',
				type: 'openAiApi',
				data: { apiKey: 'sk-scripted', url: model.url },
			},
		]),
	);
	n8nSync(install, userFolder, ['import:credentials', `--input=${credentials}`]);
	const workflow = path.join(userFolder, 'agent-workflow.json');
	fs.writeFileSync(workflow, JSON.stringify(agentWorkflow()));
	n8nSync(install, userFolder, ['import:workflow', `--input=${workflow}`]);
}

/** What the model was told of each tool: name, description, and the arguments' JSON schema. */
function toolsOffered(request) {
	return Object.fromEntries((request.tools ?? []).map(({ function: fn }) => [fn.name, fn]));
}

async function checkAgent(install, userFolder, sandbox) {
	await sandbox.reset();
	const model = await startScriptedModel();
	try {
		importAgentWorkflow(install, userFolder, model);
		// Not executeWorkflow: it would block this process, and with it the scripted model n8n calls.
		const run = await executeWorkflowAsync(install, userFolder, WORKFLOW_ID);
		assert.equal(
			run.data.resultData.error,
			undefined,
			`the run failed: ${JSON.stringify(run.data.resultData.error)}`,
		);
		assert.equal(
			model.requests.length,
			4,
			`the model was asked ${model.requests.length} times, not 4`,
		);

		const tools = toolsOffered(model.requests[0]);
		assert.deepEqual(Object.keys(tools).sort(), ['Add_customer_log', 'Get_customer_log']);
		assert.equal(tools.Add_customer_log.description, 'Add a customer log in Neto Customer Log');
		assert.equal(tools.Get_customer_log.description, 'Get a customer log in Neto Customer Log');
		const argumentsOf = (name) =>
			Object.fromEntries(
				Object.entries(tools[name].parameters.properties).map(([key, schema]) => [
					key,
					[schema.type, schema.description],
				]),
			);
		assert.deepEqual(argumentsOf('Add_customer_log'), {
			username: ['string', 'The customer username in Neto'],
			notes: ['string', 'What to write in the log'],
		});
		assert.deepEqual(argumentsOf('Get_customer_log'), {
			username: ['string', 'The customer username in Neto'],
			logId: ['string', 'The Log ID'],
		});
		assert.deepEqual([...tools.Add_customer_log.parameters.required].sort(), ['notes', 'username']);

		const results = model.requests[3].messages
			.filter((message) => message.role === 'tool')
			.map((message) => JSON.parse(message.content));
		const [[added], [refused], [read]] = results;
		assert.deepEqual(
			added,
			{ LogID: added.LogID, Username: 'jsmith', Notes: NOTES, Ack: 'Success' },
			`the added log as the model read it: ${JSON.stringify(added)}`,
		);
		assert.equal(typeof added.LogID, 'number');
		assert.deepEqual(refused, {
			error:
				`"Customer" (Username) is 40 characters long; Add allows at most 25. Given: "${TOO_LONG}". Nothing was sent for this item. ` +
				"The node checks every field against Neto's documented limits before sending.",
		});
		assert.equal(read.LogID, added.LogID);
		assert.equal(read.Notes, NOTES);

		const logs = await sandbox.logs();
		assert.equal(
			logs.filter((log) => log.Notes === NOTES).length,
			1,
			'the log the agent added is not in the store once',
		);
		assert.equal(logs.filter((log) => log.Notes === 'Never sent').length, 0);
		const answer = run.data.resultData.runData['AI Agent'].at(-1).data.main[0][0].json.output;
		assert.equal(answer, 'Logged the call for jsmith.');
	} finally {
		model.stop();
	}
}

module.exports = { checkAgent };

/** `node scripts/e2e-agent.js [--n8n <version>]`: this check alone (npm run test:e2e runs it too). */
if (require.main === module) {
	const kit = require('./e2e-toolkit');
	const { importSandboxCredential } = require('./n8n-cli');
	const version = kit.arg('n8n', kit.DEFAULT_N8N);
	const suite = kit.suite('e2e-agent', version);
	suite.main(async () => {
		const { install, userFolder, sandbox } = await kit.setUp({
			version,
			prefix: 'neto-e2e-agent-',
		});
		importSandboxCredential(install, userFolder, sandbox);
		await suite.check('AI Agent with the node as its tool', () =>
			checkAgent(install, userFolder, sandbox),
		);
	});
}
