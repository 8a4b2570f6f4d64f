import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture, fast, target} from '../support/fixture.js';

// --record FILE against a simulator that wants a token, and `vcjob-watch replay FILE` of what it wrote: the file
// holds the job's versions and nothing of the connection, and the replay tells the same story.

const {startSimulator, runCli} = e2eFixture();
const token = 'secret-token-4f1c2a9e7b';

/** The job's lines of `-o text` without their time and resourceVersion: phase, counters and what changed. */
function jobLines(text: string): string[] {
	return text
		.split('\n')
		.filter(line => / rv=\d+ phase=/.test(line))
		.map(line => line.replace(/^\S+ /, '').replace(/ rv=\d+/, '').replace(/ \((?:first seen|appeared)\)$/, ''));
}

async function record(scenario: 'demo' | 'fail', file: string) {
	const sim = await startSimulator({scenario, speed: 10, token});
	const run = runCli([...target(sim), ...fast, '-o', 'text', '--exit-on-finish', '--record', file], {HW_AUTH_TOKEN: token});
	const code = await run.exit(60_000);
	return {sim, code, out: run.stdout(), text: readFileSync(file, 'utf8')};
}

describe('--record and replay', () => {
	test('the recording holds the job, its pods, PodGroup and events, one line a version, and no credential', async () => {
		const file = join(temporaryDirectory(), 'fail.ndjson');
		const {sim, code, text} = await record('fail', file);
		expect(code).toBe(1);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(text).not.toContain(token);
		expect(text).not.toContain(sim.url);
		const [header, ...entries] = text
			.trimEnd()
			.split('\n')
			.map(line => JSON.parse(line) as Record<string, any>);
		expect(header).toMatchObject({format: 'vcjob-watch-recording', version: 1, namespace: sim.scenario.namespace, name: sim.scenario.jobName});
		expect(new Set(entries.map(entry => entry['kind']))).toEqual(new Set(['job', 'pods', 'podgroup', 'podgroup-gone', 'events', 'log']));
		const versions = entries.filter(entry => entry['kind'] === 'job').map(entry => String(entry['object'].metadata.resourceVersion));
		// A version polled again and again is written once.
		expect(new Set(versions).size).toBe(versions.length);
		expect(entries.every(entry => typeof entry['at'] === 'number')).toBe(true);
	});

	test.each(['demo', 'fail'] as const)('a replay of the %s scenario writes the same job lines as the live run', async scenario => {
		const file = join(temporaryDirectory(), `${scenario}.ndjson`);
		const live = await record(scenario, file);
		const replay = runCli(['replay', file, '--speed', '4', ...fast, '-o', 'text', '--exit-on-finish']);
		expect(await replay.exit(60_000)).toBe(live.code);
		expect(jobLines(replay.stdout())).toEqual(jobLines(live.out));
		expect(replay.stderr()).toBe('');
	});

	test('a recording cut mid-line replays up to its last whole line and says so once', async () => {
		const directory = temporaryDirectory();
		const {text, out} = await record('demo', join(directory, 'whole.ndjson'));
		const lines = text.split('\n');
		// The job reaches Running, and the write of the line after that version is cut halfway.
		const runningAt = lines.findIndex(line => {
			const entry = line === '' ? undefined : (JSON.parse(line) as {kind?: string; object?: {status?: {state?: {phase?: string}}}});
			return entry?.kind === 'job' && entry.object?.status?.state?.phase === 'Running';
		});
		const cut = join(directory, 'cut.ndjson');
		writeFileSync(cut, `${lines.slice(0, runningAt + 1).join('\n')}\n${lines[runningAt + 1]!.slice(0, 40)}`);
		const replay = runCli(['replay', cut, '--speed', '4', ...fast, '-o', 'text']);
		await replay.waitFor(/phase=Running/, 20_000);
		const expected = jobLines(out);
		expect(jobLines(replay.stdout())).toEqual(expected.slice(0, expected.findIndex(line => line.includes(' phase=Running ')) + 1));
		expect(replay.stderr().match(/cut short/g)).toHaveLength(1);
	});

	test('a file that is not a recording is a usage error', async () => {
		const file = join(temporaryDirectory(), 'job.json');
		writeFileSync(file, '{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"Job"}\n');
		const replay = runCli(['replay', file]);
		expect(await replay.exit()).toBe(2);
		expect(replay.stderr()).toMatch(/not a recording of vcjob-watch/);
	});

	test('--record is for one job: the namespace view refuses it', async () => {
		const run = runCli(['-n', 'team-a', '-s', 'http://127.0.0.1:9', '--record', join(temporaryDirectory(), 'x.ndjson')]);
		expect(await run.exit()).toBe(2);
		expect(run.stderr()).toMatch(/--record records one job/);
	});
});
