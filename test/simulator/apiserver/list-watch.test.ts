import {describe, expect, it} from 'vitest';
import type {Scenario} from '../../../source/simulator/scenarios.js';
import {expiredEvent, getJson, jobRv, jobsUrl, manualClock, nextEvent, rv, watchesFor, type Json} from '../http.js';

const running = {phase: 'Running', counters: {running: 3}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}}};
const finishing = {phase: 'Running', counters: {running: 2, succeeded: 1}};
const completed = {phase: 'Completed', version: 2};

function custom(steps: Scenario['steps']): Scenario {
	return {name: 'custom', description: 'test', namespace: 'ns', jobName: 'job', steps};
}

const threeSteps = custom([
	{holdMs: 1000, job: running},
	{holdMs: 1000, job: finishing},
	{holdMs: 1000, job: completed},
]);

// No writes elsewhere: the revision moves only with what a test does.
const {start, watch} = watchesFor({autoplay: false, backgroundWrites: false});

describe('list', () => {
	it('lists the jobs of the namespace as a JobList whose items are the documents a GET serves', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 3, changesPerSecond: 0}});
		const {status, body, response} = await getJson(jobsUrl(simulator));
		expect(status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		expect(Object.keys(body)).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
		expect(body).toMatchObject({apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'JobList', metadata: {resourceVersion: String(simulator.resourceVersion)}});
		// As for any custom resource: continue is there, empty, on the last page.
		expect(body.metadata).toEqual({continue: '', resourceVersion: String(simulator.resourceVersion)});
		expect(body.items.map((item: Json) => item.metadata.name)).toEqual(['job', 'train-0001', 'train-0002', 'train-0003']);
		for (const item of body.items as Json[]) {
			const single = await getJson(`${jobsUrl(simulator)}/${item.metadata.name}`);
			expect(single.body).toEqual(item);
			expect(rv(item)).toBeLessThanOrEqual(simulator.resourceVersion);
		}

		const elsewhere = await getJson(jobsUrl(simulator, '', 'other'));
		expect(elsewhere.status).toBe(200);
		expect(elsewhere.body.items).toEqual([]);
	});

	it('refuses malformed selectors and unsupported fields with 400 Status', async () => {
		const simulator = await start({scenario: threeSteps});
		const refusals: Array<[string, string]> = [
			['labelSelector=team%3D%3Da%3Db', "found '=', expected: ',' or 'end of string'"],
			['labelSelector=team%20in%20a', "unable to parse requirement: found 'a' expected: '('"],
			['labelSelector=,team', "found ',', expected: !, identifier, or 'end of string'"],
			['labelSelector=te%24m%3Da', 'unable to parse requirement: <nil>: Invalid value: "te$m": name part must consist of alphanumeric'],
			['fieldSelector=status.phase%3DRunning', 'field label not supported: status.phase'],
			['fieldSelector=metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
		];
		for (const [query, message] of refusals) {
			const {status, body} = await getJson(jobsUrl(simulator, `?${query}`));
			expect([query, status]).toEqual([query, 400]);
			expect(body).toMatchObject({kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400});
			expect(body.message).toContain(message);
		}

		// The same words on a watch, before any stream starts.
		const watched = await getJson(jobsUrl(simulator, '?watch=1&fieldSelector=spec.queue%3Ddefault'));
		expect([watched.status, watched.body.message]).toEqual([400, 'field label not supported: spec.queue']);
	});

	it('refuses a garbled continue token, or one with a resourceVersion, with 400 as the API server does', async () => {
		const simulator = await start({scenario: threeSteps});
		const garbled = await getJson(jobsUrl(simulator, '?limit=10&continue=not*a*token'));
		expect(garbled.status).toBe(400);
		expect(garbled.body).toMatchObject({kind: 'Status', reason: 'BadRequest', code: 400});
		expect(garbled.body.message).toMatch(/^invalid continue token: continue key is not valid/);
		const token = (fields: Json) => Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', ...fields})).toString('base64url');
		expect((await getJson(jobsUrl(simulator, `?continue=${token({rv: 5, start: ''})}`))).body.message).toBe(
			'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)',
		);
		const both = await getJson(jobsUrl(simulator, `?limit=10&resourceVersion=5&continue=${token({rv: 5, start: 'job\u0000'})}`));
		expect([both.status, both.body.message]).toEqual([400, 'specifying resource version is not allowed when using continue']);
	});

	it('serves resourceVersion as the API server does: latest, any, not older than, exact, too old', async () => {
		const simulator = await start({scenario: threeSteps, tooLargeWaitMs: 50});
		const before = await jobRv(simulator);
		simulator.advance();
		simulator.advance();
		const job = await jobRv(simulator);
		const now = simulator.resourceVersion;
		// One revision for every kind: the pods and events written with each step come after the job's write.
		expect(job).toBeGreaterThan(before + 1);
		expect(now).toBeGreaterThan(job);

		const phase = async (query: string) => {
			const {status, body} = await getJson(jobsUrl(simulator, query));
			return [status, body.items?.[0]?.status.state.phase ?? body.reason, body.metadata?.resourceVersion ?? body.message];
		};

		// Any: what the jobs cache holds, at its resourceVersion (the newest job event); not older than: the same.
		expect(await phase('?resourceVersion=0')).toEqual([200, 'Completed', String(job)]);
		expect(await phase(`?resourceVersion=${before}`)).toEqual([200, 'Completed', String(job)]);
		// Most recent: a consistent read at etcd's current revision.
		expect(await phase('')).toEqual([200, 'Completed', String(now)]);
		// Exact: the namespace as it was then.
		expect(await phase(`?resourceVersion=${before}&resourceVersionMatch=Exact`)).toEqual([200, 'Running', String(before)]);
		expect(await phase(`?resourceVersion=${before + 1}&limit=5`)).toEqual([200, 'Running', String(before + 1)]);

		simulator.compact();
		expect(await phase(`?resourceVersion=${before}`)).toEqual([200, 'Completed', String(now)]);
		const gone = [410, 'Expired', 'The resourceVersion for the provided list is too old.'];
		expect(await phase(`?resourceVersion=${before}&resourceVersionMatch=Exact`)).toEqual(gone);
		expect(await phase(`?resourceVersion=${before}&limit=5`)).toEqual(gone);

		const tooNew = await getJson(jobsUrl(simulator, `?resourceVersion=${now + 10}`));
		expect(tooNew.status).toBe(504);
		expect(tooNew.body).toMatchObject({reason: 'Timeout', message: `Too large resource version: ${now + 10}, current: ${now}`});

		const invalid = await getJson(jobsUrl(simulator, '?resourceVersionMatch=Exact'));
		expect(invalid.status).toBe(422);
		expect(invalid.body).toMatchObject({
			reason: 'Invalid',
			message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
		});
		const initialEvents = await getJson(jobsUrl(simulator, '?sendInitialEvents=true'));
		expect(initialEvents.body.details.causes).toEqual([
			{reason: 'FieldValueForbidden', message: 'Forbidden: sendInitialEvents is forbidden for list', field: 'sendInitialEvents'},
		]);
	});

	it('ignores limit for resourceVersion=0, as the cacher does: the whole list, no continue', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 5, changesPerSecond: 0}});
		const {body} = await getJson(jobsUrl(simulator, '?resourceVersion=0&limit=2'));
		expect(body.items).toHaveLength(6);
		expect(body.metadata).toEqual({continue: '', resourceVersion: expect.any(String)});
	});
});

describe('watch', () => {
	it('streams chunked JSON lines: ADDED for what exists, then changes, each with a newer resourceVersion', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 2, changesPerSecond: 0}});
		const stream = await watch(jobsUrl(simulator, '?watch=1'));
		expect(stream.response.status).toBe(200);
		expect(stream.response.headers.get('content-type')).toBe('application/json');
		expect(stream.response.headers.get('transfer-encoding')).toBe('chunked');
		const initial = [await nextEvent(stream), await nextEvent(stream), await nextEvent(stream)];
		expect(initial.map(event => [event.type, event.object.metadata.name])).toEqual([
			['ADDED', 'job'],
			['ADDED', 'train-0001'],
			['ADDED', 'train-0002'],
		]);
		expect(await stream.next(100)).toBe('timeout');

		simulator.advance();
		const modified = await nextEvent(stream);
		expect(modified.type).toBe('MODIFIED');
		expect(modified.object.status.succeeded).toBe(1);
		// The job's write comes before its pods' and events': the revision is past it.
		expect(rv(modified.object)).toBeLessThan(simulator.resourceVersion);
		expect(rv(modified.object)).toBeGreaterThan(rv(initial[0]!.object));
		expect(modified.object).toEqual((await getJson(`${jobsUrl(simulator)}/job`)).body);
	});

	it('from a resourceVersion sends every change after it, and nothing before', async () => {
		const simulator = await start({scenario: threeSteps});
		const first = simulator.resourceVersion;
		simulator.advance();
		const second = await jobRv(simulator);
		simulator.advance();
		const third = await jobRv(simulator);
		const stream = await watch(jobsUrl(simulator, `?watch=true&resourceVersion=${first}`));
		const events = [await nextEvent(stream), await nextEvent(stream)];
		expect(events.map(event => [event.type, rv(event.object), event.object.status.state.phase])).toEqual([
			['MODIFIED', second, 'Running'],
			['MODIFIED', third, 'Completed'],
		]);

		const fromNow = await watch(jobsUrl(simulator, `?watch=true&resourceVersion=${simulator.resourceVersion}`));
		expect(await fromNow.next(100)).toBe('timeout');
	});

	it('watches one job by fieldSelector=metadata.name, the way Kubernetes clients watch one object', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 20, changesPerSecond: 0}});
		const {body} = await getJson(`${jobsUrl(simulator)}/job`);
		const stream = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Djob&resourceVersion=${rv(body)}`));
		const other = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dother&resourceVersion=${rv(body)}`));
		simulator.changeJobs(30);
		simulator.advance();
		const event = await nextEvent(stream);
		expect([event.type, event.object.metadata.name]).toEqual(['MODIFIED', 'job']);
		expect(await stream.next(100)).toBe('timeout');
		expect(await other.next(10)).toBe('timeout');

		// A watch on the named path is not a watch: it is a GET.
		const named = await fetch(`${jobsUrl(simulator)}/job?watch=1`);
		expect(named.headers.get('content-length')).not.toBeNull();
		expect(((await named.json()) as Json).kind).toBe('Job');
	});

	it('sends bookmarks only when allowed, at the configured gap, with the cache\'s resourceVersion', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: threeSteps, now: clock.now, bookmarkIntervalMs: 1000});
		const from = await jobRv(simulator);
		const allowed = await watch(jobsUrl(simulator, `?watch=1&allowWatchBookmarks=true&resourceVersion=${from}`));
		const plain = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${from}`));
		simulator.advance();
		expect((await nextEvent(allowed)).type).toBe('MODIFIED');
		expect((await nextEvent(plain)).type).toBe('MODIFIED');
		// An event of the kind elsewhere, then a progress notification: the cache moves on, and a bookmark follows.
		simulator.progressNotify();
		clock.advance(1300, simulator);
		expect(await nextEvent(allowed)).toEqual({
			type: 'BOOKMARK',
			object: {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: {resourceVersion: String(simulator.resourceVersion)}},
		});
		expect(await plain.next(100)).toBe('timeout');
	});

	it('answers a watch from a compacted resourceVersion with 200, one 410 ERROR event and the end', async () => {
		const simulator = await start({scenario: threeSteps});
		const old = simulator.resourceVersion;
		simulator.advance();
		simulator.compact();
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${old}`));
		expect(stream.response.status).toBe(200);
		const {events, ended} = await stream.collect(2000);
		expect(ended).toBe(true);
		expect(events).toEqual([
			expiredEvent(old, simulator.resourceVersion),
		]);

		// The newest resourceVersion is still good.
		const again = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${simulator.resourceVersion}`));
		simulator.advance();
		expect((await nextEvent(again)).type).toBe('MODIFIED');
	});

	it('keeps a bounded history: a watch from before it gets 410, one inside it gets the changes', async () => {
		const simulator = await start({scenario: threeSteps, historySize: 1});
		const old = await jobRv(simulator);
		simulator.advance();
		simulator.advance();
		const newest = await jobRv(simulator);
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${old}`));
		// The window holds the newest job event only: it can start just before that one.
		expect((await nextEvent(stream)).object).toMatchObject({code: 410, reason: 'Expired', message: `too old resource version: ${old} (${newest - 1})`});
		const recent = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${newest - 1}`));
		const event = await nextEvent(recent);
		expect([event.type, rv(event.object)]).toEqual(['MODIFIED', newest]);
	});

	it('stalls open streams (nothing written, not even bookmarks) and catches them up on resume', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: threeSteps, now: clock.now, bookmarkIntervalMs: 1000});
		const stream = await watch(jobsUrl(simulator, `?watch=1&allowWatchBookmarks=1&resourceVersion=${simulator.resourceVersion}`));
		simulator.stallWatches();
		simulator.advance();
		simulator.advance();
		// Bookmarks fall due, and the cache has moved: still nothing, stalled.
		clock.advance(5000, simulator);
		const stalledWatch = watch(jobsUrl(simulator, '?watch=1'));
		const {events} = await stream.collect(200);
		expect(events).toEqual([]);
		expect(simulator.openWatches).toBe(2);

		simulator.resumeWatches();
		const caughtUp: Json[] = [];
		while (caughtUp.length < 2) {
			const event = await nextEvent(stream);
			if (event.type !== 'BOOKMARK') {
				caughtUp.push(event);
			}
		}

		expect(caughtUp.map(event => event.object.status.state.phase)).toEqual(['Running', 'Completed']);
		// The watch opened during the stall got its headers and its initial state only now.
		const late = await stalledWatch;
		expect((await nextEvent(late)).object.status.state.phase).toBe('Completed');
	});

	it('ends a stalled stream with a 410 ERROR at resume when what it missed was compacted away', async () => {
		const simulator = await start({scenario: threeSteps});
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${simulator.resourceVersion}`));
		simulator.stallWatches();
		simulator.advance();
		simulator.compact();
		simulator.resumeWatches();
		const {events, ended} = await stream.collect(2000);
		expect(ended).toBe(true);
		expect(events.map(event => [event.type, event.object.code])).toEqual([['ERROR', 410]]);
	});

	it('is refused like a gateway without watch support: 404, 405, or a stream that closes at once', async () => {
		const notFound = await start({scenario: threeSteps, refuseWatch: 404});
		const refused = await getJson(jobsUrl(notFound, '?watch=1'));
		expect(refused.status).toBe(404);
		expect(refused.body).toMatchObject({kind: 'Status', reason: 'NotFound', code: 404});
		// Lists still work.
		expect((await getJson(jobsUrl(notFound))).status).toBe(200);

		const notAllowed = await start({scenario: threeSteps, refuseWatch: 405});
		const response = await fetch(jobsUrl(notAllowed, '?watch=1'));
		expect(response.status).toBe(405);
		expect(((await response.json()) as Json).reason).toBe('MethodNotAllowed');

		const closing = await start({scenario: threeSteps, refuseWatch: 'close'});
		const stream = await watch(jobsUrl(closing, '?watch=1'));
		expect(stream.response.status).toBe(200);
		expect(await stream.collect(1000)).toEqual({events: [], ended: true});

		closing.refuseWatches(undefined);
		const served = await watch(jobsUrl(closing, '?watch=1'));
		expect((await nextEvent(served)).type).toBe('ADDED');
	});

	it('drops all streams as a proxy would: cut connections, or ended bodies', async () => {
		const simulator = await start({scenario: threeSteps});
		const cut = await watch(jobsUrl(simulator, '?watch=1'));
		expect((await nextEvent(cut)).type).toBe('ADDED');
		expect(simulator.openWatches).toBe(1);
		simulator.dropWatches();
		expect(await cut.failed).toBeInstanceOf(Error);
		expect(simulator.openWatches).toBe(0);

		const ended = await watch(jobsUrl(simulator, '?watch=1'));
		expect((await nextEvent(ended)).type).toBe('ADDED');
		simulator.dropWatches('end');
		expect(await ended.next()).toBe('end');
	});

	it('sends DELETED with the last object when the job goes, then ADDED with a new uid when it is re-created', async () => {
		const simulator = await start({scenario: 'recreate'});
		const {steps, jobName} = simulator.scenario;
		const gone = steps.findIndex(step => step.job === 'absent');
		expect(gone).toBeGreaterThan(0);
		simulator.goTo(gone - 1);
		const before = (await getJson(`${jobsUrl(simulator)}/${jobName}`)).body;
		const stream = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3D${jobName}&resourceVersion=${rv(before)}`));

		simulator.advance();
		const deleted = await nextEvent(stream);
		expect(deleted.type).toBe('DELETED');
		expect(deleted.object.metadata.uid).toBe(before.metadata.uid);
		expect(deleted.object.status).toEqual(before.status);
		expect(rv(deleted.object)).toBeGreaterThan(rv(before));
		expect((await getJson(`${jobsUrl(simulator)}/${jobName}`)).status).toBe(404);
		expect((await getJson(jobsUrl(simulator))).body.items).toEqual([]);

		simulator.advance();
		const added = await nextEvent(stream);
		expect(added.type).toBe('ADDED');
		expect(added.object.metadata.uid).not.toBe(before.metadata.uid);
		expect(rv(added.object)).toBeGreaterThan(rv(deleted.object));
		const after = (await getJson(`${jobsUrl(simulator)}/${jobName}`)).body;
		expect(after.metadata.uid).toBe(added.object.metadata.uid);

		simulator.goTo(steps.length - 1);
		const last = await nextEvent(stream);
		expect([last.type, last.object.metadata.uid, last.object.status.state.phase]).toEqual(['MODIFIED', after.metadata.uid, 'Completed']);
	});

	it('shows a new incarnation under loop as DELETED then ADDED', async () => {
		const simulator = await start({scenario: 'static', loop: true});
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${simulator.resourceVersion}`));
		simulator.advance();
		const [deleted, added] = [await nextEvent(stream), await nextEvent(stream)];
		expect([deleted.type, added.type]).toEqual(['DELETED', 'ADDED']);
		expect(added.object.metadata.uid).not.toBe(deleted.object.metadata.uid);
	});

	it('streams the initial state ending in an initial-events-end bookmark when asked with sendInitialEvents', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 2, changesPerSecond: 0}});
		const stream = await watch(
			jobsUrl(simulator, '?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion='),
		);
		const events = [await nextEvent(stream), await nextEvent(stream), await nextEvent(stream), await nextEvent(stream)];
		expect(events.map(event => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
		expect(events[3]!.object.metadata).toEqual({
			annotations: {'k8s.io/initial-events-end': 'true'},
			resourceVersion: String(simulator.resourceVersion),
		});

		const invalid = await getJson(jobsUrl(simulator, '?watch=1&sendInitialEvents=true'));
		expect(invalid.status).toBe(422);
		expect(invalid.body.message).toContain('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
	});

	it('also serves the deprecated /watch/ path', async () => {
		const simulator = await start({scenario: threeSteps});
		const stream = await watch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/watch/namespaces/ns/jobs/job`);
		expect((await nextEvent(stream)).object.metadata.name).toBe('job');
	});
});

describe('a namespace with many jobs', () => {
	it('gives every job of a big namespace exactly once in pages, even while jobs change between pages', async () => {
		const simulator = await start({scenario: 'static', manyJobs: {count: 1000, changesPerSecond: 0}});
		const first = await getJson(jobsUrl(simulator, '?limit=500'));
		expect(first.body.items).toHaveLength(500);
		expect(first.body.metadata.remainingItemCount).toBe(501);
		const listedAt = first.body.metadata.resourceVersion as string;

		// Deletes, re-creations and updates after the first page do not leak into the second.
		simulator.changeJobs(300);
		expect(simulator.resourceVersion).toBeGreaterThan(Number(listedAt));
		const names = first.body.items.map((item: Json) => item.metadata.name as string);
		let token = first.body.metadata.continue as string;
		while (token) {
			const page = await getJson(jobsUrl(simulator, `?limit=500&continue=${token}`));
			expect(page.status).toBe(200);
			expect(page.body.metadata.resourceVersion).toBe(listedAt);
			names.push(...page.body.items.map((item: Json) => item.metadata.name as string));
			token = page.body.metadata.continue as string;
		}

		expect(names).toHaveLength(1001);
		expect(new Set(names).size).toBe(1001);
		expect(names).toEqual([...names].sort());
		expect(names).toContain('openmpi-static');
		expect(names).toContain('train-1000');
	});

	it('filters by label and field selectors', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 60, changesPerSecond: 0}});
		const all = (await getJson(jobsUrl(simulator))).body.items as Json[];
		const names = (query: string) => async () =>
			((await getJson(jobsUrl(simulator, `?${query}`))).body.items as Json[]).map(item => item.metadata.name as string);
		const having = (test: (labels: Record<string, string>) => boolean) =>
			all.filter(item => test(item.metadata.labels ?? {})).map(item => item.metadata.name as string);

		const teamA = await names('labelSelector=team%3Da')();
		expect(teamA.length).toBeGreaterThan(5);
		expect(teamA).toEqual(having(labels => labels['team'] === 'a'));
		expect(await names('labelSelector=team%3D%3Da')()).toEqual(teamA);
		expect(await names('labelSelector=team!%3Da')()).toEqual(having(labels => labels['team'] !== 'a'));
		expect(await names('labelSelector=team')()).toEqual(having(labels => 'team' in labels));
		expect(await names('labelSelector=!team')()).toEqual(['job']);
		expect(await names('labelSelector=team%20in%20(a,%20b),app.kubernetes.io/name%3Dmpi')()).toEqual(
			having(labels => ['a', 'b'].includes(labels['team']!) && labels['app.kubernetes.io/name'] === 'mpi'),
		);
		expect(await names('fieldSelector=metadata.name%3Dtrain-0007')()).toEqual(['train-0007']);
		expect(await names('fieldSelector=metadata.name!%3Djob,metadata.namespace%3D%3Dns')()).toHaveLength(60);
		expect(await names('fieldSelector=metadata.namespace%3Dother')()).toEqual([]);

		// Filtered pages carry no remainingItemCount, as the API server cannot count them cheaply.
		const page = await getJson(jobsUrl(simulator, '?labelSelector=team%3Da&limit=2'));
		expect(page.body.items).toHaveLength(2);
		expect(page.body.metadata.continue).toEqual(expect.any(String));
		expect(page.body.metadata).not.toHaveProperty('remainingItemCount');
	});

	it('expires continue tokens with 410 and hands back a token for the rest of the list', async () => {
		const simulator = await start({scenario: 'static', manyJobs: {count: 30, changesPerSecond: 0}});
		const first = await getJson(jobsUrl(simulator, '?limit=10'));
		simulator.expireContinueTokens();
		const gone = await getJson(jobsUrl(simulator, `?limit=10&continue=${first.body.metadata.continue as string}`));
		expect(gone.status).toBe(410);
		expect(gone.body).toMatchObject({kind: 'Status', reason: 'Expired', code: 410});
		expect(gone.body.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
		const rest = await getJson(jobsUrl(simulator, `?limit=100&continue=${gone.body.metadata.continue as string}`));
		expect(rest.status).toBe(200);
		expect(rest.body.items[0].metadata.name).toBe('train-0010');
		expect(rest.body.items).toHaveLength(21);

		// A fresh list works at once.
		expect((await getJson(jobsUrl(simulator, '?limit=10'))).status).toBe(200);
	});

	it('also expires continue tokens after compaction', async () => {
		const simulator = await start({scenario: threeSteps, manyJobs: {count: 30, changesPerSecond: 0}});
		const first = await getJson(jobsUrl(simulator, '?limit=10'));
		simulator.advance();
		simulator.compact();
		const gone = await getJson(jobsUrl(simulator, `?limit=10&continue=${first.body.metadata.continue as string}`));
		expect([gone.status, gone.body.reason]).toEqual([410, 'Expired']);
	});

	it('keeps 1,000 realistic jobs and delivers changes to a watch at the configured rate', async () => {
		// The rate is per second of the simulated clock: moved by hand, the count is exact.
		const clock = manualClock(Date.now());
		const simulator = await start({scenario: 'static', now: clock.now, manyJobs: {count: 1000, changesPerSecond: 100}});
		const {body} = await getJson(jobsUrl(simulator, '?labelSelector=team'));
		const jobs = body.items as Json[];
		expect(jobs.length).toBeGreaterThan(950);
		const phases = new Set(jobs.map(job => job.status?.state?.phase as string));
		for (const phase of ['Pending', 'Running', 'Completed', 'Failed', 'Restarting']) {
			expect(phases).toContain(phase);
		}

		expect(new Set(jobs.map(job => job.metadata.labels.team as string))).toEqual(new Set(['a', 'b', 'c']));
		expect(new Set(jobs.map(job => job.spec.queue as string)).size).toBeGreaterThan(1);
		const ages = jobs.map(job => Date.now() - Date.parse(job.metadata.creationTimestamp as string));
		expect(Math.max(...ages)).toBeGreaterThan(3 * 24 * 3_600_000);
		expect(Math.min(...ages)).toBeLessThan(3_600_000);
		for (const job of jobs.slice(0, 50)) {
			expect(job.status.minAvailable).toBe(job.spec.minAvailable);
			expect(job.spec.tasks.length).toBeGreaterThan(0);
		}

		const watchedFrom = simulator.resourceVersion;
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${watchedFrom}`));
		clock.advance(1000, simulator);
		const events: Json[] = [];
		while (events.length < 100) {
			events.push(await nextEvent(stream));
		}

		// A hundred in that second, and no more until the clock moves again.
		expect(await stream.next(300)).toBe('timeout');
		const versions = events.map(event => rv(event.object));
		expect(versions).toEqual([...versions].sort((a, b) => a - b));
		expect(new Set(versions).size).toBe(versions.length);
		expect(events.every(event => ['ADDED', 'MODIFIED', 'DELETED'].includes(event.type as string))).toBe(true);
	});

	it('changes phases, deletes and re-creates jobs, each change a new resourceVersion seen by list and watch', async () => {
		const simulator = await start({scenario: 'static', manyJobs: {count: 40, changesPerSecond: 0, seed: 7}});
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${simulator.resourceVersion}`));
		const before = simulator.resourceVersion;
		simulator.changeJobs(400);
		expect(simulator.resourceVersion).toBe(before + 400);
		const events: Json[] = [];
		while (events.length < 400) {
			events.push(await nextEvent(stream));
		}

		const types = new Set(events.map(event => event.type as string));
		expect(types).toEqual(new Set(['ADDED', 'MODIFIED', 'DELETED']));
		const recreated = events.find(
			(event, index) => event.type === 'ADDED' && events.slice(0, index).some(earlier => earlier.type === 'DELETED' && earlier.object.metadata.name === event.object.metadata.name),
		);
		expect(recreated).toBeDefined();
		const phases = new Set(events.filter(event => event.object.status).map(event => event.object.status.state.phase as string));
		expect([...phases]).toEqual(expect.arrayContaining(['Pending', 'Running', 'Completed']));

		// The list agrees with the last event of each job.
		const last = new Map<string, Json>();
		for (const event of events) {
			last.set(event.object.metadata.name as string, event);
		}

		const listed = (await getJson(jobsUrl(simulator))).body;
		expect(listed.metadata.resourceVersion).toBe(String(simulator.resourceVersion));
		const items = new Map((listed.items as Json[]).map(item => [item.metadata.name as string, item]));
		for (const [name, event] of last) {
			if (event.type === 'DELETED') {
				expect(items.has(name)).toBe(false);
			} else {
				expect(items.get(name)).toEqual(event.object);
			}
		}
	});

	it('is the namespace scenario: 200 jobs beside the demo job', async () => {
		const simulator = await start({scenario: 'namespace'});
		const {body} = await getJson(jobsUrl(simulator, '?limit=1'));
		expect(body.metadata.remainingItemCount).toBe(199);
		expect((await getJson(`${jobsUrl(simulator)}/train-0200`)).status).toBe(200);
	});
});

describe('GET of one job with a resourceVersion', () => {
	it('serves the latest for an old or current resourceVersion, and 504 for one the server has not reached', async () => {
		const simulator = await start({scenario: threeSteps, tooLargeWaitMs: 100});
		const url = `${jobsUrl(simulator)}/job`;
		const old = simulator.resourceVersion;
		simulator.advance();
		simulator.compact();
		const served = await getJson(`${url}?resourceVersion=${old}`);
		expect([served.status, rv(served.body)]).toEqual([200, await jobRv(simulator)]);

		const current = simulator.resourceVersion;
		const started = Date.now();
		const tooNew = await getJson(`${url}?resourceVersion=${current + 5}`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(90);
		expect(tooNew.status).toBe(504);
		expect(tooNew.response.headers.get('retry-after')).toBe('1');
		expect(tooNew.body).toMatchObject({
			kind: 'Status',
			reason: 'Timeout',
			code: 504,
			message: `Too large resource version: ${current + 5}, current: ${current}`,
			details: {causes: [{reason: 'ResourceVersionTooLarge', message: 'Too large resource version'}], retryAfterSeconds: 1},
		});
	});

	it('answers once a write reaches the resourceVersion it waits for', async () => {
		const simulator = await start({scenario: threeSteps, tooLargeWaitMs: 2000});
		const wanted = simulator.resourceVersion + 1;
		const pending = getJson(`${jobsUrl(simulator)}/job?resourceVersion=${wanted}`);
		// The write comes while the request waits for it.
		const asked = Date.now() + 5000;
		while (!simulator.requests.some(request => request.path.endsWith(`resourceVersion=${wanted}`))) {
			if (Date.now() > asked) throw new Error('gave up after 5000 ms waiting for the request to reach the server');
			await new Promise(resolve => setTimeout(resolve, 10));
		}

		simulator.advance();
		const {status, body} = await pending;
		expect([status, rv(body)]).toEqual([200, wanted]);
	});
});
