import {describe, expect, test} from 'vitest';
import type {EventInfo} from '../../source/model/cluster.js';
import {detailPaths, idleDetails, reduceDetails, type DetailsView} from '../../source/state/details-state.js';
import {keptEvents, normalizeEvents} from '../../source/model/normalize/normalize-events.js';
import {normalizePodGroup} from '../../source/model/normalize/normalize-podgroup.js';
import {normalizePods} from '../../source/model/normalize/normalize-pods.js';
import type {DetailPart, DetailResult, DetailsEvent, DetailValues} from '../../source/watch/details-poller.js';
import {jobUid, loadClusterFixture} from '../helpers/objects/cluster-fixtures.js';
import type {RawObject} from '../helpers/objects/fixtures.js';
import {status} from '../helpers/objects/api-status.js';

const t0 = Date.parse('2024-03-11T08:20:00Z');
const podList = loadClusterFixture('pods');
const pods = normalizePods(podList, jobUid);
const podGroup = normalizePodGroup(loadClusterFixture('podgroup-unschedulable'), 'x');
const runningGroup = normalizePodGroup(loadClusterFixture('podgroup-running'), 'x');
const events = normalizeEvents([loadClusterFixture('events')]);

const serverError = status(503);
const gatewayTimeout = status(504);
const forbidden = status(403, {message: 'pods is forbidden: User "dev" cannot list resource "pods"'});

function answer<P extends DetailPart>(part: P, result: DetailResult<P>, at = t0): DetailsEvent {
	return {type: 'details', part, result, at} as DetailsEvent;
}

const ok = <P extends DetailPart>(part: P, value: DetailValues[P], at = t0) => answer(part, {status: 'ok', value} as DetailResult<P>, at);

function run(events_: DetailsEvent[], from: DetailsView = idleDetails) {
	let details = from;
	let changed: readonly string[] = [];
	for (const event of events_) ({details, changed} = reduceDetails(details, event));
	return {details, changed};
}

/** The fixture's pods after `edit` on the raw list. */
function podsAfter(edit: (items: RawObject[]) => void) {
	const copy = structuredClone(podList);
	edit(copy['items'] as RawObject[]);
	return normalizePods(copy, jobUid);
}

describe('answers', () => {
	test('the first answer is shown and nothing flashes (nothing to compare with)', () => {
		const {details, changed} = run([ok('pods', pods)]);
		expect(details.pods).toEqual({status: 'ok', value: pods, at: t0});
		expect(details.podGroup).toEqual({status: 'idle'});
		expect(changed).toEqual([]);
	});

	test('the same answer again, even as new objects, changes nothing: the same object (nothing to redraw)', () => {
		const first = run([ok('pods', pods), ok('podGroup', podGroup), ok('events', events)]).details;
		const again = [ok('pods', structuredClone(pods), t0 + 10_000), ok('podGroup', structuredClone(podGroup), t0 + 10_000), ok('events', structuredClone(events), t0 + 10_000)];
		for (const event of again) {
			const {details, changed} = reduceDetails(first, event);
			expect(details).toBe(first);
			expect(changed).toEqual([]);
		}
	});

	test('every part is kept apart', () => {
		const {details} = run([ok('pods', pods), ok('podGroup', podGroup), answer('events', {status: 'refused', error: forbidden, retryAt: t0 + 60_000})]);
		expect([details.pods.status, details.podGroup.status, details.events.status]).toEqual(['ok', 'ok', 'refused']);
	});
});

describe('what flashes', () => {
	const shown = run([ok('pods', pods), ok('podGroup', podGroup), ok('events', events)]).details;

	test('a pod that changed phase, and a pod that is new; not the others', () => {
		const next = podsAfter(items => {
			items[1]!['status'].phase = 'Running';
			items.push({...structuredClone(items[0]!), metadata: {...items[0]!['metadata'], name: 'mpi-allreduce-mpiworker-5', uid: 'new'}});
		});
		const {changed} = reduceDetails(shown, ok('pods', next, t0 + 10_000));
		expect(changed.toSorted()).toEqual([detailPaths.pod('mpi-allreduce-mpiworker-0'), detailPaths.pod('mpi-allreduce-mpiworker-5')]);
	});

	test.each<[string, (items: RawObject[]) => void]>([
		['one more restart', items => (items[2]!['status'].containerStatuses[0].restartCount = 5)],
		['ready again', items => (items[2]!['status'].containerStatuses[0].ready = true)],
		['another problem', items => (items[1]!['status'].containerStatuses[0].state.waiting.reason = 'ErrImagePull')],
		['going (deletionTimestamp set)', items => (items[0]!['metadata'].deletionTimestamp = '2024-03-11T08:21:00Z')],
	])('a pod flashes on %s', (_title, edit) => {
		const {details, changed} = reduceDetails(shown, ok('pods', podsAfter(edit), t0 + 10_000));
		expect(changed).toHaveLength(1);
		expect(details).not.toBe(shown);
	});

	test('a pod that went away changes the list without anything to flash', () => {
		const {details, changed} = reduceDetails(shown, ok('pods', podsAfter(items => items.splice(1, 1)), t0 + 10_000));
		expect(changed).toEqual([]);
		expect(details.pods.status === 'ok' && details.pods.value).toHaveLength(4);
	});

	test('the PodGroup\'s phase and message, each on its own', () => {
		const {changed} = reduceDetails(shown, ok('podGroup', runningGroup, t0 + 10_000));
		expect(changed).toEqual([detailPaths.podGroupPhase, detailPaths.podGroupMessage]);
		const messageOnly = {...podGroup, message: '1/3 tasks in gang unschedulable: pod group is not ready, 1 Pending, 3 minAvailable'};
		expect(reduceDetails(shown, ok('podGroup', messageOnly, t0 + 10_000)).changed).toEqual([detailPaths.podGroupMessage]);
	});

	test('a PodGroup change that shows nowhere in the compact view (a condition time) updates without a flash', () => {
		const moved = {...podGroup, conditions: podGroup.conditions.map(condition => ({...condition, at: '2024-03-11T08:10:00Z'}))};
		const {details, changed} = reduceDetails(shown, ok('podGroup', moved, t0 + 10_000));
		expect(changed).toEqual([]);
		expect(details.podGroup).toMatchObject({status: 'ok', value: moved});
	});

	test('new events and events that happened again flash; the rest do not', () => {
		const raw = structuredClone(loadClusterFixture('events'));
		raw['items'][5].count = 18;
		raw['items'].push({...raw['items'][0], metadata: {uid: 'new'}, reason: 'FailedCreate', message: 'quota exceeded', lastTimestamp: '2024-03-11T08:20:00Z'});
		const {changed} = reduceDetails(shown, ok('events', normalizeEvents([raw]), t0 + 10_000));
		expect(changed).toEqual([
			detailPaths.event(`Pod/mpi-allreduce-mpiworker-0/BackOff/Back-off pulling image "swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.29"`),
			detailPaths.event('Job/mpi-allreduce/FailedCreate/quota exceeded'),
		]);
	});
});

describe('events kept across answers', () => {
	const rawEvents = loadClusterFixture('events')['items'] as RawObject[];
	/** The fixture's events of the objects named, as one answer of the details loop (unfiltered: the earlier job's PodGroupPending×3 too). */
	const answerFor = (...names: string[]) => normalizeEvents([{items: rawEvents.filter(item => names.includes(item['involvedObject'].name))}]);
	const job = 'mpi-allreduce';
	const worker0 = 'mpi-allreduce-mpiworker-0';
	const worker2 = 'mpi-allreduce-mpiworker-2';
	const shownEvents = (details: DetailsView) => (details.events.status === 'ok' || details.events.status === 'error' ? details.events.value : undefined);
	const lines = (details: DetailsView) => shownEvents(details)?.map(event => `${event.name.replace('mpi-allreduce', '…')} ${event.reason}×${event.count}`);

	test('the events of a pod that recovered (no longer asked about) stay', () => {
		const {details} = run([ok('events', answerFor(job, worker0)), ok('events', answerFor(job), t0 + 10_000)]);
		expect(lines(details)).toEqual(['…-mpiworker-0 BackOff×17', '…-mpiworker-0 Failed×4', '… PodGroupPending×9', '… ExecuteAction×1', '… PodGroupPending×3']);
	});

	test('newest first with the new ones among them; only the new ones flash', () => {
		const {details, changed} = run([ok('events', answerFor(job, worker0)), ok('events', answerFor(job, worker2), t0 + 10_000)]);
		expect(lines(details)).toEqual([
			'…-mpiworker-0 BackOff×17',
			'…-mpiworker-2 Evicted×1',
			'…-mpiworker-0 Failed×4',
			'… PodGroupPending×9',
			'… ExecuteAction×1',
			'… PodGroupPending×3',
		]);
		expect(changed).toEqual([detailPaths.event(shownEvents(details)![1]!.key)]);
	});

	test('an event that happened again (count rose) replaces its older copy, and flashes', () => {
		const first = answerFor(job, worker0);
		const again = first.map(event => (event.reason === 'BackOff' ? {...event, count: 18, last: event.last! + 30_000} : event));
		const {details, changed} = run([ok('events', first), ok('events', again, t0 + 10_000)]);
		expect(lines(details)?.filter(line => line.includes('BackOff'))).toEqual(['…-mpiworker-0 BackOff×18']);
		expect(shownEvents(details)).toHaveLength(first.length);
		expect(changed).toEqual([detailPaths.event(first.find(event => event.reason === 'BackOff')!.key)]);
	});

	test('the same answer once the pod recovered changes nothing: the same object', () => {
		const shown = run([ok('events', answerFor(job, worker0)), ok('events', answerFor(job), t0 + 10_000)]).details;
		const again = reduceDetails(shown, ok('events', answerFor(job), t0 + 20_000));
		expect(again.details).toBe(shown);
		expect(again.changed).toEqual([]);
	});

	test(`capped at the newest ${keptEvents}`, () => {
		const event = (index: number): EventInfo => ({key: `Pod/p/R${index}/m`, type: 'Normal', reason: `R${index}`, message: 'm', kind: 'Pod', name: 'p', count: 1, last: t0 + index});
		const answers = [0, 1, 2].map(batch => ok('events', Array.from({length: 50}, (_, index) => event(batch * 50 + index)).reverse(), t0 + batch));
		const kept = shownEvents(run(answers).details)!;
		expect(kept).toHaveLength(keptEvents);
		expect(kept[0]?.reason).toBe('R149');
		expect(kept.at(-1)?.reason).toBe(`R${150 - keptEvents}`);
	});

	test('a reset forgets them: the events of another object start from its own answer', () => {
		const shown = run([ok('events', answerFor(job, worker0))]).details;
		const after = run([{type: 'details-reset', at: t0 + 1000}, ok('events', answerFor(job), t0 + 2000)], shown);
		expect(lines(after.details)).toEqual(['… PodGroupPending×9', '… ExecuteAction×1', '… PodGroupPending×3']);
		expect(after.changed).toEqual([]);
	});

	test('an error keeps them on screen; a refusal keeps them out of sight, for the answer after it', () => {
		const shown = run([ok('events', answerFor(job, worker0))]).details;
		const failed = reduceDetails(shown, answer('events', {status: 'error', error: serverError, retryAt: t0 + 20_000}, t0 + 10_000)).details;
		expect(lines(reduceDetails(failed, ok('events', answerFor(job), t0 + 20_000)).details)).toHaveLength(5);
		const refused = reduceDetails(shown, answer('events', {status: 'refused', error: forbidden, retryAt: t0 + 60_000}, t0 + 10_000)).details;
		expect(refused.events).toMatchObject({status: 'refused', error: forbidden});
		expect(lines(reduceDetails(refused, ok('events', answerFor(job), t0 + 70_000)).details)).toHaveLength(5);
	});
});

describe('failures', () => {
	const shown = run([ok('pods', pods)]).details;

	test('an error keeps the last good value on screen, marked stale', () => {
		const {details, changed} = reduceDetails(shown, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 20_000}, t0 + 10_000));
		expect(details.pods).toEqual({status: 'error', error: serverError, at: t0 + 10_000, value: pods});
		expect(changed).toEqual([]);
	});

	test('the same error again changes nothing; another error is shown, the value still kept', () => {
		const failed = reduceDetails(shown, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 20_000}, t0 + 10_000)).details;
		expect(reduceDetails(failed, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 40_000}, t0 + 20_000)).details).toBe(failed);
		const other = reduceDetails(failed, answer('pods', {status: 'error', error: gatewayTimeout, retryAt: t0 + 40_000}, t0 + 20_000)).details;
		expect(other.pods).toMatchObject({status: 'error', error: gatewayTimeout, value: pods});
	});

	test('an error before any answer has no value to keep', () => {
		const {details} = run([answer('pods', {status: 'error', error: serverError, retryAt: t0 + 20_000})]);
		expect(details.pods).toEqual({status: 'error', error: serverError, at: t0});
	});

	test('the same value after an error clears the staleness without flashing', () => {
		const failed = reduceDetails(shown, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 20_000}, t0 + 10_000)).details;
		const {details, changed} = reduceDetails(failed, ok('pods', structuredClone(pods), t0 + 20_000));
		expect(details.pods).toEqual({status: 'ok', value: pods, at: t0 + 20_000});
		expect(changed).toEqual([]);
	});

	test('a change that arrives after an error flashes against the stale value', () => {
		const failed = reduceDetails(shown, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 20_000}, t0 + 10_000)).details;
		const next = podsAfter(items => (items[2]!['status'].containerStatuses[0].restartCount = 5));
		expect(reduceDetails(failed, ok('pods', next, t0 + 20_000)).changed).toEqual([detailPaths.pod('mpi-allreduce-mpiworker-1')]);
	});

	test('refused (403): the error is shown instead of the value; the same refusal again changes nothing', () => {
		const refused = reduceDetails(shown, answer('pods', {status: 'refused', error: forbidden, retryAt: t0 + 60_000}, t0 + 10_000)).details;
		expect(refused.pods).toEqual({status: 'refused', error: forbidden, at: t0 + 10_000});
		expect(reduceDetails(refused, answer('pods', {status: 'refused', error: forbidden, retryAt: t0 + 120_000}, t0 + 60_000)).details).toBe(refused);
	});

	test('no PodGroup (yet): absent, once', () => {
		const absent = run([answer('podGroup', {status: 'absent'})]).details;
		expect(absent.podGroup).toEqual({status: 'absent', at: t0});
		expect(reduceDetails(absent, answer('podGroup', {status: 'absent'}, t0 + 10_000)).details).toBe(absent);
		const found = reduceDetails(absent, ok('podGroup', podGroup, t0 + 20_000));
		expect(found.details.podGroup).toEqual({status: 'ok', value: podGroup, at: t0 + 20_000});
		expect(found.changed).toEqual([]);
	});
});

describe('reset', () => {
	test('back to idle: what was shown belongs to another object', () => {
		const shown = run([ok('pods', pods), ok('podGroup', podGroup), ok('events', events)]).details;
		const {details, changed} = reduceDetails(shown, {type: 'details-reset', at: t0 + 1000});
		expect(details).toBe(idleDetails);
		expect(changed).toEqual([]);
	});

	test('a reset of idle details is no change', () => {
		expect(reduceDetails(idleDetails, {type: 'details-reset', at: t0}).details).toBe(idleDetails);
	});

	test('the details given are not modified', () => {
		const shown = run([ok('pods', pods), ok('podGroup', podGroup)]).details;
		const snapshot = structuredClone(shown);
		reduceDetails(shown, ok('podGroup', runningGroup, t0 + 1000));
		reduceDetails(shown, answer('pods', {status: 'error', error: serverError, retryAt: t0 + 2000}, t0 + 1000));
		reduceDetails(shown, {type: 'details-reset', at: t0 + 1000});
		expect(shown).toEqual(snapshot);
	});
});
