import {describe, expect, it} from 'vitest';
import {scenarios} from '../../../source/simulator/scenarios.js';
import {everythingSent, getJson, jobRv, jobsUrl, manualClock, nextEvent, pass, passUntilEvent, pending, rv, watchesFor, type Json} from '../http.js';

// The scenarios made to show what a real API server does to a watcher: an idle job on a busy cluster, a quiet
// cluster, a busy namespace.

const {start, watch} = watchesFor({autoplay: true});
const minute = 60_000;

function tooOldFloor(event: Json, from: number): number {
	expect(event).toMatchObject({type: 'ERROR', object: {code: 410, reason: 'Expired'}});
	const match = new RegExp(`^too old resource version: ${from} \\((\\d+)\\)$`).exec(event.object.message as string);
	expect(match).not.toBeNull();
	return Number(match![1]);
}

describe('idle', () => {
	it('is an hour-old Running job far below the jobs window, on a cluster that keeps changing; after 20 s a pod succeeds, then nothing', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'idle', now: clock.now});
		const {body: job} = await getJson(`${jobsUrl(simulator)}/openmpi-idle`);
		expect(job.status).toMatchObject({state: {phase: 'Running'}, running: 3});
		const hour = 3_600_000;
		expect(Date.now() - Date.parse(job.metadata.creationTimestamp as string)).toBeGreaterThan(hour - minute);
		expect(Date.now() - Date.parse(job.status.state.lastTransitionTime as string)).toBeGreaterThan(hour - minute);
		const own = rv(job);
		expect(own).toBe(7_681_358);

		// The list is at the cluster's revision, thousands of writes on.
		const listed = Number((await getJson(jobsUrl(simulator))).body.metadata.resourceVersion);
		expect(listed).toBeGreaterThan(own + 5000);
		// A watch from the job's own resourceVersion is refused at once.
		const refused = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dopenmpi-idle&resourceVersion=${own}`));
		expect(tooOldFloor(await nextEvent(refused), own)).toBeGreaterThan(own + 5000);
		// One from the list's is served; jobs elsewhere change, this one not yet.
		const stream = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dopenmpi-idle&resourceVersion=${listed}`));
		pass(clock, simulator, 19_000);
		expect(await pending(stream)).toEqual([]);
		// 40 jobs dealt between two other namespaces (a few deleted by now, finished and cleaned up).
		const elsewhere = (await getJson(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/team-a-training/jobs`)).body.items as Json[];
		expect(elsewhere.length).toBeGreaterThan(10);
		expect(elsewhere.length).toBeLessThanOrEqual(20);

		const changed = await passUntilEvent(clock, simulator, stream, 3000);
		expect(changed.event).toMatchObject({type: 'MODIFIED', object: {status: {state: {phase: 'Running'}, running: 2, succeeded: 1}}});
		const after = rv(changed.event.object);

		// Then it stays; the window moves on past it, with the other namespaces' changes.
		pass(clock, simulator, 150_000);
		expect(await jobRv(simulator)).toBe(after);
		const late = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${after}`));
		expect(tooOldFloor(await nextEvent(late), after)).toBeGreaterThan(after);
	});
});

describe('quiet', () => {
	it('writes no job for 20 minutes (bookmarks only after the 10-minute progress notification), then completes', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'quiet', now: clock.now});
		const own = await jobRv(simulator);
		const stream = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dopenmpi-quiet&allowWatchBookmarks=true&resourceVersion=${own}`));
		pass(clock, simulator, 9 * minute + 50_000, 5000);
		expect(await pending(stream)).toEqual([]);
		expect(await jobRv(simulator)).toBe(own);
		expect(simulator.resourceVersion).toBeGreaterThan(own + 100);

		// After the progress notification: a bookmark about a minute later carrying a revision past the job's.
		const {event: bookmark} = await passUntilEvent(clock, simulator, stream, 2 * minute);
		expect(bookmark.type).toBe('BOOKMARK');
		expect(rv(bookmark.object)).toBeGreaterThan(own);

		pass(clock, simulator, 20 * minute - (clock.now() - Date.UTC(2026, 11, 5, 10)) - 5000, 5000);
		expect(await jobRv(simulator)).toBe(own);
		pass(clock, simulator, 30_000);
		const phases = (await everythingSent(simulator, stream)).filter(event => event.type === 'MODIFIED').map(event => event.object.status.state.phase as string);
		expect(phases).toEqual(['Running', 'Completing', 'Completed']);
	});
});

describe('namespace', () => {
	it('refuses a watch from an idle train job\'s own resourceVersion once its change is some 80 s old', async () => {
		expect(scenarios['namespace']!.manyJobs).toEqual({count: 200, changesPerSecond: 5});
		const clock = manualClock();
		const simulator = await start({scenario: 'namespace', now: clock.now, autoplay: false});
		pass(clock, simulator, 10_000, 200);
		const early = simulator.resourceVersion;
		pass(clock, simulator, 90_000, 200);
		const middle = simulator.resourceVersion;
		pass(clock, simulator, 40_000, 200);
		const recent = simulator.resourceVersion;
		pass(clock, simulator, 60_000, 200);
		const items = (await getJson(jobsUrl(simulator))).body.items as Json[];
		// Jobs last written between 10 s and 100 s into the run, untouched for at least 100 s since.
		const idle = items.filter(item => item.metadata.name.startsWith('train-') && rv(item) > early && rv(item) < middle);
		expect(idle.length).toBeGreaterThan(3);
		const from = rv(idle[0]!);
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${from}`));
		expect(tooOldFloor(await nextEvent(stream), from)).toBeGreaterThan(middle);
		// The window keeps about 80 s at 5 changes a second: a watch from 60 s ago is served.
		const served = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dnone&resourceVersion=${recent}`));
		expect(await served.next(200)).toBe('timeout');
	});
});
