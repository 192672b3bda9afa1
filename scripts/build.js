'use strict';
/**
 * Builds dist/: type-checks, bundles the nodes and the credential with esbuild (everything but what
 * n8n provides, n8n-workflow, luxon and lodash, goes inside, so the package has no runtime
 * dependencies), writes the bundled packages' licence texts, and copies icons and codex files.
 * The nodes live in one bundle, each node file requiring it: separate bundles would each hold their own
 * copy of the transport, and so of the account's rate limiter.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const PROVIDED_BY_N8N = ['n8n-workflow', 'luxon', 'lodash'];
/** The node classes nodes.bundle.ts exports; each gets the file n8n loads (package.json n8n.nodes). */
const NODES = ['NetoCustomerLog', 'NetoCustomerLogTrigger', 'NetoOrderTrigger'];

function licences(metafile) {
	const packages = new Set();
	for (const input of Object.keys(metafile.inputs)) {
		const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
		if (match) packages.add(match[1]);
	}
	const sections = [...packages].sort().map((name) => {
		const dir = path.join(root, 'node_modules', name);
		const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
		const file = fs.readdirSync(dir).find((entry) => /^licen[cs]e/i.test(entry));
		const text = file
			? fs.readFileSync(path.join(dir, file), 'utf8').trim()
			: `Licence: ${manifest.license}`;
		return `${name}@${manifest.version} (${manifest.license})\n\n${text}`;
	});
	return `This package bundles the following third-party code.\n\n${sections.join('\n\n' + '-'.repeat(72) + '\n\n')}\n`;
}

async function main() {
	fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
	execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints: {
			'nodes/Neto/nodes.bundle': 'nodes/Neto/nodes.bundle.ts',
			'credentials/NetoApi.credentials': 'credentials/NetoApi.credentials.ts',
		},
		outdir: 'dist',
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: PROVIDED_BY_N8N,
		legalComments: 'none',
		sourcemap: false,
		metafile: true,
		logLevel: 'warning',
	});
	for (const node of NODES) {
		const file = path.join(root, 'dist', 'nodes', 'Neto', `${node}.node.js`);
		fs.writeFileSync(
			file,
			`'use strict';\nexports.${node} = require('./nodes.bundle.js').${node};\n`,
		);
	}
	fs.writeFileSync(path.join(root, 'dist', 'THIRD-PARTY-LICENSES.txt'), licences(result.metafile));
	execFileSync(bin('gulp'), ['build:static'], { cwd: root, stdio: 'inherit' });
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
