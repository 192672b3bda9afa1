'use strict';
/** Running real n8n's CLI against one user folder: import credentials and workflows, execute. */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const { root, shownPath } = require('./n8n-env');

const SANDBOX_CREDENTIAL_ID = 'netoSandboxCred';
const EXAMPLES = path.join(root, 'examples');

function n8nEnv(env, userFolder, extra = {}) {
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		...extra,
	};
}

/** Runs one n8n CLI command; `env` adds to n8n's environment (the durable scheduler's settings, say). */
function n8nSync(install, userFolder, args, env = {}) {
	const result = spawnSync(install.n8n, args, {
		env: n8nEnv(install.env, userFolder, env),
		encoding: 'utf8',
		maxBuffer: 256 * 2 ** 20,
	});
	if (result.status !== 0)
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
		);
	return result.stdout;
}

/** Imports the "Neto Sandbox" credential (pointing at the sandbox) and every example workflow. */
function importCredentialAndExamples(install, userFolder, sandbox) {
	importSandboxCredential(install, userFolder, sandbox);
	n8nSync(install, userFolder, ['import:workflow', '--separate', `--input=${EXAMPLES}`]);
	return exampleWorkflows();
}

/** Imports the "Neto Sandbox" credential, pointing at the sandbox, with id SANDBOX_CREDENTIAL_ID. */
function importSandboxCredential(install, userFolder, sandbox) {
	const file = path.join(userFolder, 'neto-sandbox-credential.json');
	fs.mkdirSync(userFolder, { recursive: true });
	fs.writeFileSync(
		file,
		JSON.stringify([
			{
				id: SANDBOX_CREDENTIAL_ID,
				name: 'Neto Sandbox',
				type: 'netoApi',
				data: {
					storeUrl: sandbox.url,
					authType: 'apiKey',
					apiUsername: sandbox.credentials.apiUsername,
					apiKey: sandbox.credentials.apiKey,
					webhookVerifyToken: sandbox.credentials.webhookVerifyToken,
				},
			},
		]),
	);
	n8nSync(install, userFolder, ['import:credentials', `--input=${file}`]);
}

function exampleWorkflows() {
	return fs
		.readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ file, ...JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) }));
}

const ORDER_TRIGGER = 'n8n-nodes-neto.netoOrderTrigger';

/** Whether a workflow starts from the Neto Order Trigger (it runs live, never under `n8n execute`). */
function holdsOrderTrigger(workflow) {
	return workflow.nodes.some((node) => node.type === ORDER_TRIGGER);
}

/** The example workflow that starts from the Neto Order Trigger, if there is one. */
function orderTriggerExample(workflows) {
	return workflows.find(holdsOrderTrigger);
}

/**
 * The production URL of a workflow's Order Trigger in n8n at `n8nUrl`: n8n serves a node's
 * webhook at /webhook/<webhookId>/<the webhook's path>, the trigger's path being `webhook`.
 */
function orderWebhookUrl(n8nUrl, workflow) {
	const node = workflow.nodes.find((candidate) => candidate.type === ORDER_TRIGGER);
	return `${n8nUrl}/webhook/${node.webhookId}/webhook`;
}

/** Makes a workflow live: n8n 2.x publishes a version of it, 1.x sets its active flag. */
function activate(install, userFolder, id) {
	const major = Number(String(install.version).split('.')[0]);
	n8nSync(
		install,
		userFolder,
		major >= 2
			? ['publish:workflow', `--id=${id}`]
			: ['update:workflow', `--id=${id}`, '--active=true'],
	);
}

/** The run's JSON in what `n8n execute --rawOutput` printed. */
function runOf(stdout) {
	const start = stdout.indexOf('{');
	if (start < 0) throw new Error(`n8n execute printed no run:\n${stdout}`);
	return JSON.parse(stdout.slice(start));
}

/** Runs a workflow headless (`n8n execute --rawOutput`) and returns the run's JSON. */
function executeWorkflow(install, userFolder, id) {
	return runOf(n8nSync(install, userFolder, ['execute', `--id=${id}`, '--rawOutput']));
}

/**
 * The same, without blocking this process meanwhile: for a workflow that calls a server this
 * process runs (a scripted model). Stopped after `timeoutMs`.
 */
function executeWorkflowAsync(install, userFolder, id, timeoutMs = 300_000) {
	const child = spawn(install.n8n, ['execute', `--id=${id}`, '--rawOutput'], {
		env: n8nEnv(install.env, userFolder),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	return new Promise((resolve, reject) => {
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) return resolve(runOf(stdout));
			reject(
				new Error(`n8n execute --id=${id} ${exitReason(code, signal)}:\n${stdout}\n${stderr}`),
			);
		});
	});
}

/**
 * One line of n8n's output. n8n runs with N8N_LOG_FORMAT=json, so that every line of its logger
 * says its level; this turns such a line back into text: `message` (with the error's message, if
 * any) and, for the log file, `text` ("12:30:01 warn  message", plus the error's stack trace).
 * A line that is not n8n's JSON (a crash's stack trace, a library writing to the console) keeps
 * its text, with the level of the stream it came on.
 */
function logLine(line, stream) {
	let entry;
	try {
		entry = JSON.parse(line);
	} catch {
		/* not n8n's logger */
	}
	if (!entry || typeof entry.level !== 'string' || typeof entry.message !== 'string') {
		return { level: stream === 'stderr' ? 'error' : 'info', message: line, text: line };
	}
	const { timestamp, error } = entry.metadata ?? {};
	const time = typeof timestamp === 'string' ? timestamp.slice(11, 19) : '';
	const reason = error && typeof error === 'object' ? error.message : error;
	const message = `${entry.message.trim()}${reason ? ` (error: ${reason})` : ''}`;
	const stack =
		error && typeof error.stack === 'string' && !message.includes(error.stack)
			? `\n${error.stack}`
			: '';
	return {
		level: entry.level,
		message,
		text: `${time ? `${time} ` : ''}${entry.level.padEnd(5)} ${message}${stack}`,
	};
}

/**
 * Starts `n8n start` in the background; resolves once the editor answers. n8n's output goes, as
 * text, to `logFile` (default <userFolder>/n8n.log, emptied first) and, line by line, to `onLog`
 * ({ level, message, text }); its last lines are kept in `output` for error messages. `onSpawn`
 * gets the child process at once, so that a caller can stop n8n while it is still starting. `env`
 * adds to n8n's environment (queue mode's settings, say).
 */
function startN8n(
	install,
	userFolder,
	port,
	{
		logFile = path.join(userFolder, 'n8n.log'),
		onLog = () => {},
		onSpawn = () => {},
		env = {},
	} = {},
) {
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const file = fs.createWriteStream(logFile);
	const child = spawn(install.n8n, ['start'], {
		env: n8nEnv(install.env, userFolder, {
			N8N_PORT: String(port),
			N8N_HOST: 'localhost',
			N8N_LOG_FORMAT: 'json',
			...env,
		}),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	onSpawn(child);
	const output = [];
	for (const stream of ['stdout', 'stderr']) {
		readline.createInterface({ input: child[stream] }).on('line', (line) => {
			if (!line.trim()) return;
			const entry = logLine(line, stream);
			file.write(`${entry.text}\n`);
			output.push(entry.text);
			if (output.length > 50) output.shift();
			onLog(entry);
		});
	}
	// 'close', not 'exit': by then every line n8n wrote has been read.
	child.once('close', () => file.end());
	const failure = (why) =>
		new Error(
			`${why}; its last lines:\n${output.join('\n')}\nAll of its log: ${shownPath(logFile)}`,
		);
	return new Promise((resolve, reject) => {
		const started = Date.now();
		child.once('close', (code, signal) =>
			reject(failure(`n8n ${exitReason(code, signal)} while starting`)),
		);
		const poll = async () => {
			try {
				// /healthz answers before the REST routes are registered, and while starting n8n 2.x answers
				// every route with 200 and the text "n8n is starting up": settings in JSON means ready.
				const response = await fetch(`http://localhost:${port}/rest/settings`);
				if (response.ok && isJson(response))
					return resolve({ child, output, logFile, url: `http://localhost:${port}` });
			} catch {
				/* not up yet */
			}
			if (child.exitCode !== null || child.signalCode !== null) return undefined;
			if (Date.now() - started > 180_000) return reject(failure('n8n did not start in 3 minutes'));
			setTimeout(poll, 500);
		};
		poll();
	});
}

/** How a child process ended, in words: "exited with code 1", "was stopped by signal SIGTERM". */
function exitReason(code, signal) {
	return signal ? `was stopped by signal ${signal}` : `exited with code ${code}`;
}

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-Owner-1',
};

const isJson = (response) => /json/i.test(response.headers.get('content-type') || '');

/**
 * Creates n8n's owner account (local only) and returns the session cookie and the account. Should
 * n8n still be registering its routes (1.x: 404 "Cannot POST"; 2.x: 200 "n8n is starting up"),
 * it asks again, for at most a minute.
 */
async function setupOwner(n8nUrl) {
	const started = Date.now();
	for (;;) {
		const response = await fetch(`${n8nUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		const starting = response.status === 404 || (response.ok && !isJson(response));
		if (starting && Date.now() - started < 60_000) {
			await response.text();
			await new Promise((resolve) => setTimeout(resolve, 500));
			continue;
		}
		if (!response.ok || starting)
			throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
		const cookie = response.headers.get('set-cookie');
		if (!cookie) throw new Error('n8n set up its owner but gave no session cookie');
		return { cookie: cookie.split(';')[0], owner: OWNER };
	}
}

/** Asks a child to stop (n8n shuts down gracefully), forcing it after 10 s; resolves once it exited. */
function stopChild(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
		child.once('exit', () => {
			clearTimeout(force);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

module.exports = {
	activate,
	holdsOrderTrigger,
	importCredentialAndExamples,
	orderTriggerExample,
	orderWebhookUrl,
	ORDER_TRIGGER,
	importSandboxCredential,
	exampleWorkflows,
	executeWorkflow,
	executeWorkflowAsync,
	startN8n,
	exitReason,
	setupOwner,
	stopChild,
	SANDBOX_CREDENTIAL_ID,
	n8nSync,
	n8nEnv,
};
