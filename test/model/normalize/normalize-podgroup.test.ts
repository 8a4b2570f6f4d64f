import {describe, expect, test} from 'vitest';
import {normalizePodGroup} from '../../../source/model/normalize/normalize-podgroup.js';
import {describeValue, gangMessage, garbage, loadClusterFixture, podGroupName, podGroupUid} from '../../helpers/objects/cluster-fixtures.js';
import {edited, unsafeStrings, type RawObject} from '../../helpers/objects/fixtures.js';

const unschedulable = loadClusterFixture('podgroup-unschedulable');
const running = loadClusterFixture('podgroup-running');

function withConditions(conditions: unknown): RawObject {
	return edited(unschedulable, raw => {
		raw['status'].conditions = conditions;
	});
}

const scheduled = {type: 'Scheduled', status: 'True', reason: 'tasks in gang are ready to be scheduled', lastTransitionTime: '2024-03-11T08:05:20Z'};
const gang = {type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: gangMessage, lastTransitionTime: '2024-03-11T08:04:55Z'};

describe('a PodGroup the scheduler cannot place', () => {
	test('phase, minMember, queue and the scheduler\'s explanation', () => {
		expect(normalizePodGroup(unschedulable, 'unused')).toEqual({
			name: podGroupName,
			uid: podGroupUid,
			phase: 'Inqueue',
			minMember: 3,
			queue: 'default',
			conditions: [{type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: gangMessage, at: '2024-03-11T08:04:55Z'}],
			reason: 'NotEnoughResources',
			message: gangMessage,
		});
	});

	test('the latest Unschedulable explains, even when another condition is newer but not active', () => {
		const group = normalizePodGroup(withConditions([gang, {...scheduled, status: 'False', lastTransitionTime: '2024-03-11T08:06:00Z'}]), 'x');
		expect([group.reason, group.message]).toEqual(['NotEnoughResources', gangMessage]);
	});

	test('an Unschedulable written again after Scheduled (pods lost, gang short again) explains', () => {
		const again = {...gang, message: '1/3 tasks in gang unschedulable: pod group is not ready, 1 Pending, 3 minAvailable', lastTransitionTime: '2024-03-11T08:30:00Z'};
		const group = normalizePodGroup(withConditions([scheduled, again]), 'x');
		expect(group.message).toBe(again.message);
		expect(group.reason).toBe('NotEnoughResources');
	});
});

describe('a PodGroup the scheduler has placed', () => {
	// Volcano's scheduler keeps one condition per type: the old Unschedulable (True) stays beside the newer
	// Scheduled. Its message is history, not why the job waits.
	test('the stale Unschedulable beside a newer Scheduled does not explain the Running PodGroup', () => {
		const group = normalizePodGroup(running, 'unused');
		expect(group.phase).toBe('Running');
		expect(group.reason).toBe('tasks in gang are ready to be scheduled');
		expect(group.message).toBeUndefined();
	});

	test('both conditions stay listed, oldest first, for the full view', () => {
		expect(normalizePodGroup(running, 'unused').conditions.map(condition => [condition.type, condition.at])).toEqual([
			['Unschedulable', '2024-03-11T08:04:55Z'],
			['Scheduled', '2024-03-11T08:05:20Z'],
		]);
	});
});

describe('conditions', () => {
	test('sorted by time whatever order they are sent in', () => {
		const group = normalizePodGroup(withConditions([scheduled, gang]), 'x');
		expect(group.conditions.map(condition => condition.type)).toEqual(['Unschedulable', 'Scheduled']);
		expect(group.reason).toBe('tasks in gang are ready to be scheduled');
	});

	test('a condition with no or an unreadable time counts as the oldest', () => {
		const undated = {type: 'Unschedulable', status: 'True', message: 'undated'};
		const garbled = {type: 'Unschedulable', status: 'True', message: 'garbled', lastTransitionTime: 'yesterday'};
		const group = normalizePodGroup(withConditions([gang, undated, garbled]), 'x');
		expect(group.conditions.map(condition => condition.message)).toEqual(['undated', 'garbled', gangMessage]);
		expect(group.message).toBe(gangMessage);
	});

	test('with nothing active, the latest condition still says something', () => {
		const group = normalizePodGroup(withConditions([{...gang, status: 'False'}, {...scheduled, status: 'False'}]), 'x');
		expect(group.reason).toBe('tasks in gang are ready to be scheduled');
	});

	test('at most five, the newest kept', () => {
		const many = Array.from({length: 8}, (_, index) => ({
			type: 'Unschedulable',
			status: 'True',
			message: `attempt ${index}`,
			lastTransitionTime: `2024-03-11T08:0${index}:00Z`,
		}));
		const group = normalizePodGroup(withConditions(many.toReversed()), 'x');
		expect(group.conditions.map(condition => condition.message)).toEqual(['attempt 3', 'attempt 4', 'attempt 5', 'attempt 6', 'attempt 7']);
		expect(group.message).toBe('attempt 7');
	});

	test('entries that are not conditions, or have no type, are skipped', () => {
		const group = normalizePodGroup(withConditions([null, 7, 'Unschedulable', [], {status: 'True', message: 'no type'}, {type: '', status: 'True'}, gang]), 'x');
		expect(group.conditions).toHaveLength(1);
		expect(group.message).toBe(gangMessage);
	});

	test('a condition without status, reason or message keeps only what it has', () => {
		const group = normalizePodGroup(withConditions([{type: 'Unschedulable'}]), 'x');
		expect(group.conditions).toEqual([{type: 'Unschedulable', status: ''}]);
		expect(group).not.toHaveProperty('reason');
		expect(group).not.toHaveProperty('message');
	});
});

describe('missing and odd fields', () => {
	test('a PodGroup without status has no phase yet and no explanation', () => {
		const fresh = edited(unschedulable, raw => delete raw['status']);
		const group = normalizePodGroup(fresh, 'x');
		expect(group.phase).toBe('');
		expect(group.conditions).toEqual([]);
		expect(group.reason).toBeUndefined();
	});

	test('minMember as a string is read; absent minMember and queue are left out', () => {
		expect(normalizePodGroup(edited(unschedulable, raw => (raw['spec'].minMember = '3')), 'x').minMember).toBe(3);
		const bare = normalizePodGroup(edited(unschedulable, raw => (raw['spec'] = {})), 'x');
		expect(bare).not.toHaveProperty('minMember');
		expect(bare).not.toHaveProperty('queue');
	});

	test('without metadata.name the name it was fetched under is shown', () => {
		const group = normalizePodGroup(edited(unschedulable, raw => delete raw['metadata'].name), 'mpi-allreduce');
		expect(group.name).toBe('mpi-allreduce');
	});

	test.each(garbage.map(value => [describeValue(value), value]))('garbage %s does not throw and reads as an empty PodGroup', (_label, value) => {
		const group = normalizePodGroup(value, 'mpi-allreduce');
		expect(group).toMatchObject({name: 'mpi-allreduce', phase: '', conditions: []});
	});

	test('garbage in every field does not throw', () => {
		const group = normalizePodGroup({metadata: [], spec: 'x', status: {phase: {}, conditions: {type: 'Unschedulable'}}}, 'pg');
		expect(group).toEqual({name: 'pg', phase: '', conditions: []});
	});
});

describe('hostile strings', () => {
	const hostile = loadClusterFixture('hostile')['podGroup'];
	const group = normalizePodGroup(hostile, 'fallback\u001B]0;title\u0007');

	test('nothing a terminal would act on, and nothing that reorders or hides text, survives', () => {
		expect(unsafeStrings(group)).toEqual([]);
		expect(unsafeStrings(normalizePodGroup({}, 'fallback\u001B]0;title\u0007\u202E'))).toEqual([]);
	});

	test('the readable text around the sequences is kept, on one line', () => {
		expect(group.phase).toBe('Inqueue');
		expect(group.name).toBe('pg-x');
		expect(group.queue).toBe('queueeviltxt.exe');
		expect(group.message).toBe('2/2 tasks in gang unschedulable: pod group is not readyclick me, 2 Pending, 2 minAvailableeviltxt.exe second line');
		expect(group.conditions[0]?.type).toBe('Unschedulable');
	});
});
