'use strict';
/**
 * Preloaded into the n8n process by `npm run bench -- --store-scale` (NODE_OPTIONS=--require):
 * wraps the Neto Customer Log Trigger's poll() when n8n loads the package, and appends one JSON
 * line per poll to $BENCH_POLL_TRACE: when it started and how long it took, what it emitted, the
 * requests it sent to Neto's API (and how many were answered 429), the size of the trigger's static
 * data as n8n saves it (JSON), where a read of every customer stood before and after (`phase`), and
 * the process's memory before and after. Only looks, with one exception: before poll number
 * $BENCH_FULL_CHECK_POLL (counted in this process), or with $BENCH_FULL_CHECK_AFTER_BASELINE at the
 * first poll that finds the baseline whole, it sets the state's last full check back to the epoch,
 * as if a day had passed, so that the full check starts without the benchmark waiting hours for one.
 */
const fs = require('node:fs');
const http = require('node:http');
const Module = require('node:module');
const { AsyncLocalStorage } = require('node:async_hooks');

/** Where a state stands: no baseline yet, a baseline or full check in progress, or ordinary polls. */
function phase(state) {
	if (!state) return 'none';
	if (!state.wholeRead) return 'ordinary';
	return state.wholeRead.baseline ? 'baseline' : 'fullCheck';
}

const file = process.env.BENCH_POLL_TRACE;
if (file) {
	/** The Neto API requests of each poll running (under the durable scheduler, polls may overlap). */
	const polling = new AsyncLocalStorage();
	const request = http.request;
	http.request = function tracedRequest(...args) {
		const req = request.apply(this, args);
		const current = polling.getStore();
		if (current && /\/do\/WS\/NetoAPI/.test(req.path)) {
			current.requests++;
			req.once('response', (res) => {
				if (res.statusCode === 429) current.rateLimited++;
			});
		}
		return req;
	};

	const memory = () => {
		const { rss, heapUsed } = process.memoryUsage();
		return { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 };
	};

	const fullCheckPoll = Number(process.env.BENCH_FULL_CHECK_POLL || 0);
	let fullCheckAfterBaseline = Boolean(process.env.BENCH_FULL_CHECK_AFTER_BASELINE);
	let pollCount = 0;

	const wrap = (trigger) => {
		const poll = trigger.prototype.poll;
		if (poll.traced) return;
		trigger.prototype.poll = async function tracedPoll(...args) {
			const state = this.getWorkflowStaticData('node').customerLogTrigger;
			if (++pollCount === fullCheckPoll && state) state.walkedAt = 0;
			if (fullCheckAfterBaseline && phase(state) === 'ordinary') {
				state.walkedAt = 0;
				fullCheckAfterBaseline = false;
			}
			const trace = {
				mode: this.getMode(),
				startedAt: Date.now(),
				requests: 0,
				rateLimited: 0,
				phaseBefore: phase(state),
				before: memory(),
			};
			const started = performance.now();
			let emitted = null;
			try {
				emitted = await polling.run(trace, () => poll.apply(this, args));
				return emitted;
			} catch (error) {
				trace.error = String(error && error.message);
				throw error;
			} finally {
				trace.ms = performance.now() - started;
				trace.phaseAfter = phase(this.getWorkflowStaticData('node').customerLogTrigger);
				trace.emitted = emitted ? emitted[0].length : 0;
				trace.stateBytes = Buffer.byteLength(JSON.stringify(this.getWorkflowStaticData('node')));
				trace.logsInState = Object.keys(
					this.getWorkflowStaticData('node').customerLogTrigger?.logs ?? {},
				).length;
				trace.after = memory();
				fs.appendFileSync(file, `${JSON.stringify(trace)}\n`);
			}
		};
		trigger.prototype.poll.traced = true;
	};

	const load = Module._load;
	Module._load = function tracedLoad(requested, ...rest) {
		const exported = load.call(this, requested, ...rest);
		if (/NetoCustomerLogTrigger\.node(\.js)?$/.test(requested) && exported?.NetoCustomerLogTrigger)
			wrap(exported.NetoCustomerLogTrigger);
		return exported;
	};
}
