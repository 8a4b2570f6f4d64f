import {describe, expect, test} from 'vitest';
import type {Simulator, SimulatorOptions} from '../../../source/simulator/index.js';
import type {PtyRun} from '../support/pty.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {pause, waitUntil} from '../support/wait.js';

// The built program watching the simulator's job over real HTTP: the stream, the ways it breaks (compaction,
// stalls, dropped connections, gateways that refuse watches) and a job deleted and submitted again. The
// poll interval is short on purpose: were the program polling, its GETs would show in the request log.

const fast = ['--interval', '100ms', '--max-wait', '300ms', '--recheck', '300ms', '--no-details'];
// A poll interval no test outlasts: a change that shows up came through the stream.
const slowPolls = ['--interval', '60s', '--max-wait', '300ms', '--recheck', '300ms', '--no-details'];
let simulator: Simulator | undefined;
let run: CliRun | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runCli, runInPty} = e2eFixture();

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
	simulator = await startSimulator({scenario: 'demo', autoplay: false, bookmarkIntervalMs: 200, ...options});
	return simulator;
}

function target(sim: Simulator): string[] {
	return [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
}

/** The requests for the job: GETs of it, lists of it (by field selector) and watches of the collection. */
function jobRequests(sim: Simulator) {
	const base = `/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs`;
	const requests = sim.requests.filter(request => request.path.startsWith(base));
	return {
		gets: requests.filter(request => request.path.startsWith(`${base}/`)),
		lists: requests.filter(request => request.path.startsWith(`${base}?`) && !/[?&]watch=1/.test(request.path)),
		watches: requests.filter(request => request.path.startsWith(`${base}?`) && /[?&]watch=1/.test(request.path)),
	};
}


function lines(cli: CliRun): string[] {
	return cli.stdout().trim().split('\n');
}

const minute = (at: number) => Math.floor(at / 60_000);

/**
 * The bytes the screen writes while `idle` runs. Ages on screen count in whole minutes, so a minute that turns
 * during the window (or just before it: the redraw lags) redraws them; such a window is looked at again.
 */
async function idleBytes(screen: PtyRun, idle: () => Promise<void>): Promise<number> {
	for (;;) {
		const from = Date.now();
		const before = screen.bytes();
		await idle();
		const written = screen.bytes() - before;
		if (minute(from - 2000) === minute(Date.now())) return written;
	}
}

describe('changes come through the stream', () => {
	test('text: each change is a line, as when polling, from one list and one watch request', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', ...slowPolls]);
		await run.waitFor(/phase=Pending pending=3 .*\(first seen\)/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		sim.goTo(5);
		// Within the wait's deadline, far less than the 60 s poll interval: only the stream can have brought it.
		await run.waitFor(/phase=Running pending=0 running=3 .*\(phase Pending→Running, pending 3→0, running 0→3/);
		const {gets, lists, watches} = jobRequests(sim);
		expect(gets).toHaveLength(0);
		expect(lists.map(request => request.path)).toEqual([`/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs?fieldSelector=metadata.name%3Dopenmpi-hello`]);
		expect(watches).toHaveLength(1);
		// From the list's version: the collection's, at least as new as the job's own.
		const rv = Number(/rv=(\d+) phase=Pending/.exec(run.stdout())![1]);
		const from = /\?watch=1&fieldSelector=metadata\.name%3Dopenmpi-hello&resourceVersion=(\d+)&allowWatchBookmarks=true&timeoutSeconds=\d+$/.exec(watches[0]!.path);
		expect(Number(from?.[1])).toBeGreaterThanOrEqual(rv);
		expect(lines(run)).toHaveLength(2);
		expect(run.stdout()).not.toMatch(/retry|error|polling/);
	});

	test('json: the change objects are the same as when polling, the job as the stream sent it', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'json', ...fast]);
		await run.waitFor(/"phase":"Pending"/);
		sim.goTo(5);
		await run.waitFor(/"phase":"Running"/);
		const objects = lines(run).map(line => JSON.parse(line) as Record<string, any>);
		expect(objects.map(object => object['event'])).toEqual(['change', 'change']);
		const [, second] = objects;
		expect(second!['first']).toBe(false);
		expect(second!['changes']).toContainEqual({path: 'status.state.phase', old: 'Pending', new: 'Running'});
		expect(jobRequests(sim).lists).toHaveLength(1);
		const served = (await (await fetch(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs/${sim.scenario.jobName}`)).json()) as unknown;
		expect(second!['job']).toEqual(served);
	});
});

describe('a server that refuses watches', () => {
	test.each([
		[405, 'the server refused watch (405)'],
		[404, 'the server refused watch (404)'],
		['close', 'the server refused watch (streams closed at once)'],
	] as const)('refuseWatch %s: polling, and the output says why', async (how, reason) => {
		const sim = await start({refuseWatch: how});
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', ...fast]);
		await run.waitFor(new RegExp(`polling: ${reason.replaceAll(/[()]/g, '\\$&')}`));
		sim.goTo(5);
		await run.waitFor(/phase=Running/);
		// Polled: GETs at the interval from the fallback on.
		await waitUntil(() => jobRequests(sim).gets.length > 3, 'four GETs of the job after the fallback');
		expect(run.stdout().match(/polling:/g)).toHaveLength(1);
	});

	test('json: one "polling" object with the reason and the server\'s error', async () => {
		const sim = await start({refuseWatch: 405});
		run = runCli([...target(sim), '-o', 'json', ...fast]);
		await run.waitFor(/"event":"polling"/);
		const polling = lines(run)
			.map(line => JSON.parse(line) as Record<string, any>)
			.find(object => object['event'] === 'polling')!;
		expect(polling['reason']).toBe('the server refused watch (405)');
		expect(polling['error']).toMatchObject({status: 405, reason: 'MethodNotAllowed', retryable: false});
	});

	test('--watch: the refusal is an error, checked again at --recheck, and the watch recovers when allowed', async () => {
		const sim = await start({refuseWatch: 405});
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', '--watch', ...fast]);
		await run.waitFor(/error: the server refused watch \(405\): 405 MethodNotAllowed.*; checking again in 0\.3s/);
		await waitUntil(() => jobRequests(sim).watches.length >= 3, 'three refused watches');
		// One a --recheck (300 ms, counted from the refusal), not one a poll interval (100 ms); the server's
		// arrival times, in whole ms, may round the gap down by one.
		const refused = jobRequests(sim).watches.map(request => request.at);
		for (let index = 1; index < refused.length; index++) {
			expect(refused[index]! - refused[index - 1]!).toBeGreaterThanOrEqual(299);
		}

		expect(jobRequests(sim).lists).toHaveLength(1);
		sim.refuseWatches(undefined);
		await run.waitFor(/recovered after \d+ failed attempts: watching rv=\d+ phase=Pending/);
		sim.goTo(5);
		await run.waitFor(/phase=Running/);
		expect(run.stdout()).not.toContain('polling');
	});
});

describe('recovery', () => {
	test('after compaction (410): one new list, the change that came meanwhile shown, no error', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', ...fast]);
		await run.waitFor(/phase=Pending/);
		await waitUntil(() => sim.openWatches > 0, 'the first watch to open');
		// The stream falls behind, the history it needs is compacted away: the server ends it with a 410.
		sim.stallWatches();
		sim.goTo(5);
		sim.compact();
		sim.resumeWatches();
		await run.waitFor(/phase=Running pending=0 running=3 .*\(phase Pending→Running/);
		expect(jobRequests(sim).lists).toHaveLength(2);
		await waitUntil(() => jobRequests(sim).watches.length >= 2 && sim.openWatches > 0, 'the watch after the new list to open');
		const {watches} = jobRequests(sim);
		expect(watches).toHaveLength(2);
		// The second watch starts where the new list left off, never from the refused version again.
		const versions = watches.map(request => /resourceVersion=(\d+)/.exec(request.path)![1]);
		expect(versions[1]).not.toBe(versions[0]);
		expect(Number(versions[1])).toBeGreaterThanOrEqual(Number(/rv=(\d+) phase=Running/.exec(run.stdout())![1]));
		expect(run.stdout()).not.toMatch(/retry|error/);
	});

	test('a stalled server (a silent stream, then no answer to the reopening): the silence is reopened quietly, the failed reopening is news, then recovered', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', '--watch-idle', '1s', '--timeout', '1s', ...fast]);
		await run.waitFor(/phase=Pending/);
		// The stream opens just after the first answer: stall it, not the opening of it.
		await waitUntil(() => sim.openWatches > 0, 'the first watch to open');
		sim.stallWatches();
		// Stalled watches send not even their headers: the reopening times out, and that is said.
		await run.waitFor(/retry attempt=1 in=\S+ error: no answer from 127\.0\.0\.1:\d+ within 1s/, 10_000);
		expect(run.stdout()).not.toMatch(/went silent|stall/);
		sim.goTo(5);
		sim.resumeWatches();
		await run.waitFor(/recovered after \d+ failed attempts?: watching[\s\S]*phase=Running pending=0 running=3/, 10_000);
		expect(jobRequests(sim).lists).toHaveLength(1);
	});

	test('streams dropped by a proxy (cut, or ended) are reopened at once from where they were; nothing to say', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'text', ...fast]);
		await run.waitFor(/phase=Pending/);
		await waitUntil(() => sim.openWatches > 0, 'the first watch to open');
		sim.dropWatches('close');
		await waitUntil(() => jobRequests(sim).watches.length === 2 && sim.openWatches > 0, 'the watch reopened after the cut');
		sim.goTo(4);
		await run.waitFor(/phase=Pending pending=2 running=1/);
		sim.dropWatches('end');
		await waitUntil(() => jobRequests(sim).watches.length === 3 && sim.openWatches > 0, 'the watch reopened after the ended body');
		sim.goTo(5);
		await run.waitFor(/phase=Running/);
		const {gets, lists, watches} = jobRequests(sim);
		expect(gets).toHaveLength(0);
		expect(lists).toHaveLength(1);
		expect(watches).toHaveLength(3);
		expect(lines(run)).toHaveLength(3);
		expect(run.stdout()).not.toMatch(/retry|error|polling/);
	});
});

describe('deleted and submitted again', () => {
	test('text: the deletion, then the new job as "re-created", all through one stream', async () => {
		const sim = await start({scenario: 'recreate'});
		const gone = sim.scenario.steps.findIndex(step => step.job === 'absent');
		sim.goTo(gone - 1);
		run = runCli([...target(sim), '-o', 'text', ...fast]);
		await run.waitFor(/phase=Running .*\(first seen\)/);
		sim.advance();
		await run.waitFor(/deleted; waiting for cci-namespace-42263891\/openmpi-resubmit to appear/);
		sim.advance();
		const out = await run.waitFor(/phase=Pending .*\(re-created, uid \S+→\S+/);
		const [first, , again] = lines(run);
		expect(first).toMatch(/rv=\d+ phase=Running/);
		expect(again).toMatch(/phase Running→Pending/);
		expect(out).not.toMatch(/retry|error|polling/);
		expect(jobRequests(sim).lists).toHaveLength(1);
	});

	test('json: "waiting" with deleted: true, then a change with recreated: true and the new uid', async () => {
		const sim = await start({scenario: 'recreate'});
		const gone = sim.scenario.steps.findIndex(step => step.job === 'absent');
		sim.goTo(gone - 1);
		run = runCli([...target(sim), '-o', 'json', ...fast]);
		await run.waitFor(/"event":"change"/);
		sim.advance();
		await run.waitFor(/"event":"waiting"/);
		sim.advance();
		await run.waitFor(/"recreated":true/);
		const objects = lines(run).map(line => JSON.parse(line) as Record<string, any>);
		expect(objects.map(object => object['event'])).toEqual(['change', 'waiting', 'change']);
		expect(objects[1]).toMatchObject({deleted: true, error: {category: 'not-found', status: 404}});
		const oldUid = objects[0]!['job'].metadata.uid as string;
		const newUid = objects[2]!['job'].metadata.uid as string;
		expect(newUid).not.toBe(oldUid);
		expect(objects[2]!['changes']).toContainEqual({path: 'metadata.uid', old: oldUid, new: newUid});
	});
});

describe('the screen', () => {
	test('says it is watching, since when; a change shows at once; idle bookmarks write nothing', async () => {
		const sim = await start({bookmarkIntervalMs: 100});
		sim.goTo(3);
		pty = runInPty([...target(sim), '--no-details', '--interval', '60s'], {columns: 100, rows: 30});
		const screen = await pty.waitForScreen(/● live · watching \(stream since \d\d:\d\d:\d\d, last event <1m ago\)/);
		expect(screen).not.toMatch(/polling every/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		// About ten bookmarks (one each 100 ms): the resourceVersion to resume from moves, the screen does not.
		// A minute's redraw of the ages is a few hundred bytes; a frame is several KB.
		const idle = await idleBytes(pty, async () => pause(1200));
		expect(idle).toBeLessThan(600);
		sim.goTo(5);
		// Within the wait's deadline, far less than the 60 s poll interval: the stream brought it.
		await pty.waitForScreen(/Running\*/);
		expect(jobRequests(sim).gets).toHaveLength(0);
		expect(jobRequests(sim).lists).toHaveLength(1);
	});

	test('says it polls, and why, after a refusal', async () => {
		const sim = await start({scenario: 'static', refuseWatch: 405});
		pty = runInPty([...target(sim), '--no-details'], {columns: 100, rows: 30});
		await pty.waitForScreen(/● live · polling every 2s *\n\s+polling: the server refused watch \(405\) · no credentials/);
	});
});
