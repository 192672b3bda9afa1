/**
 * Runs workflows through n8n-core's real execution engine (WorkflowExecute), with this
 * package's node and credential loaded from source, as n8n runs them. Only the pieces n8n's
 * server would supply around the engine (credential storage, lifecycle hooks) are filled in here,
 * the way n8n's own node test harness does.
 */
import {
	CredentialTestContext,
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
import { NetoCustomerLog } from '../../nodes/Neto/NetoCustomerLog.node';
import { NetoCustomerLogTrigger } from '../../nodes/Neto/NetoCustomerLogTrigger.node';

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

const READER_TYPE = 'test.parameterReader';
const nodeTypeMap: Record<string, INodeType> = {
	[NODE_TYPE]: new NetoCustomerLog(),
	[INPUT_TYPE]: new TestItems(),
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

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	) {
		const type = credentialTypes[typeName];
		if (typeof type.authenticate !== 'function')
			throw new Error(`${typeName} has no authenticate function`);
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

/**
 * Each run its own execution id, as n8n gives each execution: code that keyed shared things (the
 * account's limiter, say) by execution id would then fail the tests that run executions at once.
 */
let executions = 0;
export function nextExecutionId(): string {
	executions += 1;
	return String(executions);
}

/**
 * What n8n's server hands the engine. `executionId` undefined for a poll: n8n polls with
 * additional data that belong to no execution (the execution starts with what the poll emits).
 */
export function additionalData(
	hooks: ExecutionLifecycleHooks,
	credentials: ICredentialDataDecryptedObject,
	executionId: string | undefined,
) {
	const base = 'http://localhost:5678';
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId,
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

/**
 * Runs the credential's Test as n8n's CredentialsTester does: the credential type's own `test` when
 * it has one, else the `testedBy` function of a node that uses it, called with n8n-core's
 * CredentialTestContext. Gives { status: 'OK' | 'Error', message }.
 */
export async function testCredential(
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	if (credentialTypes.netoApi.test)
		throw new Error('a declarative test: this harness runs testedBy functions');
	for (const nodeType of [new NetoCustomerLog(), new NetoCustomerLogTrigger()] as INodeType[]) {
		const testedBy = nodeType.description.credentials?.find(
			(credential) => credential.name === 'netoApi',
		)?.testedBy;
		if (typeof testedBy !== 'string') continue;
		const test = nodeType.methods?.credentialTest?.[testedBy];
		if (!test) throw new Error(`testedBy ${testedBy} names no credentialTest method`);
		const hooks = new ExecutionLifecycleHooks('manual', 'test', {
			id: 'test',
			name: 'test',
			nodes: [],
			connections: {},
			active: false,
			settings: {},
		} as never);
		const context = new CredentialTestContext(additionalData(hooks, credentials, undefined));
		return (await test.call(context, {
			id: '1',
			name: 'Neto Sandbox',
			type: 'netoApi',
			data: credentials,
		})) as unknown as IDataObject;
	}
	throw new Error('No testing function found for this credential.');
}

async function runWorkflow(nodeType: string, options: RunOptions): Promise<RunResult> {
	const nodes: INode[] = [
		{
			id: '1',
			name: 'Input',
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
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
		connections: {
			Input: { main: [[{ node: 'Neto', type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		active: false,
		nodeTypes,
		settings: { timezone: options.timezone ?? 'UTC' },
	});
	const executionId = nextExecutionId();
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test',
		name: 'test',
		nodes,
		connections: {},
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
	options: {
		parameters?: IDataObject;
		credentials: ICredentialDataDecryptedObject;
		filter?: string;
		paginationToken?: string;
	},
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
	const workflow = new Workflow({
		id: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { timezone: 'UTC' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'list-search', {
		id: 'test',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
	} as never);
	const data = additionalData(hooks, options.credentials, undefined);
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

/** The trigger's version in the workflow: 1 unless a test says (as a workflow saved before version 2). */
function triggerNode(name: string, parameters: IDataObject, typeVersion: number): INode {
	return {
		id: 't1',
		name,
		type: TRIGGER_TYPE,
		typeVersion,
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
	/** It ran past the durable scheduler's limit (TriggerOptions.pollTimeoutMs): n8n kept nothing of it. */
	abandoned?: true;
}

/** How a test's trigger runs: the workflow's timezone, the node's version, and n8n's durable scheduler. */
export interface TriggerOptions {
	/** The workflow's timezone setting (default UTC). */
	timezone?: string;
	/** The trigger's version in the workflow (default 1, as a workflow saved before version 2). */
	typeVersion?: number;
	/**
	 * As n8n's durable scheduler runs polls (2.36+, N8N_POLLER_DURABLE_CURSORS_ENABLED): the node's
	 * static data is a cursor row (`cursor`, JSON) instead, and every poll gets a context of its own
	 * that reads a copy of it, committed with the execution the poll starts, or alone after a
	 * scheduled poll that emits nothing; after the poll at activation n8n commits nothing (n8n's
	 * TriggerExecutionContextFactory and PollTriggerExecutor).
	 */
	durableCursors?: boolean;
	/**
	 * With durableCursors: the scheduler's poll timeout (N8N_SCHEDULER_POLL_TIMEOUT, 45 s in n8n).
	 * A poll still running then is abandoned: its staged state is not committed and what it
	 * returns later starts no execution.
	 */
	pollTimeoutMs?: number;
}

/**
 * An active workflow with the trigger, polled the way n8n's ActiveWorkflowTriggers and
 * PollTriggerExecutor poll it: one n8n-core PollContext per activation (made when the workflow is
 * published, and again when n8n restarts), through TriggersAndPollers in n8n-core's cursor staging
 * scope. The first poll of an activation is n8n's test poll: when it throws, the activation failed
 * and n8n never polls the workflow again (`dead`, and later polls throw). Later polls emit what
 * they return or report what they threw. The static data n8n keeps in its database is modelled as
 * `saved`: written (as JSON) when the poll at activation ends and when a poll emits, as n8n's
 * ActiveWorkflowManager does; `restart()` builds the workflow again from it. With `durableCursors`
 * (TriggerOptions) the state is `cursor` instead.
 */
export class ActiveTrigger {
	saved: string;

	/** The durable scheduler's cursor row (TriggerOptions.durableCursors), as JSON. */
	cursor = '{}';

	/** Why the activation failed, when its test poll threw: n8n would not poll this workflow again. */
	dead?: Error;

	private workflow!: Workflow;

	private node!: INode;

	private context!: PollContext;

	private activated = false;

	/** What the poll in progress emitted or reported, filled in by the context's callbacks. */
	private outcome: PollOutcome = { emitted: null };

	private readonly pollers = new TriggersAndPollers();

	constructor(
		private readonly parameters: IDataObject,
		private readonly credentials: ICredentialDataDecryptedObject,
		staticData: IDataObject = {},
		private readonly options: TriggerOptions = {},
	) {
		this.saved = JSON.stringify(staticData);
		this.activate('activate');
	}

	/** n8n restarted: the workflow is built again from the static data its database holds, and activated ('init'). */
	restart(): void {
		this.activate('init');
	}

	private activate(activation: 'activate' | 'init'): void {
		this.node = triggerNode('Neto Trigger', this.parameters, this.options.typeVersion ?? 1);
		this.workflow = new Workflow({
			id: 'trigger-test',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: triggerNodeTypes,
			staticData: JSON.parse(this.saved) as IDataObject,
			settings: { timezone: this.options.timezone ?? 'UTC' },
		});
		this.context = this.pollContext(activation);
		this.activated = false;
		this.dead = undefined;
	}

	/** A poll context as n8n makes one; under the durable scheduler its static data is a staged copy of `cursor`. */
	private pollContext(activation: 'activate' | 'init'): PollContext {
		const hooks = new ExecutionLifecycleHooks('trigger', 'poll', {
			id: 'trigger-test',
			name: 'test',
			nodes: [this.node],
			connections: {},
			active: true,
			settings: {},
		} as never);
		const durable = this.options.durableCursors === true;
		let staged: IDataObject = {};
		const commit = () => {
			if (durable) this.cursor = JSON.stringify(staged);
		};
		return new PollContext(
			this.workflow,
			this.node,
			additionalData(hooks, this.credentials, undefined),
			'trigger',
			activation,
			(data) => {
				if (durable) commit();
				else this.saved = JSON.stringify(this.workflow.staticData);
				// Polls at once share n8n's one context: each emission is kept, none overwritten.
				this.outcome.emitted = [...(this.outcome.emitted ?? []), ...(data[0] ?? [])];
			},
			(error) => {
				this.outcome.error = error;
			},
			async () => commit(),
			async (run) => {
				staged = JSON.parse(this.cursor) as IDataObject;
				return await run();
			},
			() => (durable ? staged : this.workflow.getStaticData('node', this.node)),
		);
	}

	/** The node's static data as the running workflow holds it now (not yet saved, maybe). */
	get staticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	async poll(): Promise<PollOutcome> {
		if (this.dead)
			throw new Error(
				`The workflow's activation failed, so n8n does not poll it: ${this.dead.message}`,
			);
		const outcome: PollOutcome = { emitted: null };
		this.outcome = outcome;
		const testing = !this.activated;
		this.activated = true;
		const durable = this.options.durableCursors === true;
		const context = durable ? this.pollContext(testing ? 'activate' : 'init') : this.context;
		const startedAt = Date.now();
		const timeout = durable ? this.options.pollTimeoutMs : undefined;
		try {
			await runPollInStagingScope(context, async () => {
				const response = await this.pollers.runPollFunction(this.workflow, this.node, context);
				if (timeout !== undefined && Date.now() - startedAt > timeout) outcome.abandoned = true;
				else if (response !== null) context.__emit(response);
				else if (!testing) await commitStagedCursor(context);
			});
		} catch (error) {
			if (testing && !durable) {
				this.dead = error as Error;
				outcome.error = error as Error;
				return outcome;
			}
			context.__emitError(error as Error);
		}
		if (testing && !durable) this.saved = JSON.stringify(this.workflow.staticData);
		return outcome;
	}
}

/** Fetch Test Event: the trigger run alone in manual mode through WorkflowExecute, as the editor does. */
export async function fetchTestEvent(
	parameters: IDataObject,
	credentials: ICredentialDataDecryptedObject,
	typeVersion = 1,
): Promise<RunResult & { staticData: IDataObject }> {
	const node = triggerNode('Neto', parameters, typeVersion);
	const workflow = new Workflow({
		id: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: triggerNodeTypes,
		settings: { timezone: 'UTC' },
	});
	const executionId = nextExecutionId();
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
	} as never);
	const done = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	await new WorkflowExecute(additionalData(hooks, credentials, executionId), 'manual').run({
		workflow,
		startNode: node,
	});
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
