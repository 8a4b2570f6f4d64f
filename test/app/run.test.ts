import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {run} from '../../source/app/run.js';
import {simulate} from '../../source/app/commands/simulate.js';
import {withDefaults} from '../../source/cli/flags.js';
import {resolveOptions, type Flags} from '../../source/cli/options.js';
import {UsageError} from '../../source/common/usage-error.js';
import {scenarios, startSimulator, type Simulator} from '../../source/simulator/index.js';
import {fakeIo} from './fakes.js';

// The dispatcher's choices, as a user meets them: the command line (through resolveOptions, as cli/main.ts
// does) against a simulator in this process; what comes out on stdout and the exit code.

// The flag table's defaults, as meow gives them, with what this file's runs need.
const defaults: Flags = withDefaults({timeout: '2s', once: true, color: false, altScreen: false, output: 'json'});

const {namespace, jobName} = scenarios['static']!;
let simulator: Simulator;
let home: string;

beforeAll(async () => {
	simulator = await startSimulator({scenario: 'static'});
	home = mkdtempSync(join(tmpdir(), 'vcjob-watch-run-'));
});

afterAll(async () => {
	await simulator.close();
	rmSync(home, {recursive: true, force: true});
});

async function watch(inputs: string[], flags: Partial<Flags>, env: Record<string, string> = {}) {
	const io = fakeIo({columns: 120});
	Object.assign(io.env, {HOME: home, ...env});
	const code = await run(resolveOptions(inputs, {...defaults, ...flags}, io.env, false), io);
	const lines = io.out().split('\n').filter(Boolean);
	const objects = flags.output === 'json' || flags.output === undefined ? lines.map(line => JSON.parse(line) as Record<string, unknown>) : [];
	return {code, io, lines, objects};
}

describe('a job name: the job view', () => {
	test('-n and -s: the job of that namespace on that server', async () => {
		const {code, objects} = await watch([jobName], {namespace, server: simulator.url});
		expect(code).toBe(0);
		expect(objects[0]).toMatchObject({event: 'change', namespace, name: jobName, first: true});
	});

	test('a job that is not there: exit 4', async () => {
		expect((await watch(['no-such-job'], {namespace, server: simulator.url})).code).toBe(4);
	});

	test('without -n: the kubeconfig context\'s namespace', async () => {
		const kubeconfig = join(home, 'config.yaml');
		writeFileSync(
			kubeconfig,
			`current-context: c\nclusters:\n- {name: k, cluster: {server: "${simulator.url}"}}\ncontexts:\n- {name: c, context: {cluster: k, namespace: ${namespace}}}\n`,
		);
		const {code, objects} = await watch([jobName], {kubeconfig});
		expect(code).toBe(0);
		expect(objects[0]).toMatchObject({event: 'change', namespace, name: jobName});
	});

	test('-o text: lines that name the job; -o tui with --once: one frame of its panels', async () => {
		const text = await watch([jobName], {namespace, server: simulator.url, output: 'text'});
		expect(text.lines[0]).toMatch(new RegExp(`Z ${namespace}/${jobName} rv=\\d+ phase=Running`));
		const frame = await watch([jobName], {namespace, server: simulator.url, output: 'tui'});
		expect(frame.code).toBe(0);
		expect(frame.io.out()).toContain(`${namespace}/${jobName}`);
		expect(frame.io.out()).toContain('Running');
	});
});

describe('no job name: the namespace view', () => {
	test('-n: one object per job of the namespace', async () => {
		const {code, objects} = await watch([], {namespace, server: simulator.url});
		expect(code).toBe(0);
		expect(objects.map(object => [object['namespace'], object['name']])).toEqual([[namespace, jobName]]);
	});

	test('an empty namespace is listed too: exit 0, nothing to say', async () => {
		const {code, lines} = await watch([], {namespace: 'empty', server: simulator.url});
		expect(code).toBe(0);
		expect(lines).toEqual([]);
	});
});

describe('--demo: the built-in simulator, the scenario\'s job and namespace', () => {
	test('--demo --scenario static: the job view of its job', async () => {
		const {code, objects} = await watch([], {demo: true, scenario: 'static'});
		expect(code).toBe(0);
		expect(objects[0]).toMatchObject({event: 'change', namespace, name: jobName});
	});

	test('--demo --scenario namespace: the namespace view of its namespace, its many jobs', async () => {
		const {code, objects} = await watch([], {demo: true, scenario: 'namespace'});
		expect(code).toBe(0);
		expect(new Set(objects.map(object => object['namespace']))).toEqual(new Set([scenarios['namespace']!.namespace]));
		expect(objects.length).toBeGreaterThan(100);
	});

	test('an unknown scenario is a usage error that lists them', async () => {
		const error = await watch([], {demo: true, scenario: 'nope'}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).toMatch(/^no scenario "nope": choose one of demo, fail, .*namespace/);
	});
});

describe('vcjob-watch simulate', () => {
	test('listens, says where, and stops on a signal', async () => {
		const io = fakeIo();
		const running = simulate({port: 0, scenario: 'static', speed: 1, loop: false}, io);
		const deadline = Date.now() + 10_000;
		while (!io.out().includes('watch it:')) {
			if (Date.now() > deadline) throw new Error(`gave up after 10000 ms waiting for the simulator to say where it listens; it wrote:\n${io.out()}`);
			await new Promise(resolve => setTimeout(resolve, 10));
		}

		expect(io.out()).toMatch(new RegExp(`^simulator listening on http://127\\.0\\.0\\.1:\\d+ \\(scenario static\\)\\n`));
		expect(io.out()).toContain(`watch it: vcjob-watch ${jobName} -n ${namespace} -s http://127.0.0.1:`);
		io.interrupt();
		expect(await running).toBe(0);
	});

	test('an unknown scenario, port or resource is a usage error', async () => {
		const io = fakeIo();
		await expect(simulate({port: 0, scenario: 'nope', speed: 1, loop: false}, io)).rejects.toThrow(/^no scenario "nope": choose one of/);
		await expect(simulate({port: 70_000, scenario: 'static', speed: 1, loop: false}, io)).rejects.toThrow('--port must be a whole number');
		await expect(simulate({port: 0, scenario: 'static', speed: 1, loop: false, forbid: 'secrets'}, io)).rejects.toThrow(UsageError);
	});
});
