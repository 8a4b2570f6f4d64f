import {describe, expect, test} from 'vitest';
import {errorFromResponse} from '../../../source/api/api-error.js';
import type {EventInfo, PodGroupInfo, PodInfo} from '../../../source/model/cluster.js';
import {eventsPath, podGroupPath, podsPath} from '../../../source/api/paths.js';
import {fetchEvents, fetchPodGroup, fetchPods, podGroupCandidates} from '../../../source/api/details-client.js';
import {nothingWanted, type Wanted} from '../../../source/watch/details-poller.js';
import {earlierUid, gangMessage, jobUid, loadClusterFixture, podGroupName, podGroupUid} from '../../helpers/objects/cluster-fixtures.js';
import {edited, type RawObject} from '../../helpers/objects/fixtures.js';
import {status} from '../../helpers/objects/api-status.js';
import {FakeCluster, harness, job, laterUid, namespace, recreated, t0, type Harness} from './details-harness.js';

const valueOf = <T>(event: {result: {status: string; value?: T}} | undefined): T | undefined => event?.result.value;

const troubledPods = ['mpi-allreduce-mpiworker-0', 'mpi-allreduce-mpiworker-1', 'mpi-allreduce-mpiworker-2'];
const fullRound = ['GET pods', `GET podgroup ${podGroupName}`, 'GET events mpi-allreduce', `GET events ${podGroupName}`, ...troubledPods.map(name => `GET events ${name}`)];

describe('one round (fetchOnce)', () => {
	test('pods, then the PodGroup, then events of the job, the PodGroup and the troubled pods, one request at a time', async () => {
		const {watcher, cluster, jobs, log} = harness();
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(log).toEqual([
			'GET pods',
			'pods ok',
			`GET podgroup ${podGroupName}`,
			'podGroup ok',
			...fullRound.slice(2),
			'events ok',
		]);
		expect(cluster.maxInFlight).toBe(1);
	});

	test('what the panels get: the job\'s pods trouble first, the PodGroup\'s explanation, the events of this incarnation', async () => {
		const {watcher, jobs, ofPart} = harness();
		jobs.job(job, t0);
		await watcher.fetchOnce();
		const pods = valueOf<readonly PodInfo[]>(ofPart('pods')[0]);
		expect(pods?.map(pod => pod.name)).toEqual([...troubledPods, 'mpi-allreduce-mpiworker-3', 'mpi-allreduce-mpimaster-0']);
		const group = valueOf<PodGroupInfo>(ofPart('podGroup')[0]);
		expect(group).toMatchObject({name: podGroupName, uid: podGroupUid, phase: 'Inqueue', message: gangMessage});
		const events = valueOf<readonly EventInfo[]>(ofPart('events')[0]);
		expect(events?.map(event => `${event.name.replace('mpi-allreduce', '…')} ${event.reason}`)).toEqual([
			'…-mpiworker-1 BackOff',
			'…-mpiworker-0 BackOff',
			'…-mpiworker-2 Evicted',
			'…-mpiworker-0 Failed',
			`…-${jobUid} Scheduled`,
			`…-${jobUid} Unschedulable`,
			'… PodGroupPending',
			'… ExecuteAction',
		]);
	});

	test('the requests are the plain Kubernetes and Volcano ones, with the selectors', async () => {
		const {watcher, cluster, jobs} = harness({maxPodEvents: 1});
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(cluster.raw.map(call => [call.path, call.query])).toEqual([
			[`/api/v1/namespaces/${namespace}/pods`, {labelSelector: 'volcano.sh/job-name=mpi-allreduce'}],
			[`/apis/scheduling.volcano.sh/v1beta1/namespaces/${namespace}/podgroups/${podGroupName}`, undefined],
			[`/api/v1/namespaces/${namespace}/events`, {fieldSelector: 'involvedObject.name=mpi-allreduce'}],
			[`/api/v1/namespaces/${namespace}/events`, {fieldSelector: `involvedObject.name=${podGroupName}`}],
			[`/api/v1/namespaces/${namespace}/events`, {fieldSelector: 'involvedObject.name=mpi-allreduce-mpiworker-0'}],
		]);
		expect(cluster.raw.every(call => call.signal instanceof AbortSignal)).toBe(true);
	});

	test.each([
		[0, []],
		[1, troubledPods.slice(0, 1)],
		[10, [...troubledPods, 'mpi-allreduce-mpiworker-3']],
	])('maxPodEvents %i: events of at most that many troubled pods, the most troubled first; never of healthy ones', async (max, names) => {
		const {watcher, cluster, jobs} = harness({maxPodEvents: max});
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(cluster.calls.filter(call => call.startsWith('events mpi-allreduce-mpi'))).toEqual(names.map(name => `events ${name}`));
	});

	test('nothing is asked before the job is known', async () => {
		const {watcher, cluster} = harness();
		await watcher.fetchOnce();
		expect(cluster.calls).toEqual([]);
	});
});

describe('only what is wanted', () => {
	test.each<[string, Wanted, string[]]>([
		['nothing', nothingWanted, []],
		['the pods panel', {podGroup: false, pods: true, events: false}, ['pods']],
		// The PodGroup may be named only by the pods' annotation.
		['the PodGroup panel', {podGroup: true, pods: false, events: false}, ['pods', 'podGroup']],
		// Events need the pods' and the PodGroup's names and uids.
		['the events panel', {podGroup: false, pods: false, events: true}, ['pods', 'podGroup', 'events']],
	])('%s', async (_title, wanted, parts) => {
		const {watcher, jobs, events, cluster} = harness({wanted});
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(events.map(event => event.type === 'details' && event.part)).toEqual(parts);
		expect(cluster.calls.length).toBe(parts.length === 3 ? fullRound.length : parts.length);
	});

	test('setWanted takes effect at the next round', async () => {
		const {watcher, jobs, cluster} = harness({wanted: nothingWanted});
		jobs.job(job, t0);
		await watcher.fetchOnce();
		watcher.setWanted({podGroup: false, pods: true, events: false});
		await watcher.fetchOnce();
		expect(cluster.calls).toEqual(['pods']);
	});
});

describe('finding the PodGroup', () => {
	test('named <job> before Volcano 1.6: tried after <job>-<uid>, then asked for by that name alone', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		cluster.podGroups = new Map([['mpi-allreduce', edited(loadClusterFixture('podgroup-unschedulable'), raw => (raw['metadata'].name = 'mpi-allreduce'))]]);
		jobs.job(job, t0);
		await watcher.fetchOnce();
		await watcher.fetchOnce();
		expect(cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`, 'podgroup mpi-allreduce', 'pods', 'podgroup mpi-allreduce']);
		expect(ofPart('podGroup').map(event => valueOf<PodGroupInfo>(event)?.name)).toEqual(['mpi-allreduce', 'mpi-allreduce']);
	});

	test('named only by the pods\' annotation: found third', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		cluster.podGroups = new Map([['podgroup-custom', loadClusterFixture('podgroup-unschedulable')]]);
		for (const pod of cluster.pods) pod['metadata'].annotations['scheduling.k8s.io/group-name'] = 'podgroup-custom';
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`, 'podgroup mpi-allreduce', 'podgroup podgroup-custom']);
		expect(ofPart('podGroup')[0]?.result.status).toBe('ok');
	});

	test('none under any name: absent; looked for by every name again next time', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		cluster.podGroups.clear();
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(ofPart('podGroup').map(event => event.result.status)).toEqual(['absent']);
		cluster.podGroups.set(podGroupName, loadClusterFixture('podgroup-running'));
		await watcher.fetchOnce();
		expect(ofPart('podGroup').map(event => event.result.status)).toEqual(['absent', 'ok']);
		expect(cluster.calls.filter(call => call.startsWith('podgroup'))).toEqual([`podgroup ${podGroupName}`, 'podgroup mpi-allreduce', `podgroup ${podGroupName}`]);
	});

	test('re-created by a whole-job restart (a GET briefly 404s): absent once, then found again', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		jobs.job(job, t0);
		await watcher.fetchOnce();
		const group = cluster.podGroups.get(podGroupName)!;
		cluster.podGroups.clear();
		await watcher.fetchOnce();
		cluster.podGroups.set(podGroupName, group);
		await watcher.fetchOnce();
		expect(ofPart('podGroup').map(event => event.result.status)).toEqual(['ok', 'absent', 'ok']);
	});

	test('a PodGroup is not taken from a going pod of an earlier job of the same name', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		// The new job's PodGroup is not created yet; the earlier job's still exists, named by its going pod.
		cluster.podGroups = new Map([[`mpi-allreduce-${earlierUid}`, loadClusterFixture('podgroup-running')]]);
		cluster.pods = cluster.pods.filter(pod => pod['metadata'].ownerReferences[0].uid === earlierUid);
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(ofPart('podGroup').map(event => event.result.status)).toEqual(['absent']);
		expect(cluster.calls).not.toContain(`podgroup mpi-allreduce-${earlierUid}`);
	});

	test('an error other than a 404 stops the search: the next names are not tried', async () => {
		const {watcher, cluster, jobs, ofPart} = harness({wanted: {podGroup: true, pods: false, events: false}});
		cluster.fail(`podgroup ${podGroupName}`, status(403, {message: 'podgroups.scheduling.volcano.sh is forbidden'}));
		jobs.job(job, t0);
		await watcher.fetchOnce();
		expect(cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`]);
		expect(ofPart('podGroup')[0]?.result.status).toBe('refused');
	});
});

describe('the loop (run)', () => {
	test('waits for the job, fetches at once when it is known, then every interval', async () => {
		const h = harness();
		const running = h.watcher.run();
		await h.settle();
		expect(h.log).toEqual(['wait 3600000']);
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.cluster.calls).toEqual(fullRound.map(line => line.slice(4)));
		expect(h.log.at(-1)).toBe('wait 10000');
		await h.elapse();
		expect(h.cluster.calls).toHaveLength(fullRound.length * 2);
		h.watcher.stop();
		await running;
		expect(h.jobs.listeners.size).toBe(0);
	});

	test('a job already known when the loop starts: one round, then a full interval (no second round at once)', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.log).toEqual(['GET pods', 'pods ok', 'wait 10000']);
		h.watcher.stop();
		await running;
	});

	test('a 503 with Retry-After holds back that part until then; the other parts go on', async () => {
		const h = harness({wanted: {podGroup: true, pods: true, events: false}});
		h.cluster.fail('pods', status(503, {retryAfterSeconds: 30}));
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		const [failed] = h.ofPart('pods');
		expect(failed?.result).toMatchObject({status: 'error', retryAt: t0 + 30_000});
		expect(failed?.result.status === 'error' && failed.result.error.category).toBe('server');
		await h.elapse(); // +10 s
		await h.elapse(); // +20 s
		await h.elapse(); // +30 s: due again
		expect(h.cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`, `podgroup ${podGroupName}`, `podgroup ${podGroupName}`, 'pods', `podgroup ${podGroupName}`]);
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['error', 'ok']);
		h.watcher.stop();
		await running;
	});

	test('failures in a row back off further; a success starts over', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.cluster.fail('pods', status(503), status(503), status(503));
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		for (let index = 0; index < 5; index++) await h.elapse();
		const retryIn = h.ofPart('pods').map(event => (event.result.status === 'error' ? event.result.retryAt - event.at : event.result.status));
		expect(retryIn).toEqual([10_000, 20_000, 40_000]);
		await h.elapse();
		await h.elapse();
		expect(h.ofPart('pods').at(-1)?.result.status).toBe('ok');
		// Asked at 0, 10 and 30 s (each failure waits longer), then at 70 s.
		expect(h.cluster.calls).toHaveLength(4);
		h.cluster.fail('pods', status(503));
		await h.elapse();
		const last = h.ofPart('pods').at(-1)!;
		expect(last.result.status === 'error' && last.result.retryAt - last.at).toBe(10_000);
		h.watcher.stop();
		await running;
	});

	test.each<[string, Error]>([
		['403', status(403, {message: 'events is forbidden: User "dev" cannot list resource "events" in API group "" in the namespace "cci-namespace-42263891"'})],
		['401', status(401)],
		['400', status(400)],
	])('a %s on events is refused, rechecked after refusedWaitMs; pods and PodGroup go on meanwhile', async (_title, error) => {
		const h = harness({maxPodEvents: 0});
		h.cluster.fail('events mpi-allreduce', error);
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.ofPart('events')[0]?.result).toMatchObject({status: 'refused', error, retryAt: t0 + 60_000});
		for (let index = 0; index < 6; index++) await h.elapse();
		const eventsAsked = h.cluster.calls.filter(call => call === 'events mpi-allreduce').length;
		expect(eventsAsked).toBe(2);
		expect(h.cluster.calls.filter(call => call === 'pods')).toHaveLength(7);
		expect(h.ofPart('events').map(event => event.result.status)).toEqual(['refused', 'ok']);
		h.watcher.stop();
		await running;
	});

	test('a server without Volcano\'s scheduling API (an HTML 404 from the gateway) refuses the PodGroup, not the rest', async () => {
		const h = harness({wanted: {podGroup: true, pods: true, events: false}});
		h.cluster.fail(`podgroup ${podGroupName}`, errorFromResponse({status: 404, body: '<html><head><title>404 Not Found</title></head></html>', contentType: 'text/html'}));
		h.jobs.job(job, t0);
		await h.watcher.fetchOnce();
		expect(h.ofPart('podGroup')[0]?.result.status).toBe('refused');
		expect(h.ofPart('pods')[0]?.result.status).toBe('ok');
	});

	test('a thrown error that is not an ApiError is a network error, retried', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.cluster.fail('pods', new TypeError('fetch failed'));
		h.jobs.job(job, t0);
		await h.watcher.fetchOnce();
		expect(h.ofPart('pods')[0]?.result).toMatchObject({status: 'error', error: {category: 'network', summary: 'fetch failed'}});
	});

	test('pollNow asks again at once, backoffs and refusals included', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.cluster.fail('pods', status(403));
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		h.watcher.pollNow();
		await h.settle(() => h.cluster.calls.length === 2);
		await h.settle();
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['refused', 'ok']);
		expect(h.clock).toBe(t0);
		h.watcher.stop();
		await running;
	});

	test('setWanted wakes the loop when a panel opens, not when one closes', async () => {
		const h = harness({wanted: nothingWanted});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.cluster.calls).toEqual([]);
		h.watcher.setWanted({podGroup: false, pods: true, events: false});
		await h.settle(() => h.cluster.calls.length === 1);
		await h.settle();
		h.watcher.setWanted(nothingWanted);
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.clock).toBe(t0);
		h.watcher.stop();
		await running;
	});

	test('stop during a request: run resolves, nothing is thrown, the request\'s signal is aborted', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		let signal: AbortSignal | undefined;
		h.cluster.fail('pods', async call => {
			signal = call.signal;
			return new Promise<RawObject>((_resolve, reject) => {
				call.signal?.addEventListener('abort', () => reject(call.signal?.reason as Error), {once: true});
			});
		});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle(() => signal !== undefined);
		h.watcher.stop();
		await expect(running).resolves.toBeUndefined();
		expect(signal?.aborted).toBe(true);
		expect(h.ofPart('pods')).toEqual([]);
	});
});

describe('another job, or none', () => {
	test('a new uid (the job deleted and created again): reset, and the new PodGroup looked for by the new name', async () => {
		const h = harness({wanted: {podGroup: true, pods: false, events: false}});
		h.jobs.job(job, t0);
		await h.watcher.fetchOnce();
		h.jobs.job(recreated, t0 + 1000);
		await h.watcher.fetchOnce();
		expect(h.log.filter(line => line === 'reset')).toHaveLength(1);
		expect(h.cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`, 'pods', `podgroup mpi-allreduce-${laterUid}`, 'podgroup mpi-allreduce']);
	});

	test('the same job again is no reset', async () => {
		const h = harness();
		h.jobs.job(job, t0);
		h.jobs.job(job, t0 + 1000);
		expect(h.events).toEqual([]);
	});

	test('a reset forgets backoffs: the new job\'s parts are asked at once', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.cluster.fail('pods', status(503, {retryAfterSeconds: 600}));
		h.jobs.job(job, t0);
		await h.watcher.fetchOnce();
		await h.watcher.fetchOnce();
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.job(recreated, t0 + 1000);
		await h.watcher.fetchOnce();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
	});

	test('the job 404s: reset, nothing asked while it is gone; it comes back: asked at once', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		h.jobs.emit({type: 'not-found', at: t0 + 1, error: status(404), delayMs: 2000});
		expect(h.log.at(-1)).toBe('reset');
		await h.elapse();
		expect(h.log.at(-1)).toBe('wait 3600000');
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.job(recreated, h.clock);
		await h.settle(() => h.cluster.calls.length === 2);
		await h.settle();
		h.jobs.emit({type: 'not-found', at: h.clock, error: status(404), delayMs: 2000});
		h.jobs.emit({type: 'not-found', at: h.clock, error: status(404), delayMs: 2000});
		expect(h.log.filter(line => line === 'reset')).toHaveLength(2);
		h.watcher.stop();
		await running;
	});

	test('an answer about the old job that arrives after the reset is dropped', async () => {
		const h = harness({wanted: {podGroup: true, pods: true, events: false}});
		let release: (() => void) | undefined;
		h.cluster.fail('pods', async () => {
			await new Promise<void>(resolve => {
				release = resolve;
			});
			return loadClusterFixture('pods');
		});
		h.jobs.job(job, t0);
		const round = h.watcher.fetchOnce();
		await h.settle(() => release !== undefined);
		h.jobs.job(recreated, t0 + 1000);
		release!();
		await round;
		// The old job's pods are not shown as the new one's; the rest of the round is the new job's.
		expect(h.log.slice(0, 2)).toEqual(['GET pods', 'reset']);
		expect(h.ofPart('pods')).toEqual([]);
		expect(h.cluster.calls.slice(1)).toEqual([`podgroup mpi-allreduce-${laterUid}`, 'podgroup mpi-allreduce']);
		await h.watcher.fetchOnce();
		// None of the pods are the new job's own yet.
		expect(valueOf<readonly PodInfo[]>(h.ofPart('pods').at(-1))).toEqual([]);
	});
});

describe('pause', () => {
	test('paused with the job watcher: nothing asked until resumed, pollNow and a panel opening included; then one round', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		h.jobs.emit({type: 'paused', at: t0 + 1});
		await h.elapse();
		h.watcher.pollNow();
		h.watcher.setWanted({podGroup: true, pods: true, events: false});
		await h.settle();
		expect(h.sleeping()).toBeUndefined();
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.emit({type: 'resumed', at: h.clock});
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods', 'pods', `podgroup ${podGroupName}`]);
		// The wakes that came while paused were served by that round: the loop waits a full interval again.
		expect(h.log.at(-1)).toBe('wait 10000');
		h.watcher.stop();
		await running;
	});

	test('stop while paused ends the loop', async () => {
		const h = harness({wanted: {podGroup: false, pods: true, events: false}});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		h.jobs.emit({type: 'paused', at: t0 + 1});
		await h.elapse();
		h.watcher.stop();
		await expect(running).resolves.toBeUndefined();
		expect(h.cluster.calls).toEqual(['pods']);
	});
});

describe('a job change: the details follow within the debounce', () => {
	const podsOnly: Wanted = {podGroup: false, pods: true, events: false};

	/** The loop on a known job: its first round done, asleep for the interval. No floor between rounds unless asked. */
	async function started(options: Parameters<typeof harness>[0] = {}) {
		const h = harness({wanted: podsOnly, changeMinGapMs: 0, ...options});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.sleeping(), h.log.join(' | ')).toBe(10_000);
		return {h, running};
	}

	async function stopped(h: Harness, running: Promise<void>) {
		h.watcher.stop();
		await expect(running).resolves.toBeUndefined();
	}

	test('one round a debounce after the change, then a whole interval from that round', async () => {
		const {h, running} = await started();
		h.clock += 3000;
		h.jobs.job(job, h.clock);
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		expect(h.cluster.calls).toEqual(['pods']);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		expect(h.clock).toBe(t0 + 4000);
		// The refresh counts as a round: the interval starts again after it, so the two do not double up.
		expect(h.sleeping()).toBe(10_000);
		await h.elapse();
		expect(h.cluster.calls).toHaveLength(3);
		expect(h.clock).toBe(t0 + 14_000);
		await stopped(h, running);
	});

	test('a job that keeps changing: rounds at most one per changeMinGapMs (default 3 s), not one a second', async () => {
		const {h, running} = await started({changeMinGapMs: undefined});
		// Changes every second for 12 s: rounds at 3, 6, 9 and 12 s after the first round, no more.
		for (let second = 1; second <= 12; second++) {
			h.clock = t0 + second * 1000;
			h.jobs.job(job, h.clock);
			await h.settle();
			while (h.sleeping() !== undefined && h.clock + h.sleeping()! <= t0 + second * 1000 + 999) await h.elapse();
		}

		expect(h.cluster.calls.length).toBeLessThanOrEqual(1 + 4);
		expect(h.cluster.calls.length).toBeGreaterThanOrEqual(1 + 3);
		await stopped(h, running);
	});

	test('changeDebounceMs sets the debounce', async () => {
		const {h, running} = await started({changeDebounceMs: 250});
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.sleeping()).toBe(250);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		await stopped(h, running);
	});

	test('five changes in a burst: one round, a debounce after the first', async () => {
		const {h, running} = await started();
		for (let index = 0; index < 5; index++) {
			if (index > 0) h.clock += 150;
			h.jobs.job(job, h.clock);
			await h.settle();
		}

		expect(h.sleeping()).toBe(400);
		expect(h.cluster.calls).toEqual(['pods']);
		await h.elapse();
		expect(h.clock).toBe(t0 + 1000);
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('changes while a round is in flight: exactly one follow-up round, never two requests at once', async () => {
		const h = harness({wanted: podsOnly, changeMinGapMs: 0});
		let release: (() => void) | undefined;
		h.cluster.fail('pods', async () => {
			await new Promise<void>(resolve => {
				release = resolve;
			});
			return loadClusterFixture('pods');
		});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle(() => release !== undefined, 'the first round\'s pods request');
		for (let index = 0; index < 3; index++) h.jobs.job(job, t0);
		release!();
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.sleeping()).toBe(1000);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		expect(h.sleeping()).toBe(10_000);
		await h.elapse();
		expect(h.cluster.calls).toHaveLength(3);
		expect(h.cluster.maxInFlight).toBe(1);
		await stopped(h, running);
	});

	test('a change older than the debounce when its round ends: the follow-up goes at once, still only one', async () => {
		const h = harness({wanted: podsOnly});
		let release: (() => void) | undefined;
		h.cluster.fail('pods', async () => {
			await new Promise<void>(resolve => {
				release = resolve;
			});
			return loadClusterFixture('pods');
		});
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle(() => release !== undefined, 'the first round\'s pods request');
		h.jobs.job(job, t0);
		h.clock += 5000;
		release!();
		await h.settle();
		expect(h.log.filter(line => line.startsWith('GET') || line.startsWith('wait'))).toEqual(['GET pods', 'GET pods', 'wait 10000']);
		await stopped(h, running);
	});

	test('not while paused: the round waits for the resume, and the changes meanwhile make one', async () => {
		const {h, running} = await started();
		h.jobs.emit({type: 'paused', at: t0});
		h.jobs.job(job, t0);
		await h.settle();
		// The change cut the interval's sleep short, and the pause holds the loop there.
		expect(h.sleeping()).toBeUndefined();
		// The debounce runs out while paused; more changes come.
		h.clock += 5000;
		h.jobs.job(job, h.clock);
		h.jobs.job(job, h.clock);
		await h.settle();
		expect(h.sleeping()).toBeUndefined();
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.emit({type: 'resumed', at: h.clock});
		await h.settle(() => h.cluster.calls.length === 2, 'the round after the resume');
		await h.settle();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('paused while the debounce runs: held when it runs out, the round at the resume', async () => {
		const {h, running} = await started();
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		h.jobs.emit({type: 'paused', at: t0});
		await h.elapse();
		expect(h.sleeping()).toBeUndefined();
		expect(h.cluster.calls).toEqual(['pods']);
		h.jobs.emit({type: 'resumed', at: h.clock});
		await h.settle(() => h.cluster.calls.length === 2, 'the round after the resume');
		await h.settle();
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('only the parts wanted; nothing when no panel is on screen', async () => {
		const {h, running} = await started({wanted: {podGroup: true, pods: true, events: false}});
		expect(h.cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`]);
		h.watcher.setWanted(podsOnly);
		h.jobs.job(job, t0);
		await h.settle();
		await h.elapse();
		expect(h.cluster.calls.slice(2)).toEqual(['pods']);
		h.watcher.setWanted(nothingWanted);
		h.jobs.job(job, h.clock);
		await h.settle();
		await h.elapse();
		expect(h.cluster.calls).toHaveLength(3);
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('a part whose failure backoff is running is not forced; the others are asked', async () => {
		const h = harness({wanted: {podGroup: true, pods: true, events: false}, changeMinGapMs: 0});
		h.cluster.fail('pods', status(503, {retryAfterSeconds: 30}));
		h.jobs.job(job, t0);
		const running = h.watcher.run();
		await h.settle();
		expect(h.ofPart('pods').map(event => event.result.status)).toEqual(['error']);
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', `podgroup ${podGroupName}`, `podgroup ${podGroupName}`]);
		await stopped(h, running);
	});

	test('the first job is fetched at once, and its rvChanged makes no second round', async () => {
		const h = harness({wanted: podsOnly});
		const running = h.watcher.run();
		await h.settle();
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.log).toEqual(['wait 3600000', 'GET pods', 'pods ok', 'wait 10000']);
		expect(h.clock).toBe(t0);
		await h.elapse();
		expect(h.log.slice(4)).toEqual(['GET pods', 'pods ok', 'wait 10000']);
		await stopped(h, running);
	});

	test('the same resourceVersion again is no change', async () => {
		const {h, running} = await started();
		h.jobs.same(job, t0);
		h.jobs.same(job, t0);
		await h.settle();
		expect(h.log.filter(line => line.startsWith('wait'))).toEqual(['wait 10000']);
		expect(h.cluster.calls).toEqual(['pods']);
		await stopped(h, running);
	});

	test('a change near the end of the interval: the interval\'s round serves it, no other follows', async () => {
		const {h, running} = await started();
		h.clock += 9500;
		h.jobs.job(job, h.clock);
		await h.settle();
		expect(h.sleeping()).toBe(500);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		expect(h.sleeping()).toBe(10_000);
		await stopped(h, running);
	});

	test('a round asked for meanwhile (pollNow) serves the change: no round after it', async () => {
		const {h, running} = await started();
		h.jobs.job(job, t0);
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		h.watcher.pollNow();
		await h.settle(() => h.cluster.calls.length === 2, 'the round pollNow asked for');
		await h.settle();
		expect(h.sleeping()).toBe(10_000);
		expect(h.clock).toBe(t0);
		await stopped(h, running);
	});

	test('the job re-created (new uid): reset, then the new job\'s details within the debounce', async () => {
		const {h, running} = await started();
		h.jobs.job(recreated, t0);
		expect(h.log.at(-1)).toBe('reset');
		await h.settle();
		expect(h.sleeping()).toBe(1000);
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods', 'pods']);
		await stopped(h, running);
	});

	test('the job gone before the debounce ran out: nothing asked', async () => {
		const {h, running} = await started();
		h.jobs.job(job, t0);
		await h.settle();
		h.jobs.emit({type: 'not-found', at: t0, error: status(404), delayMs: 2000});
		await h.elapse();
		expect(h.cluster.calls).toEqual(['pods']);
		expect(h.sleeping()).toBe(3_600_000);
		await stopped(h, running);
	});
});

describe('details-client', () => {
	test('paths escape what a name could carry', () => {
		expect(podGroupPath('ns', 'a/b?c')).toBe('/apis/scheduling.volcano.sh/v1beta1/namespaces/ns/podgroups/a%2Fb%3Fc');
		expect(podsPath('n s')).toBe('/api/v1/namespaces/n%20s/pods');
		expect(eventsPath('ns#1')).toBe('/api/v1/namespaces/ns%231/events');
	});

	test.each<[string, {name: string; uid?: string}, string | undefined, string[]]>([
		['Volcano ≥ 1.6 first, then the old name', {name: 'train', uid: 'u-1'}, undefined, ['train-u-1', 'train']],
		['the pods\' name last', {name: 'train', uid: 'u-1'}, 'pg-custom', ['train-u-1', 'train', 'pg-custom']],
		['no repeats', {name: 'train', uid: 'u-1'}, 'train-u-1', ['train-u-1', 'train']],
		['no uid yet', {name: 'train', uid: ''}, '', ['train']],
	])('podGroupCandidates: %s', (_title, target, fromPods, names) => {
		expect(podGroupCandidates(target, fromPods)).toEqual(names);
	});

	test('fetchPodGroup: the first name that exists; undefined when none does', async () => {
		const cluster = new FakeCluster([]);
		expect(await fetchPodGroup(cluster, namespace, ['a', 'b', podGroupName, 'c'])).toMatchObject({name: podGroupName, raw: {kind: 'PodGroup'}});
		expect(cluster.calls).toEqual(['podgroup a', 'podgroup b', `podgroup ${podGroupName}`]);
		expect(await fetchPodGroup(cluster, namespace, ['x', 'y'])).toBeUndefined();
		expect(await fetchPodGroup(cluster, namespace, [])).toBeUndefined();
	});

	test('fetchPods and fetchEvents: one request per name, answers in order', async () => {
		const cluster = new FakeCluster([]);
		expect(((await fetchPods(cluster, namespace, 'mpi-allreduce'))['items'] as unknown[]).length).toBe(6);
		expect(((await fetchPods(cluster, namespace, 'other-job'))['items'] as unknown[]).length).toBe(0);
		const lists = await fetchEvents(cluster, namespace, ['mpi-allreduce', podGroupName]);
		expect(lists.map(list => (list['items'] as RawObject[]).map(item => item['reason']))).toEqual([
			['PodGroupPending', 'ExecuteAction', 'PodGroupPending'],
			['Unschedulable', 'Scheduled'],
		]);
	});
});
