import {describe, expect, test} from 'vitest';
import {runLines} from '../../source/app/lines.js';
import {fakeDriver, fakeIo, type Script} from './fakes.js';

function follow(script: Script, format: 'text' | 'json', exitOnFinish = false) {
	const io = fakeIo();
	const driver = fakeDriver(script);
	const running = runLines(driver, format, {exitOnFinish}, io);
	return {io, driver, running};
}

describe('following in text or JSON', () => {
	test('the writers get every change, in order, in the format asked, until a signal: exit 0', async () => {
		for (const format of ['text', 'json'] as const) {
			const {io, driver, running} = follow({events: ['appeared', 'Running', 'Completed']}, format);
			io.interrupt();
			expect(await running).toBe(0);
			expect(io.out()).toBe(`${format} appeared\n${format} Running\n${format} Completed\n`);
			expect(driver.calls).toEqual([`writeLines:${format}`, 'run', 'stop']);
		}
	});

	test('--exit-on-finish: the job ends by itself, the code is its outcome, no signal needed', async () => {
		for (const code of [0, 1]) {
			const {io, driver, running} = follow({events: ['Running', code === 0 ? 'Completed' : 'Failed'], finishesWith: code}, 'text', true);
			expect(await running).toBe(code);
			expect(io.out()).toContain(code === 0 ? 'text Completed' : 'text Failed');
			expect(driver.calls).toEqual(['writeLines:text', 'watchForFinish', 'run', 'stop']);
		}
	});

	test('without --exit-on-finish a finished job is still followed, until a signal', async () => {
		const {io, driver, running} = follow({events: ['Failed'], finishesWith: 1}, 'json');
		expect(driver.calls).not.toContain('watchForFinish');
		expect(driver.calls.at(-1)).toBe('run');
		io.interrupt();
		expect(await running).toBe(0);
	});

	test('a view that never ends by itself (a namespace) runs until the signal, even with --exit-on-finish', async () => {
		const {io, driver, running} = follow({events: ['train-0001 added'], endless: true}, 'text', true);
		expect(driver.calls).toEqual(['writeLines:text', 'run']);
		io.interrupt();
		expect(await running).toBe(0);
		expect(io.out()).toBe('text train-0001 added\n');
	});
});
