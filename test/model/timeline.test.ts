import {describe, expect, test} from 'vitest';
import {buildTimeline, recordPhase, type SeenPhase} from '../../source/model/timeline.js';
import type {Job} from '../../source/model/job.js';
import type {RawObject} from '../helpers/objects/fixtures.js';
import {editedJob as job} from '../helpers/objects/jobs.js';

const t = (time: string) => Date.parse(`2024-03-11T${time}Z`);
const created = t('08:00:00');
const uid = '5d1c0e2a-7f43-4d6b-9a51-3b7f0c2e8a11';
const reborn = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';

/** The job in `phase` with these conditions (phase, HH:MM:SS). */
function jobWith(phase: string, conditions: Array<[string, string]> | undefined, edit: (raw: RawObject) => void = () => {}): Job {
	return job(raw => {
		raw['status'].state.phase = phase;
		if (conditions) raw['status'].conditions = conditions.map(([status, time]) => ({status, lastTransitionTime: `2024-03-11T${time}Z`}));
		else delete raw['status'].conditions;
		edit(raw);
	});
}

const seen = (phase: string, time: string, exact = true, of = uid): SeenPhase => ({uid: of, phase, at: t(time), exact});

describe('recordPhase', () => {
	const running = job();

	test('a new entry when the phase moves, the same list when it does not (nothing to redraw)', () => {
		const first = recordPhase([], running, t('08:14:09'), true);
		expect(first).toEqual([seen('Running', '08:14:09')]);
		expect(recordPhase(first, running, t('08:15:00'), true)).toBe(first);
		const completing = jobWith('Completing', undefined);
		expect(recordPhase(first, completing, t('08:20:30'), true)).toEqual([seen('Running', '08:14:09'), seen('Completing', '08:20:30')]);
	});

	test('a new incarnation in the same phase is a new entry', () => {
		const first = recordPhase([], running, t('08:14:09'), true);
		const again = job(raw => (raw['metadata'].uid = reborn));
		expect(recordPhase(first, again, t('08:30:00'), true).map(entry => entry.uid)).toEqual([uid, reborn]);
	});

	test('bounded: the oldest observations go first', () => {
		let list: readonly SeenPhase[] = [];
		for (let index = 0; index < 250; index++) {
			list = recordPhase(list, jobWith(index % 2 === 0 ? 'Running' : 'Restarting', undefined), created + index * 1000, true);
		}

		expect(list).toHaveLength(200);
		expect(list[0]?.at).toBe(created + 50_000);
		expect(list.at(-1)?.at).toBe(created + 249_000);
	});
});

describe('a job with server conditions', () => {
	test('every phase from status.conditions, each ending where the next begins; to Running and total', () => {
		const timeline = buildTimeline(job(), [seen('Running', '08:05:30')], t('08:20:00'));
		expect(timeline.entries).toEqual([
			{phase: 'Pending', start: t('08:00:01'), end: t('08:00:20'), source: 'server', exact: true},
			{phase: 'Running', start: t('08:00:20'), end: t('08:04:32'), source: 'server', exact: true},
			{phase: 'Restarting', start: t('08:04:32'), end: t('08:05:01'), source: 'server', exact: true},
			{phase: 'Pending', start: t('08:05:01'), end: t('08:05:30'), source: 'server', exact: true},
			{phase: 'Running', start: t('08:05:30'), source: 'server', exact: true},
		]);
		expect(timeline.toRunningMs).toBe(20_000);
		expect(timeline.totalMs).toBe(20 * 60_000);
		expect(timeline.finished).toBe(false);
	});

	test('a phase the watcher saw that the server has not written yet is added, as seen', () => {
		const timeline = buildTimeline(
			jobWith('Completing', [['Pending', '08:00:01'], ['Running', '08:00:20']]),
			[seen('Running', '08:00:20'), seen('Completing', '08:20:31')],
			t('08:20:35'),
		);
		expect(timeline.entries.slice(-2)).toEqual([
			{phase: 'Running', start: t('08:00:20'), end: t('08:20:31'), source: 'server', exact: true},
			{phase: 'Completing', start: t('08:20:31'), source: 'seen', exact: true},
		]);
	});

	test('once the server writes what the watcher saw, the server\'s time is used, once', () => {
		const timeline = buildTimeline(
			jobWith('Completed', [['Pending', '08:00:01'], ['Running', '08:00:20'], ['Completing', '08:20:30'], ['Completed', '08:20:41']]),
			[seen('Running', '08:00:20'), seen('Completing', '08:20:31'), seen('Completed', '08:20:42')],
			t('08:25:00'),
		);
		expect(timeline.entries.map(entry => [entry.phase, entry.source])).toEqual([
			['Pending', 'server'],
			['Running', 'server'],
			['Completing', 'server'],
			['Completed', 'server'],
		]);
	});

	// The watcher stamps what it saw with its own clock. When that clock runs ahead of the server's, a phase
	// it caught in passing can carry a time after the server's next one.
	test('a watcher clock ahead of the server does not put a passed phase after the end', () => {
		const timeline = buildTimeline(
			jobWith('Completed', [['Pending', '08:00:01'], ['Running', '08:00:20'], ['Completing', '08:20:30'], ['Completed', '08:20:31']]),
			[seen('Running', '08:00:20'), seen('Completing', '08:20:32'), seen('Completed', '08:20:34')],
			t('08:25:00'),
		);
		expect(timeline.entries.map(entry => entry.phase)).toEqual(['Pending', 'Running', 'Completing', 'Completed']);
		expect(timeline.finished).toBe(true);
		expect(timeline.totalMs).toBe(t('08:20:31') - created);
	});

	test('an observation older than the last condition adds nothing', () => {
		const timeline = buildTimeline(job(), [seen('Restarting', '08:04:40', false)], t('08:20:00'));
		expect(timeline.entries.filter(entry => entry.source === 'seen')).toEqual([]);
	});
});

describe('a job without conditions (Volcano before 1.5, CCI\'s document)', () => {
	test('the timeline is what the watcher saw; the first phase only "since at least"', () => {
		const timeline = buildTimeline(
			jobWith('Completed', undefined),
			[seen('Pending', '08:01:00', false), seen('Running', '08:02:00'), seen('Completing', '08:10:00'), seen('Completed', '08:10:05')],
			t('08:30:00'),
		);
		expect(timeline.entries).toEqual([
			{phase: 'Pending', start: t('08:01:00'), end: t('08:02:00'), source: 'seen', exact: false},
			{phase: 'Running', start: t('08:02:00'), end: t('08:10:00'), source: 'seen', exact: true},
			{phase: 'Completing', start: t('08:10:00'), end: t('08:10:05'), source: 'seen', exact: true},
			{phase: 'Completed', start: t('08:10:05'), source: 'seen', exact: true},
		]);
		expect(timeline.toRunningMs).toBe(2 * 60_000);
		// Finished: the total stops at the end, however late "now" is.
		expect(timeline.finished).toBe(true);
		expect(timeline.totalMs).toBe(t('08:10:05') - created);
	});

	test('an empty phase (not initialised yet) is not an entry', () => {
		const timeline = buildTimeline(jobWith('Pending', undefined), [seen('', '08:00:00'), seen('Pending', '08:00:02')], t('08:01:00'));
		expect(timeline.entries.map(entry => entry.phase)).toEqual(['Pending']);
		expect(timeline.toRunningMs).toBeUndefined();
		expect(timeline.totalMs).toBe(60_000);
	});

	test.each([['Failed'], ['Aborted'], ['Terminated']])('%s is an end too', phase => {
		const timeline = buildTimeline(jobWith(phase, undefined), [seen('Running', '08:01:00'), seen(phase, '08:05:00')], t('09:00:00'));
		expect(timeline.finished).toBe(true);
		expect(timeline.totalMs).toBe(5 * 60_000);
	});

	test('a job without a creation time has no totals, the entries still', () => {
		const timeline = buildTimeline(jobWith('Running', undefined, raw => delete raw['metadata'].creationTimestamp), [seen('Running', '08:01:00')], t('08:30:00'));
		expect(timeline.entries).toHaveLength(1);
		expect(timeline).not.toHaveProperty('toRunningMs');
		expect(timeline).not.toHaveProperty('totalMs');
	});

	test('no job yet and nothing seen: an empty timeline', () => {
		expect(buildTimeline(undefined, [], t('08:00:00'))).toEqual({entries: [], finished: false});
	});
});

describe('incarnations: the job deleted and created again under the same name', () => {
	const second = jobWith('Running', [['Pending', '08:31:00'], ['Running', '08:31:20']], raw => {
		raw['metadata'].uid = reborn;
		raw['metadata'].creationTimestamp = '2024-03-11T08:31:00Z';
	});
	const observed = [seen('Running', '08:05:30'), seen('Completing', '08:20:30'), seen('Failed', '08:20:40'), seen('Pending', '08:31:00', true, reborn), seen('Running', '08:31:20', true, reborn)];

	test('the earlier one from what the watcher saw, then the current one marked as a new incarnation', () => {
		const timeline = buildTimeline(second, observed, t('08:40:00'));
		expect(timeline.entries.map(entry => [entry.phase, entry.source, entry.incarnation])).toEqual([
			['Running', 'seen', undefined],
			['Completing', 'seen', undefined],
			['Failed', 'seen', undefined],
			['Pending', 'server', reborn],
			['Running', 'server', undefined],
		]);
		// The earlier incarnation's last phase is over: it ends, at the latest, where the next one begins,
		// rather than reading as current with its time counted to now.
		expect(timeline.entries[2]).toMatchObject({phase: 'Failed', start: t('08:20:40'), end: t('08:31:00')});
		expect(timeline.entries.filter(entry => entry.end === undefined).map(entry => entry.phase)).toEqual(['Running']);
	});

	test('to Running and total count from the current incarnation\'s creation; the earlier end does not finish it', () => {
		const timeline = buildTimeline(second, observed, t('08:40:00'));
		expect(timeline.toRunningMs).toBe(20_000);
		expect(timeline.totalMs).toBe(9 * 60_000);
		expect(timeline.finished).toBe(false);
	});

	test('an earlier incarnation never ends before it began (the server\'s clock behind the watcher\'s)', () => {
		const skewed = [...observed.slice(0, 2), seen('Failed', '08:31:05'), ...observed.slice(3)];
		const timeline = buildTimeline(second, skewed, t('08:40:00'));
		expect(timeline.entries[2]).toMatchObject({phase: 'Failed', start: t('08:31:05'), end: t('08:31:05')});
	});

	test('with the job gone (404), the earlier phases alone', () => {
		const timeline = buildTimeline(undefined, observed.slice(0, 3), t('08:40:00'));
		expect(timeline.entries.map(entry => entry.phase)).toEqual(['Running', 'Completing', 'Failed']);
		expect(timeline.finished).toBe(false);
	});

	test('a third incarnation is marked too', () => {
		const third = 'c3000000-0000-4000-8000-000000000003';
		const timeline = buildTimeline(
			jobWith('Pending', undefined, raw => (raw['metadata'].uid = third)),
			[...observed, seen('Pending', '08:50:00', true, third)],
			t('08:51:00'),
		);
		expect(timeline.entries.filter(entry => entry.incarnation).map(entry => entry.incarnation)).toEqual([reborn, third]);
	});
});
