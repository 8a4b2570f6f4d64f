// No test may reach a person's cluster or read their credentials: the test workers and every process a test
// starts see none of the runner's HOME, kubeconfig, Huawei Cloud credentials or proxies.
import {existsSync, readdirSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {afterEach, describe, expect, inject, test, vi} from 'vitest';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {privateVariablesIn} from '../../helpers/environment.js';
import {e2eFixture} from '../support/fixture.js';

const {runCli, runInPty} = e2eFixture();
const runnerHomes = inject('runnerHomes');
const temporaryRoot = inject('testTemporaryRoot');
// A child that prints the environment it was given, then its HOME's contents, through the code path the CLI's runs take.
const printEnvironment = [
	process.execPath,
	'-e',
	'const fs = require("node:fs"); console.log("<env>" + JSON.stringify({env: process.env, home: fs.readdirSync(process.env.HOME)}) + "</env>")',
];

type Printed = {env: Record<string, string>; home: string[]};

function printed(text: string): Printed {
	// A pty ends lines with CR LF; JSON never holds a raw one.
	const match = /<env>(.*)<\/env>/s.exec(text.replaceAll(/[\r\n]/g, ''));
	if (!match) throw new Error(`no environment printed:\n${text}`);
	return JSON.parse(match[1]!) as Printed;
}

afterEach(() => {
	vi.unstubAllEnvs();
});

describe('the test worker', () => {
	test('has no kubeconfig, Huawei Cloud credential or proxy variable, not even those set before vitest started', () => {
		expect(privateVariablesIn(process.env)).toEqual([]);
		const planted = inject('plantedVariables');
		expect(planted.length).toBeGreaterThan(0);
		for (const name of planted) expect(process.env[name], name).toBeUndefined();
	});

	test("has a HOME of its own, empty, not the runner's, and temporary folders inside the run's", () => {
		expect(runnerHomes.length).toBeGreaterThan(0);
		expect(runnerHomes).not.toContain(process.env['HOME']);
		expect(runnerHomes).not.toContain(homedir());
		expect(homedir().startsWith(`${temporaryRoot}/`), homedir()).toBe(true);
		expect(readdirSync(homedir())).toEqual([]);
		expect(tmpdir()).toBe(temporaryRoot);
	});
});

describe('a process a test starts', () => {
	test('sees PATH, a HOME of its own and what the test passes, nothing else of the worker', async () => {
		// Even what the worker has is not passed on.
		vi.stubEnv('HW_AUTH_TOKEN', 'worker-token');
		vi.stubEnv('https_proxy', 'http://127.0.0.1:9');
		vi.stubEnv('KUBECONFIG', '/nonexistent');
		const run = runCli([], {VCJOB_WATCH_SAMPLE: 'given'}, {command: printEnvironment});
		expect(await run.exit()).toBe(0);
		const {env, home} = printed(run.stdout());
		expect(Object.keys(env).sort()).toEqual(['HOME', 'MALLOC_ARENA_MAX', 'NODE_COMPILE_CACHE', 'PATH', 'VCJOB_WATCH_SAMPLE']);
		expect(env['NODE_COMPILE_CACHE']!.startsWith(tmpdir())).toBe(true);
		expect(env['PATH']).toBe(process.env['PATH']);
		expect(env['VCJOB_WATCH_SAMPLE']).toBe('given');
		expect(runnerHomes).not.toContain(env['HOME']);
		expect(env['HOME']).not.toBe(process.env['HOME']);
		expect(home).toEqual([]);
		// Removed once the process has gone.
		expect(existsSync(env['HOME']!), env['HOME']).toBe(false);
	});

	test('two processes get two HOMEs; a HOME the test passes is used as given', async () => {
		const first = runCli([], {}, {command: printEnvironment});
		const second = runCli([], {}, {command: printEnvironment});
		const given = runCli([], {HOME: temporaryRoot}, {command: printEnvironment});
		expect(await Promise.all([first.exit(), second.exit(), given.exit()])).toEqual([0, 0, 0]);
		expect(printed(first.stdout()).env['HOME']).not.toBe(printed(second.stdout()).env['HOME']);
		expect(printed(given.stdout()).env['HOME']).toBe(temporaryRoot);
		expect(existsSync(temporaryRoot)).toBe(true);
	});

	test('in a pseudo-terminal: PATH, HOME and TERM, and what the shell that starts it adds', async () => {
		vi.stubEnv('HW_AUTH_TOKEN', 'worker-token');
		vi.stubEnv('CI', 'true');
		const pty = runInPty([], {columns: 200, rows: 20}, {VCJOB_WATCH_SAMPLE: 'given'}, {command: printEnvironment});
		expect(await pty.exit()).toBe(0);
		const {env, home} = printed(pty.raw());
		// `script` runs the command through sh, which sets PWD, SHLVL and _ for what it starts.
		const fromShell = new Set(['PWD', 'SHLVL', '_']);
		expect(Object.keys(env).filter(name => !fromShell.has(name)).sort()).toEqual(['HOME', 'MALLOC_ARENA_MAX', 'NODE_COMPILE_CACHE', 'PATH', 'TERM', 'VCJOB_WATCH_SAMPLE']);
		expect(env['TERM']).toBe('xterm-256color');
		expect(runnerHomes).not.toContain(env['HOME']);
		expect(home).toEqual([]);
	});
});

describe('temporary folders', () => {
	let made: string | undefined;

	test('one made in a test is there for the test', () => {
		made = temporaryDirectory();
		expect(readdirSync(made)).toEqual([]);
		expect(made.startsWith(`${temporaryRoot}/`)).toBe(true);
	});

	test('and gone after it', () => {
		expect(made).toBeDefined();
		expect(existsSync(made!)).toBe(false);
	});
});
