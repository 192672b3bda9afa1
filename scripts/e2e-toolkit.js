'use strict';
/**
 * What every script that runs real n8n shares (the e2e checks, the queue-mode test, the bench):
 * its command-line arguments, its pass/fail report, the setup sequence, waiting, and cleaning up.
 *
 *   const kit = require('./e2e-toolkit');
 *   const VERSION = kit.arg('n8n', kit.DEFAULT_N8N);       // `--n8n 1.123.81`; kit.flag('profile')
 *   const suite = kit.suite('e2e', VERSION);               // its report ends "e2e: N passed, N failed"
 *   suite.main(async () => {
 *     const { install, tarball, userFolder, sandbox } = await kit.setUp({ version: VERSION, prefix: 'neto-e2e-' });
 *     await suite.check('what is checked', async () => {
 *       await kit.waitFor('the first poll', async () => (await sandbox.stats()).requests > 0, 60_000);
 *       assert.equal(...);
 *       return 'a note for the ok line';                     // optional
 *     });
 *   });
 *
 * - arg(name, fallback) / flag(name): `--name value` / `--name`, from process.argv.
 * - envPort(variable, fallback): a port from the environment (E2E_N8N_PORT and the like), so that
 *   engineers sharing a machine can each use their own.
 * - suite(name, version): check(title, body) runs one check and prints "ok   <title> on n8n <version>
 *   (<note>, <ms> ms)" or "FAIL <title> on n8n <version>: <stack>"; main(fn) runs the script, counts
 *   an exception out of it as one failure, cleans up (below), prints "<name>: N passed, N failed" and
 *   exits 0 when none failed, 1 otherwise. Ctrl-C or SIGTERM cleans up too, then exits 130.
 * - setUp({ version, prefix, sandbox }): n8n installed (.cache/, once), dev dependencies checked, the
 *   package built, packed and installed into a new temporary n8n user folder (`prefix`), the sandbox
 *   started (`sandbox`: startSandboxProcess's options). The folder and the sandbox are removed by
 *   cleanUp. newUserFolder(tarball, prefix) is the folder step alone, left to its caller to remove.
 * - onCleanUp(name, stop): something else to stop at the end (a database, an n8n process); cleanUp()
 *   stops everything registered, the last first, each once.
 * - waitFor(what, check, timeoutMs, intervalMs = 1000): resolves to check()'s first truthy value;
 *   throws "timed out after N s waiting for <what>". sleep(ms).
 * - dayIn(timeZone, at = now): the calendar day YYYY-MM-DD in a timezone.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const env = require('./n8n-env');
const { stopChild } = require('./n8n-cli');
const { startSandboxProcess } = require('./sandbox-process');

function arg(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? process.argv[index + 1] : fallback;
}

function flag(name) {
	return process.argv.includes(`--${name}`);
}

function envPort(variable, fallback) {
	return Number(process.env[variable] || fallback);
}

function say(line) {
	process.stdout.write(`${line}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, timeoutMs, intervalMs = 1000) {
	const started = Date.now();
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() - started > timeoutMs)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** Everything started, stopped in reverse order exactly once (at the end, on failure, on Ctrl-C). */
const running = [];
let cleaning;

function onCleanUp(name, stop) {
	running.push({ name, stop });
}

function cleanUp() {
	cleaning ??= (async () => {
		while (running.length > 0) {
			const { name, stop } = running.pop();
			try {
				await stop();
			} catch (error) {
				say(`stopping ${name} failed: ${error.message}`);
			}
		}
	})();
	return cleaning;
}

function newUserFolder(tarball, prefix) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	env.installPackage(tarball, userFolder);
	return userFolder;
}

async function setUp({ version = env.DEFAULT_N8N, prefix = 'neto-e2e-', sandbox = {} } = {}) {
	env.ensureDevDependencies();
	const install = env.ensureN8n(version);
	const tarball = env.buildAndPack();
	const userFolder = newUserFolder(tarball, prefix);
	onCleanUp('the n8n user folder', () => fs.rmSync(userFolder, { recursive: true, force: true }));
	const started = await startSandboxProcess(sandbox);
	onCleanUp('the sandbox', () => stopChild(started.child));
	return { install, tarball, userFolder, sandbox: started };
}

function suite(name, version) {
	const counts = { passed: 0, failed: 0 };
	const where = `on n8n ${version}`;
	const end = (exitCode) => {
		say(`${name}: ${counts.passed} passed, ${counts.failed} failed`);
		process.exit(exitCode);
	};
	return {
		counts,
		async check(title, body) {
			const started = Date.now();
			try {
				const note = await body();
				counts.passed++;
				say(`ok   ${title} ${where} (${note ? `${note}, ` : ''}${Date.now() - started} ms)`);
			} catch (error) {
				counts.failed++;
				say(`FAIL ${title} ${where}: ${error.stack || error}`);
			}
		},
		async main(fn) {
			for (const signal of ['SIGINT', 'SIGTERM'])
				process.on(signal, () => {
					say(`[${name}] ${signal}: stopping everything started`);
					cleanUp().then(() => {
						counts.failed++;
						end(130);
					});
				});
			try {
				await fn();
			} catch (error) {
				counts.failed++;
				say(`FAIL ${name} run ${where}: ${error.stack || error}`);
			}
			await cleanUp();
			end(counts.failed === 0 ? 0 : 1);
		},
	};
}

function dayIn(timeZone, at = new Date()) {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
	}).format(at);
}

module.exports = {
	arg,
	flag,
	envPort,
	say,
	sleep,
	waitFor,
	onCleanUp,
	cleanUp,
	newUserFolder,
	setUp,
	suite,
	dayIn,
	DEFAULT_N8N: env.DEFAULT_N8N,
};
