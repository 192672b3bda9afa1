'use strict';
/**
 * The benchmark's workflows for real n8n: Manual Trigger → a Code node making N items → the node
 * under test. The items carry the log under Neto's field names, so the same items feed every mode.
 */

const NETO_TYPE = 'n8n-nodes-neto.netoCustomerLog';
const FIVE = ['AllocatedTo', 'FollowUpType', 'Status', 'Notes'];
const PARAMS = {
	AllocatedTo: 'allocatedTo',
	FollowUpType: 'followUpType',
	Status: 'status',
	Notes: 'notes',
};
const LITERAL = {
	AllocatedTo: 'Sam',
	FollowUpType: 'Phone Call',
	Status: 'Require Recontact',
	Notes: 'bench',
};

/**
 * The Code node's items: five fields per log (the target and four others). Updates change
 * `count` different logs from `firstLogId` on: updates of one log never share a batch.
 */
function makeItemsCode(operation, count, firstLogId) {
	const target = operation === 'add' ? `Username: 'jsmith'` : `LogID: ${firstLogId} + n`;
	return `return Array.from({ length: ${count} }, (_, n) => ({ json: { ${target}, AllocatedTo: 'Sam', FollowUpType: 'Phone Call', Status: 'Require Recontact', Notes: 'bench ' + n } }));`;
}

function netoParameters(operation, mode, batchSize) {
	const options = { batchSize };
	if (mode === 'auto') return { operation, mappingMode: 'autoMapInputData', options };
	const value = (key) => (mode === 'literal' ? LITERAL[key] : `={{ $json.${key} }}`);
	const fields = Object.fromEntries(FIVE.map((key) => [PARAMS[key], value(key)]));
	if (operation === 'add') {
		const username = mode === 'literal' ? 'jsmith' : '={{ $json.Username }}';
		return {
			operation,
			username: { __rl: true, mode: 'username', value: username },
			additionalFields: fields,
			options,
		};
	}
	// Which log an item changes comes from the item in every mode; the four fields are the literals.
	const logId = '={{ $json.LogID }}';
	return {
		operation,
		logId: { __rl: true, mode: 'id', value: logId },
		updateFields: fields,
		options,
	};
}

/**
 * n8n's HTTP Request node, one request per item (all at once, as it sends them), the same five
 * fields, written as users write a JSON body: a template with five `{{ $json.… }}`.
 */
function httpParameters(operation, sandbox) {
	const target =
		operation === 'add' ? '"Username": "{{ $json.Username }}"' : '"LogID": {{ $json.LogID }}';
	const header = (name, value) => ({ name, value });
	return {
		method: 'POST',
		url: `${sandbox.url}/do/WS/NetoAPI`,
		sendHeaders: true,
		headerParameters: {
			parameters: [
				header('NETOAPI_ACTION', operation === 'add' ? 'AddCustomerLog' : 'UpdateCustomerLog'),
				header('NETOAPI_USERNAME', sandbox.credentials.apiUsername),
				header('NETOAPI_KEY', sandbox.credentials.apiKey),
				header('Accept', 'application/json'),
			],
		},
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={ "CustomerLogs": { "CustomerLog": [{ ${target}, ${FIVE.map((key) => `"${key}": "{{ $json.${key} }}"`).join(', ')} }] } }`,
		options: {},
	};
}

const UNDER_TEST = 'Under test';

/**
 * One benchmark workflow. `mode`: literal | expressions | auto (the Neto node), http (n8n's HTTP
 * Request node), control (a No Op node: n8n and the Code node's items alone, for memory).
 */
function benchWorkflow({
	id,
	operation,
	mode,
	count,
	batchSize,
	sandbox,
	credentialId,
	firstLogId,
}) {
	const node = { id: 'c', name: UNDER_TEST, position: [400, 0] };
	if (mode === 'http')
		Object.assign(node, {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: httpParameters(operation, sandbox),
		});
	else if (mode === 'control')
		Object.assign(node, { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} });
	else {
		Object.assign(node, {
			type: NETO_TYPE,
			typeVersion: 1,
			parameters: netoParameters(operation, mode, batchSize),
			credentials: { netoApi: { id: credentialId, name: credentialId } },
		});
	}
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'a',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b',
				name: 'Make items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: makeItemsCode(operation, count, firstLogId) },
			},
			node,
		],
		connections: {
			Start: { main: [[{ node: 'Make items', type: 'main', index: 0 }]] },
			'Make items': { main: [[{ node: UNDER_TEST, type: 'main', index: 0 }]] },
		},
	};
}

module.exports = { benchWorkflow, UNDER_TEST };
