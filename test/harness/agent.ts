/**
 * The node as an AI agent's tool, run the way n8n 2.x runs one, through n8n-core's engine: the
 * node type's tool variant as n8n's loader makes it, an agent that gets its tools through
 * n8n-core (getInputConnectionData: the tool's name, description and schema, as n8n derives them),
 * and tool calls that the engine executes as engine requests, handing the tool's run back to the
 * agent. The agent plays a scripted model: it calls the tools it is told to, and reports what the
 * model would have been shown.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	EngineRequest,
	EngineResponse,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	ITaskData,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow, deepCopy } from 'n8n-workflow';

import { NetoCustomerLog } from '../../nodes/Neto/NetoCustomerLog.node';
import { INPUT_TYPE, TestItems, additionalData, nextExecutionId } from './engine';

export const TOOL_TYPE = 'n8n-nodes-neto.netoCustomerLogTool';
const AGENT_TYPE = 'test.scriptedAgent';

/**
 * The tool variant n8n's loader adds for a node with `usableAsTool` (convertNodeToAiTool in n8n's
 * packages/cli tool-generation): "Tool" after the name, no main input, one ai_tool output, and the
 * Tool Description parameters, whose "Set Automatically" has n8n describe the tool by itself.
 */
function toolVariant(): INodeType {
	const node = new NetoCustomerLog();
	const description = deepCopy(node.description) as INodeTypeDescription;
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	const descriptionType: INodeProperties = {
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Set Automatically', value: 'auto' },
			{ name: 'Set Manually', value: 'manual' },
		],
		default: 'auto',
	};
	const toolDescription: INodeProperties = {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: description.description,
		required: true,
		displayOptions: { show: { descriptionType: ['manual'] } },
	};
	description.properties = [descriptionType, toolDescription, ...description.properties];
	return Object.assign(Object.create(Object.getPrototypeOf(node) as object) as INodeType, node, {
		description,
	});
}

/** One tool call of the scripted model: the tool's name as the model is told it, and the arguments. */
export interface ToolCall {
	tool: string;
	args: IDataObject;
}

/** A tool as the model is told it: n8n's DynamicStructuredTool, with its zod schema. */
interface OfferedTool {
	name: string;
	description: string;
	schema: { shape: Record<string, { description?: string }> };
	metadata?: { sourceNodeName?: string };
}

/** What the model is shown of one tool: the name, the description, and each argument's description. */
export interface ToolShown {
	name: string;
	description: string;
	arguments: Record<string, string | undefined>;
}

/**
 * What the model reads back from one tool call, as n8n 2.x's agent puts it (buildObservation in
 * @n8n/nodes-langchain): the tool run's items as JSON, or its error's message.
 */
function observation(run: ITaskData): string {
	const items = (run.data?.[NodeConnectionTypes.AiTool]?.[0] ?? []).map((item) => item?.json);
	if (items.length > 0) return JSON.stringify(items);
	if (run.error)
		return JSON.stringify({
			error: run.error.message ?? 'Unknown error',
			...(run.error.name ? { errorType: run.error.name } : {}),
		});
	return JSON.stringify('');
}

/** The scripted model's agent: calls the tools of its `calls`, then outputs what the model was shown. */
class ScriptedAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scripted Agent',
		usableAsTool: true,
		name: 'scriptedAgent',
		group: ['transform'],
		version: 1,
		description: 'Calls tools as a scripted model would',
		defaults: { name: 'Agent' },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(
		this: IExecuteFunctions,
		response?: EngineResponse,
	): Promise<INodeExecutionData[][] | EngineRequest> {
		const tools = ((await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) ??
			[]) as OfferedTool[];
		const shown: ToolShown[] = tools.map((tool) => ({
			name: tool.name,
			description: tool.description,
			arguments: Object.fromEntries(
				Object.entries(tool.schema.shape).map(([key, value]) => [key, value.description]),
			),
		}));
		// The engine hands back the request's metadata with the calls' runs: the calls were made.
		if (response && (response.metadata as IDataObject | undefined)?.called === true) {
			const results = response.actionResponses.map((result) => observation(result.data));
			return [
				[{ json: { tools: shown, results } as unknown as IDataObject, pairedItem: { item: 0 } }],
			];
		}
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as ToolCall[];
		return {
			actions: calls.map((call, position) => {
				const tool = tools.find((offered) => offered.name === call.tool);
				if (!tool?.metadata?.sourceNodeName)
					throw new Error(`the agent was offered no tool named "${call.tool}"`);
				return {
					actionType: 'ExecutionNodeAction' as const,
					nodeName: tool.metadata.sourceNodeName,
					input: call.args,
					type: NodeConnectionTypes.AiTool,
					id: `call_${position}`,
					metadata: { itemIndex: 0 },
				};
			}),
			metadata: { called: true },
		};
	}
}

const nodeTypeMap: Record<string, INodeType> = {
	[TOOL_TYPE]: toolVariant(),
	[INPUT_TYPE]: new TestItems(),
	[AGENT_TYPE]: new ScriptedAgent(),
};

const nodeTypes: INodeTypes = {
	getByName: (name: string) => nodeTypeMap[name],
	getByNameAndVersion: (name: string) => nodeTypeMap[name],
	getKnownTypes: () => ({}),
};

/** One Neto Customer Log tool connected to the agent: its node name and parameters, as saved. */
export interface ToolNode {
	name: string;
	parameters: IDataObject;
	typeVersion?: number;
	onError?: INode['onError'];
}

export interface AgentRun {
	/** The tools the model was offered. */
	tools: ToolShown[];
	/** What the model read back from each call, in order. */
	results: string[];
	/** Each tool node's recorded runs. */
	runs: Record<string, ITaskData[]>;
	/** The run's error, when a tool call ended it (the agent then never finished). */
	error?: IRun['data']['resultData']['error'];
	run: IRun;
}

/** Runs Input → Scripted Agent, with the given Neto tools connected, making the given calls. */
export async function runAgent(options: {
	tools: ToolNode[];
	calls: ToolCall[];
	credentials: ICredentialDataDecryptedObject;
}): Promise<AgentRun> {
	const nodes: INode[] = [
		{
			id: '1',
			name: 'Input',
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: '[{}]' },
		},
		{
			id: '2',
			name: 'Agent',
			type: AGENT_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: { calls: JSON.stringify(options.calls) },
		},
		...options.tools.map(
			(tool, position): INode => ({
				id: `t${position}`,
				name: tool.name,
				type: TOOL_TYPE,
				typeVersion: tool.typeVersion ?? 2,
				position: [200 + 100 * position, 200],
				parameters: tool.parameters as INodeParameters,
				credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
				...(tool.onError ? { onError: tool.onError } : {}),
			}),
		),
	];
	const connections = {
		Input: { main: [[{ node: 'Agent', type: NodeConnectionTypes.Main, index: 0 }]] },
		...Object.fromEntries(
			options.tools.map((tool) => [
				tool.name,
				{
					[NodeConnectionTypes.AiTool]: [
						[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }],
					],
				},
			]),
		),
	};
	const workflow = new Workflow({
		id: 'agent-test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1', timezone: 'UTC' },
	});
	const executionId = nextExecutionId();
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'agent-test',
		name: 'agent test',
		nodes,
		connections,
		active: false,
		settings: {},
	} as never);
	const done = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const engine = new WorkflowExecute(
		additionalData(hooks, options.credentials, executionId),
		'manual',
	);
	await engine.run({ workflow, startNode: workflow.getNode('Input') as INode });
	const run = await done;
	const { runData } = run.data.resultData;
	const agentRuns = runData.Agent ?? [];
	const last = agentRuns[agentRuns.length - 1];
	const json = (last?.data?.main?.[0]?.[0]?.json ?? {}) as {
		tools?: ToolShown[];
		results?: string[];
	};
	const runs = Object.fromEntries(
		options.tools.map((tool) => [tool.name, runData[tool.name] ?? []]),
	);
	return {
		tools: json.tools ?? [],
		results: json.results ?? [],
		runs,
		run,
		error: run.data.resultData.error,
	};
}
