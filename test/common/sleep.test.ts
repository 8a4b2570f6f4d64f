import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {sleep} from '../../source/common/sleep.js';

async function outcome(promise: Promise<void>): Promise<'resolved' | unknown> {
	try {
		await promise;
		return 'resolved';
	} catch (error) {
		return error;
	}
}

/** Whether the promise has settled yet, after the callbacks already due have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(
		() => (done = true),
		() => (done = true),
	);
	await vi.advanceTimersByTimeAsync(0);
	return done;
}

describe('sleep (fake timers: time passes only when the test says)', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	test('resolves after the time, not before', async () => {
		const asleep = sleep(30, new AbortController().signal);
		await vi.advanceTimersByTimeAsync(29);
		expect(await settled(asleep)).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(await settled(asleep)).toBe(true);
	});

	test('wake ends it early, and its timer goes', async () => {
		const wake = new AbortController();
		const asleep = sleep(60_000, new AbortController().signal, wake.signal);
		await vi.advanceTimersByTimeAsync(10);
		expect(await settled(asleep)).toBe(false);
		wake.abort();
		expect(await settled(asleep)).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('a wake already aborted ends it at once', async () => {
		const wake = new AbortController();
		wake.abort();
		expect(await settled(sleep(60_000, new AbortController().signal, wake.signal))).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('stop rejects with its reason, and its timer goes', async () => {
		const stop = new AbortController();
		const reason = new Error('stopped');
		setTimeout(() => stop.abort(reason), 10);
		const asleep = outcome(sleep(60_000, stop.signal));
		await vi.advanceTimersByTimeAsync(10);
		expect(await asleep).toBe(reason);
		expect(vi.getTimerCount()).toBe(0);
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
			const asleep = sleep(1, stop.signal, wake.signal);
			await vi.advanceTimersByTimeAsync(1);
			await asleep;
		}

		expect(added).toBe(10);
		expect(removed).toBe(10);
	});
});
