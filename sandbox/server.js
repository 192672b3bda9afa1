'use strict';
/**
 * The Neto sandbox: a simulated Neto store's API over real HTTP on 127.0.0.1.
 * POST /do/WS/NetoAPI with AddCustomerLog, UpdateCustomerLog, GetCustomer and GetOrder, both
 * header pairs for auth, JSON or XML both ways, the contract's validation, switches for the
 * contract's unknowns and for faults, and order notifications POSTed as a store sends them. Used by
 * the tests, the benchmark and `npm start`/`npm run sandbox`.
 */
const http = require('node:http');
const { XMLBuilder, XMLParser } = require('fast-xml-parser');

const { wellFormednessError } = require('./xmlWellFormed');
const { FILTER_ELEMENTS, LOG_RULES, NetoStore, checkGetCustomer } = require('./store');
const { ORDER_FILTER_ELEMENTS, ORDER_STATUSES, answerGetOrder } = require('./orders');
const { DELIVERIES, createNotifier } = require('./notifications');

const API_PATH = '/do/WS/NetoAPI';
const ACTIONS = ['AddCustomerLog', 'UpdateCustomerLog', 'GetCustomer', 'GetOrder'];
/** The Get calls' Filter elements in the schema's order (their pages' XML requests). */
const FILTER_ORDER = { GetCustomer: FILTER_ELEMENTS, GetOrder: ORDER_FILTER_ELEMENTS };
/** The XML answer's root element: the action's name, but GetOrderResponse as GetOrder's sample answer has it. */
const ANSWER_ROOT = { GetOrder: 'GetOrderResponse' };
/** Store errors about data it does not hold (an unknown customer or log), not about the request's form. */
const DATA_ERRORS = ['Customer not found', 'Customer log not found'];

const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	seed: true,
	credentials: {
		apiUsername: 'sandbox',
		apiKey: 'sandbox-key',
		clientId: 'sandbox-client',
		accessToken: 'sandbox-token',
		/** What the store sends as NETOAPI_KEY in its order notifications, unless configured otherwise. */
		webhookVerifyToken: 'sandbox-webhook-token',
	},
	rateLimitPerMinute: 500,
	/** Neto's minute; tests shorten it (with the node's, see accountLimiters) to see several in a test. */
	rateWindowMs: 60_000,
	/** The contract's unknown: an invalid log in a batch rejects the request whole, or the valid ones land. */
	batchFailure: 'rejectWhole',
	latencyMs: 0,
	/** The contract's unknown: GetCustomer's Page counts from 0 or from 1 (then Page 0 is page 1 too). */
	firstPage: 0,
	/** JSON as Neto converts it from XML: one-element lists as bare objects, empty lists left out. */
	jsonQuirks: true,
	/** Stops by itself after this long without a request (0: never). */
	idleStopMs: 15 * 60 * 1000,
	/** The contract's unknown: whether adding or changing a log updates its customer's DateUpdated. */
	logsTouchCustomer: true,
	/**
	 * The contract's unknown: what a store keeps of DateRequiredFollowUp (a DateTime on Add and Update,
	 * a Date in GetCustomer's answer). 'date': the day written (its date part); 'shopZone': the UTC
	 * time, answered as its day in `shopTimezone`; 'dateTime': the UTC time, answered whole.
	 */
	followUpDates: 'date',
	shopTimezone: 'Australia/Sydney',
	/** How long a notification waits for its answer before it counts as unanswered. */
	notifyTimeoutMs: 10_000,
	/** The first notification's EventID (by default the clock's seconds, so a restarted sandbox does not reuse one). */
	firstEventId: undefined,
};

/** A stored UTC DateTime's day in a timezone, as YYYY-MM-DD. */
function dayIn(utc, timeZone) {
	const instant = new Date(`${utc.replace(' ', 'T')}Z`);
	if (Number.isNaN(instant.getTime())) return utc.slice(0, 10);
	return new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
	}).format(instant);
}

const xmlParser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	parseTagValue: false,
	trimValues: false,
	processEntities: true,
	htmlEntities: true,
});
// The same XML with its elements' order kept (the parser above loses it), for the schema's order check.
const orderedXmlParser = new XMLParser({
	preserveOrder: true,
	ignoreAttributes: true,
	ignoreDeclaration: true,
	parseTagValue: false,
});
const escapes = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
	'\r': '&#13;',
};
const xmlBuilder = new XMLBuilder({
	processEntities: false,
	suppressEmptyNode: false,
	tagValueProcessor: (_n, v) => String(v).replace(/[&<>"'\r]/g, (c) => escapes[c]),
});

function asList(value) {
	if (value === undefined || value === null || value === '') return [];
	return Array.isArray(value) ? value : [value];
}

function nowUtc() {
	return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** Applies Neto's JSON quirks: a one-element list becomes the element, an empty one goes away. */
function quirky(value) {
	if (Array.isArray(value)) {
		if (value.length === 0) return undefined;
		return value.length === 1 ? quirky(value[0]) : value.map(quirky);
	}
	if (value && typeof value === 'object') {
		const out = {};
		for (const [key, inner] of Object.entries(value)) {
			const converted = quirky(inner);
			if (converted !== undefined) out[key] = converted;
		}
		return out;
	}
	return value;
}

/**
 * What a store validating XML requests against its XSD finds: elements out of the schema's order
 * (a <sequence>) in a CustomerLog or in GetCustomer's Filter. JSON has no element order.
 */
function outOfOrderElements(text, action) {
	const nameOf = (node) => Object.keys(node).find((key) => key !== ':@' && key !== '#text');
	const childrenNamed = (nodes, name) =>
		nodes.filter((node) => nameOf(node) === name).map((node) => node[name]);
	const problems = [];
	const check = (nodes, parent, order) => {
		let last = -1;
		for (const name of nodes.map(nameOf).filter((n) => order.includes(n))) {
			if (order.indexOf(name) < last)
				problems.push(
					`Element ${name} is not expected after ${order[last]} in ${parent}; the schema's order is ${order.join(', ')}.`,
				);
			else last = order.indexOf(name);
		}
	};
	const root = childrenNamed(orderedXmlParser.parse(text), action)[0] || [];
	if (FILTER_ORDER[action]) {
		for (const filter of childrenNamed(root, 'Filter'))
			check(filter, 'Filter', FILTER_ORDER[action]);
	} else if (LOG_RULES[action]) {
		for (const logs of childrenNamed(root, 'CustomerLogs')) {
			for (const log of childrenNamed(logs, 'CustomerLog'))
				check(log, 'CustomerLog', Object.keys(LOG_RULES[action]));
		}
	}
	return problems;
}

function htmlPage(status, title) {
	return `<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${title}</h1><p>The page you requested cannot be found.</p></body></html>`;
}

function startSandbox(userOptions = {}) {
	const options = {
		...DEFAULTS,
		...userOptions,
		credentials: { ...DEFAULTS.credentials, ...(userOptions.credentials || {}) },
	};
	const store = userOptions.store || new NetoStore({ seed: options.seed });
	store.logsTouchCustomer = options.logsTouchCustomer;
	const requests = [];
	let faults = [];
	/** Barriers by action: the first `count` requests of it are held until all of them have arrived. */
	const barriers = new Map();
	const windows = new Map();
	let idleTimer;
	const notifier = createNotifier({
		timeoutMs: options.notifyTimeoutMs,
		token: options.credentials.webhookVerifyToken,
		...(options.firstEventId !== undefined ? { firstEventId: options.firstEventId } : {}),
	});

	/** An order's status changed as a store user changes it: the store notifies as `deliver` says. */
	async function changeOrderStatus(orderId, status, deliver = 'once') {
		if (!ORDER_STATUSES.includes(status))
			throw new RangeError(`OrderStatus must be one of ${ORDER_STATUSES.join(', ')}`);
		if (!DELIVERIES.includes(deliver))
			throw new RangeError(`deliver must be one of ${DELIVERIES.join(', ')}`);
		const order = store.changeOrderStatus(orderId, status);
		if (!order) return undefined;
		const { event, attempts } = await notifier.notify(order, deliver);
		return { order, event, attempts };
	}

	/**
	 * The store user's side of orders, outside the API and its rate limit: POST /__sandbox/orders
	 * (add one), PATCH /__sandbox/orders/<OrderID> ({ OrderStatus, deliver? }), GET /__sandbox/orders;
	 * POST /__sandbox/notifications ({ url, token, redeliverAfterMs?, contentType? }) and
	 * GET /__sandbox/notifications (every delivery attempt).
	 */
	async function orderRoute(method, url, body) {
		const path = url.split('?')[0];
		const orderPath = /^\/__sandbox\/orders\/([^/]+)$/.exec(path);
		let fields;
		try {
			fields = JSON.parse(body || '{}');
		} catch {
			return { status: 400, body: { error: 'the body is not JSON' } };
		}
		try {
			if (path === '/__sandbox/notifications' && method === 'GET')
				return { status: 200, body: notifier.attempts };
			if (path === '/__sandbox/notifications' && method === 'POST')
				return { status: 200, body: notifier.configure(fields) };
			if (path === '/__sandbox/orders' && method === 'GET')
				return { status: 200, body: [...store.orders.values()] };
			if (path === '/__sandbox/orders' && method === 'POST') {
				const { deliver, ...orderFields } = fields;
				if (
					orderFields.OrderStatus !== undefined &&
					!ORDER_STATUSES.includes(orderFields.OrderStatus)
				)
					throw new RangeError(`OrderStatus must be one of ${ORDER_STATUSES.join(', ')}`);
				if (orderFields.OrderID !== undefined && store.orders.has(String(orderFields.OrderID)))
					return { status: 409, body: { error: `order ${orderFields.OrderID} exists` } };
				const order = store.addOrder(orderFields);
				if (deliver === undefined) return { status: 200, body: { order } };
				return {
					status: 200,
					body: await changeOrderStatus(order.OrderID, order.OrderStatus, deliver),
				};
			}
			if (orderPath && method === 'PATCH') {
				const changed = await changeOrderStatus(
					decodeURIComponent(orderPath[1]),
					fields.OrderStatus,
					fields.deliver,
				);
				return changed
					? { status: 200, body: changed }
					: { status: 404, body: { error: 'no such order' } };
			}
		} catch (error) {
			if (error instanceof RangeError) return { status: 400, body: { error: error.message } };
			throw error;
		}
		return { status: 404, body: { error: 'no such sandbox endpoint' } };
	}

	function touch() {
		if (!options.idleStopMs) return;
		clearTimeout(idleTimer);
		idleTimer = setTimeout(() => server.close(), options.idleStopMs);
		idleTimer.unref();
	}

	function account(headers) {
		const c = options.credentials;
		if (headers.netoapi_username !== undefined || headers.netoapi_key !== undefined) {
			return headers.netoapi_username === c.apiUsername && headers.netoapi_key === c.apiKey
				? `key:${c.apiUsername}`
				: null;
		}
		if (headers.x_access_key !== undefined || headers.x_secret_key !== undefined) {
			return headers.x_access_key === c.clientId && headers.x_secret_key === c.accessToken
				? `oauth:${c.clientId}`
				: null;
		}
		return null;
	}

	/** Seconds to wait when the account is over its limit, or 0 when it may go on. */
	function rateLimited(key) {
		const now = Date.now();
		const windowMs = options.rateWindowMs;
		const starts = (windows.get(key) || []).filter((t) => t > now - windowMs);
		windows.set(key, starts);
		if (starts.length >= options.rateLimitPerMinute)
			return Math.max(1, Math.ceil((starts[0] + windowMs - now) / 1000));
		starts.push(now);
		return 0;
	}

	function takeFault(action, phase) {
		const index = faults.findIndex(
			(f) => (f.phase || 'before') === phase && (!f.action || f.action === action),
		);
		if (index < 0) return undefined;
		const fault = faults[index];
		if (fault.skip > 0) {
			fault.skip--;
			return undefined;
		}
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) faults.splice(index, 1);
		return fault;
	}

	function readRequest(body, contentType, action) {
		const text = body.trim();
		if (text.startsWith('<') || /xml/i.test(contentType || '')) {
			const malformed = wellFormednessError(body);
			if (malformed) throw new Error(`The XML is not well-formed: ${malformed}`);
			const document = xmlParser.parse(text, true);
			const root = document[action];
			if (root === undefined) throw new Error(`The XML root element must be ${action}`);
			return {
				format: 'xml',
				payload: root === '' ? {} : root,
				outOfOrder: outOfOrderElements(text, action),
			};
		}
		return { format: 'json', payload: JSON.parse(text || '{}'), outOfOrder: [] };
	}

	/** DateRequiredFollowUp as GetCustomer answers it, by the followUpDates switch. */
	function followUpAnswer(stored) {
		if (!stored || options.followUpDates === 'dateTime') return stored;
		return options.followUpDates === 'shopZone' &&
			/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(stored) &&
			!stored.startsWith('0000')
			? dayIn(stored, options.shopTimezone)
			: stored.slice(0, 10);
	}

	function handleAction(action, payload) {
		if (action === 'GetOrder') return answerGetOrder(store, payload, options.firstPage);
		if (action === 'GetCustomer') {
			const refused = checkGetCustomer(payload);
			if (refused.length > 0)
				return { Ack: 'Error', Messages: { Error: refused, Warning: [] }, brokeRule: true };
			const filter = payload.Filter;
			const selectors = asList(filter.OutputSelector).map(String);
			const customers = store.findCustomers(filter, options.firstPage).map((customer) => {
				const out = { ID: customer.ID, Username: customer.Username };
				if (selectors.includes('EmailAddress')) out.EmailAddress = customer.EmailAddress;
				if (selectors.includes('DateAdded')) out.DateAdded = customer.DateAdded;
				if (selectors.includes('DateUpdated')) out.DateUpdated = customer.DateUpdated;
				if (selectors.includes('CustomerLog')) {
					out.CustomerLogs = {
						CustomerLog: store.logsOf(customer.Username).map((log) => ({
							LogID: String(log.LogID),
							// Derived from the log's own fields, unless changeLog set them (so a test can
							// change one returned field alone, as a store's own logic might).
							Customer: log.Customer ?? log.Username,
							AllocatedTo: log.AllocatedTo,
							Status: log.Status,
							DateRequiredFollowUp: followUpAnswer(log.DateRequiredFollowUp),
							LastContacted: log.LastContacted,
							LastContactedLocal: log.LastContactedLocal ?? log.LastContacted,
							LastContactedUTC: log.LastContactedUTC ?? log.LastContacted,
							Notes: log.Notes,
						})),
					};
				}
				return out;
			});
			return { Ack: 'Success', Customer: customers, Messages: { Error: [], Warning: [] } };
		}
		const logs = asList(
			payload && payload.CustomerLogs ? payload.CustomerLogs.CustomerLog : undefined,
		);
		if (logs.length === 0) {
			return {
				Ack: 'Error',
				brokeRule: true,
				Messages: {
					Error: [
						{
							Message: 'No CustomerLog given',
							SeverityCode: 'Error',
							Description: 'Send at least one CustomerLog.',
						},
					],
					Warning: [],
				},
			};
		}
		const checked = logs.map((log) => ({ log, errors: store.validateLog(action, log) }));
		const errors = checked.flatMap((entry) => entry.errors);
		const warnings = [];
		const ids = [];
		const apply = (log) => {
			if (action === 'AddCustomerLog') ids.push({ LogID: String(store.applyAdd(log)) });
			else store.applyUpdate(log);
			if (log.Notes !== undefined && String(log.Notes).length > 10_000) {
				warnings.push({ Message: 'Notes are very long', SeverityCode: 'Warning' });
			}
		};
		if (errors.length === 0) checked.forEach((entry) => apply(entry.log));
		else if (options.batchFailure === 'addValid')
			checked.filter((e) => e.errors.length === 0).forEach((e) => apply(e.log));
		const ack = errors.length > 0 ? 'Error' : warnings.length > 0 ? 'Warning' : 'Success';
		const answer = { Ack: ack };
		// Data the store does not hold is the store's answer, not a broken rule of the pages.
		if (errors.some((e) => !DATA_ERRORS.includes(e.Message))) answer.brokeRule = true;
		if (action === 'AddCustomerLog') answer.CustomerLog = ids;
		answer.Messages = { Error: errors, Warning: warnings };
		return answer;
	}

	/** The answer with the request's key quoted in an error (the store refused it) or a warning (it applied it). */
	function echoKey(answer, where, headers) {
		const secret = headers.netoapi_key || headers.x_secret_key || '';
		const message = {
			Message: `Key ${secret} is not allowed here`,
			SeverityCode: where === 'warning' ? 'Warning' : 'Error',
			Description: `The key ${secret} was logged.`,
		};
		if (where === 'warning')
			return { ...answer, Ack: 'Warning', Messages: { Error: [], Warning: [message] } };
		return { Ack: 'Error', Messages: { Error: [message], Warning: [] } };
	}

	function render(action, answer, format) {
		const full = { ...answer, CurrentTime: nowUtc() };
		if (format === 'json')
			return {
				type: 'application/json',
				body: JSON.stringify(options.jsonQuirks ? quirky(full) : full),
			};
		return {
			type: 'application/xml; charset=utf-8',
			body: `<?xml version="1.0" encoding="utf-8"?>${xmlBuilder.build({ [ANSWER_ROOT[action] ?? action]: full })}`,
		};
	}

	async function handle(req, res, body) {
		const headers = req.headers;
		const action = headers.netoapi_action;
		const record = {
			action,
			status: 200,
			format: undefined,
			logs: 0,
			at: Date.now(),
			headerNames: Object.keys(headers),
		};
		requests.push(record);
		const send = (status, type, text, extra = {}) => {
			record.status = status;
			res.writeHead(status, { 'Content-Type': type, ...extra });
			res.end(text);
		};
		if (req.url.startsWith('/__sandbox/notifications') || req.url.startsWith('/__sandbox/orders')) {
			requests.pop();
			const answer = await orderRoute(req.method, req.url, body);
			return send(answer.status, 'application/json', JSON.stringify(answer.body));
		}
		if (req.url === '/__sandbox/logs' && req.method === 'GET') {
			requests.pop();
			return send(200, 'application/json', JSON.stringify([...store.logs.values()]));
		}
		const logPath = /^\/__sandbox\/logs(?:\/(\d+))?$/.exec(req.url);
		if (logPath && (req.method === 'POST' || req.method === 'PATCH')) {
			// Adds (POST /__sandbox/logs) or changes (PATCH /__sandbox/logs/<LogID>) a log as a store user
			// would in the control panel: no API request, no rate limit.
			requests.pop();
			const fields = JSON.parse(body || '{}');
			const log = logPath[1] ? store.changeLog(logPath[1], fields) : store.insertLog(fields);
			return log
				? send(200, 'application/json', JSON.stringify(log))
				: send(404, 'application/json', '{"error":"no such log"}');
		}
		if (req.url === '/__sandbox/populate' && req.method === 'POST') {
			// A store of a merchant's size (the benchmark): { customers, logs }, see NetoStore.populate.
			requests.pop();
			store.populate(JSON.parse(body || '{}'));
			return send(
				200,
				'application/json',
				JSON.stringify({ customers: store.customers.size, logs: store.logs.size }),
			);
		}
		if (req.url === '/__sandbox/options' && req.method === 'POST') {
			requests.pop();
			const changes = JSON.parse(body || '{}');
			if ('logsTouchCustomer' in changes)
				store.logsTouchCustomer = Boolean(changes.logsTouchCustomer);
			return send(
				200,
				'application/json',
				JSON.stringify({ logsTouchCustomer: store.logsTouchCustomer }),
			);
		}
		if (req.url === '/__sandbox/faults' && (req.method === 'POST' || req.method === 'DELETE')) {
			// Queues faults (POST, a JSON list as injectFaults takes) or clears them (DELETE), for
			// programs that run the sandbox as a child process (the end-to-end trigger check).
			requests.pop();
			if (req.method === 'DELETE') faults = [];
			else faults.push(...JSON.parse(body || '[]').map((fault) => ({ ...fault })));
			return send(200, 'application/json', JSON.stringify({ faults: faults.length }));
		}
		if (req.url === '/__sandbox/reset' && req.method === 'POST') {
			requests.length = 0;
			windows.clear();
			barriers.clear();
			faults = [];
			store.reset();
			notifier.reset();
			return send(200, 'application/json', '{"reset":true}');
		}
		if (req.url === '/__sandbox/stats' && req.method === 'GET') {
			requests.pop();
			const byAction = {};
			const byStatus = {};
			for (const r of requests) {
				byAction[r.action] = (byAction[r.action] || 0) + 1;
				byStatus[r.status] = (byStatus[r.status] || 0) + 1;
			}
			const brokeRule = requests.filter((r) => r.brokeRule).length;
			return send(
				200,
				'application/json',
				JSON.stringify({
					requests: requests.length,
					byAction,
					byStatus,
					brokeRule,
					logs: store.logs.size,
				}),
			);
		}
		if (req.url.split('?')[0] !== API_PATH)
			return send(404, 'text/html', htmlPage(404, 'Page Not Found'));
		if (req.method !== 'POST') return send(405, 'text/html', htmlPage(405, 'Method Not Allowed'));
		if (options.latencyMs > 0)
			await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
		const barrier = barriers.get(action);
		if (barrier) {
			await new Promise((resolve) => {
				barrier.held.push(resolve);
				if (barrier.held.length < barrier.count) return;
				barriers.delete(action);
				barrier.held.forEach((release) => release());
			});
			record.heldUntil = Date.now();
		}

		const applyFault = (fault) => {
			record.fault = fault.kind;
			if (fault.kind === 'reset') {
				req.socket.destroy();
				return true;
			}
			if (fault.kind === 'html') {
				send(
					fault.status || 200,
					'text/html',
					htmlPage(fault.status || 200, 'Store Temporarily Unavailable'),
				);
				return true;
			}
			if (fault.kind === 'malformed') {
				send(200, 'application/json', '{"Ack": "Success", "CustomerLog": [');
				return true;
			}
			if (fault.kind === 'echoKey') {
				// A careless store or proxy quoting the request's secret back, in a page or in its messages.
				const secret = headers.netoapi_key || headers.x_secret_key || '';
				if (fault.in === 'page') {
					send(
						fault.status || 500,
						'text/html',
						`<html><body><h1>Error</h1><p>Request with NETOAPI_KEY=${secret} failed</p></body></html>`,
					);
					return true;
				}
				return false;
			}
			if (fault.kind === 'silent') {
				// A store that takes the request and never answers: nothing is sent until the client gives up.
				return true;
			}
			if (fault.kind === 'status') {
				const extra =
					fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
				send(fault.status, 'text/plain', fault.body || `HTTP ${fault.status}`, extra);
				return true;
			}
			return false;
		};
		const before = takeFault(action, 'before');
		if (before && before.kind === 'delay') {
			// A request that reaches the store late (a slow network or a busy server), then is applied.
			record.fault = 'delay';
			await new Promise((resolve) => setTimeout(resolve, before.ms));
		} else if (before && applyFault(before)) return;

		const acceptJson = /application\/json/i.test(headers.accept || '');
		let format = acceptJson ? 'json' : 'xml';
		const who = account(headers);
		if (!ACTIONS.includes(action)) {
			const answer = {
				Ack: 'Error',
				Messages: {
					Error: [
						{
							Message: `Unknown NETOAPI_ACTION ${action || '(none)'}`,
							SeverityCode: 'Error',
							Description: 'Send a supported action.',
						},
					],
					Warning: [],
				},
			};
			record.brokeRule = [
				`${answer.Messages.Error[0].Message}: the NETOAPI_ACTION header must be included`,
			];
			const out = render(action || 'NetoAPI', answer, format);
			return send(200, out.type, out.body);
		}
		if (!who) {
			const answer = {
				Ack: 'Error',
				Messages: {
					Error: [
						{
							Message: 'Invalid API credentials',
							SeverityCode: 'Error',
							Description:
								'The API username and key (or client ID and access token) were not accepted.',
						},
					],
					Warning: [],
				},
			};
			const out = render(action, answer, format);
			return send(200, out.type, out.body);
		}
		const wait = rateLimited(who);
		if (wait > 0)
			return send(429, 'text/plain', 'Too Many Requests', { 'Retry-After': String(wait) });

		let parsed;
		try {
			parsed = readRequest(body, headers['content-type'], action);
		} catch (error) {
			const answer = {
				Ack: 'Error',
				Messages: {
					Error: [
						{
							Message: 'The request could not be read',
							SeverityCode: 'Error',
							Description: error.message,
						},
					],
					Warning: [],
				},
			};
			const out = render(action, answer, format);
			return send(200, out.type, out.body);
		}
		record.format = parsed.format;
		record.logs = asList(
			parsed.payload && parsed.payload.CustomerLogs
				? parsed.payload.CustomerLogs.CustomerLog
				: undefined,
		).length;
		let answer =
			parsed.outOfOrder.length > 0
				? {
						Ack: 'Error',
						Messages: {
							Error: parsed.outOfOrder.map((problem) => ({
								Message: 'The request does not match the schema',
								SeverityCode: 'Error',
								Description: problem,
							})),
							Warning: [],
						},
						brokeRule: true,
					}
				: handleAction(action, parsed.payload);
		// A request that breaks one of the vendor pages' rules (not a data error such as an unknown
		// customer): recorded, so the test suites can check the node never sends one.
		if (answer.brokeRule) {
			record.brokeRule = answer.Messages.Error.map((e) => `${e.Message}: ${e.Description}`);
			const { brokeRule: _, ...rest } = answer;
			answer = rest;
		}

		const after = takeFault(action, 'after');
		if (after && after.kind === 'answerIn') format = after.format;
		else if (after && after.kind === 'echoKey') answer = echoKey(answer, after.in, headers);
		else if (after && applyFault(after)) return;
		const out = render(action, answer, format);
		send(200, out.type, out.body);
	}

	const server = http.createServer((req, res) => {
		touch();
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error) => {
				if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
				res.end(`Sandbox error: ${error.message}`);
			});
		});
	});
	server.keepAliveTimeout = 5000;

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			touch();
			const { port } = server.address();
			resolve({
				url: `http://${options.host}:${port}`,
				port,
				store,
				requests,
				options,
				/** Queues faults: { kind: 'status'|'reset'|'html'|'malformed'|'answerIn'|'echoKey'|'delay'|'silent', ms? (delay), status?, retryAfter?, format?, in?: 'page'|'error'|'warning', phase?: 'before'|'after', action?, skip?: the first N matching requests pass, times? } */
				injectFaults(list) {
					faults.push(...list.map((fault) => ({ ...fault })));
				},
				clearFaults() {
					faults = [];
				},
				/** Holds the first `count` requests of `action` until all `count` have arrived, then answers them all. */
				holdUntil(action, count) {
					barriers.set(action, { count, held: [] });
				},
				set(changes) {
					Object.assign(options, changes);
					if ('logsTouchCustomer' in changes) store.logsTouchCustomer = changes.logsTouchCustomer;
				},
				resetRateLimit() {
					windows.clear();
				},
				/** Where order notifications go, and with which Webhook Verify Token (the credentials' unless given). */
				notifyTo(target, token) {
					return notifier.configure(
						typeof target === 'string' ? { url: target, ...(token ? { token } : {}) } : target,
					);
				},
				addOrder(fields) {
					return store.addOrder(fields);
				},
				changeOrderStatus,
				deliveries: notifier.attempts,
				undeliveredEvents: () => notifier.undelivered(),
				redeliver: () => notifier.redeliverNow(),
				waitForDeliveries: (test, timeoutMs) => notifier.waitFor(test, timeoutMs),
				close() {
					clearTimeout(idleTimer);
					notifier.close();
					return new Promise((done) => {
						server.closeAllConnections();
						server.close(() => done());
					});
				},
			});
		});
	});
}

module.exports = { startSandbox, NetoStore, API_PATH };
