import {describe, expect, test} from 'vitest';
import type {EventInfo} from '../../../source/model/cluster.js';
import {keptEvents, mergeEvents, newEvents, normalizeEvents} from '../../../source/model/normalize/normalize-events.js';
import {describeValue, earlierUid, gangMessage, garbage, jobUid, loadClusterFixture, podGroupName, podGroupUid} from '../../helpers/objects/cluster-fixtures.js';
import {unsafeStrings, type RawObject} from '../../helpers/objects/fixtures.js';

const list = loadClusterFixture('events');
const podUids = ['a1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000004'];
const filter = {uids: new Set([jobUid, podGroupUid, ...podUids])};
const badImage = 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.29';
const at = (time: string) => Date.parse(time);

/** The items of the fixture whose involvedObject has this name, as a fieldSelector answer. */
function listFor(name: string): RawObject {
	return {...list, items: (list['items'] as RawObject[]).filter(item => item['involvedObject'].name === name)};
}

/** A core/v1 Event with the fields that matter here. */
function event(uid: string, fields: RawObject = {}): RawObject {
	return {
		metadata: {uid, name: `mpi-allreduce.${uid}`},
		involvedObject: {kind: 'Job', name: 'mpi-allreduce', uid: jobUid},
		reason: 'PodGroupPending',
		message: 'waiting',
		type: 'Warning',
		count: 1,
		firstTimestamp: '2024-03-11T08:00:00Z',
		lastTimestamp: '2024-03-11T08:00:00Z',
		...fields,
	};
}

describe('the events of a job waiting for its gang', () => {
	const events = normalizeEvents([list], filter);

	test('newest first; the earlier incarnation\'s events (same names, other uids) left out', () => {
		expect(events.map(info => [info.kind, info.name.replace('mpi-allreduce', '…'), info.reason, info.count])).toEqual([
			['Pod', '…-mpiworker-1', 'BackOff', 6],
			['Pod', '…-mpiworker-0', 'BackOff', 17],
			['Pod', '…-mpiworker-2', 'Evicted', 1],
			['Pod', '…-mpiworker-0', 'Failed', 4],
			['PodGroup', `…-${jobUid}`, 'Scheduled', 1],
			['PodGroup', `…-${jobUid}`, 'Unschedulable', 25],
			['Job', '…', 'PodGroupPending', 9],
			['Job', '…', 'ExecuteAction', 1],
		]);
	});

	test('a classic event: type, reason, message, count, first and last as times', () => {
		expect(events.find(info => info.reason === 'Unschedulable')).toEqual({
			key: `PodGroup/${podGroupName}/Unschedulable/${gangMessage}`,
			type: 'Warning',
			reason: 'Unschedulable',
			message: gangMessage,
			kind: 'PodGroup',
			name: podGroupName,
			count: 25,
			first: at('2024-03-11T08:00:05Z'),
			last: at('2024-03-11T08:04:55Z'),
		});
	});

	test('a newer reporter\'s event: series count and lastObservedTime, eventTime as first (microseconds read)', () => {
		const backOff = events[0]!;
		expect(backOff).toMatchObject({type: 'Warning', count: 6, first: at('2024-03-11T08:08:02.123Z'), last: at('2024-03-11T08:10:12.654Z')});
		expect(backOff.message).toBe('Back-off restarting failed container mpiworker in pod mpi-allreduce-mpiworker-1_cci-namespace-42263891(a1000000-0000-4000-8000-000000000003)');
	});

	test('the image pull failure keeps the image and the registry\'s words', () => {
		expect(events.find(info => info.reason === 'Failed')?.message).toBe(
			`Failed to pull image "${badImage}": rpc error: code = NotFound desc = failed to pull and unpack image "${badImage}": not found`,
		);
	});

	test('without a filter, everything the lists hold is shown', () => {
		const all = normalizeEvents([list]);
		expect(all).toHaveLength(10);
		expect(all.at(-1)).toMatchObject({reason: 'PodGroupPending', message: expect.stringContaining(earlierUid) as string});
	});
});

describe('lists and folding', () => {
	test('one request per name: the lists together read as one, newest first', () => {
		const names = ['mpi-allreduce', podGroupName, 'mpi-allreduce-mpiworker-0'];
		const merged = normalizeEvents(names.map(name => listFor(name)), filter);
		expect(merged.map(info => info.reason)).toEqual(['BackOff', 'Failed', 'Scheduled', 'Unschedulable', 'PodGroupPending', 'ExecuteAction']);
	});

	test('the same event in two lists (the PodGroup named like the job before Volcano 1.6) is counted once', () => {
		const once = normalizeEvents([listFor('mpi-allreduce')], filter);
		const twice = normalizeEvents([listFor('mpi-allreduce'), listFor('mpi-allreduce')], filter);
		expect(twice).toEqual(once);
	});

	test('repeats of the same thing on the same object fold into one line: counts add, first earliest, last latest', () => {
		const folded = normalizeEvents([
			{
				items: [
					event('e1', {count: 3, firstTimestamp: '2024-03-11T08:01:00Z', lastTimestamp: '2024-03-11T08:02:00Z'}),
					event('e2', {count: 2, firstTimestamp: '2024-03-11T08:00:00Z', lastTimestamp: '2024-03-11T08:05:00Z'}),
					event('e3', {count: 4, firstTimestamp: '2024-03-11T08:03:00Z', lastTimestamp: '2024-03-11T08:04:00Z'}),
				],
			},
		]);
		expect(folded).toHaveLength(1);
		expect(folded[0]).toMatchObject({count: 9, first: at('2024-03-11T08:00:00Z'), last: at('2024-03-11T08:05:00Z')});
	});

	test('a fold takes a time from a repeat when the first had none', () => {
		const folded = normalizeEvents([{items: [event('e1', {firstTimestamp: null, lastTimestamp: null}), event('e2', {lastTimestamp: '2024-03-11T08:09:00Z'})]}]);
		expect(folded[0]).toMatchObject({count: 2, first: at('2024-03-11T08:00:00Z'), last: at('2024-03-11T08:09:00Z')});
	});

	test('another message, reason or object is another line', () => {
		const lines = normalizeEvents([
			{
				items: [
					event('e1'),
					event('e2', {message: 'other'}),
					event('e3', {reason: 'ExecuteAction'}),
					event('e4', {involvedObject: {kind: 'Pod', name: 'mpi-allreduce', uid: jobUid}}),
				],
			},
		]);
		expect(lines).toHaveLength(4);
	});

	test('an event without an object uid is kept by the filter (it matched by name)', () => {
		const noUid = event('e1', {involvedObject: {kind: 'Job', name: 'mpi-allreduce'}});
		const otherUid = event('e2', {message: 'old', involvedObject: {kind: 'Job', name: 'mpi-allreduce', uid: earlierUid}});
		expect(normalizeEvents([{items: [noUid, otherUid]}], {uids: new Set([jobUid])}).map(info => info.message)).toEqual(['waiting']);
	});

	test('events.k8s.io/v1 shape: regarding and note', () => {
		const modern = {
			metadata: {uid: 'm1', creationTimestamp: '2024-03-11T08:00:00Z'},
			regarding: {kind: 'Pod', name: 'mpi-allreduce-mpiworker-0', uid: podUids[0]},
			reason: 'Failed',
			note: 'Error: ErrImagePull',
			type: 'Warning',
			eventTime: '2024-03-11T08:05:31.000001Z',
			series: {count: 3, lastObservedTime: '2024-03-11T08:06:31.000001Z'},
		};
		expect(normalizeEvents([{items: [modern]}], filter)).toEqual([
			{
				key: 'Pod/mpi-allreduce-mpiworker-0/Failed/Error: ErrImagePull',
				type: 'Warning',
				reason: 'Failed',
				message: 'Error: ErrImagePull',
				kind: 'Pod',
				name: 'mpi-allreduce-mpiworker-0',
				count: 3,
				first: at('2024-03-11T08:05:31.000Z'),
				last: at('2024-03-11T08:06:31.000Z'),
			},
		]);
	});

	test('time falls back to eventTime, then creationTimestamp; an event with no time sorts last', () => {
		const onlyCreated = event('e1', {reason: 'A', firstTimestamp: null, lastTimestamp: null, metadata: {uid: 'e1', creationTimestamp: '2024-03-11T08:07:00Z'}});
		const onlyEventTime = event('e2', {reason: 'B', firstTimestamp: null, lastTimestamp: null, eventTime: '2024-03-11T08:06:00.5Z'});
		const timeless = event('e3', {reason: 'C', firstTimestamp: 'soon', lastTimestamp: 42});
		const events = normalizeEvents([{items: [timeless, onlyEventTime, onlyCreated]}]);
		expect(events.map(info => [info.reason, info.first, info.last])).toEqual([
			['A', at('2024-03-11T08:07:00Z'), at('2024-03-11T08:07:00Z')],
			['B', at('2024-03-11T08:06:00.5Z'), at('2024-03-11T08:06:00.5Z')],
			['C', undefined, undefined],
		]);
		expect(events[2]).not.toHaveProperty('first');
	});

	test('a count that is absent, zero or garbage reads as one; a numeric string is read', () => {
		const counts = normalizeEvents([
			{items: [event('e1', {reason: 'A'}), event('e2', {reason: 'B', count: 0}), event('e3', {reason: 'C', count: 'many'}), event('e4', {reason: 'D', count: '3'})]},
		]).map(info => [info.reason, info.count]);
		expect(counts.toSorted()).toEqual([['A', 1], ['B', 1], ['C', 1], ['D', 3]]);
		const absent = event('e5');
		delete absent['count'];
		expect(normalizeEvents([{items: [absent]}])[0]?.count).toBe(1);
	});

	test('an event without type is Normal', () => {
		const untyped = event('e1');
		delete untyped['type'];
		expect(normalizeEvents([{items: [untyped]}])[0]?.type).toBe('Normal');
	});
});

describe('newEvents: what to print as new', () => {
	const info = (key: string, count: number, last: number): EventInfo => ({key, type: 'Normal', reason: key, message: '', kind: 'Pod', name: 'p', count, last});

	test('events not seen before and events that happened again, oldest first', () => {
		const previous = [info('b', 2, 20), info('a', 1, 10)];
		const next = [info('c', 1, 40), info('b', 3, 30), info('a', 1, 10)];
		expect(newEvents(previous, next).map(event => event.key)).toEqual(['b', 'c']);
	});

	test('nothing new when nothing moved; a count that went down (an event expired) is not news', () => {
		const events = [info('b', 2, 20), info('a', 1, 10)];
		expect(newEvents(events, events)).toEqual([]);
		expect(newEvents(events, [info('b', 1, 20)])).toEqual([]);
	});

	test('from nothing, everything, oldest first', () => {
		expect(newEvents([], [info('b', 1, 20), info('a', 1, 10)]).map(event => event.key)).toEqual(['a', 'b']);
	});

	test('across two polls of the fixture: one more back-off and a new failure', () => {
		const before = normalizeEvents([list], filter);
		const items = structuredClone(list['items'] as RawObject[]);
		items[5]!['count'] = 18;
		items[5]!['lastTimestamp'] = '2024-03-11T08:10:40Z';
		items.push(event('e99', {reason: 'FailedCreate', message: 'pods "mpi-allreduce-mpiworker-2" is forbidden: exceeded quota', lastTimestamp: '2024-03-11T08:11:00Z'}));
		const after = normalizeEvents([{items}], filter);
		expect(newEvents(before, after).map(event => [event.reason, event.count])).toEqual([
			['BackOff', 18],
			['FailedCreate', 1],
		]);
	});
});

describe('mergeEvents: what the events panel keeps across answers', () => {
	const info = (key: string, count: number, last: number | undefined): EventInfo => ({
		key,
		type: 'Normal',
		reason: key,
		message: '',
		kind: 'Pod',
		name: 'p',
		count,
		...(last === undefined ? {} : {last}),
	});
	const keys = (events: readonly EventInfo[]) => events.map(event => `${event.key}×${event.count}`);

	test('an event no longer in the answer (its pod recovered, no longer asked about) stays', () => {
		const known = [info('worker-0 BackOff', 17, 20), info('job Pending', 1, 10)];
		expect(keys(mergeEvents(known, [info('job Pending', 1, 10)]))).toEqual(['worker-0 BackOff×17', 'job Pending×1']);
	});

	test('newest first across both, whatever order they came in; events that say no time last', () => {
		const known = [info('b', 1, 30), info('d', 1, 10)];
		const answer = [info('a', 1, 40), info('c', 1, 20), info('none', 1, undefined)];
		expect(keys(mergeEvents(known, answer))).toEqual(['a×1', 'b×1', 'c×1', 'd×1', 'none×1']);
	});

	test('one copy per event: one that happened again (count rose) replaces its older copy; an older copy does not', () => {
		const known = [info('backoff', 5, 50)];
		expect(keys(mergeEvents(known, [info('backoff', 6, 60)]))).toEqual(['backoff×6']);
		// A stale answer (a lagging server) or a count that went down as some of the folded events expired.
		expect(mergeEvents(known, [info('backoff', 4, 40)])).toBe(known);
		expect(mergeEvents(known, [info('backoff', 3, 50)])).toBe(known);
		// Seen again after older ones expired: fewer, but later; the answer's copy is the truth now.
		expect(keys(mergeEvents(known, [info('backoff', 2, 70)]))).toEqual(['backoff×2']);
	});

	test('the same array when the answer adds nothing (nothing to redraw)', () => {
		const known = [info('b', 2, 20), info('a', 1, 10)];
		expect(mergeEvents(known, structuredClone(known))).toBe(known);
		expect(mergeEvents(known, [])).toBe(known);
	});

	test(`capped at the newest ${keptEvents}`, () => {
		const many = Array.from({length: keptEvents + 20}, (_, index) => info(`e${index}`, 1, index));
		const merged = mergeEvents(many.slice(0, 60), many.slice(60));
		expect(merged).toHaveLength(keptEvents);
		expect(merged[0]?.key).toBe(`e${keptEvents + 19}`);
		expect(merged.at(-1)?.key).toBe('e20');
		expect(mergeEvents([info('a', 1, 3), info('b', 1, 2)], [info('c', 1, 1)], 2).map(event => event.key)).toEqual(['a', 'b']);
	});

	test('the inputs are not modified', () => {
		const known = [info('b', 2, 20)];
		const answer = [info('b', 3, 30), info('a', 1, 10)];
		const snapshot = structuredClone([known, answer]);
		mergeEvents(known, answer);
		expect([known, answer]).toEqual(snapshot);
	});
});

describe('garbage and hostile strings', () => {
	// An object item is an event with every field defaulted (no uid, so no filter drops it); anything else is nothing.
	const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
	const blank: EventInfo = {key: '///', type: 'Normal', reason: '', message: '', kind: '', name: '', count: 1};

	test.each(garbage.map(value => [describeValue(value), value]))('%s as a list, or an item: a defaulted event per object item, nothing else', (_label, value) => {
		const items = isObject(value) ? (value as {items?: unknown}).items : undefined;
		const objectItems = Array.isArray(items) ? items.filter(item => isObject(item)).length : 0;
		// Items that read the same fold into one event, their counts added.
		expect(normalizeEvents([value], filter)).toEqual(objectItems > 0 ? [{...blank, count: objectItems}] : []);
		expect(normalizeEvents([{items: [value]}], filter)).toEqual(isObject(value) ? [blank] : []);
	});

	test('items that are not objects are skipped', () => {
		expect(normalizeEvents([{items: [null, 3, 'event', [], true]}])).toEqual([]);
	});

	test('fields of the wrong type read as absent', () => {
		const [info] = normalizeEvents([{items: [{metadata: [], involvedObject: 'Pod', reason: {}, message: ['x'], series: 'x', count: {}, type: 5}]}]);
		expect(info).toEqual({key: '///', type: '5', reason: '', message: '', kind: '', name: '', count: 1});
	});

	test('hostile strings come out without anything a terminal would act on', () => {
		const hostile = loadClusterFixture('hostile')['events'];
		const events = normalizeEvents([hostile]);
		expect(events).toHaveLength(2);
		expect(unsafeStrings(events)).toEqual([]);
		expect(events.find(info => info.kind === 'PodGroup')).toMatchObject({message: 'gang \\x8d unschedulable', count: 4, name: 'pg'});
		expect(events.find(info => info.kind === 'Pod')).toMatchObject({reason: 'Failed', message: 'Failed to pull imageclick me "imgeviltxt.exe": rpc errora\\x07b\\x08c d next'});
	});
});
