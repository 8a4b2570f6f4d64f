import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';
import {afterAll, describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {enterAlt, expectScreenRestored, leaveAlt} from '../support/pty.js';
import {cliPath} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

// The terminal's side of the README's promises: colour, keys, full views, layout, and what is left behind.

const home = mkdtempSync(join(tmpdir(), 'vcjob-watch-terminal-'));
afterAll(() => {
	rmSync(home, {recursive: true, force: true});
});

const others: ChildProcess[] = [];
const {startSimulator, runInPty} = e2eFixture(() => {
	for (const child of others.splice(0)) child.kill('SIGKILL');
});

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
// A colour, bold or inverse SGR code; `ESC [0m` (reset) and cursor moves are not colour.
const colourCode = /\u001B\[[0-9;]*[1-9][0-9;]*m/;
// The record line left in the scrollback: right after the alternate screen is left, nothing in between.
const jobRecord = /^\u001B\[\?1049l\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ cci-namespace-42263891\/openmpi-hello rv=\d+ phase=Running pending=0 running=3 /;
const mainScreen = /Tasks[\s\S]*Recent changes[\s\S]*q quit · r refresh/;

async function running(size = {columns: 100, rows: 30}, extra: string[] = [], env: Record<string, string> = {}) {
	const sim = await startSimulator({scenario: 'demo', autoplay: false});
	sim.goTo(5);
	const pty = runInPty(
		[sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url, '--interval', '200ms', '--details-interval', '500ms', ...extra],
		size,
		{HOME: home, ...env},
	);
	return {sim, pty};
}

describe('colour', () => {
	// Without this one, the two below could pass on a program that never colours anything.
	test('on a terminal, by default: colour codes', async () => {
		const {pty} = await running();
		await pty.waitForScreen(mainScreen);
		expect(pty.raw()).toMatch(colourCode);
	});

	test.each([
		['--no-color', ['--no-color'], {}],
		['TERM=dumb', [], {TERM: 'dumb'}],
	])('%s: not one colour code, and the changes still marked', async (_, extra, env) => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(4);
		const pty = runInPty([sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url, '--interval', '200ms', ...extra], {columns: 100, rows: 30}, {
			HOME: home,
			...env,
		});
		await pty.waitForScreen(/Pending/);
		sim.goTo(5);
		await pty.waitForScreen(/running\s+3↑/);
		expect(pty.raw()).not.toMatch(colourCode);
	});
});

describe('the full views: each key shows its own content, and the same key goes back', () => {
	test.each([
		// Events of the job's PodGroup, with the reason and the message.
		['e', /^Events 1, newest first\s*\n\s+<1m\s+Scheduled podgroup\/openmpi-hello-[0-9a-f]{8}… pod group is ready\s*$/m],
		// Every pod, with its task, phase and readiness; the first selected (› marks it, for l).
		['o', /^Pods 3\s*\n {2}POD\s+TASK\s+PHASE\s+READY\s+RST\s+WHY\s*\n› openmpi-hello-mpimaster-0\s+mpimaster\s+Running\s+1\/1\s+0\s*\n {2}openmpi-hello-mpiworker-0\s+mpiworker\s+Running\s+1\/1\s+0\s*\n {2}openmpi-hello-mpiworker-1\s+mpiworker/m],
		// The PodGroup's name, phase, minMember and queue, then its conditions.
		['g', /^PodGroup openmpi-hello-[0-9a-f-]{36} Running\s+· minMember 3 · queue default\s*\nConditions, newest first\s*\n\d\d:\d\d:\d\d Scheduled=True tasks in gang are ready to be scheduled/m],
		// Each phase with when it began, how long, and which is current.
		['t', /^Timeline to Running \S+ · so far <1m\s*\n\d\d:\d\d:\d\d Running\s+<1m\s+\(current\)/m],
	])('%s', async (key, content) => {
		const {pty} = await running();
		// The main view first, with the details the full views show.
		await pty.waitForScreen(/PodGroup Running[\s\S]*Pods 3[\s\S]*Events 1, newest first[\s\S]*q quit · r refresh/);
		pty.type(key);
		const full = await pty.waitForScreen(/q quit · Esc back · (↑↓ select · l log · )?\? help/);
		expect(full).toMatch(content);
		// Only that view: no other panel of the main view.
		for (const other of [/^Tasks$/m, /^Policies/m, /^Recent changes/m]) expect(full).not.toMatch(other);
		expect(full.split('\n').filter(line => /^(Events \d|Pods \d|PodGroup |Timeline )/.test(line))).toHaveLength(1);
		pty.type(key);
		await pty.waitForScreen(mainScreen);
	});
});

describe('layout', () => {
	test('78 columns: the phase and pods panels side by side, each whole', async () => {
		const {pty} = await running({columns: 78, rows: 30});
		const screen = await pty.waitForScreen(mainScreen);
		const lines = screen.split('\n');
		const top = lines.findIndex(line => line.startsWith('╭'));
		expect(lines[top]).toMatch(/^╭─+╮╭─+╮$/);
		expect(lines[top]).toHaveLength(78);
		expect(lines[top + 1]).toMatch(/^│ Running\s+for .*││ pending\s+0\s+running\s+3\s+│$/);
		expect(lines[top + 2]).toMatch(/^│ retries 0 of 3.*││ succeeded\s+0\s+failed\s+0\s+│$/);
	});

	test('77 columns: stacked, the pods panel below the phase panel', async () => {
		const {pty} = await running({columns: 77, rows: 30});
		const screen = await pty.waitForScreen(mainScreen);
		const lines = screen.split('\n');
		const top = lines.findIndex(line => line.startsWith('╭'));
		expect(lines[top]).toMatch(/^╭─{75}╮$/);
		expect(lines[top + 1]).toMatch(/^│ Running\s+for .*│$/);
		expect(lines[top + 1]).not.toContain('pending');
		const below = lines.findIndex((line, index) => index > top && line.startsWith('╭'));
		expect(lines[below - 1]).toMatch(/^╰─+╯$/);
		expect(lines[below + 1]).toMatch(/^│ pending\s+0\s+running\s+3\s+succeeded\s+0\s+│$/);
	});
});

describe('what is left on the terminal', () => {
	test.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	] as const)('%s: exit %i, the terminal restored, and the job\'s last state on a line of its own', async (signal, code) => {
		const {pty} = await running();
		await pty.waitForScreen(mainScreen);
		process.kill(pty.pid()!, signal);
		expect(await pty.exit()).toBe(code);
		expect(expectScreenRestored(pty.raw())).toMatch(jobRecord);
	});

	test('an exception nothing catches: the terminal restored, the record line, then the error, and nothing drawn over the screen', async () => {
		// The fixture throws from a timer on SIGUSR2, once the screen is up.
		const {pty} = await running(undefined, [], {NODE_OPTIONS: `--import=${fixture('crash-on-signal.mjs')}`});
		await pty.waitForScreen(mainScreen);
		process.kill(pty.pid()!, 'SIGUSR2');
		expect(await pty.exit()).not.toBe(0);
		const after = expectScreenRestored(pty.raw());
		expect(after).toMatch(jobRecord);
		// The record line, then the error as Node prints it: no cursor move writing over what the user had.
		const [, record = '', rest = ''] = /^(\u001B\[\?1049l[^\n]*\n)([\s\S]*)$/.exec(after) ?? [];
		expect(record).not.toMatch(/\u001B\[\d+;\d+H/);
		expect(rest).toContain('Error: thrown on purpose from a timer');
		expect(rest).not.toMatch(/\u001B\[\d+;\d+H/);
	});

	test('a second signal exits at once when the first did not end the process', async () => {
		// The fixture keeps the process alive after the program is done, as something stuck would.
		const {pty} = await running(undefined, [], {NODE_OPTIONS: `--import=${fixture('keep-running.mjs')}`});
		await pty.waitForScreen(mainScreen);
		process.kill(pty.pid()!, 'SIGTERM');
		// The first signal: the program stops, gives the terminal back and leaves its record.
		await waitUntil(() => jobRecord.test(pty.raw().slice(pty.raw().lastIndexOf(leaveAlt))), 'the record line after the first SIGTERM');
		expect(pty.child.exitCode).toBeNull();
		process.kill(pty.pid()!, 'SIGTERM');
		expect(await pty.exit(5000)).toBe(143);
	});
});

describe('without a TTY on stdin', () => {
	/**
	 * The program with a terminal for its output and a pipe for its input (`ssh host cmd` without -t), in
	 * util-linux `script` as the pty harness runs it; the pipe comes in as fd 3 and is made stdin.
	 */
	function withPipedStdin(args: readonly string[], size: {columns: number; rows: number}) {
		const command = `stty cols ${size.columns} rows ${size.rows}; exec ${process.execPath} ${cliPath} ${args.map(argument => `'${argument}'`).join(' ')} 0<&3 3<&-`;
		const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
			env: {PATH: process.env['PATH'], HOME: home, TERM: 'xterm-256color'},
			stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
		});
		others.push(child);
		// A pipe whose reader is gone (the program stopped) is no failure of the test.
		for (const stream of [child.stdin!, child.stdio[3]!]) stream.on('error', () => {});
		const terminal = new xterm.Terminal({cols: size.columns, rows: size.rows, allowProposedApi: true});
		let raw = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			raw += chunk.toString('utf8');
			terminal.write(chunk);
		});
		const exited = new Promise<number>(resolve => {
			child.on('exit', code => resolve(code ?? 128));
		});
		const screen = async () => {
			await new Promise<void>(resolve => {
				terminal.write('', resolve);
			});
			const buffer = terminal.buffer.active;
			return Array.from({length: terminal.rows}, (_, row) => buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '').join('\n');
		};

		return {
			child,
			raw: () => raw,
			screen,
			/** What is typed reaches the program's stdin, the pipe. */
			keys: child.stdio[3] as NodeJS.WritableStream,
			/** What is typed on the terminal itself. */
			terminal: child.stdin!,
			exited,
		};
	}

	test('keys are off and the hint line is hidden; Ctrl+C on the terminal still stops it', async () => {
		const sim: Simulator = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(4);
		const run = withPipedStdin([sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url, '--interval', '200ms'], {columns: 100, rows: 30});
		let screen = '';
		const show = async (pattern: RegExp, what: string) => {
			const deadline = Date.now() + 10_000;
			while (!pattern.test((screen = await run.screen()))) {
				if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; screen:\n${screen}`);
				await new Promise(resolve => setTimeout(resolve, 50));
			}

			return screen;
		};

		const first = await show(/Pending[\s\S]*Recent changes/, 'the job, Pending');
		expect(first).not.toMatch(/q quit|\? help|r refresh/);
		// Keys typed into stdin do nothing: not q (quit), not ? (help), not t (timeline).
		run.keys.write('?tq');
		sim.goTo(5);
		const later = await show(/Running[\s\S]*running\s+3[\s\S]*Recent changes/, 'the job, Running, after the keys');
		expect(later).not.toMatch(/q quit|Keys|Esc back/);
		expect(run.child.exitCode).toBeNull();
		// The terminal's own Ctrl+C is a signal then.
		run.terminal.write('\u0003');
		await waitUntil(() => run.child.exitCode !== null, 'the program to exit after Ctrl+C');
		expect(await run.exited).toBe(130);
		expect(expectScreenRestored(run.raw())).toMatch(/openmpi-hello rv=\d+ phase=Running/);
		expect(run.raw()).toContain(enterAlt);
	});
});
