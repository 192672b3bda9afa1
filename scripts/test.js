'use strict';
/**
 * `npm test`: everything a change must pass, in one command on a fresh clone.
 * Installs the dev dependencies when they are missing, type-checks, checks formatting, runs n8n's lint for community
 * nodes on the source, builds, runs n8n's pre-verification scan on the packed tarball, then the
 * jest suites (the node through n8n-core's engine against the Neto sandbox), the date suites
 * again in two machine timezones far from UTC, and the calendar-day suite in Neto's merchants'
 * zones. Ends with one line "tests: N passed, N failed" counting every jest run.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureDevDependencies, root } = require('./n8n-env');

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, command, args, options = {}) {
	process.stdout.write(`\n== ${title}\n`);
	const result = spawnSync(command, args, {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...options.env },
	});
	if (result.status !== 0) {
		process.stdout.write(`\n${title} failed.\n`);
		process.stdout.write('tests: 0 passed, 1 failed\n');
		process.exit(result.status || 1);
	}
}

ensureDevDependencies();
step('Type check', bin('tsc'), ['-p', 'tsconfig.json']);
step('Formatting (Prettier, n8n-nodes-starter settings)', bin('prettier'), [
	'--check',
	'--log-level',
	'warn',
	'.',
]);
step("n8n's lint for community nodes (n8n-node lint)", bin('n8n-node'), ['lint'], {
	env: { CI: 'true' },
});
step('Build', 'node', ['scripts/build.js']);
step("n8n's pre-verification scan of the packed tarball", 'node', ['scripts/scan-package.mjs']);

/**
 * Runs jest once, in the given machine timezone (see jest.config.js); returns its counts.
 * A run that crashes before writing its report counts as one failure.
 */
function jestRun(title, args, timezone) {
	process.stdout.write(`\n== ${title}\n`);
	const report = path.join(
		os.tmpdir(),
		`n8n-nodes-neto-jest-${process.pid}-${timezone.replace('/', '-')}.json`,
	);
	const run = spawnSync(bin('jest'), ['--json', `--outputFile=${report}`, ...args], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, NETO_TEST_TZ: timezone, TZ: timezone },
	});
	if (!fs.existsSync(report)) return { passed: 0, failed: 1 };
	const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
	fs.rmSync(report, { force: true });
	const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
	return { passed: summary.numPassedTests, failed: run.status !== 0 && failed === 0 ? 1 : failed };
}

// Neto's dates are UTC whatever the machine's zone: the suites that read and write dates run again
// on either side of the date line, where a date read in the machine's zone is off by hours.
const DATE_SUITES = ['test/dates.test.ts', 'test/getAll.test.ts'];
const FAR_ZONES = ['Pacific/Kiritimati', 'America/Adak']; // UTC+14; UTC-10 (UTC-9 in summer)

// Follow-Up Required By is a calendar day: its suite runs again with the machine where Neto's
// merchants are (east of UTC, where midnight is the previous day in UTC) and west of UTC.
const DAY_SUITES = ['test/followUpDay.test.ts'];
const MERCHANT_ZONES = ['Australia/Sydney', 'Pacific/Auckland', 'America/Los_Angeles'];

const runs = [jestRun('jest (machine timezone UTC)', process.argv.slice(2), 'UTC')];
for (const zone of FAR_ZONES)
	runs.push(
		jestRun(
			`jest, date suites again (machine timezone ${zone})`,
			[...DATE_SUITES, ...DAY_SUITES],
			zone,
		),
	);
for (const zone of MERCHANT_ZONES)
	runs.push(jestRun(`jest, calendar-day suite again (machine timezone ${zone})`, DAY_SUITES, zone));
const passed = runs.reduce((sum, run) => sum + run.passed, 0);
const failed = runs.reduce((sum, run) => sum + run.failed, 0);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
