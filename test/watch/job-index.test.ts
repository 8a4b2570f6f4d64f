import {describe, expect, test} from 'vitest';
import {jobPaths} from '../../source/model/diff-job.js';
import {createJobIndex, type Normalize} from '../../source/watch/job-index.js';
import {normalizeJobSummary} from '../../source/model/normalize/normalize-job.js';
import {namespace, rawJob, type RawSpec} from '../helpers/objects/namespace-jobs.js';

/** The index with a normaliser that counts the jobs it reads. */
function counted() {
	const read: string[] = [];
	const normalize: Normalize = (raw, fallback) => {
		const job = normalizeJobSummary(raw, fallback);
		read.push(job.name);
		return job;
	};

	return {index: createJobIndex({namespace, normalize}), read};
}

const fleet = (count: number, change?: (spec: RawSpec) => RawSpec) =>
	Array.from({length: count}, (_, index) => {
		const spec: RawSpec = {name: `train-${String(index).padStart(4, '0')}`, rv: String(1000 + index)};
		return rawJob(change ? change(spec) : spec);
	});

describe('createJobIndex', () => {
	test('the first listing adds every job; the same listing again reads none and reports none', () => {
		const {index, read} = counted();
		const first = index.reconcile(fleet(3));
		expect(first.map(delta => [delta.kind, delta.job.name])).toEqual([
			['added', 'train-0000'],
			['added', 'train-0001'],
			['added', 'train-0002'],
		]);
		expect(index.reconcile(fleet(3))).toEqual([]);
		expect(read).toHaveLength(3);
		expect(index.size).toBe(3);
	});

	test('1,000 jobs, one changes: one job is normalised and diffed, one delta with old and new values', () => {
		const {index, read} = counted();
		index.reconcile(fleet(1000));
		expect(read).toHaveLength(1000);
		read.length = 0;
		const next = fleet(1000, spec => (spec.name === 'train-0427' ? {...spec, rv: '5000', phase: 'Failed', running: 0, failed: 1} : spec));
		const deltas = index.reconcile(next);
		expect(read).toEqual(['train-0427']);
		expect(deltas).toHaveLength(1);
		const [delta] = deltas;
		expect(delta).toMatchObject({kind: 'modified', job: {name: 'train-0427', phase: 'Failed', resourceVersion: '5000'}, previous: {phase: 'Running'}});
		expect(delta?.kind === 'modified' && delta.changes).toEqual([
			{path: jobPaths.phase, label: 'phase', old: 'Running', new: 'Failed'},
			{path: jobPaths.counter('running'), label: 'running', old: 2, new: 0, direction: 'down'},
			{path: jobPaths.counter('failed'), label: 'failed', old: 0, new: 1, direction: 'up'},
		]);
	});

	test('a new resourceVersion that changes nothing the table shows is read, but is not a change', () => {
		const {index, read} = counted();
		index.reconcile([rawJob({name: 'a', rv: '1'})]);
		const touched = rawJob({name: 'a', rv: '2'});
		(touched['metadata'] as Record<string, unknown>)['annotations'] = {note: 'written by a controller'};
		expect(index.reconcile([touched])).toEqual([]);
		expect(read).toEqual(['a', 'a']);
		// Its version is now known: the next identical listing reads nothing.
		index.reconcile([touched]);
		expect(read).toHaveLength(2);
	});

	test('a job missing from the listing is deleted; one created again under its name is a new job', () => {
		const {index} = counted();
		index.reconcile([rawJob({name: 'a'}), rawJob({name: 'b'})]);
		const deltas = index.reconcile([rawJob({name: 'a', uid: 'new-uid'})]);
		expect(deltas.map(delta => [delta.kind, delta.job.name, delta.job.uid])).toEqual([
			['added', 'a', 'new-uid'],
			['deleted', 'a', 'uid-a'],
			['deleted', 'b', 'uid-b'],
		]);
		// A list does not carry the last state of what is gone.
		expect(deltas[1]).not.toHaveProperty('raw');
	});

	test('watch events: ADDED, MODIFIED (only when something shown changed), DELETED with the last object', () => {
		const {index, read} = counted();
		expect(index.apply('ADDED', rawJob({name: 'a', rv: '1'}))).toMatchObject({kind: 'added'});
		expect(index.apply('MODIFIED', rawJob({name: 'a', rv: '1'}))).toBeUndefined();
		expect(read).toHaveLength(1);
		expect(index.apply('MODIFIED', rawJob({name: 'a', rv: '2', running: 1, pending: 1}))).toMatchObject({
			kind: 'modified',
			changes: [{path: jobPaths.counter('pending'), old: 0, new: 1}, {path: jobPaths.counter('running'), old: 2, new: 1}],
		});
		const last = rawJob({name: 'a', rv: '3', running: 1, pending: 1});
		expect(index.apply('DELETED', last)).toEqual({kind: 'deleted', job: expect.objectContaining({name: 'a', resourceVersion: '2'}), raw: last});
		expect(index.apply('DELETED', last)).toBeUndefined();
		expect(index.size).toBe(0);
	});

	test('objects that are not jobs are skipped; a job without a uid is known by its name', () => {
		const {index} = counted();
		const noUid = rawJob({name: 'plain'});
		delete (noUid['metadata'] as Record<string, unknown>)['uid'];
		const deltas = index.reconcile([null, 'text', {metadata: {}}, noUid]);
		expect(deltas.map(delta => delta.job.name)).toEqual(['plain']);
		expect(index.reconcile([noUid])).toEqual([]);
	});

	test('what the server names a job is sanitised before it reaches a table', () => {
		const {index} = counted();
		const [delta] = index.reconcile([rawJob({name: 'evil\u001B]0;owned\u0007-job', queue: 'q\u202Eeueq'})]);
		expect(delta!.job.name).toBe('evil-job');
		expect(delta!.job.queue).toBe('qeueq');
	});
});
