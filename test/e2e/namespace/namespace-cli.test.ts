import {describe, expect, test} from 'vitest';
import type {Simulator, SimulatorOptions} from '../../../source/simulator/index.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

let simulator: Simulator | undefined;
let run: CliRun | undefined;

const {startSimulator, runCli} = e2eFixture();

const fast = ['--interval', '100ms', '--max-wait', '300ms'];

/** The static scenario's job plus `count` others, changed only when the test says so. */
async function busy(count: number, options: SimulatorOptions = {}) {
	simulator = await startSimulator({scenario: 'static', autoplay: false, manyJobs: {count, changesPerSecond: 0}, ...options});
	return simulator;
}

function jsonLines(text: string): Array<Record<string, any>> {
	return completeLines(text).map(line => JSON.parse(line) as Record<string, any>);
}

/** The lines written in full so far: a line still being written is left out. */
function completeLines(text: string): string[] {
	return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
}

const changeLine = /train-\d{4} (rv=\d+ phase=\S+ .*\((?!listed).+\)|deleted \(last seen .*\))$/;

describe('text output for a namespace', () => {
	test('one line per job first, then one line per job that changed, nothing for the others', async () => {
		const sim = await busy(30);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', ...fast]);
		await run.waitFor(/train-0030 .*\(listed\)\n/);
		const first = run.stdout().trim().split('\n');
		expect(first).toHaveLength(31);
		expect(first[0]).toMatch(/^\S+Z cci-namespace-42263891\/openmpi-static rv=\d+ phase=Running pending=0 running=3 succeeded=0 failed=0 \(listed\)$/);
		const before = run.stdout().length;
		// Changes that move no more than a few jobs: each one that moved gets a line; nothing else is written.
		const rv = sim.resourceVersion;
		sim.changeJobs(5);
		const moved = sim.resourceVersion - rv;
		const later = () => completeLines(run!.stdout().slice(before));
		await waitUntil(() => later().some(line => changeLine.test(line)), 'a line for a job that changed');
		expect(later().length).toBeLessThanOrEqual(moved);
		for (const line of later()) expect(line).toMatch(changeLine);
		expect(run.stdout()).not.toContain('\u001B');
	});

	test('-l: only the jobs with those labels, chosen by the server', async () => {
		const sim = await busy(60);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-l', 'team=c', '--once', '-o', 'json']);
		expect(await run.exit()).toBe(0);
		const lines = jsonLines(run.stdout());
		expect(lines.length).toBeGreaterThan(5);
		expect(lines.length).toBeLessThan(40);
		for (const line of lines) expect(line['job'].metadata.labels.team).toBe('c');
		expect(sim.requests.some(request => request.path.includes('labelSelector=team%3Dc'))).toBe(true);
	});
});

describe('JSON output for a namespace', () => {
	test('"listed" objects first, then "changed" with old and new values, "added" and "deleted"', async () => {
		const sim = await busy(40);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'json', ...fast]);
		await run.waitFor(/"name":"train-0040"/);
		const first = jsonLines(run.stdout());
		expect(first).toHaveLength(41);
		expect(new Set(first.map(line => line['event']))).toEqual(new Set(['listed']));
		expect(first[0]).toMatchObject({namespace: 'cci-namespace-42263891', name: 'openmpi-static', phase: 'Running', counters: {running: 3}});
		expect(first[0]!['job'].kind).toBe('Job');
		const seen = first.length;
		const rv = sim.resourceVersion;
		sim.changeJobs(200);
		const writes = sim.resourceVersion - rv;
		const eventsAfter = () => new Set(jsonLines(run!.stdout()).slice(seen).map(line => line['event']));
		// The fleet's changes are seeded: 200 of them delete finished jobs and submit some again.
		await waitUntil(() => ['changed', 'deleted', 'added'].every(event => eventsAfter().has(event)), '"changed", "deleted" and "added" objects');
		const later = jsonLines(run.stdout()).slice(seen);
		const events = new Set(later.map(line => line['event']));
		const changed = later.find(line => line['event'] === 'changed')!;
		expect(changed['changes'].length).toBeGreaterThan(0);
		for (const change of changed['changes']) expect(change).toEqual({path: expect.any(String), old: expect.anything(), new: expect.anything()});
		expect(events).toEqual(new Set(['changed', 'deleted', 'added']));
		const deleted = later.find(line => line['event'] === 'deleted')!;
		expect(deleted).toMatchObject({name: expect.stringMatching(/^train-/), phase: expect.any(String)});
		// The watch's DELETED event carries the job's last object.
		expect(deleted['job'].metadata.name).toBe(deleted['name']);
		// One object per change of a job, at most; never the whole namespace again.
		expect(later.length).toBeLessThanOrEqual(writes);
		expect(later.some(line => line['event'] === 'listed')).toBe(false);
	});

	test('--poll: a list every interval, and only what changed between two lists', async () => {
		const sim = await busy(40);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'json', '--poll', ...fast]);
		await run.waitFor(/"name":"train-0040"/);
		const seen = jsonLines(run.stdout()).length;
		sim.changeJobs(200);
		const eventsAfter = () => new Set(jsonLines(run!.stdout()).slice(seen).map(line => line['event']));
		await waitUntil(() => ['changed', 'deleted', 'added'].every(event => eventsAfter().has(event)), '"changed", "deleted" and "added" objects');
		const later = jsonLines(run.stdout()).slice(seen);
		expect(new Set(later.map(line => line['event']))).toEqual(new Set(['changed', 'deleted', 'added']));
		// A list does not carry a deleted job's last object.
		expect(later.find(line => line['event'] === 'deleted')).not.toHaveProperty('job');
		expect(sim.requests.some(request => request.path.includes('watch='))).toBe(false);
		await waitUntil(() => sim.requests.filter(request => request.path.includes('/jobs?limit=500')).length > 2, 'a third list');
	});
});

describe('list, then watch', () => {
	// The jobs' requests: the pods of jobs that show a failure are read beside them (namespace-exits.test.ts).
	const requestsAfter = (sim: Simulator, index: number) =>
		sim.requests
			.slice(index)
			.map(request => request.path)
			.filter(path => path.includes('/jobs'));

	test('one list, then a watch from its resourceVersion with bookmarks; a dropped stream is reopened from the last one, not listed again', async () => {
		const sim = await busy(20, {bookmarkIntervalMs: 200});
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', ...fast]);
		await run.waitFor(/train-0020 .*\(listed\)/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		const [list, watch] = requestsAfter(sim, 0);
		expect(list).toMatch(/\/jobs\?limit=500$/);
		expect(watch).toMatch(/\/jobs\?watch=1&resourceVersion=\d+&allowWatchBookmarks=true&timeoutSeconds=\d+$/);
		const mark = sim.requests.length;
		sim.dropWatches();
		sim.changeJobs(3);
		await run.waitFor(/\((?:phase|pending|running|succeeded|terminating|retries) .*\)\n/);
		expect(requestsAfter(sim, mark).every(path => path.includes('watch=1&resourceVersion='))).toBe(true);
		expect(run.stdout().match(/\(listed\)/g)).toHaveLength(21);
	});

	test('a history compacted past the watch (410): listed again, and only the jobs that changed are written', async () => {
		const sim = await busy(20);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', ...fast]);
		await run.waitFor(/train-0020 .*\(listed\)/);
		await waitUntil(() => sim.openWatches > 0, 'the watch to open');
		// The stream is held, the changes happen, the history is forgotten: the watch cannot resume from where it was.
		sim.stallWatches();
		sim.changeJobs(4);
		sim.compact();
		const mark = sim.requests.length;
		sim.resumeWatches();
		await run.waitFor(/\((?:phase|pending|running|succeeded|terminating|retries) .*\)\n|deleted \(last seen/);
		// The changes came from the new list: it was made before they were written.
		expect(requestsAfter(sim, mark).some(path => path.endsWith('/jobs?limit=500'))).toBe(true);
		expect(run.stdout().match(/\(listed\)/g)).toHaveLength(21);
		const after = completeLines(run.stdout()).filter(line => !line.endsWith('(listed)'));
		expect(after.length).toBeGreaterThan(0);
		expect(after.length).toBeLessThanOrEqual(8);
	});

	test('a server that refuses watches (405): "polling", and the lists go on reporting changes', async () => {
		const sim = await busy(10, {refuseWatch: 405});
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', ...fast]);
		await run.waitFor(/cci-namespace-42263891 polling: the server refused watch \(405\)/);
		sim.changeJobs(10);
		await run.waitFor(/train-\d{4} rv=\d+ .*\((?!listed).+\)\n/);
	});
});

describe('--once for a namespace', () => {
	test('text: one line per job, exit 0', async () => {
		const sim = await busy(12);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once']);
		expect(await run.exit()).toBe(0);
		const lines = run.stdout().trim().split('\n');
		expect(lines).toHaveLength(13);
		for (const line of lines) expect(line).toMatch(/ \(listed\)$/);
	});

	test('tui: the whole table once, every job, with the phase counts', async () => {
		const sim = await busy(50);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once', '-o', 'tui']);
		expect(await run.exit()).toBe(0);
		const out = run.stdout();
		expect(out).toMatch(/cci-namespace-42263891 51 jobs/);
		expect(out).toMatch(/NAME +PHASE +PEND +RUN/);
		for (let index = 1; index <= 50; index++) expect(out).toContain(`train-${String(index).padStart(4, '0')}`);
		expect(out).not.toContain('q quit');
	});

	test('--demo --scenario namespace: the scenario\'s namespace, listed from the built-in simulator', async () => {
		run = runCli(['--demo', '--scenario', 'namespace', '--once', '-o', 'json']);
		expect(await run.exit()).toBe(0);
		const lines = jsonLines(run.stdout());
		// The scenario's 200 others (its demo job appears a few seconds in).
		expect(lines.length).toBeGreaterThanOrEqual(200);
		expect(new Set(lines.map(line => line['namespace']))).toEqual(new Set(['cci-namespace-42263891']));
		expect(lines.filter(line => /^train-\d{4}$/.test(line['name']))).toHaveLength(200);
	});

	test('an empty namespace: "no jobs", exit 0', async () => {
		const sim = await busy(0);
		run = runCli(['-n', 'empty-team', '-s', sim.url, '--once']);
		expect(await run.exit()).toBe(0);
		expect(run.stdout()).toMatch(/^\S+Z empty-team no jobs\n$/);
	});

	test('exit 3 when the list is refused (401), exit 5 when the server cannot be reached', async () => {
		const sim = await busy(3, {token: 'right'});
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once'], {HW_AUTH_TOKEN: 'wrong'});
		expect(await run.exit()).toBe(3);
		expect(run.stdout()).toMatch(/cci-namespace-42263891 error: 401 Unauthorized/);
		const {url} = sim;
		await sim.close();
		simulator = undefined;
		run = runCli(['-n', 'team-a', '-s', url, '--once', '--interval', '50ms', '--max-wait', '100ms']);
		expect(await run.exit()).toBe(5);
		expect(run.stderr()).toMatch(/gave up after 6 tries: connection refused/);
	});

	test('a server that goes away is retried with lines that say so, and the first list after says it recovered', async () => {
		const sim = await busy(3);
		run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', '--poll', ...fast]);
		await run.waitFor(/train-0003/);
		// The collection path serves no injected faults: a server that is gone, then back on the same port.
		await sim.close();
		simulator = undefined;
		await run.waitFor(/retry attempt=2 /, 10_000);
		expect(run.stdout()).toMatch(/cci-namespace-42263891 retry attempt=1 in=\S+ error: connection refused/);
		simulator = await startSimulator({scenario: 'static', autoplay: false, port: sim.port, manyJobs: {count: 3, changesPerSecond: 0}});
		await run.waitFor(/cci-namespace-42263891 recovered after \d+ failed attempts: 4 jobs/, 10_000);
	});
});

test('usage: no name and no -n is still a usage error; -l and --exit-on-finish need the namespace view', async () => {
	for (const [args, message] of [
		[['-s', 'http://127.0.0.1:9'], /which job\?/],
		[['job', '-l', 'team=a', '-s', 'http://127.0.0.1:9'], /--selector picks jobs of a namespace/],
		[['-n', 'team-a', '--exit-on-finish', '-s', 'http://127.0.0.1:9'], /--exit-on-finish waits for one job/],
		[['-n', 'team-a', '-l', ' ', '-s', 'http://127.0.0.1:9'], /--selector is empty/],
	] as const) {
		run = runCli([...args]);
		expect(await run.exit(), args.join(' ')).toBe(2);
		expect(run.stderr()).toMatch(message);
	}
});

test('a hostile job in the namespace cannot send escape sequences to the terminal', async () => {
	const hostile = {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {name: 'evil\u001B]0;pwned\u0007', namespace: 'default', uid: 'u-1', resourceVersion: '1'},
		spec: {queue: '\u001B]8;;http://x\u001B\\q\u001B]8;;\u001B\\', minAvailable: 1},
		status: {state: {phase: 'Running\u001B[31m\u202E'}, running: 1},
	};
	simulator = await startSimulator({
		autoplay: false,
		scenario: {name: 'hostile', description: 'escape sequences', namespace: 'default', jobName: 'evil', steps: [{holdMs: 1000, job: {verbatim: hostile}}]},
	});
	for (const output of ['text', 'tui', 'json']) {
		run = runCli(['-n', 'default', '-s', simulator.url, '--once', '-o', output]);
		expect(await run.exit()).toBe(0);
		const out = run.stdout();
		expect(out, output).toContain('evil');
		expect(out, output).not.toMatch(/\u001B[\]P_^X]|\u001B\[[0-9;]*[A-Za-ln-z]|\u0007|\u009B|\u202E|\r/);
		if (output === 'json') expect((JSON.parse(out) as {job: unknown}).job).toEqual(hostile);
	}
});
