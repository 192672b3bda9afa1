'use strict';
/** Running real n8n's CLI against one user folder: import credentials and workflows, execute. */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { root } = require('./n8n-env');

const SANDBOX_CREDENTIAL_ID = 'netoSandboxCred';
const EXAMPLES = path.join(root, 'examples');

function n8nEnv(env, userFolder, extra = {}) {
	return { ...env, N8N_USER_FOLDER: userFolder, N8N_DIAGNOSTICS_ENABLED: 'false', N8N_VERSION_NOTIFICATIONS_ENABLED: 'false', N8N_PERSONALIZATION_ENABLED: 'false', ...extra };
}

function n8nSync(install, userFolder, args) {
	const result = spawnSync(install.n8n, args, { env: n8nEnv(install.env, userFolder), encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
	if (result.status !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
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
				data: { storeUrl: sandbox.url, authType: 'apiKey', apiUsername: sandbox.credentials.apiUsername, apiKey: sandbox.credentials.apiKey },
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

/** Runs a workflow headless (`n8n execute --rawOutput`) and returns the run's JSON. */
function executeWorkflow(install, userFolder, id) {
	const stdout = n8nSync(install, userFolder, ['execute', `--id=${id}`, '--rawOutput']);
	const start = stdout.indexOf('{');
	if (start < 0) throw new Error(`n8n execute printed no run:\n${stdout}`);
	return JSON.parse(stdout.slice(start));
}

/** Starts `n8n start` in the background (with extra environment, if given); resolves once the editor answers. */
function startN8n(install, userFolder, port, extraEnv = {}) {
	const child = spawn(install.n8n, ['start'], { env: n8nEnv(install.env, userFolder, { N8N_PORT: String(port), N8N_HOST: 'localhost', ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'] });
	const output = [];
	const collect = (chunk) => output.push(chunk.toString());
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	return new Promise((resolve, reject) => {
		const started = Date.now();
		child.once('exit', (code) => reject(new Error(`n8n exited (${code}):\n${output.join('')}`)));
		const poll = async () => {
			try {
				// /healthz answers before the REST routes are registered; the settings route means ready.
				const response = await fetch(`http://localhost:${port}/rest/settings`);
				if (response.ok) return resolve({ child, output, url: `http://localhost:${port}` });
			} catch {
				/* not up yet */
			}
			if (Date.now() - started > 180_000) return reject(new Error(`n8n did not start in 3 minutes:\n${output.join('')}`));
			setTimeout(poll, 500);
		};
		poll();
	});
}

const OWNER = { email: 'owner@example.com', firstName: 'Sandbox', lastName: 'Owner', password: 'Sandbox-Owner-1' };

/** Creates n8n's owner account (local only) and returns the session cookie and the account. */
async function setupOwner(n8nUrl) {
	const response = await fetch(`${n8nUrl}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OWNER) });
	if (!response.ok) throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
	return { cookie: response.headers.get('set-cookie').split(';')[0], owner: OWNER };
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

module.exports = { importCredentialAndExamples, importSandboxCredential, exampleWorkflows, executeWorkflow, startN8n, setupOwner, stopChild, SANDBOX_CREDENTIAL_ID, n8nSync };
