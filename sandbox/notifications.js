'use strict';
/**
 * The sandbox store's Order Notifications (neto-order-notifications.md): on each order status
 * change, an XML <Event> POSTed to the configured URL with `NETO_NOTIFICATION: Order` and
 * `NETOAPI_KEY: <Webhook Verify Token>`. Anything but 200 leaves the event undelivered, and it is
 * delivered again `redeliverAfterMs` after each failed attempt, until answered 200 (Neto
 * "optionally reattempts at a later time"; the sandbox always does). On request an event is
 * delivered twice in a row, twice at once, with a wrong token or with none.
 */
const http = require('node:http');
const https = require('node:https');

const DELIVERIES = ['once', 'twice', 'twiceAtOnce', 'wrongToken', 'noToken'];
/** A token no store would have: what an impostor, or a store set up with another token, sends. */
const WRONG_TOKEN = 'not-the-webhook-verify-token';

const escapeXml = (text) =>
	String(text).replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c],
	);

/** The notification's body, as the page's example lays it out. */
function eventXml(event) {
	return (
		'<?xml version="1.0" encoding="utf-8"?>\n<Event>\n' +
		`  <CurrentTime>${escapeXml(event.CurrentTime)}</CurrentTime>\n` +
		`  <EventID>${event.EventID}</EventID>\n` +
		`  <EventType>${escapeXml(event.EventType)}</EventType>\n` +
		'  <Order>\n' +
		`    <OrderID>${escapeXml(event.OrderID)}</OrderID>\n` +
		`    <OrderStatus>${escapeXml(event.OrderStatus)}</OrderStatus>\n` +
		'  </Order>\n</Event>\n'
	);
}

function nowUtc() {
	return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** One POST; resolves with the status answered (0 when none came: refused, reset, timed out) and how long it took. */
function post(url, headers, body, timeoutMs) {
	const started = process.hrtime.bigint();
	const took = () => Number(process.hrtime.bigint() - started) / 1e6;
	return new Promise((resolve) => {
		let target;
		try {
			target = new URL(url);
		} catch (error) {
			resolve({ status: 0, error: error.message, ms: 0 });
			return;
		}
		const client = target.protocol === 'https:' ? https : http;
		const request = client.request(
			target,
			{
				method: 'POST',
				agent: false,
				headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve({ status: response.statusCode, ms: took() }));
				response.on('error', (error) => resolve({ status: 0, error: error.message, ms: took() }));
			},
		);
		request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
		request.on('error', (error) => resolve({ status: 0, error: error.message, ms: took() }));
		request.end(body);
	});
}

/**
 * The notifier of one sandbox. `attempts` lists every delivery attempt: { EventID, OrderID,
 * OrderStatus, attempt (1, 2, ... per event), token ('right'|'wrong'|'none'), status (0: no
 * answer), error?, at (ISO time), ms (answer time) }.
 */
function createNotifier({
	firstEventId = Math.floor(Date.now() / 1000),
	timeoutMs = 10_000,
	token,
} = {}) {
	const target = {
		url: undefined,
		token,
		redeliverAfterMs: 60_000,
		contentType: 'application/xml',
	};
	const attempts = [];
	/** Events not yet answered 200 that are delivered again: EventID → { event, timer }. */
	const pending = new Map();
	const waiters = new Set();
	let nextEventId = firstEventId;
	let closed = false;

	function wake() {
		for (const waiter of [...waiters]) waiter();
	}

	async function attempt(event, token) {
		const headers = { NETO_NOTIFICATION: 'Order', 'Content-Type': target.contentType };
		const tokenKind = token === 'none' ? 'none' : token === 'wrong' ? 'wrong' : 'right';
		if (tokenKind === 'right') headers.NETOAPI_KEY = target.token ?? '';
		if (tokenKind === 'wrong') headers.NETOAPI_KEY = WRONG_TOKEN;
		const number = attempts.filter((a) => a.EventID === event.EventID).length + 1;
		const record = {
			EventID: event.EventID,
			OrderID: event.OrderID,
			OrderStatus: event.OrderStatus,
			attempt: number,
			token: tokenKind,
			status: undefined,
			at: new Date().toISOString(),
			ms: undefined,
		};
		attempts.push(record);
		const answer = await post(target.url, headers, eventXml(event), timeoutMs);
		Object.assign(record, answer);
		wake();
		return record;
	}

	/** Delivers the event again later, unless it was answered 200 meanwhile. */
	function redeliverLater(event) {
		if (closed || pending.has(event.EventID)) return;
		const timer = setTimeout(() => redeliver(event.EventID), target.redeliverAfterMs);
		timer.unref();
		pending.set(event.EventID, { event, timer });
	}

	/** Delivers a pending event again now; it stays pending (for later) unless answered 200. */
	async function redeliver(eventId) {
		const entry = pending.get(eventId);
		if (!entry) return undefined;
		clearTimeout(entry.timer);
		pending.delete(eventId);
		if (closed || !target.url) return undefined;
		const record = await attempt(entry.event, 'right');
		if (record.status !== 200) redeliverLater(entry.event);
		return record;
	}

	return {
		attempts,
		get target() {
			return { url: target.url, redeliverAfterMs: target.redeliverAfterMs };
		},
		/** Where notifications go, with which token; redeliverAfterMs and contentType optional. */
		configure({ url, token, redeliverAfterMs, contentType }) {
			if (url !== undefined) target.url = url || undefined;
			if (token !== undefined) target.token = token;
			if (redeliverAfterMs !== undefined) target.redeliverAfterMs = Number(redeliverAfterMs);
			if (contentType !== undefined) target.contentType = contentType;
			return this.target;
		},
		/**
		 * Notifies an order's status change as `deliver` says; resolves with the event and its first
		 * attempts once they are answered. No URL configured: nothing is sent (notifications off).
		 */
		async notify(order, deliver = 'once') {
			if (!DELIVERIES.includes(deliver))
				throw new Error(`deliver must be one of ${DELIVERIES.join(', ')}`);
			const event = {
				EventID: nextEventId++,
				CurrentTime: nowUtc(),
				EventType: 'Order',
				OrderID: order.OrderID,
				OrderStatus: order.OrderStatus,
			};
			if (!target.url) return { event, attempts: [] };
			let sent;
			if (deliver === 'twice') {
				const first = await attempt(event, 'right');
				sent = [first, await attempt(event, 'right')];
			} else if (deliver === 'twiceAtOnce') {
				sent = await Promise.all([attempt(event, 'right'), attempt(event, 'right')]);
			} else if (deliver === 'wrongToken' || deliver === 'noToken') {
				// Not the store's own delivery (an impostor, or a store set up with another token): one
				// attempt, never delivered again.
				sent = [await attempt(event, deliver === 'wrongToken' ? 'wrong' : 'none')];
			} else {
				sent = [await attempt(event, 'right')];
			}
			if (deliver !== 'wrongToken' && deliver !== 'noToken' && !sent.some((a) => a.status === 200))
				redeliverLater(event);
			return { event, attempts: sent };
		},
		/** EventIDs waiting to be delivered again. */
		undelivered() {
			return [...pending.keys()];
		},
		/** Delivers every event waiting for it again now (Neto's scheduled task run early); resolves with those attempts. */
		async redeliverNow() {
			const records = await Promise.all([...pending.keys()].map(redeliver));
			return records.filter(Boolean);
		},
		/** Resolves with the attempts once `test(attempts)` holds; rejects after `timeoutMs`. */
		waitFor(test, timeoutMs = 10_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (!test(attempts)) return;
					waiters.delete(check);
					clearTimeout(timer);
					resolve(attempts);
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`notifications: not as awaited after ${timeoutMs} ms`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		/** Forgets the attempts and the pending redeliveries (EventIDs keep growing: they stay unique). */
		reset() {
			for (const { timer } of pending.values()) clearTimeout(timer);
			pending.clear();
			attempts.length = 0;
		},
		close() {
			closed = true;
			this.reset();
		},
	};
}

module.exports = { createNotifier, eventXml, DELIVERIES, WRONG_TOKEN };
