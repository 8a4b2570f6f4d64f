import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import type {PtyRun} from '../support/pty.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {pause, waitUntil} from '../support/wait.js';

// Where a watch starts and how it resumes, against a simulator whose watch cache behaves as kube-apiserver's: a
// window of about 75 s per resource, bookmarks only once the resource's version moved, restarts that end every
// watch and refuse every older version. The program must never watch from a job's own resourceVersion (long out of
// the window on a job left alone), must list again at once and quietly on a 410, and must take silence for quiet.

let run: CliRun | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runCli, runInPty} = e2eFixture();

function target(sim: Simulator): string[] {
	return [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
}

type Requests = {lists: string[]; watches: string[]; gets: string[]};

/** The requests for one job (by name) or, without a name, for the namespace's collection. */
function jobRequests(sim: Simulator, name?: string): Requests {
	const base = `/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs`;
	const paths = sim.requests.map(request => request.path).filter(path => path.startsWith(base));
	const named = (path: string) => (name === undefined ? !path.includes('fieldSelector=metadata.name') : path.includes(`fieldSelector=metadata.name%3D${name}`));
	return {
		gets: paths.filter(path => name !== undefined && path.startsWith(`${base}/${name}`)),
		lists: paths.filter(path => path.startsWith(`${base}?`) && !/[?&]watch=1/.test(path) && named(path)),
		watches: paths.filter(path => path.startsWith(`${base}?`) && /[?&]watch=1/.test(path) && named(path)),
	};
}

const versionOf = (path: string) => /[?&]resourceVersion=(\d+)/.exec(path)?.[1];


const noTrouble = /retry|error|stall|silent|stale|polling/;

describe('a job left alone for an hour', () => {
	test('text: watched from the list\'s version, never the job\'s own; its change comes through the open stream', async () => {
		const sim = await startSimulator({scenario: 'idle', autoplay: false});
		run = runCli([...target(sim), '-o', 'text', '--no-details']);
		await run.waitFor(/phase=Running .*\(first seen\)/);
		const own = /rv=(\d+) phase=Running/.exec(run.stdout())![1]!;
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		const before = jobRequests(sim, sim.scenario.jobName);
		expect(before.lists).toHaveLength(1);
		expect(before.gets).toHaveLength(0);
		// Not from the job's own version, an hour old (below: the server refuses it), but from the list's.
		expect(before.watches.map(versionOf)).not.toContain(own);
		expect(Number(versionOf(before.watches[0]!))).toBeGreaterThan(Number(own));

		sim.advance();
		const changed = await run.waitFor(/phase=Running .*succeeded=1 /);
		// Brought by the stream already open: no list, GET or new watch between the change and its line.
		const after = jobRequests(sim, sim.scenario.jobName);
		expect(after.lists).toEqual(before.lists);
		expect(after.gets).toEqual([]);
		expect(after.watches).toEqual(before.watches);
		expect(changed).not.toMatch(noTrouble);
		// The job's own version is out of the simulated API server's window: a watch from it is refused (410).
		const refused = await fetch(`${sim.url}${before.watches[0]!.replace(/resourceVersion=\d+/, `resourceVersion=${own}`)}`);
		expect(await refused.text()).toMatch(/"code":410,"reason":"Expired"|"reason":"Expired".*"code":410/);
	});

	test('json: the same, and the only objects are changes', async () => {
		const sim = await startSimulator({scenario: 'idle', autoplay: false});
		run = runCli([...target(sim), '-o', 'json', '--no-details']);
		await run.waitFor(/"event":"change"/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		sim.advance();
		await run.waitFor(/"succeeded":1/);
		const events = run.stdout().trim().split('\n').map(line => (JSON.parse(line) as {event: string}).event);
		expect(events).toEqual(['change', 'change']);
	});
});

describe('410 and restarts', () => {
	test('an API server restart: every watch ends, the old version is refused, one list at once, no error line; changes go on', async () => {
		// Jobs in another namespace: written before the restart, they move the revision past the stream's version.
		const sim = await startSimulator({scenario: 'demo', autoplay: false, manyJobs: {count: 3, changesPerSecond: 0, namespace: 'elsewhere'}});
		sim.goTo(5);
		run = runCli([...target(sim), '-o', 'text', '--no-details']);
		await run.waitFor(/phase=Running .*\(first seen\)/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		sim.changeJobs(3);
		sim.restart();
		await waitUntil(() => jobRequests(sim, sim.scenario.jobName).lists.length === 2 && sim.openWatches > 0, 'a second list and a watch from it');
		sim.goTo(6);
		await run.waitFor(/phase=Running .*succeeded=1 /);
		const {lists, watches} = jobRequests(sim, sim.scenario.jobName);
		expect(lists).toHaveLength(2);
		// From the first list; reopened from where it was (refused: the window is gone); from the second list.
		expect(watches).toHaveLength(3);
		const versions = watches.map(versionOf);
		expect(versions[1]).toBe(versions[0]);
		expect(versions[2]).not.toBe(versions[1]);
		expect(run.stdout()).not.toMatch(noTrouble);
	});

	test('a restart whose caches take a while (429 "storage is (re)initializing"): waits as asked, then lists and watches again', async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(5);
		run = runCli([...target(sim), '-o', 'text', '--no-details', '--interval', '100ms']);
		await run.waitFor(/phase=Running/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		sim.restart({initializingMs: 1500});
		await run.waitFor(/retry attempt=1 .*429/);
		await waitUntil(() => sim.openWatches > 0, 'a watch after the restart');
		sim.goTo(6);
		await run.waitFor(/succeeded=1 /);
		// Then live again, said once.
		expect(run.stdout()).toMatch(/recovered after \d+ failed attempts?/);
	});
});

describe('a quiet cluster', () => {
	test('twenty simulated minutes with nothing changing: no error, retry or stall line, at most one request per --watch-idle', async () => {
		// 120 times faster: the twenty minutes are ten seconds, the job then finishes.
		const sim = await startSimulator({scenario: 'quiet', speed: 120});
		run = runCli([...target(sim), '-o', 'text', '--no-details', '--watch-idle', '1s']);
		await run.waitFor(/phase=Running .*\(first seen\)/);
		await run.waitFor(/succeeded=1 /, 30_000);
		const {lists, watches, gets} = jobRequests(sim, sim.scenario.jobName);
		expect(run.stdout()).not.toMatch(noTrouble);
		expect(gets).toEqual([]);
		expect(lists).toHaveLength(1);
		expect(watches.length).toBeGreaterThan(1);
		// Each stream lived a --watch-idle at least (or until the server ended it, later still): reopenings
		// at most one a second, by the server's own arrival times (whole ms: one may round down).
		const opened = sim.requests.filter(request => watches.includes(request.path)).map(request => request.at);
		for (let index = 1; index < opened.length; index++) {
			expect(opened[index]! - opened[index - 1]!).toBeGreaterThanOrEqual(999);
		}
	});
});

describe('the namespace view', () => {
	test('Enter on a job that has not changed for long: its own list and watch, the status line says watching, no error', async () => {
		const sim = await startSimulator({scenario: 'namespace'});
		pty = runInPty(['-n', sim.scenario.namespace, '-s', sim.url, '--no-details'], {columns: 100, rows: 30});
		await pty.waitForScreen(/rows 1–\d+ of \d+/);
		pty.type('/');
		await pty.waitForScreen(/Enter keeps · Esc clears/);
		pty.type('train-0007');
		await pty.waitForScreen(/rows 1–1 of 1 matching "train-0007"/);
		pty.type('\r');
		await pty.waitForScreen(/filter train-0007 \(Esc clears\)/);
		pty.type('\r');
		const screen = await pty.waitForScreen(/cci-namespace-42263891\/train-0007 rv (\d+)[\s\S]*● live · watching \(stream since/);
		const own = /train-0007 rv (\d+)/.exec(screen)![1];
		// Long enough for a loop of 410s to show.
		await pause(1500);
		const later = pty.screen().join('\n');
		expect(later).toMatch(/● live · watching/);
		expect(later).not.toMatch(/retrying|410|Expired|error/i);
		const {lists, watches} = jobRequests(sim, 'train-0007');
		expect(lists).toHaveLength(1);
		expect(watches.length).toBeGreaterThanOrEqual(1);
		expect(watches.map(versionOf)).not.toContain(own);
	});
});
