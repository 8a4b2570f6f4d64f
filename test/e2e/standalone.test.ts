// The standalone artefacts (README, "A single file for bastion hosts"): built here by
// scripts/build-standalone.mjs, each copied alone into an empty folder as it would be onto a bastion host,
// and run there: dist/vcjob-watch.mjs with this Node, dist/vcjob-watch-linux-x64 with no Node on PATH.
import {spawn, spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import xterm from '@xterm/headless';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';

const root = new URL('../../', import.meta.url).pathname;
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string};
const token = 'bastion-token-1234';

let folder: string;
let emptyPath: string;
let simulator: Simulator;

beforeAll(async () => {
	// Built every time, from the current source: a stale artefact proves nothing. About 6 s, most of it
	// postject rewriting the 120 MB executable; niced, so that the test files running beside this one keep
	// their pace.
	const build = spawnSync('nice', ['-n', '10', process.execPath, join(root, 'scripts', 'build-standalone.mjs')], {
		encoding: 'utf8',
	});
	expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);

	const base = mkdtempSync(join(tmpdir(), 'vcjob-watch-bastion-'));
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
	if (folder) rmSync(join(folder, '..'), {recursive: true, force: true});
});

type Artefact = {readonly name: string; command(): string[]};
const artefacts: Artefact[] = [
	// On PATH: nothing at all. The .mjs gets the Node 24 this test runs on, by its full path.
	{name: 'vcjob-watch.mjs', command: () => [process.execPath, join(folder, 'vcjob-watch.mjs')]},
	{name: 'vcjob-watch-linux-x64', command: () => [join(folder, 'vcjob-watch-linux-x64')]},
];

/** Runs one artefact to its end. Not spawnSync: the simulator answers from this process's event loop. */
async function run(artefact: Artefact, args: string[], env: Record<string, string> = {}) {
	const [command, ...prefix] = artefact.command();
	const child = spawn(command!, [...prefix, ...args], {
		cwd: folder,
		env: {PATH: emptyPath, HOME: folder, ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 15_000,
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const code = await new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	return {code, stdout, stderr};
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
		const terminal = new xterm.Terminal({cols: 100, rows: 30, allowProposedApi: true});
		const command = artefact
			.command()
			.map(part => `'${part}'`)
			.join(' ');
		const args = target()
			.map(part => `'${part}'`)
			.join(' ');
		const child = spawn('script', ['-q', '-f', '-e', '-c', `stty cols 100 rows 30; exec ${command} ${args}`, '/dev/null'], {
			cwd: folder,
			// `script` itself is found through the usual PATH; the program only sees the empty one.
			env: {PATH: process.env['PATH'], HOME: folder, TERM: 'xterm-256color', HW_AUTH_TOKEN: token},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let raw = '';
		child.stdout.on('data', (chunk: Buffer) => {
			raw += chunk.toString('utf8');
			terminal.write(chunk);
		});
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		const screen = async () => {
			await new Promise<void>(resolve => terminal.write('', resolve));
			const buffer = terminal.buffer.active;
			return Array.from({length: terminal.rows}, (_, row) => buffer.getLine(row)?.translateToString(true) ?? '').join('\n');
		};

		try {
			const started = Date.now();
			let shown = await screen();
			while (!/Inqueue/.test(shown) || !/mpiworker/.test(shown) || !/PodGroup Inqueue/.test(shown)) {
				if (Date.now() - started > 10_000 || child.exitCode !== null) {
					throw new Error(`no job on screen:\n${shown}\n${stripVTControlCharacters(raw)}`);
				}

				await new Promise(resolve => setTimeout(resolve, 50));
				shown = await screen();
			}

			expect(shown).toMatch(/● live/);
			expect(shown).toMatch(/Policies/);
			// Started again in place with at most two malloc arenas (source/cli/boot/malloc-arenas.ts), the executable too:
			// script's child is the shell that exec'd the program.
			const [programPid] = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ');
			expect(readFileSync(`/proc/${programPid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
			expect(shown).toMatch(/q quit · r refresh · p pause · e events · o pods · g podgroup · t timeline · \? help/);
			// The PodGroup and pods panels are filled over the same connection.
			expect(shown).toMatch(/PodGroup Inqueue/);
			child.stdin.write('q');
			expect(await exited).toBe(0);
			// The normal screen and the cursor are back, and one line of record is left.
			expect(raw).toContain('\u001B[?25h\u001B[?1049l');
			expect(stripVTControlCharacters(raw)).toMatch(/openmpi-hello-3-com rv=7681358 phase=Inqueue/);
		} finally {
			child.kill('SIGKILL');
			terminal.dispose();
		}
	});
});
