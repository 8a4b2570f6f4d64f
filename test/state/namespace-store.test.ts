import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {jobPaths} from '../../source/model/diff-job.js';
import {diffJobSummary} from '../../source/model/diff-job.js';
import {createNamespaceStore} from '../../source/state/namespace-store.js';
import type {JobDelta} from '../../source/watch/job-index.js';
import type {NamespaceEvent} from '../../source/watch/namespace-watcher.js';
import {fakeWatcher} from '../helpers/fakes/fake-watcher.js';
import {added, jobsEvent, namespace, rawJob, summary, type RawSpec} from '../helpers/objects/namespace-jobs.js';

const t0 = Date.parse('2026-11-27T08:00:00Z');

function modified(before: RawSpec, after: RawSpec): JobDelta {
	const previous = summary(before);
	const job = summary(after);
	return {kind: 'modified', job, previous, changes: diffJobSummary(previous, job), raw: rawJob(after)};
}

// The redraws are what is batched, so the clock is the point here: fake timers, and the store reads the same clock.
beforeEach(() => {
	vi.useFakeTimers();
	vi.setSystemTime(t0);
});

afterEach(() => {
	vi.useRealTimers();
});

function drawnStore() {
	const {watcher, emit} = fakeWatcher<NamespaceEvent>();
	const store = createNamespaceStore(watcher, {namespace, highlightMs: 4000, drawEveryMs: 2000, now: Date.now});
	const drawn: Array<ReturnType<typeof store.getState>> = [];
	store.subscribe(() => drawn.push(store.getState()));
	return {store, emit, drawn};
}

describe('a namespace store that draws at most every 2 s', () => {
	test('the first listing is drawn at once, even just after the frame that says it is listing', () => {
		const {store, emit, drawn} = drawnStore();
		emit({type: 'watching', at: Date.now(), opened: false});
		emit(jobsEvent(Date.now(), [added({name: 'a'}), added({name: 'b'})], true));
		expect(drawn.at(-1)?.listed).toBe(true);
		expect([...drawn.at(-1)!.rows.values()].map(row => row.job.name)).toEqual(['a', 'b']);
		store.dispose();
	});

	test('changes close together are drawn together, each row with its new values and highlights', () => {
		const {store, emit, drawn} = drawnStore();
		emit(jobsEvent(Date.now(), [added({name: 'a'}), added({name: 'b'})], true));
		const afterList = drawn.length;
		vi.advanceTimersByTime(100);
		emit(jobsEvent(Date.now(), [modified({name: 'a'}, {name: 'a', rv: '2', phase: 'Failed', running: 0, failed: 2})]));
		vi.advanceTimersByTime(100);
		emit(jobsEvent(Date.now(), [modified({name: 'b'}, {name: 'b', rv: '3', running: 3})]));
		// Not drawn yet: the list was drawn a moment ago.
		expect(drawn.length).toBe(afterList);
		vi.advanceTimersByTime(2000);
		expect(drawn.length).toBe(afterList + 1);
		const shown = drawn.at(-1)!;
		expect(shown.rows.get('uid-a')).toMatchObject({job: {phase: 'Failed'}, highlights: {[jobPaths.phase]: {}}});
		expect(shown.rows.get('uid-b')).toMatchObject({job: {counters: {running: 3}}, highlights: {[jobPaths.counter('running')]: {direction: 'up'}}});
		store.dispose();
	});

	test('a change after a quiet spell is drawn at once, and its highlight still ends', () => {
		const {store, emit, drawn} = drawnStore();
		emit(jobsEvent(Date.now(), [added({name: 'a'})], true));
		vi.advanceTimersByTime(10_000);
		emit(jobsEvent(Date.now(), [modified({name: 'a'}, {name: 'a', rv: '2', running: 1})]));
		expect(drawn.at(-1)!.rows.get('uid-a')!.highlights).toMatchObject({[jobPaths.counter('running')]: {direction: 'down'}});
		vi.advanceTimersByTime(10_000);
		expect(drawn.at(-1)!.rows.get('uid-a')!.highlights).toEqual({});
		expect(store.getState().rows.get('uid-a')!.job.counters.running).toBe(1);
		store.dispose();
	});
});
