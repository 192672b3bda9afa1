/**
 * Runs workflows through n8n-core's real execution engine (WorkflowExecute), with this
 * package's node and credential loaded from source, as n8n runs them. Only the pieces n8n's
 * server would supply around the engine (credential storage, lifecycle hooks) are filled in here,
 * the way n8n's own node test harness does.
 */
import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
	commitStagedCursor,
	runPollInStagingScope,
} from 'n8n-core';
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypes,
	INodeTypeDescription,
	INodeParameters,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { NetoApi } from '../../credentials/NetoApi.credentials';
import { NetoCustomerLog } from '../../nodes/CustomerLog/NetoCustomerLog.node';
import { NetoCustomerLogTrigger } from '../../nodes/CustomerLog/NetoCustomerLogTrigger.node';

const NODE_TYPE = 'n8n-nodes-neto.netoCustomerLog';
export const INPUT_TYPE = 'test.items';

/** The start node: emits the items a test gives it, as a trigger's output would. */
export class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'items',
		group: ['trigger'],
		version: 1,
		description: 'Emits the given items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

const credentialTypes: Record<string, ICredentialType> = { netoApi: new NetoApi() };

/**
 * Does what n8n's credential tester does with a declarative `test`: sends its request through
 * httpRequestWithAuthentication (so the credential's own authenticate runs) and applies its rules
 * in order, failing with a rule's message when `get(body, key) === value`.
 */
class CredentialTester implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Credential Tester',
		usableAsTool: true,
		name: 'credentialTester',
		group: ['transform'],
		version: 1,
		description: 'Runs a credential test',
		defaults: { name: 'Tester' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'netoApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const test = credentialTypes.netoApi.test!;
		let body: unknown;
		try {
			body = await this.helpers.httpRequestWithAuthentication.call(this, 'netoApi', { ...test.request } as IHttpRequestOptions);
		} catch (error) {
			return [[{ json: { status: 'Error', message: (error as Error).message } }]];
		}
		for (const rule of test.rules ?? []) {
			if (rule.type !== 'responseSuccessBody') continue;
			const value = rule.properties.key
				.split('.')
				.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as IDataObject)[key] : undefined), body);
			if (value === rule.properties.value) return [[{ json: { status: 'Error', message: rule.properties.message } }]];
		}
		return [[{ json: { status: 'OK', message: 'Connection successful!' } }]];
	}
}

/**
 * Reads the parameters the Neto node reads for each item, and does nothing else: the benchmark's
 * control, so the node's own CPU time per item can be told apart from n8n's expression engine.
 */
class ParameterReader implements INodeType {
	description: INodeTypeDescription = {
		...nodeTypeMapDescription(),
		displayName: 'Parameter Reader',
		name: 'parameterReader',
		usableAsTool: true,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		this.getNodeParameter('options', 0, {});
		for (let index = 0; index < items.length; index++) {
			if (operation === 'add') {
				this.getNodeParameter('username', index, '', { extractValue: true });
				this.getNodeParameter('additionalFields', index, {});
			} else {
				this.getNodeParameter('logId', index, '', { extractValue: true });
				this.getNodeParameter('updateFields', index, {});
			}
		}
		return [items.map((_, item) => ({ json: {}, pairedItem: { item } }))];
	}
}

function nodeTypeMapDescription(): INodeTypeDescription {
	return new NetoCustomerLog().description;
}

const TESTER_TYPE = 'test.credentialTester';
const READER_TYPE = 'test.parameterReader';
const nodeTypeMap: Record<string, INodeType> = {
	[NODE_TYPE]: new NetoCustomerLog(),
	[INPUT_TYPE]: new TestItems(),
	[TESTER_TYPE]: new CredentialTester(),
	[READER_TYPE]: new ParameterReader(),
};

export const nodeTypes: INodeTypes = {
	getByName: (name: string) => nodeTypeMap[name] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (name: string) => nodeTypeMap[name],
	getKnownTypes: () => ({}),
};

/** Stores decrypted credentials and applies a credential type's `authenticate`, as n8n's server does. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions) {
		const type = credentialTypes[typeName];
		if (typeof type.authenticate !== 'function') throw new Error(`${typeName} has no authenticate function`);
		return await type.authenticate(credentials, requestOptions);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by the engine for decrypted credentials');
	}

	async getDecrypted() {
		return { ...this.data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialTypes.netoApi.properties;
	}
}

export interface RunOptions {
	parameters: IDataObject;
	items?: IDataObject[];
	credentials: ICredentialDataDecryptedObject;
	timezone?: string;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** The Neto node's version in the workflow (default 1, as a workflow saved before version 2). */
	typeVersion?: number;
}

export interface RunResult {
	/** The node's regular output (json of each item). */
	json: IDataObject[];
	/** The full items of the regular output, with pairedItem. */
	items: INodeExecutionData[];
	/** The error output's items (onError: continueErrorOutput). */
	errorItems: INodeExecutionData[];
	/** The node's error, when it failed the run. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: IRun;
}

export function additionalData(hooks: ExecutionLifecycleHooks, credentials: ICredentialDataDecryptedObject) {
	const base = 'http://localhost:5678';
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId: 'test',
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		currentNodeParameters: undefined,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used here');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Runs Input → Neto Customer Log through WorkflowExecute and returns the Neto node's outputs. */
export async function runCustomerLog(options: RunOptions): Promise<RunResult> {
	return await runWorkflow(NODE_TYPE, options);
}

/** Runs Input → a node that only reads the Neto node's parameters (the benchmark's control). */
export async function runParameterReader(options: RunOptions): Promise<RunResult> {
	return await runWorkflow(READER_TYPE, options);
}

/** Runs the credential's test as n8n's credential tester would: { status: 'OK' | 'Error', message }. */
export async function testCredential(credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
	const result = await runWorkflow(TESTER_TYPE, { parameters: {}, credentials });
	return result.json[0];
}

async function runWorkflow(nodeType: string, options: RunOptions): Promise<RunResult> {
	const nodes: INode[] = [
		{ id: '1', name: 'Input', type: INPUT_TYPE, typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(options.items ?? [{}]) } },
		{
			id: '2',
			name: 'Neto',
			type: nodeType,
			typeVersion: options.typeVersion ?? 1,
			position: [200, 0],
			parameters: options.parameters as INodeParameters,
			credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
			...(options.onError ? { onError: options.onError } : {}),
		},
	];
	const workflow = new Workflow({
		id: 'test',
		nodes,
		connections: { Input: { main: [[{ node: 'Neto', type: NodeConnectionTypes.Main, index: 0 }]] } },
		active: false,
		nodeTypes,
		settings: { timezone: options.timezone ?? 'UTC' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test', { id: 'test', name: 'test', nodes, connections: {}, active: false, settings: {} } as never);
	const done = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
	const engine = new WorkflowExecute(additionalData(hooks, options.credentials), 'manual');
	await engine.run({ workflow, startNode: workflow.getNode('Input') as INode });
	const run = await done;
	const task = run.data.resultData.runData.Neto?.[0];
	const main = task?.data?.main ?? [];
	const items = (main[0] ?? []) as INodeExecutionData[];
	return {
		json: items.map((item) => item.json),
		items,
		errorItems: (main[1] ?? []) as INodeExecutionData[],
		error: (task?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
	};
}

/**
 * Calls one of the node's list searches the way n8n's editor backend does: through n8n-core's
 * LoadOptionsContext, with the node's current parameters.
 */
export async function runListSearch(
	method: 'searchCustomers' | 'searchLogs',
	options: { parameters?: IDataObject; credentials: ICredentialDataDecryptedObject; filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const node: INode = {
		id: '2',
		name: 'Neto',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: (options.parameters ?? {}) as INodeParameters,
		credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
	};
	const workflow = new Workflow({ id: 'test', nodes: [node], connections: {}, active: false, nodeTypes, settings: { timezone: 'UTC' } });
	const hooks = new ExecutionLifecycleHooks('manual', 'test', { id: 'test', name: 'test', nodes: [node], connections: {}, active: false, settings: {} } as never);
	const data = additionalData(hooks, options.credentials);
	data.currentNodeParameters = node.parameters;
	const context = new LoadOptionsContext(workflow, node, data, 'parameters.username');
	const search = (nodeTypeMap[NODE_TYPE] as NetoCustomerLog).methods.listSearch[method];
	return await search.call(context, options.filter, options.paginationToken);
}
// ---- The Neto Customer Log Trigger, polled as n8n polls it ----

/**
 * The trigger node type as n8n's loader makes it: DirectoryLoader adds the common "Poll Times"
 * parameter to every node with `polling: true` (applySpecialNodeParameters).
 */
function loadedTrigger(): NetoCustomerLogTrigger {
	const trigger = new NetoCustomerLogTrigger();
	trigger.description.properties.unshift(...commonPollingParameters);
	return trigger;
}

export const TRIGGER_TYPE = 'n8n-nodes-neto.netoCustomerLogTrigger';
const triggerNodeTypes: INodeTypes = {
	getByName: () => loadedTrigger(),
	getByNameAndVersion: () => loadedTrigger(),
	getKnownTypes: () => ({}),
};

function triggerNode(name: string, parameters: IDataObject): INode {
	return {
		id: 't1',
		name,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
		credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
	};
}

export interface PollOutcome {
	/** What the poll emitted (n8n starts one execution with it), or null when it emitted nothing. */
	emitted: INodeExecutionData[] | null;
	/** The error n8n would record as a failed execution. */
	error?: Error;
}

/**
 * An active workflow with the trigger, polled the way n8n's PollTriggerExecutor polls it: through
 * n8n-core's PollContext and TriggersAndPollers, in n8n-core's cursor staging scope, emitting what
 * the poll returns or reporting what it threw. The static data n8n keeps in its database is
 * modelled as `saved`: written (as JSON) when the poll at activation ends and when a poll emits, as
 * n8n's ActiveWorkflowManager does; `restart()` builds the workflow again from it.
 */
export class ActiveTrigger {
	saved: string;

	private workflow!: Workflow;

	private node!: INode;

	private activated = false;

	private readonly pollers = new TriggersAndPollers();

	constructor(
		private readonly parameters: IDataObject,
		private readonly credentials: ICredentialDataDecryptedObject,
		staticData: IDataObject = {},
	) {
		this.saved = JSON.stringify(staticData);
		this.restart();
	}

	/** n8n restarted: the workflow is built again from the static data its database holds. */
	restart(): void {
		this.node = triggerNode('Neto Trigger', this.parameters);
		this.workflow = new Workflow({
			id: 'trigger-test',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: triggerNodeTypes,
			staticData: JSON.parse(this.saved) as IDataObject,
			settings: { timezone: 'UTC' },
		});
		this.activated = false;
	}

	/** The node's static data as the running workflow holds it now (not yet saved, maybe). */
	get staticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	async poll(): Promise<PollOutcome> {
		const outcome: PollOutcome = { emitted: null };
		const hooks = new ExecutionLifecycleHooks('trigger', 'test', { id: 'trigger-test', name: 'test', nodes: [this.node], connections: {}, active: true, settings: {} } as never);
		const save = () => {
			this.saved = JSON.stringify(this.workflow.staticData);
		};
		const context = new PollContext(
			this.workflow,
			this.node,
			additionalData(hooks, this.credentials),
			'trigger',
			this.activated ? 'init' : 'activate',
			(data) => {
				save();
				outcome.emitted = data[0] ?? [];
			},
			(error) => {
				outcome.error = error;
			},
		);
		try {
			await runPollInStagingScope(context, async () => {
				const response = await this.pollers.runPollFunction(this.workflow, this.node, context);
				if (response !== null) context.__emit(response);
				else await commitStagedCursor(context);
			});
		} catch (error) {
			context.__emitError(error as Error);
		}
		if (!this.activated && !outcome.error) save();
		this.activated = true;
		return outcome;
	}
}

/** Fetch Test Event: the trigger run alone in manual mode through WorkflowExecute, as the editor does. */
export async function fetchTestEvent(
	parameters: IDataObject,
	credentials: ICredentialDataDecryptedObject,
): Promise<RunResult & { staticData: IDataObject }> {
	const node = triggerNode('Neto', parameters);
	const workflow = new Workflow({ id: 'test', nodes: [node], connections: {}, active: false, nodeTypes: triggerNodeTypes, settings: { timezone: 'UTC' } });
	const hooks = new ExecutionLifecycleHooks('manual', 'test', { id: 'test', name: 'test', nodes: [node], connections: {}, active: false, settings: {} } as never);
	const done = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
	await new WorkflowExecute(additionalData(hooks, credentials), 'manual').run({ workflow, startNode: node });
	const run = await done;
	const task = run.data.resultData.runData.Neto?.[0];
	const items = (task?.data?.main?.[0] ?? []) as INodeExecutionData[];
	return {
		json: items.map((item) => item.json),
		items,
		errorItems: [],
		error: (task?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
	};
}
