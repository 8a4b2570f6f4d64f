import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import type {WatchEvent} from '../../source/watch/job-watcher.js';
import {createJobViewStore} from '../../source/state/job-view-store.js';
import {status} from '../helpers/objects/api-status.js';
import {fakeWatcher} from '../helpers/fakes/fake-watcher.js';
import {jobAt as job, jobEvent} from '../helpers/objects/jobs.js';

const notFound = status(404);

/** A store on a fake watcher; `emit` is the watcher's event. */
function watched() {
	const fake = fakeWatcher<WatchEvent>();
	return {...fake, store: createJobViewStore(fake.watcher, {namespace: 'ns', name: 'job', highlightMs: 3000})};
}

// The store owns the one timer that ends highlights: real timing is the point here, so the clock is faked.
beforeEach(() => {
	vi.useFakeTimers({now: Date.parse('2024-03-11T08:20:00Z')});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('createJobViewStore', () => {
	test('starts connecting, named after the target', () => {
		const {store} = watched();
		expect(store.getState()).toMatchObject({namespace: 'ns', name: 'job', connection: {kind: 'connecting'}, now: Date.now()});
	});

	test('follows the watcher\'s events from before any render, and tells its listeners', () => {
		const {store, emit} = watched();
		const calls: string[] = [];
		store.subscribe(() => calls.push(store.getState().connection.kind));
		emit({type: 'not-found', at: Date.now(), error: notFound, delayMs: 2000});
		emit(jobEvent(job(1), Date.now()));
		expect(calls).toEqual(['waiting', 'live']);
		expect(store.getState().job?.resourceVersion).toBe('1');
	});

	test('an event that changes nothing notifies nobody', () => {
		const {store, emit} = watched();
		let calls = 0;
		store.subscribe(() => calls++);
		emit({type: 'fetch-slow', at: Date.now()});
		emit({type: 'fetch-slow', at: Date.now()});
		store.dispatch({type: 'tick', at: Date.now()});
		expect(calls).toBe(1);
	});

	test('highlights end by themselves once highlightMs has passed, with one notification', () => {
		const {store, emit} = watched();
		const first = job(1);
		emit(jobEvent(first, Date.now()));
		emit(jobEvent(job(2, raw => (raw['status'].running = 2)), Date.now(), first));
		expect(Object.keys(store.getState().highlights).sort()).toEqual(['metadata.resourceVersion', 'status.running']);
		let calls = 0;
		store.subscribe(() => calls++);

		vi.advanceTimersByTime(2900);
		expect(Object.keys(store.getState().highlights)).toHaveLength(2);
		expect(calls).toBe(0);

		vi.advanceTimersByTime(200);
		expect(store.getState().highlights).toEqual({});
		expect(calls).toBe(1);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('staggered highlights each end on time', () => {
		const {store, emit} = watched();
		const first = job(1);
		const second = job(2, raw => (raw['status'].running = 2));
		emit(jobEvent(first, Date.now()));
		emit(jobEvent(second, Date.now(), first));
		vi.advanceTimersByTime(2000);
		emit(jobEvent(job(3, raw => {
			raw['status'].running = 2;
			raw['status'].failed = 1;
		}), Date.now(), second));
		vi.advanceTimersByTime(1100);
		expect(Object.keys(store.getState().highlights).sort()).toEqual(['metadata.resourceVersion', 'status.failed']);
		vi.advanceTimersByTime(2000);
		expect(store.getState().highlights).toEqual({});
	});

	test('dispose stops listening to the watcher and clears the timer', () => {
		const {store, emit, listenerCount} = watched();
		const first = job(1);
		emit(jobEvent(first, Date.now()));
		emit(jobEvent(job(2, raw => (raw['status'].running = 2)), Date.now(), first));
		let calls = 0;
		store.subscribe(() => calls++);
		store.dispose();
		expect(listenerCount()).toBe(0);
		expect(vi.getTimerCount()).toBe(0);
		emit({type: 'fetch-slow', at: Date.now()});
		vi.advanceTimersByTime(10_000);
		expect(calls).toBe(0);
		expect(store.getState().fetchingSlowly).toBe(false);
	});

	test('unsubscribe removes one listener', () => {
		const {store, emit} = watched();
		let a = 0;
		let b = 0;
		const stopA = store.subscribe(() => a++);
		store.subscribe(() => b++);
		stopA();
		emit({type: 'paused', at: Date.now()});
		expect([a, b]).toEqual([0, 1]);
	});

	test('its timer does not keep the process alive', () => {
		const {emit} = watched();
		const first = job(1);
		const spy = vi.spyOn(globalThis, 'setTimeout');
		emit(jobEvent(first, Date.now()));
		emit(jobEvent(job(2, raw => (raw['status'].running = 2)), Date.now(), first));
		const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
		spy.mockRestore();
		expect(timer.hasRef()).toBe(false);
	});

	test('while watching, the minute turns on a timer (no poll answers to move the ages), once a minute, and only then', () => {
		const {store, emit} = watched();
		let renders = 0;
		store.subscribe(() => renders++);
		const start = Date.now();
		emit({type: 'watching', at: start, opened: false});
		emit(jobEvent(job(1), start));
		emit({type: 'watching', at: start, opened: true});
		const settled = renders;
		vi.advanceTimersByTime(59_000);
		expect(renders).toBe(settled);
		vi.advanceTimersByTime(1100);
		expect(renders).toBe(settled + 1);
		expect(Math.floor(store.getState().now / 60_000)).toBe(Math.floor(start / 60_000) + 1);
		vi.advanceTimersByTime(5 * 60_000);
		expect(renders).toBe(settled + 6);
		store.dispose();
	});

	test('polling needs no minute timer: the polls turn the minute', () => {
		const {store, emit} = watched();
		let renders = 0;
		store.subscribe(() => renders++);
		emit(jobEvent(job(1), Date.now()));
		const settled = renders;
		vi.advanceTimersByTime(5 * 60_000);
		expect(renders).toBe(settled);
		store.dispose();
	});
});
