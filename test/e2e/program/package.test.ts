// The npm package as a user gets it (docs/install.md): `npm pack` from this checkout (its prepack builds what the
// package ships), then `npm install -g` of that tarball into an empty prefix, offline, and the installed bins
// run from there: --version, --demo, a watch of a simulator, the kubectl plugin, and the one line an older Node
// gets.
import {execFile, spawn, spawnSync} from 'node:child_process';
import {readdirSync, readFileSync, realpathSync, statSync, writeFileSync} from 'node:fs';
import {delimiter, dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type Simulator, startSimulator} from '../../../source/simulator/index.js';
import {oneContext, writeKubeconfig} from '../../helpers/servers/kubeconfig.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';

const root = new URL('../../../', import.meta.url).pathname;
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string};
const token = 'package-token-1234';
const namespace = 'cci-namespace-42263891';
// This project's Node 24, first on every PATH below: npm and the bins' `#!/usr/bin/env node` find it.
const nodeDirectory = dirname(process.execPath);

type Ran = {code: number | null; stdout: string; stderr: string};

/** Runs a command to its end without blocking this process (the simulator answers from here). */
async function run(command: string, args: string[], env: Record<string, string>, cwd = root): Promise<Ran> {
	return new Promise(resolve => {
		execFile(command, args, {env, cwd, encoding: 'utf8', timeout: 60_000}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr});
		});
	});
}

let folder: string;
let tarball: string;
let files: string[];
let prefixBin: string;
let home: string;
let simulator: Simulator;
const path = (...first: string[]) => [...first, nodeDirectory, '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter);

beforeAll(async () => {
	folder = temporaryDirectory('vcjob-watch-package-');
	home = join(folder, 'home');
	// npm's own settings from the `npm test` that runs this (npm_config_*) are left out: a user's shell has none.
	// The npm that runs the tests, wherever it is installed; else the one on the PATH.
	const npmEnv = {PATH: [nodeDirectory, process.env['PATH'] ?? ''].join(delimiter), HOME: process.env['HOME'] ?? folder};
	const npmCli = process.env['npm_execpath'];
	const npm = (args: string[], cwd: string) => (npmCli ? run(process.execPath, [npmCli, ...args], npmEnv, cwd) : run('npm', args, npmEnv, cwd));
	const packed = await npm(['pack', '--pack-destination', folder], root);
	expect(packed.code, `${packed.stdout}${packed.stderr}`).toBe(0);
	tarball = join(folder, `vcjob-watch-${version}.tgz`);
	files = spawnSync('tar', ['-tzf', tarball], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean);

	// --offline: the package has no dependencies, so nothing is fetched, and a fresh machine with an empty npm
	// cache installs it the same way.
	const prefix = join(folder, 'prefix');
	const installed = await npm(['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], folder);
	expect(installed.code, `${installed.stdout}${installed.stderr}`).toBe(0);
	prefixBin = join(prefix, 'bin');
	simulator = await startSimulator({scenario: 'seed', token});
}, 120_000);

afterAll(async () => {
	await simulator?.close();
});

/** The installed bin by name, from a folder that is not this checkout, with a HOME of its own. */
function installed(args: string[], env: Record<string, string> = {}, bin = 'vcjob-watch') {
	return run(join(prefixBin, bin), args, {PATH: path(prefixBin), HOME: home, ...env}, folder);
}

describe('the packed tarball', () => {
	test('holds the bundled program (dist/bin.mjs, dist/program.cjs), README and package.json, nothing else, in at most 2 MB', () => {
		expect(files.toSorted()).toEqual(['package/README.md', 'package/dist/bin.mjs', 'package/dist/program.cjs', 'package/package.json']);
		expect(statSync(tarball).size).toBeLessThanOrEqual(2 * 1024 * 1024);
		const manifest = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], {encoding: 'utf8'}).stdout) as {
			bin: Record<string, string>;
			dependencies?: unknown;
		};
		expect(manifest.bin).toEqual({'vcjob-watch': 'dist/bin.mjs', 'kubectl-vcjob_watch': 'dist/bin.mjs'});
		expect(manifest.dependencies).toBeUndefined();
	});
});

describe('installed with npm install -g', () => {
	test('--version prints this version; --demo --once runs the built-in simulator', async () => {
		expect(await installed(['--version'])).toEqual({code: 0, stdout: `${version}\n`, stderr: ''});
		const demo = await installed(['--demo', '--scenario', 'seed', '--once', '-o', 'text']);
		expect(demo.stderr).toBe('');
		expect(demo.code).toBe(0);
		expect(demo.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
	});

	test('watches a job on a separately started server (--once), with the token from HW_AUTH_TOKEN', async () => {
		const once = await installed(['openmpi-hello-3-com', '-n', namespace, '-s', simulator.url, '--once', '-o', 'text'], {HW_AUTH_TOKEN: token});
		expect(once.stderr).toBe('');
		expect(once.code).toBe(0);
		expect(once.stdout).toMatch(new RegExp(`^\\S+Z ${namespace}/openmpi-hello-3-com rv=7681358 phase=Inqueue pending=3 running=0 succeeded=0 failed=0 \\(first seen\\)\\n`));
	});

	test('the installed `simulate` serves a job that the installed program watches', async () => {
		const child = spawn(join(prefixBin, 'vcjob-watch'), ['simulate', '--port', '0', '--scenario', 'seed'], {
			env: {PATH: path(prefixBin), HOME: home},
			cwd: folder,
		});
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let said = '';
				child.stdout.on('data', (chunk: Buffer) => {
					said += chunk.toString();
					const found = /listening on (http:\/\/\S+)/.exec(said);
					if (found) resolve(found[1]!);
				});
				child.once('exit', code => reject(new Error(`simulate exited (${code}): ${said}`)));
			});
			const once = await installed(['openmpi-hello-3-com', '-n', namespace, '-s', url, '--once', '-o', 'text']);
			expect(once.code).toBe(0);
			expect(once.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
		} finally {
			child.kill();
		}
	});
});

describe("V8's compiled code of the program, kept in the user's cache directory", () => {
	const lookCache = (cacheHome: string) => readdirSync(join(cacheHome, 'vcjob-watch')).filter(name => /^program-[\da-f]{16}-v[\d.]+-\w+-look\.code$/.test(name));
	const look = ['--demo', '--scenario', 'seed', '--once', '-o', 'text'];

	test('is written by the first run, read by the next, and made again when it is damaged', async () => {
		const cacheHome = join(folder, 'cache-home');
		const first = await installed(look, {XDG_CACHE_HOME: cacheHome});
		expect(first).toMatchObject({code: 0, stderr: ''});
		const [cache] = lookCache(cacheHome);
		expect(cache, 'a cache file for a run that ends after one look').toBeDefined();
		const file = join(cacheHome, 'vcjob-watch', cache!);
		expect(statSync(file).size).toBeGreaterThan(100_000);
		expect(statSync(file).mode & 0o777).toBe(0o600);

		const written = readFileSync(file);
		const second = await installed(look, {XDG_CACHE_HOME: cacheHome});
		expect(second.code).toBe(0);
		expect(second.stdout.replaceAll(/^\S+Z /gm, '')).toBe(first.stdout.replaceAll(/^\S+Z /gm, ''));
		expect(readFileSync(file).equals(written), 'an accepted cache is left as it is').toBe(true);

		writeFileSync(file, Buffer.alloc(written.length, 0x5a));
		const damaged = await installed(look, {XDG_CACHE_HOME: cacheHome});
		expect(damaged).toMatchObject({code: 0, stderr: ''});
		expect(damaged.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
		const remade = readFileSync(file);
		expect(remade.length).toBeGreaterThan(100_000);
		expect(remade.equals(Buffer.alloc(written.length, 0x5a)), 'the damaged file replaced by compiled code again').toBe(false);
	});

	test('is left out, silently, where it cannot be written', async () => {
		const notADirectory = join(folder, 'cache-file');
		writeFileSync(notADirectory, 'a file, not a directory');
		const ran = await installed(look, {XDG_CACHE_HOME: notADirectory});
		expect(ran).toMatchObject({code: 0, stderr: ''});
		expect(ran.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
	});
});

// The kubectl plugin: kubectl runs `kubectl-vcjob_watch` from the PATH for `kubectl vcjob-watch`. CI installs
// kubectl (.ci/run); where there is none, kubectl's plugin lookup is played by this test: the file name on the
// PATH must be the one kubectl's naming rule gives (dashes in the command are underscores in the file).
const kubectl = ['/usr/local/bin/kubectl', '/usr/bin/kubectl', ...(process.env['PATH'] ?? '').split(delimiter).map(directory => join(directory, 'kubectl'))].find(
	candidate => spawnSync(candidate, ['version', '--client'], {timeout: 15_000}).status === 0,
);

describe('as a kubectl plugin', () => {
	test(`\`kubectl vcjob-watch NAME -n NS\` watches with the kubeconfig's server and token (${kubectl ?? 'no kubectl: the plugin file itself'})`, async () => {
		const kubeconfig = writeKubeconfig(join(folder, 'kubeconfig'), oneContext({cluster: {server: simulator.url}, user: {token}}));
		const env = {PATH: path(prefixBin), HOME: home, KUBECONFIG: kubeconfig};
		const args = ['openmpi-hello-3-com', '-n', namespace, '--once', '-o', 'text'];
		const watched = kubectl ? await run(kubectl, ['vcjob-watch', ...args], env, folder) : await installed(args, {KUBECONFIG: kubeconfig}, 'kubectl-vcjob_watch');
		expect(watched.stderr).toBe('');
		expect(watched.code).toBe(0);
		expect(watched.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
		if (kubectl) {
			expect(await run(kubectl, ['vcjob-watch', '--version'], env, folder)).toMatchObject({code: 0, stdout: `${version}\n`});
			const listed = await run(kubectl, ['plugin', 'list'], env, folder);
			expect(listed.stdout).toContain(join(prefixBin, 'kubectl-vcjob_watch'));
			expect(listed.stderr).not.toMatch(/warning/i);
		}
	});
});

// An older Node: one line, exit code 2, at once. Always with this Node told it is 20.0.0 before the program
// loads; and with each real Node older than 22 found on this machine (a CI machine's system Node is often 20).
const olderNodes = [
	...new Set(
		['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].map(candidate => {
			try {
				return realpathSync(candidate);
			} catch {
				return undefined;
			}
		}),
	),
]
	.filter(candidate => candidate !== undefined)
	.map(candidate => ({candidate, found: spawnSync(candidate, ['--version'], {encoding: 'utf8'}).stdout?.trim().replace(/^v/, '')}))
	.filter((node): node is {candidate: string; found: string} => Boolean(node.found) && Number(node.found!.split('.')[0]) < 22);
const told = `data:text/javascript,${encodeURIComponent('Object.defineProperty(process.versions, "node", {value: "20.0.0"});')}`;
const oldNodes = [
	{name: 'this Node, told it is 20.0.0', node: process.execPath, options: ['--import', told], found: '20.0.0'},
	...olderNodes.map(({candidate, found}) => ({name: `${candidate} (${found})`, node: candidate, options: [], found})),
];

describe.each(oldNodes)('on an older Node: $name', ({node, options, found}) => {
	test('--version and a watch exit with code 2 and one line naming the Node needed and the one found', async () => {
		const line = `vcjob-watch: needs Node.js 22.0 or newer; this is Node.js ${found} (${node})\n`;
		const bin = join(prefixBin, 'vcjob-watch');
		for (const args of [['--version'], ['openmpi-hello-3-com', '-n', namespace, '-s', simulator.url]]) {
			expect(await run(node, [...options, bin, ...args], {PATH: path(prefixBin), HOME: home}, folder)).toEqual({code: 2, stdout: '', stderr: line});
		}
	});
});
