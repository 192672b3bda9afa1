/**
 * The Neto Order Trigger served as n8n serves a production (or test) webhook, on 127.0.0.1, with
 * n8n-core's WebhookContext and WorkflowExecute:
 *
 * - the body is read raw first (n8n's rawBodyReader), and a body whose Content-Type says XML but
 *   is not well-formed is answered 422 before the node runs, as n8n's body parser does;
 * - for each request the workflow is built again from the static data "in the database" (`saved`)
 *   when the request arrives, before its body is read, as n8n's LiveWebhooks loads it from its
 *   database per request;
 * - the node's `webhook()` runs in a WebhookContext made as n8n's WebhookService makes it;
 * - its answer is sent as n8n's webhook helpers send it: nothing when the node answered itself
 *   (`noWebhookResponse`), `webhookResponse` with 200 when no run starts, else the run starts
 *   through WorkflowExecute (the webhook's items on the trigger node's stack entry, as n8n's
 *   webhook helpers put them; WorkflowExecute then runs the trigger's `execute` on them, as n8n's
 *   does for a webhook node that has one) and "Workflow was started" is answered (responseMode
 *   onReceived);
 * - then the static data is saved when the node changed it (n8n's saveStaticData after the
 *   answer): the whole object, the last request's save winning, as n8n's update does.
 */
import { XMLValidator } from 'fast-xml-parser';
import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IWebhookData,
	IWebhookResponseData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';

import { NetoCustomerLog } from '../../nodes/Neto/NetoCustomerLog.node';
import { NetoOrderTrigger } from '../../nodes/Neto/NetoOrderTrigger.node';
import { additionalData, nextExecutionId } from './engine';
import type { HarnessRequest, HarnessResponse, Listening } from './httpServer';
import { listen } from './httpServer';

export const ORDER_TRIGGER_TYPE = 'n8n-nodes-neto.netoOrderTrigger';
const CUSTOMER_LOG_TYPE = 'n8n-nodes-neto.netoCustomerLog';
export const TRIGGER = 'Neto Order Trigger';
const NEXT = 'Add follow-up log';
const WEBHOOK_ID = 'neto-order-test';

const types: Record<string, INodeType> = {
	[ORDER_TRIGGER_TYPE]: new NetoOrderTrigger(),
	[CUSTOMER_LOG_TYPE]: new NetoCustomerLog(),
};
const nodeTypes: INodeTypes = {
	getByName: (name: string) => types[name],
	getByNameAndVersion: (name: string) => types[name],
	getKnownTypes: () => ({}),
};

export interface ServedTriggerOptions {
	/** The trigger's parameters (orderStatuses, options). */
	parameters?: IDataObject;
	credentials: ICredentialDataDecryptedObject;
	/** Customer Log parameters for a node after the trigger (none: the trigger alone). */
	next?: IDataObject;
	timezone?: string;
	/** The static data n8n's database holds for the workflow at the start. */
	staticData?: IDataObject;
	/** The trigger's Continue On Fail setting. */
	continueOnFail?: boolean;
	/**
	 * Requests that load the workflow together: each waits, after loading it, until this many have,
	 * so that all of them read the static data before any saves (n8n's database read is async, and
	 * deliveries at once can both be in it). Unset: each goes on at once.
	 */
	loadTogether?: number;
}

/** A run the trigger started: its execution id, and the run once it ended. */
export interface StartedRun {
	executionId: string;
	mode: WorkflowExecuteMode;
	/** What the trigger's webhook handed to the run (its step in the run then reads the order). */
	items: IDataObject[];
	done: Promise<IRun>;
}

/** What one request was answered. */
export interface Answered {
	status: number;
	body: string;
	mode: WorkflowExecuteMode;
	/** How long from the request's arrival to its answer, ms. */
	ms: number;
}

/** Each served trigger a workflow of its own, as each test's is: what one remembers is not another's. */
let workflows = 0;

export class ServedOrderTrigger {
	readonly workflowId = `order-trigger-test-${++workflows}`;

	/** The static data as n8n's database holds it (JSON). */
	saved: string;

	readonly runs: StartedRun[] = [];

	readonly answers: Answered[] = [];

	/** Errors the harness itself met (a node throwing, say): a test expects none. */
	readonly errors: Error[] = [];

	private server?: Listening;

	/** The requests waiting for others to load the workflow (loadTogether). */
	private loading: Array<() => void> = [];

	private port = 0;

	constructor(private readonly options: ServedTriggerOptions) {
		this.saved = JSON.stringify(options.staticData ?? {});
	}

	/** The production URL, as n8n makes it for a node's webhook: /webhook/<webhookId>/<path>. */
	get url(): string {
		return `http://127.0.0.1:${this.port}/webhook/${WEBHOOK_ID}/webhook`;
	}

	/** The test URL ("Listen for test event"). */
	get testUrl(): string {
		return `http://127.0.0.1:${this.port}/webhook-test/${WEBHOOK_ID}/webhook`;
	}

	get staticData(): IDataObject {
		return JSON.parse(this.saved) as IDataObject;
	}

	async start(): Promise<this> {
		this.server = await listen((request, response) => {
			this.handle(request, response).catch((error: Error) => {
				this.errors.push(error);
				if (!response.headersSent) response.writeHead(500);
				response.end();
			});
		});
		this.port = this.server.port;
		return this;
	}

	async close(): Promise<void> {
		await Promise.all(this.runs.map(async (run) => await run.done));
		await this.server?.close();
	}

	/** Every run ended. */
	async settled(): Promise<IRun[]> {
		return await Promise.all(this.runs.map(async (run) => await run.done));
	}

	private nodes(): INode[] {
		const trigger: INode = {
			id: 'ot1',
			name: TRIGGER,
			type: ORDER_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: (this.options.parameters ?? {}) as INodeParameters,
			credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
			...(this.options.continueOnFail ? { continueOnFail: true } : {}),
		};
		if (!this.options.next) return [trigger];
		return [
			trigger,
			{
				id: 'cl1',
				name: NEXT,
				type: CUSTOMER_LOG_TYPE,
				typeVersion: 2,
				position: [220, 0],
				parameters: this.options.next as INodeParameters,
				credentials: { netoApi: { id: '1', name: 'Neto Sandbox' } },
			},
		];
	}

	/** The workflow as n8n builds it for a request: from the database, static data included. */
	private loadWorkflow(): Workflow {
		return new Workflow({
			id: this.workflowId,
			nodes: this.nodes(),
			connections: this.options.next
				? { [TRIGGER]: { main: [[{ node: NEXT, type: NodeConnectionTypes.Main, index: 0 }]] } }
				: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(this.saved) as IDataObject,
			settings: { timezone: this.options.timezone ?? 'UTC', executionOrder: 'v1' },
		});
	}

	/** What activating the workflow runs (webhookMethods' checkExists, then create when it says no). */
	async activate(): Promise<void> {
		const workflow = this.loadWorkflow();
		const node = workflow.getNode(TRIGGER)!;
		const hooks = new ExecutionLifecycleHooks('trigger', 'activate', workflowData(workflow));
		const data = additionalData(hooks, this.options.credentials, undefined);
		const webhook = webhookData(workflow, data, false);
		const context = new HookContext(workflow, node, data, 'trigger', 'activate', webhook);
		const methods = (types[ORDER_TRIGGER_TYPE] as NetoOrderTrigger).webhookMethods.default;
		if (!(await methods.checkExists.call(context))) await methods.create.call(context);
	}

	private async handle(request: HarnessRequest, response: HarnessResponse): Promise<void> {
		const arrived = Date.now();
		// n8n's LiveWebhooks loads the workflow, static data with it, before it reads the body: two
		// deliveries at once both load it before either's save.
		const workflow = this.loadWorkflow();
		await this.othersLoaded();
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const contentType = String(request.headers['content-type'] ?? '')
			.split(';')[0]
			.trim()
			.toLowerCase();
		const test = request.url?.startsWith('/webhook-test/') === true;
		const mode: WorkflowExecuteMode = test ? 'manual' : 'webhook';
		const answer = (status: number, body: unknown) => {
			response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
			response.end(JSON.stringify(body));
		};
		response.on('finish', () => {
			this.answers.push({
				status: response.statusCode,
				body: written.join(''),
				mode,
				ms: Date.now() - arrived,
			});
		});
		const written: string[] = [];
		const end = response.end.bind(response);
		response.end = (chunk?: unknown) => {
			if (typeof chunk === 'string') written.push(chunk);
			return end(chunk);
		};
		if (request.method !== 'POST' || !request.url?.endsWith(`/${WEBHOOK_ID}/webhook`)) {
			answer(404, { message: 'The requested webhook is not registered.' });
			return;
		}
		if (
			(contentType.endsWith('/xml') || contentType.endsWith('+xml')) &&
			rawBody.length > 0 &&
			XMLValidator.validate(rawBody.toString('utf8')) !== true
		) {
			answer(422, { message: 'Failed to parse request body' });
			return;
		}
		let body: unknown = {};
		if (contentType === 'application/json') body = JSON.parse(rawBody.toString('utf8') || '{}');
		else if (contentType === 'text/plain') body = rawBody.toString('utf8');
		Object.assign(request, { rawBody, body, contentType, params: {}, query: {} });

		const node = workflow.getNode(TRIGGER)!;
		const hooks = new ExecutionLifecycleHooks(mode, 'webhook', workflowData(workflow));
		const data = additionalData(hooks, this.options.credentials, undefined);
		Object.assign(data, { httpRequest: request, httpResponse: response });
		const context = new WebhookContext(
			workflow,
			node,
			data,
			mode,
			webhookData(workflow, data, test),
			[],
			null,
		);
		let result: IWebhookResponseData;
		try {
			result = await (types[ORDER_TRIGGER_TYPE] as NetoOrderTrigger).webhook.call(context);
		} catch (error) {
			// n8n answers a throwing webhook() with its generic message, and records the error.
			this.errors.push(error as Error);
			answer(500, { message: 'Workflow Webhook Error: Workflow could not be started!' });
			return;
		}
		if (result.noWebhookResponse === true) {
			// The node answered itself.
		} else if (result.workflowData === undefined) {
			answer(200, result.webhookResponse ?? { message: 'Webhook call received' });
		} else {
			this.startRun(workflow, node, result.workflowData, mode);
			answer(200, { message: 'Workflow was started' });
		}
		this.saveStaticData(workflow);
	}

	/** With loadTogether: resolves once that many requests have loaded the workflow. */
	private async othersLoaded(): Promise<void> {
		const together = this.options.loadTogether;
		if (together === undefined) return;
		await new Promise<void>((resolve) => {
			this.loading.push(resolve);
			if (this.loading.length < together) return;
			for (const go of this.loading.splice(0)) go();
		});
	}

	/** n8n's saveStaticData: the whole object, when the node changed it. */
	private saveStaticData(workflow: Workflow): void {
		const staticData = workflow.staticData as IDataObject;
		if (staticData.__dataChanged !== true) return;
		const copy = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		delete copy.__dataChanged;
		this.saved = JSON.stringify(copy);
		staticData.__dataChanged = false;
	}

	/** As n8n's WorkflowRunner runs a webhook's workflow: the start node's output given, the rest run. */
	private startRun(
		workflow: Workflow,
		node: INode,
		workflowDataOut: INodeExecutionData[][],
		mode: WorkflowExecuteMode,
	): void {
		const executionId = nextExecutionId();
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData(workflow));
		const done = new Promise<IRun>((resolve) =>
			hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
		);
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node, data: { main: workflowDataOut }, source: null }],
			},
		});
		const engine = new WorkflowExecute(
			additionalData(hooks, this.options.credentials, executionId),
			mode,
			runExecutionData,
		);
		void engine.processRunExecutionData(workflow);
		this.runs.push({
			executionId,
			mode,
			items: (workflowDataOut[0] ?? []).map((item) => item.json),
			done,
		});
	}
}

function workflowData(workflow: Workflow) {
	return {
		id: workflow.id,
		name: 'test',
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: true,
		settings: {},
	} as never;
}

function webhookData(
	workflow: Workflow,
	data: ReturnType<typeof additionalData>,
	isTest: boolean,
): IWebhookData {
	const description = (types[ORDER_TRIGGER_TYPE] as NetoOrderTrigger).description.webhooks![0];
	return {
		httpMethod: 'POST',
		node: TRIGGER,
		path: `${WEBHOOK_ID}/webhook`,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: data,
		webhookId: WEBHOOK_ID,
		isTest,
	};
}

/** The item list a Customer Log node put out in a run. */
export function outputOf(run: IRun, nodeName = NEXT): IDataObject[] {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (task?.error) throw new Error(`${nodeName} failed: ${task.error.message}`);
	return ((task?.data?.main?.[0] ?? []) as INodeExecutionData[]).map((item) => item.json);
}

/** Posts a notification as Neto posts one (or as a test makes it differ). */
export async function postNotification(
	url: string,
	options: {
		eventId?: number | string;
		orderId?: string;
		status?: string;
		token?: string | null;
		notification?: string | null;
		body?: string;
		contentType?: string;
	},
): Promise<{ status: number; body: string }> {
	const body =
		options.body ??
		`<?xml version="1.0" encoding="utf-8"?>\n<Event>\n  <CurrentTime>2026-01-03 01:11:12</CurrentTime>\n  <EventID>${options.eventId ?? 34}</EventID>\n  <EventType>Order</EventType>\n  <Order>\n    <OrderID>${options.orderId ?? 'N10154'}</OrderID>\n    <OrderStatus>${options.status ?? 'Dispatched'}</OrderStatus>\n  </Order>\n</Event>\n`;
	const headers: Record<string, string> = {
		'Content-Type': options.contentType ?? 'application/xml',
	};
	if (options.notification !== null) headers.NETO_NOTIFICATION = options.notification ?? 'Order';
	if (options.token !== null && options.token !== undefined) headers.NETOAPI_KEY = options.token;
	const response = await fetch(url, { method: 'POST', headers, body });
	return { status: response.status, body: await response.text() };
}
