import {describe, expect, test} from 'vitest';
import {sleep} from '../../source/common/sleep.js';

async function outcome(promise: Promise<void>): Promise<'resolved' | unknown> {
	try {
		await promise;
		return 'resolved';
	} catch (error) {
		return error;
	}
}

describe('sleep (real timers, short waits)', () => {
	test('resolves after the time', async () => {
		const started = performance.now();
		await sleep(30, new AbortController().signal);
		expect(performance.now() - started).toBeGreaterThanOrEqual(25);
	});

	test('wake ends it early', async () => {
		const wake = new AbortController();
		const started = performance.now();
		setTimeout(() => wake.abort(), 10);
		await sleep(60_000, new AbortController().signal, wake.signal);
		expect(performance.now() - started).toBeLessThan(5000);
	});

	test('a wake already aborted ends it at once', async () => {
		const wake = new AbortController();
		wake.abort();
		const started = performance.now();
		await sleep(60_000, new AbortController().signal, wake.signal);
		expect(performance.now() - started).toBeLessThan(1000);
	});

	test('stop rejects with its reason', async () => {
		const stop = new AbortController();
		const reason = new Error('stopped');
		setTimeout(() => stop.abort(reason), 10);
		expect(await outcome(sleep(60_000, stop.signal))).toBe(reason);
	});

	test('a stop already aborted rejects at once, even when wake is aborted too', async () => {
		const stop = new AbortController();
		const wake = new AbortController();
		const reason = new Error('stopped');
		stop.abort(reason);
		wake.abort();
		expect(await outcome(sleep(60_000, stop.signal, wake.signal))).toBe(reason);
	});

	test('leaves no listeners behind on the long-lived signals', async () => {
		const stop = new AbortController();
		const wake = new AbortController();
		let added = 0;
		let removed = 0;
		for (const signal of [stop.signal, wake.signal]) {
			const add = signal.addEventListener.bind(signal);
			const remove = signal.removeEventListener.bind(signal);
			signal.addEventListener = ((...args: Parameters<typeof add>) => {
				added++;
				add(...args);
			}) as typeof add;
			signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
				removed++;
				remove(...args);
			}) as typeof remove;
		}

		for (let index = 0; index < 5; index++) {
			await sleep(1, stop.signal, wake.signal);
		}

		expect(added).toBe(10);
		expect(removed).toBe(10);
	});
});
