'use strict';
/**
 * `npm test`: everything a change must pass, in one command on a fresh clone.
 * Installs the dev dependencies when they are missing, type-checks, runs n8n's lint for community
 * nodes on the source, builds, runs n8n's pre-verification scan on the packed tarball, then the
 * jest suites (the node through n8n-core's engine against the Neto sandbox). Ends with one line
 * "tests: N passed, N failed".
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureDevDependencies, root } = require('./n8n-env');

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, command, args, options = {}) {
	process.stdout.write(`\n== ${title}\n`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...options.env } });
	if (result.status !== 0) {
		process.stdout.write(`\n${title} failed.\n`);
		process.stdout.write('tests: 0 passed, 1 failed\n');
		process.exit(result.status || 1);
	}
}

ensureDevDependencies();
step('Type check', bin('tsc'), ['-p', 'tsconfig.json']);
step("n8n's lint for community nodes (n8n-node lint)", bin('n8n-node'), ['lint'], { env: { CI: 'true' } });
step('Build', 'node', ['scripts/build.js']);
step("n8n's pre-verification scan of the packed tarball", 'node', ['scripts/scan-package.mjs']);

const report = path.join(os.tmpdir(), `n8n-nodes-neto-jest-${process.pid}.json`);
const jest = spawnSync(bin('jest'), ['--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
	cwd: root,
	stdio: 'inherit',
});
let passed = 0;
let failed = 1;
if (fs.existsSync(report)) {
	const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
	passed = summary.numPassedTests;
	failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
	fs.rmSync(report, { force: true });
}
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(jest.status === 0 && failed === 0 ? 0 : 1);
