'use strict';
/**
 * The tests' engine harness (test/harness/engine.ts, TypeScript) bundled for plain node, for the
 * in-process benchmarks. The bundle goes inside the repo (the ignored .cache/) so that its packages
 * resolve from node_modules.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

async function bundleEngine(outfile) {
	await esbuild.build({
		entryPoints: [path.join(root, 'test/harness/engine.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		packages: 'external',
		outfile,
		logLevel: 'error',
	});
	return outfile;
}

module.exports = { bundleEngine };
