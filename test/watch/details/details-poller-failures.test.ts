import {describe, expect, test} from 'vitest';
import {nothingWanted} from '../../../source/watch/details-poller.js';
import {loadClusterFixture} from '../../helpers/objects/cluster-fixtures.js';
import {status} from '../../helpers/objects/api-status.js';
import {jobAt, jobEvent} from '../../helpers/objects/jobs.js';
import {harness, job, t0, type Call, type Harness} from './details-harness.js';

// The details loop and failures: Volcano may delete a failed pod seconds after the job's status says it failed,
// so the pods are read at once, wanted or not; and once more, on request, before a failed job's watch ends.

describe('a failure signalled: the pods read at once (podsOnFailure)', () => {
	// The running job (rv 1000), then the same job after a pod failed, and after a write that changed nothing of that.
	const before = jobAt(1000);
	const podFailed = jobAt(1001, raw => {
		raw['status'].running = 2;
		raw['status'].failed = 1;
	});
	const scaled = jobAt(1001, raw => {
		raw['status'].running = 2;
	});
	const failed = jobAt(1002, raw => {
		raw['status'].state.phase = 'Failed';
		raw['status'].failed = 1;
	});

	async function started(options: Parameters<typeof harness>[0] = {}) {
		const h = harness({wanted: nothingWanted, podsOnFailure: true, changeMinGapMs: 0, ...options});
		h.jobs.job(before, t0);
		const running = h.watcher.run();
		await h.settle();
		return {h, running};
	}

	async function stopped(h: Harness, running: Promise<void>) {
		h.watcher.stop();
		await expect(running).resolves.toBeUndefined();
	}

	test('nothing wanted: the failed counter rising reads the pods at once, no debounce, then waits a whole interval', async () => {
		const {h, running} = await started();
		expect(h.cluster.calls).toEqual([]);
		h.jobs.emit(jobEvent(podFailed, t0, before));
		await h.settle(() => h.cluster.calls.length === 1, 'the pods read');
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['ok']);
		// No time passed: the read did not wait for the debounce a change waits for.
		expect(h.clock).toBe(t0);
		expect(h.sleeping()).toBe(10_000);
		// Only the pods: nothing else is wanted.
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods']);
		await stopped(h, running);
	});

	test('pods on screen: read at once instead of a debounce later', async () => {
		const {h, running} = await started({wanted: {podGroup: false, pods: true, events: false}});
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.emit(jobEvent(podFailed, t0, before));
		await h.settle(() => h.cluster.calls.length === 2, 'the pods read');
		await h.settle();
		expect(h.clock).toBe(t0);
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('without the option, the same event reads nothing when nothing is wanted', async () => {
		const {h, running} = await started({podsOnFailure: false});
		h.jobs.emit(jobEvent(podFailed, t0, before));
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		await h.elapse();
		await h.elapse();
		expect(h.cluster.calls).toEqual([]);
		await stopped(h, running);
	});

	test('without the option and pods on screen: the change waits for the debounce', async () => {
		const {h, running} = await started({podsOnFailure: false, wanted: {podGroup: false, pods: true, events: false}});
		h.jobs.emit(jobEvent(podFailed, t0, before));
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.sleeping()).toBe(1000);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		await stopped(h, running);
	});

	test('a change that signals no failure reads nothing', async () => {
		const {h, running} = await started();
		h.jobs.emit(jobEvent(scaled, t0, before));
		// The same resourceVersion again, failed counter and all: no change, no signal.
		h.jobs.emit({...jobEvent(podFailed, t0, podFailed), previous: before, rvChanged: false});
		await h.settle();
		await h.elapse();
		await h.elapse();
		expect(h.cluster.calls).toEqual([]);
		await stopped(h, running);
	});

	test('a first job already Failed: its pods are read, nothing else', async () => {
		const h = harness({wanted: nothingWanted, podsOnFailure: true});
		h.jobs.job(failed, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods']);
		await stopped(h, running);
	});

	test('a first job already Failed, without the option: nothing read', async () => {
		const h = harness({wanted: nothingWanted});
		h.jobs.job(failed, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.cluster.calls).toEqual([]);
		await stopped(h, running);
	});

	test('a first job that shows no failure: nothing read', async () => {
		const {h, running} = await started();
		expect(h.cluster.calls).toEqual([]);
		await stopped(h, running);
	});
});

describe('readPodsNow', () => {
	/** Pods requests held until the test lets each go: a read under way at a chosen moment. */
	function heldPods(h: Harness) {
		const held: Array<() => void> = [];
		const hold = async (call: Call) => {
			await new Promise<void>((resolve, reject) => {
				held.push(resolve);
				call.signal?.addEventListener('abort', () => reject(call.signal?.reason as Error), {once: true});
			});
			return loadClusterFixture('pods');
		};

		h.cluster.fail('pods', hold, hold, hold);
		return held;
	}

	test('reads the pods at once, wanted or not, and resolves when that read has ended', async () => {
		const h = harness({wanted: nothingWanted});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.cluster.calls).toEqual([]);
		let resolved = false;
		const read = h.watcher.readPodsNow().then(() => {
			resolved = true;
		});
		await h.settle(() => resolved, 'readPodsNow to resolve');
		await read;
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['ok']);
		expect(h.clock).toBe(t0);
		await h.settle();
		expect(h.sleeping()).toBe(10_000);
		h.watcher.stop();
		await running;
	});

	test('a read already under way when it is called does not count: it resolves after the next one', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		const held = heldPods(h);
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle(() => held.length === 1, 'the first pods read');
		let resolved = false;
		const read = h.watcher.readPodsNow().then(() => {
			resolved = true;
		});
		held[0]!();
		await h.settle(() => held.length === 2, 'a second pods read');
		expect(h.ofPart('pods')).toHaveLength(1);
		expect(resolved).toBe(false);
		held[1]!();
		await read;
		expect(h.ofPart('pods')).toHaveLength(2);
		expect(h.cluster.maxInFlight).toBe(1);
		h.watcher.stop();
		await running;
	});

	test('a read that fails still ends the wait', async () => {
		const h = harness({wanted: nothingWanted});
		h.cluster.fail('pods', status(503));
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		await h.watcher.readPodsNow();
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['error']);
		h.watcher.stop();
		await running;
	});

	test('resolves at stop() when no read could begin (no job known), and at once after it', async () => {
		const h = harness({wanted: nothingWanted});
		const running = h.watcher.run();
		await h.settle();
		let resolved = false;
		const read = h.watcher.readPodsNow().then(() => {
			resolved = true;
		});
		await h.settle();
		expect(resolved).toBe(false);
		h.watcher.stop();
		await read;
		await running;
		await h.watcher.readPodsNow();
		expect(h.cluster.calls).toEqual([]);
	});

	test('resolves at stop() while its read waits behind one under way', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		const held = heldPods(h);
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle(() => held.length === 1, 'the first pods read');
		const read = h.watcher.readPodsNow();
		h.watcher.stop();
		await expect(read).resolves.toBeUndefined();
		await running;
		expect(h.cluster.calls).toEqual(['pods']);
	});
});
