// The standalone artefacts (README, "A single file for bastion hosts"): built here by
// scripts/build-standalone.mjs, each copied alone into an empty folder as it would be onto a bastion host,
// and run there: dist/vcjob-watch.mjs with this Node, dist/vcjob-watch-linux-x64 with no Node on PATH.
// The standalone artefacts (README, "A single file for bastion hosts"): built by scripts/build-standalone.mjs
// (again only when their inputs changed), each copied alone into an empty folder as it would be onto a
// bastion host, and run there: dist/vcjob-watch.mjs with this Node, dist/vcjob-watch-linux-x64 with no Node on
// PATH.
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type Simulator, startSimulator} from '../../../source/simulator/index.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture} from '../support/fixture.js';
import {expectScreenRestored} from '../support/pty.js';

const root = new URL('../../../', import.meta.url).pathname;
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string};
const token = 'bastion-token-1234';

let folder: string;
let emptyPath: string;
let simulator: Simulator;

const {runCli, runInPty} = e2eFixture();

beforeAll(async () => {
	// From the current source: the script builds again when anything that goes into the files changed (about
	// 10 s, most of it postject rewriting the 120 MB executable), else keeps what dist/ has. Niced, so that
	// the test files running beside this one keep their pace.
	const build = spawnSync('nice', ['-n', '10', process.execPath, join(root, 'scripts', 'build-standalone.mjs')], {
		env: {PATH: process.env['PATH'], HOME: process.env['HOME']},
		encoding: 'utf8',
	});
	expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);

	const base = temporaryDirectory('vcjob-watch-bastion-');
	// A package.json above the copies, as a home directory may have: --version must not read it.
	writeFileSync(join(base, 'package.json'), JSON.stringify({name: 'something-else', version: '9.9.9'}));
	folder = join(base, 'bin');
	emptyPath = join(base, 'empty');
	mkdirSync(folder);
	mkdirSync(emptyPath);
	for (const name of ['vcjob-watch.mjs', 'vcjob-watch-linux-x64']) {
		copyFileSync(join(root, 'dist', name), join(folder, name));
	}

	simulator = await startSimulator({scenario: 'seed', token});
}, 180_000);

afterAll(async () => {
	await simulator?.close();
});

type Artefact = {readonly name: string; command(): string[]};
const artefacts: Artefact[] = [
	// On PATH: nothing at all. The .mjs gets the Node 24 this test runs on, by its full path.
	{name: 'vcjob-watch.mjs', command: () => [process.execPath, join(folder, 'vcjob-watch.mjs')]},
	{name: 'vcjob-watch-linux-x64', command: () => [join(folder, 'vcjob-watch-linux-x64')]},
];

/** Runs one artefact to its end, in its folder, with an empty folder for PATH. */
async function run(artefact: Artefact, args: string[], env: Record<string, string> = {}) {
	const started = runCli(args, {PATH: emptyPath, HOME: folder, ...env}, {command: artefact.command(), cwd: folder});
	const code = await started.exit();
	return {code, stdout: started.stdout(), stderr: started.stderr()};
}

const target = () => ['openmpi-hello-3-com', '-n', 'cci-namespace-42263891', '-s', simulator.url];

describe.each(artefacts)('$name, alone in an empty folder', artefact => {
	test('--version prints this package version, --help the usage, and nothing else is said', async () => {
		const shown = await run(artefact, ['--version']);
		expect(shown).toEqual({code: 0, stdout: `${version}\n`, stderr: ''});
		const help = await run(artefact, ['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/Watch one Volcano Job/);
		expect(help.stdout).toMatch(/\$ vcjob-watch NAME \[-n NAMESPACE\] \[-s URL\] \[options\]/);
		expect(help.stderr).toBe('');
	});

	test('--once against a separately started simulator, with the token from HW_AUTH_TOKEN', async () => {
		const text = await run(artefact, [...target(), '--once', '-o', 'text'], {HW_AUTH_TOKEN: token});
		expect(text.stderr).toBe('');
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(
			/^\S+Z cci-namespace-42263891\/openmpi-hello-3-com rv=7681358 phase=Inqueue pending=3 running=0 succeeded=0 failed=0 \(first seen\)\n\S+Z cci-namespace-42263891\/openmpi-hello-3-com podgroup openmpi-hello-3-com phase=Inqueue\n$/,
		);

		const json = await run(artefact, [...target(), '--once', '-o', 'json'], {HW_AUTH_TOKEN: token});
		expect(json.code).toBe(0);
		const event = JSON.parse(json.stdout.split('\n')[0]!) as {event: string; phase: string; job: {metadata: {name: string}}};
		expect(event).toMatchObject({event: 'change', phase: 'Inqueue', job: {metadata: {name: 'openmpi-hello-3-com'}}});

		// Without the token: the API's 401, explained, and exit code 3.
		const refused = await run(artefact, [...target(), '--once', '-o', 'text']);
		expect(refused.code).toBe(3);
		expect(`${refused.stdout}${refused.stderr}`).toMatch(/401/);
	});

	test('--demo --once: the built-in simulator in the same process', async () => {
		const demo = await run(artefact, ['--demo', '--scenario', 'seed', '--once', '-o', 'text']);
		expect(demo.code).toBe(0);
		expect(demo.stdout).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
	});

	test('the TUI (Ink, React, yoga-layout WebAssembly) draws the job in a terminal; q quits and restores it', async () => {
		// `script` and `stty` are found through the usual PATH; the program sees the empty one.
		const pty = runInPty(target(), {columns: 100, rows: 30}, {HOME: folder, HW_AUTH_TOKEN: token, MALLOC_ARENA_MAX: undefined}, {
			command: artefact.command(),
			cwd: folder,
			programPath: emptyPath,
		});
		const shown = await pty.waitForScreen(/^(?=[\s\S]*Inqueue)(?=[\s\S]*mpiworker)(?=[\s\S]*PodGroup Inqueue)/);
		expect(shown).toMatch(/● live/);
		expect(shown).toMatch(/Policies/);
		// Started again in place with at most two malloc arenas (source/cli/boot/malloc-arenas.ts), the executable too.
		expect(readFileSync(`/proc/${pty.pid()}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
		expect(shown).toMatch(/q quit · r refresh · p pause · e events · o pods · g podgroup · t timeline · f failures · \? help/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		// The normal screen and the cursor are back, and one line of record is left.
		expect(stripVTControlCharacters(expectScreenRestored(pty.raw()))).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
	});
});
