'use strict';
/**
 * The workflow `npm run test:queue` runs in real n8n: three webhooks (each answering with its last
 * node's items once the run is over, `responseMode: lastNode`), each into a Neto Customer Log node.
 *
 *   POST /webhook/neto-queue/add       {marker}          Add one log (Notes: marker), batch size 1
 *   POST /webhook/neto-queue/append    {marker}          Append marker to one log's notes, on
 *                                                        the account the adds spend
 *   POST /webhook/neto-queue/add-many  {logs:[{marker}]} Add each as its own request, with
 *                                                        Requests Per Minute at the account's limit
 */
const { SANDBOX_CREDENTIAL_ID } = require('./n8n-cli');

const WORKFLOW_ID = 'netoQueueModeTest';
const PATHS = {
	add: 'neto-queue/add',
	append: 'neto-queue/append',
	addMany: 'neto-queue/add-many',
};
/** Adds go to one customer, appends to a log of another, so the appends' reads stay small. */
const ADD_CUSTOMER = 'acme_buyer';
const APPEND_CUSTOMER = 'jsmith';
const APPEND_LOG_ID = 1000;

const credentials = { netoApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Neto Sandbox' } };
function webhook(name, path, webhookId, y, responseData) {
	return {
		id: webhookId,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, y],
		webhookId,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			...(responseData ? { responseData } : {}),
			options: {},
		},
	};
}

function neto(name, x, y, parameters) {
	return {
		id: name.replace(/\W/g, ''),
		name,
		type: 'n8n-nodes-neto.netoCustomerLog',
		typeVersion: 1,
		position: [x, y],
		parameters,
		credentials,
	};
}

const connect = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

/** The workflow; `accountLimit` is the Requests Per Minute of the add-many path. */
function queueWorkflow({ accountLimit }) {
	const username = (value) => ({ __rl: true, mode: 'username', value });
	return {
		id: WORKFLOW_ID,
		name: 'Neto: queue-mode test',
		active: false,
		nodes: [
			webhook('Add webhook', PATHS.add, '6f0e2d4a-0d1b-4c55-9a57-1e2f3a4b5c01', 0),
			neto('Add log', 260, 0, {
				operation: 'add',
				username: username(ADD_CUSTOMER),
				additionalFields: { notes: '={{ $json.body.marker }}' },
				options: { batchSize: 1 },
			}),
			webhook('Append webhook', PATHS.append, '6f0e2d4a-0d1b-4c55-9a57-1e2f3a4b5c02', 200),
			neto('Append to log', 260, 200, {
				operation: 'update',
				username: username(APPEND_CUSTOMER),
				logId: { __rl: true, mode: 'id', value: String(APPEND_LOG_ID) },
				updateFields: { notes: '={{ $json.body.marker }}', notesMode: 'append' },
				options: {},
			}),
			webhook(
				'Add-many webhook',
				PATHS.addMany,
				'6f0e2d4a-0d1b-4c55-9a57-1e2f3a4b5c03',
				400,
				'allEntries',
			),
			{
				id: 'split',
				name: 'One item per log',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [260, 400],
				parameters: { fieldToSplitOut: 'body.logs', include: 'noOtherFields', options: {} },
			},
			neto('Add logs within the limit', 520, 400, {
				operation: 'add',
				username: username(ADD_CUSTOMER),
				additionalFields: { notes: '={{ $json.marker }}' },
				options: { batchSize: 1, requestsPerMinute: accountLimit },
			}),
		],
		connections: {
			...connect('Add webhook', 'Add log'),
			...connect('Append webhook', 'Append to log'),
			...connect('Add-many webhook', 'One item per log'),
			...connect('One item per log', 'Add logs within the limit'),
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

module.exports = {
	queueWorkflow,
	WORKFLOW_ID,
	PATHS,
	ADD_CUSTOMER,
	APPEND_CUSTOMER,
	APPEND_LOG_ID,
};
