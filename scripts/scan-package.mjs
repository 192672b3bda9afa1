/**
 * Runs @n8n/scan-community-package's analyzer, the gate n8n applies before verifying a community
 * package, on this package's own `npm pack` tarball (its CLI only fetches published packages).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-neto-scan-'));
try {
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	execFileSync('tar', ['xzf', path.join(work, tarball), '-C', work]);
	const result = await analyzePackage(path.join(work, 'package'));
	if (result.details) process.stdout.write(`${result.details}\n`);
	if (!result.passed) {
		process.stdout.write(`Scan failed: ${result.message}\n`);
		process.exitCode = 1;
	} else {
		process.stdout.write(
			`Scan passed: ${tarball} has no violations of n8n's community package rules.\n`,
		);
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
