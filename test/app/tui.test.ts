import {describe, expect, test} from 'vitest';
import {runTui} from '../../source/app/tui.js';
import {fakeDriver, fakeIo, fakeSession, type Script} from './fakes.js';

// The one TUI runner on a terminal that is a string: what is left on it, and the exit code.
const {connection} = fakeSession(['TLS verification is OFF']);

function live(script: Script, options: {altScreen?: boolean; exitOnFinish?: boolean} = {}) {
	const io = fakeIo({columns: 80});
	const driver = fakeDriver(script);
	const running = runTui(driver, {color: false, altScreen: options.altScreen ?? true, exitOnFinish: options.exitOnFinish ?? false}, io, connection);
	return {io, driver, running};
}

// After the alternate screen is left (ESC [?1049l): the record line, the last thing written.
const recordLine = /\u001B\[\?1049l\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ record: (\d+) seen\n$/;

describe('the TUI runner', () => {
	test('a signal: exit 0 (the caller turns the signal into 129, 130 or 143), the screen left, one line of record behind', async () => {
		const {io, driver, running} = live({events: ['appeared', 'Running']});
		await until(() => driver.calls.includes('run'));
		io.interrupt();
		expect(await running).toBe(0);
		expect(io.out()).toMatch(recordLine);
		expect(io.out().match(recordLine)?.[1]).toBe('2');
		// The view's requests start before its Ink side loads, so that the network and the loading overlap.
		expect(driver.calls).toEqual(['createStore', 'run', 'loadTui', 'stop', 'closeOpened', 'dispose']);
	});

	test('the live view is given the store, the credentials source and the notices', async () => {
		const {io, driver, running} = live({events: ['appeared']}, {altScreen: false});
		await until(() => driver.calls.includes('run'));
		io.interrupt();
		await running;
		expect(io.out()).toContain('live appeared from token from HW_AUTH_TOKEN TLS verification is OFF');
	});

	test('--no-alt-screen: the last frame stays in the scrollback, so no record line', async () => {
		const {io, driver, running} = live({events: ['appeared']}, {altScreen: false});
		await until(() => driver.calls.includes('run'));
		io.interrupt();
		expect(await running).toBe(0);
		expect(io.out()).not.toContain('record:');
	});

	test('q: exit 0; Ctrl+C: exit 130', async () => {
		expect(await live({pressed: 'quit'}).running).toBe(0);
		expect(await live({pressed: 'interrupt'}).running).toBe(130);
	});

	test('--exit-on-finish: the job\'s outcome is the exit code', async () => {
		expect(await live({events: ['Failed'], finishesWith: 1}, {exitOnFinish: true}).running).toBe(1);
		expect(await live({events: ['Completed'], finishesWith: 0}, {exitOnFinish: true}).running).toBe(0);
	});

	test('a job opened from the view that failed: thrown once the terminal is restored and the record written', async () => {
		const failure = new Error('the job view broke');
		const {io, driver, running} = live({openedFailure: failure});
		await until(() => driver.calls.includes('run'));
		io.interrupt();
		await expect(running).rejects.toBe(failure);
		expect(io.out()).toMatch(recordLine);
	});

	test('a watch that fails: thrown once the terminal is restored and the record written', async () => {
		const failure = new Error('bug');
		const {io, running} = live({crash: failure});
		await expect(running).rejects.toBe(failure);
		expect(io.out()).toMatch(recordLine);
	});

	test('the process ending under it (an uncaught exception, a second signal): on exit, the screen left, then the record line', async () => {
		const before = new Set(process.listeners('exit'));
		const {io, driver, running} = live({events: ['appeared', 'Running']});
		await until(() => driver.calls.includes('run'));
		const added = process.listeners('exit').filter(listener => !before.has(listener));
		expect(added.length).toBeGreaterThan(0);
		// Called as the process's exit would call them, without ending this one.
		const written = io.out().length;
		for (const listener of added) listener.call(process, 1);
		expect(io.out().slice(written)).toMatch(/^\u001B\[0m\u001B\[\?25h\u001B\[\?1049l\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ record: 2 seen\n$/);
		io.interrupt();
		await running;
	});
});

/** Resolves once the runner got that far (it loads the view's Ink side first); fails after 10 s saying so. */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('gave up after 10000 ms waiting for the runner to get that far');
		await new Promise(resolve => setImmediate(resolve));
	}
}
