'use strict';
/**
 * `npm start`: real n8n with this node and a local Neto sandbox store, in one command.
 * On first run installs n8n and its Node.js into .cache/ (reused later), builds and installs this
 * package into the local n8n user folder .n8n-local/ as a community package, starts the sandbox
 * (port 8787) and n8n (port 5678), imports the "Neto Sandbox" credential and the example
 * workflows, and prints the editor's address. Ctrl-C stops everything it started.
 * NETO_SANDBOX_PORT, N8N_PORT and N8N_VERSION (a tested one) change the defaults.
 */
const path = require('node:path');

const env = require('./n8n-env');

async function main() {
	env.ensureDevDependencies();
	const { importCredentialAndExamples, startN8n, stopChild } = require('./n8n-cli');
	const { startSandboxProcess } = require('./sandbox-process');
	const install = env.ensureN8n(process.env.N8N_VERSION || env.DEFAULT_N8N);
	const tarball = env.buildAndPack();
	const userFolder = path.join(env.root, '.n8n-local');
	env.installPackage(tarball, userFolder);

	const sandbox = await startSandboxProcess({ port: Number(process.env.NETO_SANDBOX_PORT || 8787) });
	const children = [sandbox.child];
	let stopping = false;
	// Ctrl-C: stop every child, waiting for n8n's graceful shutdown (forced after 10 s).
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('Stopping n8n and the sandbox...\n');
		await Promise.all(children.map(stopChild));
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const workflows = importCredentialAndExamples(install, userFolder, sandbox);
	const port = Number(process.env.N8N_PORT || 5678);
	process.stdout.write(`Starting n8n ${install.version}...\n`);
	const n8n = await startN8n(install, userFolder, port);
	children.push(n8n.child);
	n8n.child.once('exit', (code) => {
		process.stdout.write(`n8n stopped (${code}).\n`);
		stop();
	});
	const c = sandbox.credentials;
	process.stdout.write(
		[
			'',
			`  n8n ${install.version} with n8n-nodes-neto:   ${n8n.url}`,
			`  Neto sandbox store:                 ${sandbox.url}/do/WS/NetoAPI  (user ${c.apiUsername}, key ${c.apiKey})`,
			'  Credential "Neto Sandbox" and these example workflows are imported:',
			...workflows.map((workflow) => `    - ${workflow.name}`),
			'  On first visit n8n asks you to create its owner account (local only).',
			'  Ctrl-C stops n8n and the sandbox.',
			'',
		].join('\n'),
	);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
