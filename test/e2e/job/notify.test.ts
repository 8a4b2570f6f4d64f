import {execFileSync, spawnSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {e2eFixture, target} from '../support/fixture.js';
import type {PtyRun} from '../support/pty.js';
import {minimalEnvironment} from '../../helpers/environment.js';
import {createTemporaryDirectory, removeTemporaryDirectory} from '../../helpers/temp-dir.js';
import {cliPath, startDefaults} from '../support/run-cli.js';
import {pause, waitUntil} from '../support/wait.js';

// --notify and the window title as bytes on a real pty: what each terminal is sent, once per finish, and what
// a run without the flags, or a pipe, is never sent.

const {startSimulator, runInPty, runCli} = e2eFixture();

const ESC = '\u001B';
const ST = `${ESC}\\`;
const BEL = '\u0007';
const size = {columns: 100, rows: 30};
const quick = ['--interval', '100ms', '--details-interval', '200ms', '--max-wait', '300ms'];
// Any desktop notification, of any kind, wrapped for tmux or not.
const notification = /\u001B(?:\u001B)?\](?:777;notify|9|99);/g;
const bells = (raw: string) => raw.split(BEL).length - 1;
const count = (raw: string, part: string) => raw.split(part).length - 1;
const titles = (raw: string) => [...raw.matchAll(/\u001B\]2;([^\u001B\u0007]*)\u001B\\/g)].map(match => match[1]!);
const push = `${ESC}[22;2t`;
const pop = `${ESC}[23;2t`;

/** The demo job Running, watched in the TUI with `extra`. */
async function watching(extra: readonly string[], env: Record<string, string> = {}, step = 5): Promise<{sim: Simulator; pty: PtyRun}> {
	const sim = await startSimulator({scenario: 'demo', autoplay: false});
	sim.goTo(step);
	const pty = runInPty([...target(sim), ...quick, ...extra], size, env);
	await pty.waitForScreen(step === 5 ? /Running/ : /Completed/);
	return {sim, pty};
}

function complete(sim: Simulator): void {
	sim.goTo(sim.scenario.steps.length - 1);
}

describe('--notify: the sequence each terminal gets, once', () => {
	const body = (sim: Simulator) => `${sim.scenario.namespace}/openmpi-hello Completed`;
	test.each([
		['VTE', {VTE_VERSION: '7600'}, (sim: Simulator) => `${BEL}${ESC}]777;notify;vcjob openmpi-hello Completed;${body(sim)}${ST}`],
		['foot', {TERM: 'foot'}, (sim: Simulator) => `${BEL}${ESC}]777;notify;vcjob openmpi-hello Completed;${body(sim)}${ST}`],
		['iTerm2', {TERM_PROGRAM: 'iTerm.app'}, (sim: Simulator) => `${BEL}${ESC}]9;vcjob openmpi-hello Completed: ${body(sim)}${ST}`],
		['Windows Terminal', {WT_SESSION: 'x'}, (sim: Simulator) => `${BEL}${ESC}]9;vcjob openmpi-hello Completed: ${body(sim)}${ST}`],
		['WezTerm', {TERM_PROGRAM: 'WezTerm'}, (sim: Simulator) => `${BEL}${ESC}]9;vcjob openmpi-hello Completed: ${body(sim)}${ST}`],
		[
			'kitty',
			{KITTY_WINDOW_ID: '1'},
			(sim: Simulator) => `${BEL}${ESC}]99;i=vcjob1:d=0;vcjob openmpi-hello Completed${ST}${ESC}]99;i=vcjob1:d=1:p=body;${body(sim)}${ST}`,
		],
		[
			'VTE inside tmux',
			{VTE_VERSION: '7600', TMUX: '/nonexistent/tmux,1,0', TMUX_PANE: '%1', TERM_PROGRAM: 'tmux'},
			(sim: Simulator) => `${BEL}${ESC}Ptmux;${ESC}${ESC}]777;notify;vcjob openmpi-hello Completed;${body(sim)}${ESC}${ESC}\\${ST}`,
		],
		['kitty inside tmux', {KITTY_WINDOW_ID: '1', TMUX: '/nonexistent/tmux,1,0'}, (sim: Simulator) =>
			`${BEL}${ESC}Ptmux;${ESC}${ESC}]99;i=vcjob1:d=0;vcjob openmpi-hello Completed${ESC}${ESC}\\${ST}${ESC}Ptmux;${ESC}${ESC}]99;i=vcjob1:d=1:p=body;${body(sim)}${ESC}${ESC}\\${ST}`],
		['an unknown terminal: the bell alone', {}, () => BEL],
	])('%s', async (_, env, expected) => {
		const {sim, pty} = await watching(['--notify'], env);
		expect(bells(pty.raw())).toBe(0);
		complete(sim);
		await waitUntil(() => bells(pty.raw()) > 0, 'the bell');
		await pty.waitForScreen(/Completed/);
		const raw = pty.raw();
		expect(count(raw, expected(sim))).toBe(1);
		expect(bells(raw)).toBe(1);
		expect(raw.match(notification)?.length ?? 0).toBe(expected(sim) === BEL ? 0 : expected(sim).match(notification)!.length);
		// Zero-width: the frame Ink drew is as it was, nothing of the sequences on screen.
		const screen = pty.screen().join('\n');
		expect(screen).toMatch(/q quit · r refresh/);
		expect(screen).not.toMatch(/notify|tmux;|99;|vcjob openmpi-hello Completed/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	});

	test('one notification per finish: not again after r, a resize, more polls; a job finished before the start is one', async () => {
		const {pty} = await watching(['--notify'], {VTE_VERSION: '7600'}, 8);
		await waitUntil(() => bells(pty.raw()) > 0, 'the bell');
		pty.type('r');
		await pause(500);
		await pty.resize(90, 25);
		await pause(500);
		pty.type('r');
		await pause(500);
		expect(bells(pty.raw())).toBe(1);
		expect(pty.raw().match(notification)).toHaveLength(1);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	});

	test('drawn in the normal screen (--no-alt-screen): the frame undisturbed', async () => {
		const {sim, pty} = await watching(['--notify=failures', '--no-alt-screen'], {VTE_VERSION: '7600'});
		const before = pty.screen().join('\n');
		complete(sim);
		await waitUntil(() => bells(pty.raw()) > 0, 'the bell');
		const after = await pty.waitForScreen(/Completed/);
		// The same rows, in the same places: only what the job's end changed.
		expect(after.split('\n').findIndex(line => line.includes('q quit'))).toBe(before.split('\n').findIndex(line => line.includes('q quit')));
		expect(after).not.toMatch(/notify|vcjob openmpi-hello Completed/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	});

	test('text lines on a terminal get it too; the bare flag leaves the next word the job name', async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		complete(sim);
		const pty = runInPty(['--notify', ...target(sim), '-o', 'text', '--exit-on-finish', ...quick], size, {VTE_VERSION: '7600'});
		expect(await pty.exit()).toBe(0);
		expect(count(pty.raw(), `${ESC}]777;notify;vcjob openmpi-hello Completed;`)).toBe(1);
		expect(pty.raw()).toMatch(/openmpi-hello rv=\d+ phase=Completed/);
	});

	test('--notify=failures on the fail scenario: at the first pod failure, then at the end', async () => {
		const sim = await startSimulator({scenario: 'fail', speed: 10});
		const pty = runInPty([...target(sim), '--notify=failures', '--exit-on-finish', ...quick], size, {VTE_VERSION: '7600'});
		expect(await pty.exit(40_000)).toBe(1);
		const sent = [...pty.raw().matchAll(/\u001B\]777;notify;([^;\u001B]*);([^;\u001B]*)\u001B\\/g)].map(match => [match[1], match[2]]);
		expect(sent).toHaveLength(2);
		expect(sent[0]![0]).toBe('vcjob openmpi-crash: a pod failed');
		expect(sent[0]![1]).toMatch(/^openmpi-crash-mpiworker-0\/mpiworker exit 137: out of memory \(OOMKilled\)$|^failed pods: 1$/);
		expect(sent[1]).toEqual(['vcjob openmpi-crash Failed', 'Failed: openmpi-crash-mpimaster-0/mpimaster exit 143: terminated (SIGTERM)']);
		expect(bells(pty.raw())).toBe(2);
	});

	test('without --notify: no bell and no notification of any kind', async () => {
		const {sim, pty} = await watching([], {VTE_VERSION: '7600', KITTY_WINDOW_ID: '1', TERM_PROGRAM: 'iTerm.app'});
		complete(sim);
		await pty.waitForScreen(/Completed/);
		await pause(500);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		expect(bells(pty.raw())).toBe(0);
		expect(pty.raw()).not.toMatch(notification);
	});

	test('JSON lines in a pipe: none of these bytes, with --notify=failures', async () => {
		const sim = await startSimulator({scenario: 'fail', speed: 10});
		const run = runCli([...target(sim), '-o', 'json', '--notify=failures', '--exit-on-finish', ...quick], {VTE_VERSION: '7600'});
		expect(await run.exit(40_000)).toBe(1);
		expect(run.stdout()).not.toMatch(/[\u0007\u001B]/);
		expect(run.jsonLines().at(-1)).toMatchObject({event: 'failure-summary'});
	});

	test('a value it does not know, or the namespace view, is a usage error', async () => {
		const wrong = runCli(['job', '--notify=always']);
		expect(await wrong.exit()).toBe(2);
		expect(wrong.stderr()).toContain('--notify=always: use --notify alone');
		const table = runCli(['-n', 'ns', '--notify']);
		expect(await table.exit()).toBe(2);
		expect(table.stderr()).toContain('--notify tells when one job finishes: give its name');
	});
});

describe('the title', () => {
	test('follows the phase, each text written once, and is put back at exit, the pop last', async () => {
		const {sim, pty} = await watching([], {}, 3);
		await waitUntil(() => titles(pty.raw()).some(title => title.startsWith('vcjob openmpi-hello: Pending')), 'the Pending title');
		sim.goTo(5);
		await waitUntil(() => titles(pty.raw()).some(title => /^vcjob openmpi-hello: Running 3\/\d+$/.test(title)), 'the Running title');
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		const raw = pty.raw();
		const written = titles(raw);
		// Never the same text twice in a row: a poll that changes nothing writes nothing.
		expect(written.filter((title, index) => title === written[index - 1])).toEqual([]);
		expect(raw.indexOf(push)).toBeLessThan(raw.indexOf(`${ESC}]2;`));
		expect(raw.lastIndexOf(pop)).toBeGreaterThan(raw.lastIndexOf(`${ESC}]2;`));
		expect(count(raw, pop)).toBe(1);
	});

	test.each([
		['Ctrl+C', (pty: PtyRun) => pty.type('\u0003'), 130],
		['SIGTERM', (pty: PtyRun) => process.kill(pty.pid()!, 'SIGTERM'), 143],
	])('put back on %s', async (_, end, code) => {
		const {pty} = await watching([]);
		await waitUntil(() => titles(pty.raw()).length > 0, 'a title');
		end(pty);
		expect(await pty.exit()).toBe(code);
		expect(pty.raw().lastIndexOf(pop)).toBeGreaterThan(pty.raw().lastIndexOf(`${ESC}]2;`));
	});

	test('put back on --exit-on-finish', async () => {
		const {sim, pty} = await watching(['--exit-on-finish']);
		complete(sim);
		expect(await pty.exit()).toBe(0);
		const raw = pty.raw();
		expect(titles(raw).at(-1)).toMatch(/^vcjob openmpi-hello: Completed \d+\/\d+$/);
		expect(raw.lastIndexOf(pop)).toBeGreaterThan(raw.lastIndexOf(`${ESC}]2;`));
	});

	test('--no-title: no title, no push or pop', async () => {
		const {pty} = await watching(['--no-title']);
		await pause(500);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		expect(pty.raw()).not.toContain(`${ESC}]2;`);
		expect(pty.raw()).not.toContain(push);
		expect(pty.raw()).not.toContain(pop);
	});

	test('text lines and --once on a terminal: no title', async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(5);
		for (const mode of [['-o', 'text', '--exit-on-finish'], ['--once']]) {
			if (mode[0] === '-o') complete(sim);
			const pty = runInPty([...target(sim), ...quick, ...mode], size);
			expect(await pty.exit()).toBe(0);
			expect(pty.raw()).not.toContain(`${ESC}]2;`);
			expect(pty.raw()).not.toContain(push);
		}
	});

	test("the namespace's table: the counts by phase", async () => {
		const sim = await startSimulator({scenario: 'namespace', autoplay: false});
		const pty = runInPty(['-n', sim.scenario.namespace, '-s', sim.url, ...quick], size);
		await waitUntil(() => titles(pty.raw()).some(title => /^vcjob ns \S+: (?:\d+ \S+ ?)+$/.test(title)), 'the counts in the title');
		// A job opened from the table: its own title while it is on screen, the namespace's again after Esc.
		await pty.waitForScreen(/› train-0001/);
		pty.type('\r');
		await waitUntil(() => /^vcjob train-0001(?:: |$)/.test(titles(pty.raw()).at(-1) ?? ''), "the opened job's title");
		pty.type('\u001B');
		await waitUntil(() => (titles(pty.raw()).at(-1) ?? '').startsWith('vcjob ns '), "the namespace's title again");
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		expect(pty.raw().lastIndexOf(pop)).toBeGreaterThan(pty.raw().lastIndexOf(`${ESC}]2;`));
	});
});

const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;

describe.runIf(tmuxInstalled)('inside a real tmux', () => {
	test("the pane's title shows the job, and is the user's again after q", async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(5);
		const socket = `vcjob-watch-test-${process.pid}`;
		// The server, and so the program in its pane, gets nothing of the runner's environment but PATH.
		const home = createTemporaryDirectory();
		const env = minimalEnvironment({...startDefaults(), TERM: 'xterm-256color'}, home);
		const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8', env}).trim();
		const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
		const program = [process.execPath, cliPath, ...target(sim), ...quick].map(word => quote(word)).join(' ');
		tmux('new-session', '-d', '-s', 'w', '-x', '100', '-y', '30', `printf '\\033]2;my shell\\033\\\\'; sleep 0.3; ${program}; sleep 30`);
		try {
			const title = () => tmux('display-message', '-p', '-t', 'w', '#{pane_title}');
			await waitUntil(() => /^vcjob openmpi-hello: Running 3\/\d+$/.test(title()), 'the job in the pane title');
			tmux('send-keys', '-t', 'w', 'q');
			await waitUntil(() => title() === 'my shell', "the user's title back");
		} finally {
			tmux('kill-server');
			removeTemporaryDirectory(home);
		}
	});
});
