import {describe, expect, test} from 'vitest';
import {diffJobSummary} from '../../../source/model/diff-job.js';
import type {JobDelta} from '../../../source/watch/job-index.js';
import {changedSince, initialNamespaceState, reduceNamespace, type NamespaceAction, type NamespaceRow, type NamespaceState} from '../../../source/state/namespace-state.js';
import {createRowOrder} from '../../../source/tui/namespace/row-order.js';
import {longestName} from '../../../source/tui/namespace/jobs-table.js';
import {sortOrders, visibleRows} from '../../../source/tui/namespace/namespace-view.js';
import {added, jobsEvent, namespace, rawJob, summary, type RawSpec} from '../../helpers/objects/namespace-jobs.js';

const options = {highlightMs: 4000};
const t0 = Date.parse('2026-11-27T08:00:00Z');
const names = (list: readonly NamespaceRow[]) => list.map(row => row.job.name);

function modified(before: RawSpec, after: RawSpec): JobDelta {
	const previous = summary(before);
	const job = summary(after);
	return {kind: 'modified', job, previous, changes: diffJobSummary(previous, job), raw: rawJob(after)};
}

const deleted = (spec: RawSpec): JobDelta => ({kind: 'deleted', job: summary(spec)});

function listed(...specs: RawSpec[]): NamespaceState {
	return reduceNamespace(initialNamespaceState(namespace, t0), jobsEvent(t0, specs.map(spec => added(spec)), true), options);
}

describe('createRowOrder: the rows kept in order between frames', () => {
	test('a job whose phase changes moves to its new place in the phase order', () => {
		const order = createRowOrder();
		let state = listed({name: 'a'}, {name: 'b'}, {name: 'c', phase: 'Pending'});
		expect(names(order.rows(state, '', 'phase'))).toEqual(['c', 'a', 'b']);
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [modified({name: 'b'}, {name: 'b', rv: '2', phase: 'Failed'})]), options);
		expect(names(order.rows(state, '', 'phase'))).toEqual(['b', 'c', 'a']);
		// The row drawn is the changed one, with its highlight.
		expect(order.rows(state, '', 'phase')[0]!.job.phase).toBe('Failed');
		expect(Object.keys(order.rows(state, '', 'phase')[0]!.highlights)).not.toHaveLength(0);
	});

	test('under a filter, a new job shows only when its name holds the filter; a changed one stays', () => {
		const order = createRowOrder();
		let state = listed({name: 'train-a'}, {name: 'infer-b'}, {name: 'train-c'});
		expect(names(order.rows(state, 'TRAIN', 'changed'))).toEqual(['train-a', 'train-c']);
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [added({name: 'infer-d'}), added({name: 'train-e'})]), options);
		expect(names(order.rows(state, 'TRAIN', 'changed'))).toEqual(['train-e', 'train-a', 'train-c']);
		state = reduceNamespace(state, jobsEvent(t0 + 2000, [modified({name: 'train-c'}, {name: 'train-c', rv: '2', running: 1})]), options);
		expect(names(order.rows(state, 'TRAIN', 'changed'))).toEqual(['train-c', 'train-e', 'train-a']);
		// Without the filter, every row, in the same order sorting all of them gives.
		expect(order.rows(state, '', 'changed')).toEqual(visibleRows(state.rows, '', 'changed'));
	});

	test('a deleted job stays, marked, until its highlight ends, then leaves the list', () => {
		const order = createRowOrder();
		let state = listed({name: 'a'}, {name: 'b'});
		expect(names(order.rows(state, '', 'name'))).toEqual(['a', 'b']);
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [deleted({name: 'a'})]), options);
		expect(order.rows(state, '', 'name')[0]).toMatchObject({deletedAt: t0 + 1000});
		state = reduceNamespace(state, {type: 'tick', at: t0 + 5000}, options);
		expect(names(order.rows(state, '', 'name'))).toEqual(['b']);
	});

	test('a job deleted and created again under its name: the deleted row first, both kept', () => {
		const order = createRowOrder();
		let state = listed({name: 'a'}, {name: 'b'});
		order.rows(state, '', 'name');
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [deleted({name: 'a'}), added({name: 'a', uid: 'uid-a2'})]), options);
		const list = order.rows(state, '', 'name');
		expect(list.map(row => row.deletedAt !== undefined)).toEqual([true, false, false]);
		expect(list).toEqual(visibleRows(state.rows, '', 'name'));
	});

	test('when highlights end, the rows listed are the ones without them', () => {
		const order = createRowOrder();
		let state = listed({name: 'a'}, {name: 'b'});
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [modified({name: 'a'}, {name: 'a', rv: '2', running: 1})]), options);
		expect(Object.keys(order.rows(state, '', 'age').find(row => row.job.name === 'a')!.highlights)).not.toHaveLength(0);
		state = reduceNamespace(state, {type: 'tick', at: t0 + 5000}, options);
		const list = order.rows(state, '', 'age');
		expect(list.every(row => Object.keys(row.highlights).length === 0)).toBe(true);
		expect(list).toEqual(visibleRows(state.rows, '', 'age'));
	});

	test('a list asked for again without a change is the same list; a change gives a new one, the old one as it was', () => {
		const order = createRowOrder();
		let state = listed({name: 'a'}, {name: 'b'});
		const first = order.rows(state, '', 'name');
		expect(order.rows(state, '', 'name')).toBe(first);
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [added({name: 'c'})]), options);
		const second = order.rows(state, '', 'name');
		expect(names(first)).toEqual(['a', 'b']);
		expect(names(second)).toEqual(['a', 'b', 'c']);
	});

	test('through hundreds of changes, asked now and then as frames are drawn, it lists what sorting all of them lists', () => {
		// A fixed sequence (a small linear congruential generator): the same on every run.
		let seed = 7;
		const random = (below: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			return seed % below;
		};

		const phases = ['Running', 'Pending', 'Failed', 'Completed', 'Restarting'];
		const specs = new Map<string, RawSpec>();
		for (let index = 0; index < 60; index++) {
			const name = `job-${random(40)}-${index}`;
			specs.set(name, {name, phase: phases[random(phases.length)], created: `2026-11-2${random(8)}T00:00:00Z`});
		}

		let state = listed(...specs.values());
		// One for each order and filter, as a table keeps one of each until a key changes them.
		const orders = sortOrders.flatMap(sort => ['', 'job-1'].map(filter => ({sort, filter, order: createRowOrder()})));
		let at = t0;
		let rv = 100;
		for (let step = 0; step < 300; step++) {
			at += 500;
			const deltas: JobDelta[] = [];
			for (let count = random(4); count > 0; count--) {
				const names = [...specs.keys()];
				const name = names[random(names.length)]!;
				const before = specs.get(name)!;
				const kind = random(10);
				if (kind === 0) {
					deltas.push(deleted(before));
					specs.delete(name);
				} else if (kind === 1) {
					// Names of every length: the longest one comes and goes.
					const spec = {name: `new-${step}-${count}${'x'.repeat(random(12))}`, created: `2026-11-2${random(8)}T00:00:00Z`};
					deltas.push(added(spec));
					specs.set(spec.name, spec);
				} else if (!deltas.some(delta => delta.job.name === name)) {
					const after = {...before, rv: String(++rv), phase: phases[random(phases.length)], failed: random(3)};
					deltas.push(modified(before, after));
					specs.set(name, after);
				}
			}

			const action: NamespaceAction = random(3) === 0 ? {type: 'tick', at} : jobsEvent(at, deltas);
			state = reduceNamespace(state, action, options);
			// Asked after some steps only, as frames are drawn: some far behind, one of them after more than is kept.
			if (random(5) === 0 || step === 299) {
				for (const {sort, filter, order} of orders) {
					const expected = visibleRows(state.rows, filter, sort);
					expect(names(order.rows(state, filter, sort)), `${sort} at step ${step}`).toEqual(names(expected));
					// The name column's width follows the names listed.
					expect(order.longestName()).toBe(longestName(expected));
				}
			}
		}
	});

	test('changedSince names the rows changed after a version, and nothing it no longer keeps', () => {
		let state = listed({name: 'a'}, {name: 'b'});
		const start = state.version;
		state = reduceNamespace(state, jobsEvent(t0 + 1000, [modified({name: 'a'}, {name: 'a', rv: '2', running: 1})]), options);
		expect([...changedSince(state, start)!]).toEqual(['uid-a']);
		expect(changedSince(state, state.version)!.size).toBe(0);
		for (let index = 0; index < 3000; index++) {
			state = reduceNamespace(state, jobsEvent(t0 + 2000 + index, [added({name: `n${index}`})]), options);
		}

		expect(changedSince(state, start)).toBeUndefined();
		expect([...changedSince(state, state.version - 1)!]).toEqual(['uid-n2999']);
	});
});
