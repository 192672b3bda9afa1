'use strict';
/**
 * Progress of a long install that runs silently in another process: every 20 s one line with the
 * time elapsed and, when given a folder, how much of it is on disk (against the size a finished
 * install takes, when known). n8n-env.js starts this as a separate process because its own
 * process is blocked in spawnSync while npm runs. Stops when its parent stops.
 *
 * Usage: node install-progress.js <what> [folder] [expected MB]
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');

const EVERY_MS = 20_000;
const [what, folder, expectedMb] = process.argv.slice(2);
const started = Date.now();
const parent = process.ppid;

function elapsed() {
	const seconds = Math.round((Date.now() - started) / 1000);
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Megabytes under the folder (du: one stat per file, a second or two on a finished n8n install). */
function sizeMb(callback) {
	if (!folder || !fs.existsSync(folder)) return callback(undefined);
	execFile('du', ['-sm', folder], { encoding: 'utf8' }, (error, stdout) =>
		callback(error ? undefined : Number.parseInt(stdout, 10)),
	);
}

function report() {
	// Reparented: the installer is gone (killed, or Ctrl-C), so this has nothing left to report on.
	if (process.ppid !== parent) process.exit(0);
	sizeMb((mb) => {
		let detail = '';
		if (folder && mb === undefined)
			detail = ', resolving the dependency tree (nothing unpacked yet)';
		else if (mb !== undefined)
			detail = `, ${mb.toLocaleString('en')} MB${expectedMb ? ` of about ${Number(expectedMb).toLocaleString('en')} MB` : ''} on disk`;
		process.stdout.write(`[n8n-env]   ${what}: ${elapsed()}${detail}\n`);
	});
}

setInterval(report, EVERY_MS);
process.on('SIGTERM', () => process.exit(0));
