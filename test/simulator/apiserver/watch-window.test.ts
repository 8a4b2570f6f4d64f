import {describe, expect, it} from 'vitest';
import {createWatchWindow, type WatchWindow} from '../../../source/simulator/apiserver/watch-window.js';

type Event = {readonly resourceVersion: number};

// Events with resourceVersions from..from+count-1, `everyMs` apart from `at`; returns the time after the last.
function push(window: WatchWindow<Event>, from: number, count: number, at: number, everyMs: number): number {
	for (let index = 0; index < count; index++) {
		window.push({resourceVersion: from + index}, at + index * everyMs);
	}

	return at + count * everyMs;
}

describe('the watch cache window (watch_cache_history.go)', () => {
	it('starts at 100 events and doubles when full while its oldest event is under 75 s old', () => {
		const window = createWatchWindow<Event>(1000);
		expect(window.capacity).toBe(100);
		push(window, 1001, 100, 0, 100);
		expect([window.capacity, window.size]).toEqual([100, 100]);
		// Full, oldest 10 s old: double, nothing dropped.
		window.push({resourceVersion: 1101}, 10_000);
		expect([window.capacity, window.size]).toEqual([200, 101]);
		expect(window.floor).toBe(1000);
	});

	it('drops its oldest when full of events older than 75 s, keeping the capacity', () => {
		const window = createWatchWindow<Event>(1000);
		// One a second: when full, the oldest is 100 s old (no doubling) and the newest quarter is fresh (no halving).
		const next = push(window, 1001, 100, 0, 1000);
		window.push({resourceVersion: 1101}, next);
		expect([window.capacity, window.size]).toEqual([100, 100]);
		expect(window.floor).toBe(1001);
		expect(window.tooOld(1000)).toBe('too old resource version: 1000 (1001)');
		expect(window.tooOld(1001)).toBeUndefined();
		expect(window.eventsAfter(1099).map(event => event.resourceVersion)).toEqual([1100, 1101]);
	});

	it('halves, not below 100, when the newest quarter of it is older than 75 s', () => {
		const window = createWatchWindow<Event>(0);
		// A burst: 100 → 200 → 400.
		push(window, 1, 400, 0, 0);
		expect([window.capacity, window.size]).toEqual([400, 400]);
		// Then quiet for 200 s: each new event finds the newest quarter stale.
		window.push({resourceVersion: 401}, 200_000);
		expect([window.capacity, window.size]).toEqual([200, 200]);
		window.push({resourceVersion: 402}, 201_000);
		expect([window.capacity, window.size]).toEqual([100, 100]);
		window.push({resourceVersion: 403}, 202_000);
		expect([window.capacity, window.size]).toEqual([100, 100]);
		// What is left: the newest 100, so a watch can start from the one before them.
		expect(window.floor).toBe(303);
	});

	it('shrinks after a quiet spell and grows again when events come fast again', () => {
		const window = createWatchWindow<Event>(0);
		push(window, 1, 400, 0, 0);
		const capacities: number[] = [];
		for (let index = 0; index < 300; index++) {
			window.push({resourceVersion: 401 + index}, 200_000 + index * 10);
			if (capacities.at(-1) !== window.capacity) capacities.push(window.capacity);
		}

		expect(capacities).toEqual([200, 100, 200, 400]);
	});

	it('grows up to 102,400 events and no further', () => {
		const window = createWatchWindow<Event>(0);
		push(window, 1, 110_000, 0, 0);
		expect([window.capacity, window.size]).toEqual([102_400, 102_400]);
		expect(window.floor).toBe(110_000 - 102_400);
	});

	it('refuses, after a relist and before anything is dropped, what is older than the relist', () => {
		const window = createWatchWindow<Event>(500);
		push(window, 501, 10, 0, 1000);
		expect(window.tooOld(500)).toBeUndefined();
		expect(window.tooOld(499)).toBe('too old resource version: 499 (500)');
		// Rebuilt (an API server restart): the capacity stays, the history is gone.
		window.reset(700);
		expect([window.capacity, window.size, window.floor]).toEqual([100, 0, 700]);
		expect(window.tooOld(510)).toBe('too old resource version: 510 (700)');
		expect(window.eventsAfter(700)).toEqual([]);
	});

	it('keeps its first buffered event as the limit, even when revisions between events belong to other kinds', () => {
		const window = createWatchWindow<Event>(0, {capacity: 2});
		for (const resourceVersion of [10, 50, 90]) window.push({resourceVersion}, 0);
		// 10 is gone; 50 is the oldest held: a watch may start from 49, not from 20.
		expect(window.floor).toBe(49);
		expect(window.tooOld(20)).toBe('too old resource version: 20 (49)');
	});

	it('holds a fixed number of events with historySize, never resized', () => {
		const window = createWatchWindow<Event>(0, {capacity: 5});
		push(window, 1, 50, 0, 0);
		expect([window.capacity, window.size, window.floor]).toEqual([5, 5, 45]);
		expect(() => createWatchWindow<Event>(0, {capacity: -1})).toThrow(RangeError);
	});
});
