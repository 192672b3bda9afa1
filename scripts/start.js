'use strict';
/**
 * `npm start`: real n8n with this node and a local Neto sandbox store, in one command.
 * On first run installs n8n and its Node.js into .cache/ (reused later; npm's output goes to
 * .cache/logs/, the terminal gets progress lines), builds and installs this package into the local
 * n8n user folder .n8n-local/ as a community package, starts the sandbox (port 8787) and n8n
 * (port 5678), imports the "Neto Sandbox" credential and the example workflows, makes the order
 * example (its Neto Order Trigger) live and points the sandbox's order notifications at its
 * production URL with the credential's Webhook Verify Token, and prints the editor's address and
 * how to change an order's status. n8n's log goes to .n8n-local/n8n.log; the terminal shows its warnings and
 * errors while it starts, then all of it. Ctrl-C stops everything it started.
 * NETO_SANDBOX_PORT, N8N_PORT and N8N_VERSION (a tested one) change the defaults.
 */
const path = require('node:path');

const env = require('./n8n-env');

/**
 * n8n's log entry in the terminal, marked [n8n], with its level when it is not info. A stack trace
 * is left to the log file: its frames, and the "Error: message" line that heads them when the
 * entry's message said it already.
 */
function showN8nLog({ level, message }, logFile) {
	let lines = message.split('\n').filter((line) => line.trim());
	const frame = lines.findIndex((line) => /^\s+at /.test(line));
	if (frame > 0) {
		lines = lines.slice(0, frame);
		if (lines.length > 1 && /^\w*Error\b/.test(lines.at(-1))) lines.pop();
		lines[lines.length - 1] += `  (stack trace in ${env.shownPath(logFile)})`;
	}
	const mark = level === 'info' ? '' : `${level.toUpperCase()} `;
	for (const line of lines) process.stdout.write(`  [n8n] ${mark}${line}\n`);
}

let stopping = false;
let stop = null;

async function main() {
	env.ensureDevDependencies();
	const {
		activate,
		importCredentialAndExamples,
		orderTriggerExample,
		orderWebhookUrl,
		startN8n,
		stopChild,
		exitReason,
	} = require('./n8n-cli');
	const { startSandboxProcess } = require('./sandbox-process');
	const install = env.ensureN8n(process.env.N8N_VERSION || env.DEFAULT_N8N);
	process.stdout.write('Building the package and installing it into .n8n-local/...\n');
	const tarball = env.buildAndPack();
	const userFolder = path.join(env.root, '.n8n-local');
	env.installPackage(tarball, userFolder, install);

	// The sandbox stays up as long as n8n does (by default it stops after 15 idle minutes).
	const sandbox = await startSandboxProcess({
		port: Number(process.env.NETO_SANDBOX_PORT || 8787),
		idleStopMs: 0,
	});
	const children = new Map([['the sandbox', sandbox.child]]);
	// Stops every child, waiting for n8n's graceful shutdown (forced after 10 s), then exits.
	stop = async (why, exitCode) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`${why}: stopping ${[...children.keys()].reverse().join(' and ')}...\n`);
		await Promise.all([...children.values()].map(stopChild));
		const ends = [...children]
			.reverse()
			.map(([name, child]) => `${name} ${exitReason(child.exitCode, child.signalCode)}`);
		process.stdout.write(`Stopped: ${ends.join(', ')}.\n`);
		process.exit(exitCode);
	};
	process.on('SIGINT', () => stop('Ctrl-C', 0));
	process.on('SIGTERM', () => stop('SIGTERM', 0));
	const unexpectedExit = (name) => (code, signal) => {
		if (!stopping) stop(`${name} ${exitReason(code, signal)}`, 1);
	};
	sandbox.child.once('exit', unexpectedExit('the sandbox'));

	const workflows = importCredentialAndExamples(install, userFolder, sandbox);
	// The order example starts from Neto's notifications: live from the start, so the sandbox's reach it.
	const orderExample = orderTriggerExample(workflows);
	if (orderExample) activate(install, userFolder, orderExample.id);
	const port = Number(process.env.N8N_PORT || 5678);
	const logFile = path.join(userFolder, 'n8n.log');
	process.stdout.write(
		`Starting n8n ${install.version} (its log: ${env.shownPath(logFile)}; warnings and errors show here)...\n`,
	);
	let ready = false;
	const n8n = await startN8n(install, userFolder, port, {
		logFile,
		onSpawn: (child) => children.set('n8n', child),
		onLog: (entry) => {
			if (ready || entry.level === 'warn' || entry.level === 'error') showN8nLog(entry, logFile);
		},
	}).catch((error) => {
		// Ctrl-C while n8n starts: stop() reports and exits.
		if (stopping) return new Promise(() => {});
		throw error;
	});
	n8n.child.once('exit', unexpectedExit('n8n'));
	const c = sandbox.credentials;
	const orderLines = [];
	if (orderExample) {
		const webhook = orderWebhookUrl(`http://127.0.0.1:${port}`, orderExample);
		await sandbox.notifyTo({ url: webhook, token: c.webhookVerifyToken });
		orderLines.push(
			`  "${orderExample.name}" is live; the sandbox sends its order notifications to`,
			`    ${webhook}`,
			'  Dispatch an order of jsmith, and a follow-up log appears on jsmith (n8n lists the execution):',
			`    curl -X PATCH ${sandbox.url}/__sandbox/orders/N1002 -d '{"OrderStatus":"Dispatched"}'`,
			`    curl ${sandbox.url}/__sandbox/logs`,
			`  (orders N1001-N1005; each PATCH is a new event; docs/sandbox.md lists the rest)`,
		);
	}
	process.stdout.write(
		[
			'',
			`  n8n ${install.version} with n8n-nodes-neto:   ${n8n.url}`,
			`  Neto sandbox store:                 ${sandbox.url}/do/WS/NetoAPI  (user ${c.apiUsername}, key ${c.apiKey})`,
			'  Credential "Neto Sandbox" and these example workflows are imported:',
			...workflows.map((workflow) => `    - ${workflow.name}`),
			...orderLines,
			'  On first visit n8n asks you to create its owner account (local only).',
			`  n8n's log follows, marked [n8n]; it is also written to ${env.shownPath(logFile)}.`,
			'  Ctrl-C stops n8n and the sandbox.',
			'',
		].join('\n'),
	);
	ready = true;
}

main().catch((error) => {
	// The scripts' own errors say what failed and where to look; anything else keeps its stack.
	process.stderr.write(`${error.constructor === Error ? error.message : error.stack || error}\n`);
	if (stop) stop('npm start failed', 1);
	else process.exit(1);
});
