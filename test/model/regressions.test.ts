// Bugs once found in source/core, each pinned by what a user should get.
import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test} from 'vitest';
import {ApiError, errorFromException} from '../../source/api/api-error.js';
import {diffJob} from '../../source/model/diff-job.js';
import {parseDuration} from '../../source/common/duration.js';
import type {ApiObject} from '../../source/api/client.js';
import {normalizeJob} from '../../source/model/normalize/normalize-job.js';
import {sanitize} from '../../source/common/sanitize.js';
import {createJobWatcher} from '../../source/watch/job-watcher.js';
import {initialJobView, reduceJobView, type JobViewAction} from '../../source/state/job-view.js';
import {loadFixture, target} from '../helpers/objects/fixtures.js';
import {status} from '../helpers/objects/api-status.js';
import {manualSleep, until} from '../helpers/fakes/fake-time.js';

describe('sanitize.ts', () => {
	test('ESC followed by a character outside the BMP leaves no lone surrogate', () => {
		// The two-byte-escape branch `\u001B[\s\S]?` of a regex without the u flag eats one UTF-16 unit:
		// the high surrogate of the emoji. toWellFormed() ran before, so the low surrogate is left alone.
		const output = sanitize('job\u001B😀');
		expect(output.isWellFormed()).toBe(true); // actual: 'job\uDE00'
		expect(normalizeJob({metadata: {name: 'job\u001B😀'}}, target).name.isWellFormed()).toBe(true);
	});

	test('an ellipsis only when something was cut', () => {
		// The length is checked in UTF-16 units (text.length) but cut in code points (Array.from): 150 emoji
		// are 300 units, "too long" for 200, yet all 150 fit in 199 code points, and '…' is appended anyway.
		const emoji = '😀'.repeat(150);
		expect(sanitize(emoji)).toBe(emoji); // actual: emoji + '…' (301 UTF-16 units)
		expect(sanitize('😀😀😀', 5)).toBe('😀😀😀'); // actual: '😀😀😀…'
	});
});

describe('duration.ts', () => {
	test('an empty duration is "not a duration", not a crash', () => {
		// ms('') throws "val is not a non-empty string or a valid number": `vcjob-watch job --interval=`
		// dies with that stack trace instead of a usage error.
		expect(() => parseDuration('')).not.toThrow();
		expect(parseDuration('')).toBeUndefined();
		expect(parseDuration('   ')).toBeUndefined();
	});

	test('".5" is half a second like "0.5", not 1 ms', () => {
		// /^\d+(?:\.\d+)?$/ does not match ".5", so ms() reads it as 0.5 milliseconds, rounded to 1:
		// `--interval .5` polls (and retries) every millisecond.
		expect(parseDuration('.5')).toBe(500); // actual: 1
	});

	test('a duration that rounds to 0 ms is rejected, not returned as 0', () => {
		// value > 0 is checked before Math.round: "0.0001" (0.1 ms) comes back as 0.
		expect(parseDuration('0.0001')).toBeUndefined(); // actual: 0
		expect(parseDuration('0.4ms')).toBeUndefined(); // actual: 0
	});
});

describe('normalize-job.ts', () => {
	test('the latest conditions count, however long the list Volcano < 1.15.1 grew', () => {
		// asArray() keeps the FIRST 200 entries; older Volcano appends one per status write, so on a long
		// job the newest entries (the current phase) are dropped, and time-in-phase is taken from a stale
		// entry and marked exact.
		const conditions = [
			{status: 'Pending', lastTransitionTime: '2024-03-11T08:00:00Z'},
			...Array.from({length: 220}, () => ({status: 'Running', lastTransitionTime: '2024-03-11T08:01:00Z'})),
			{status: 'Restarting', lastTransitionTime: '2024-03-11T09:00:00Z'},
			{status: 'Running', lastTransitionTime: '2024-03-11T09:05:00Z'},
		];
		const raw = {...loadFixture('running-mpi'), status: {...loadFixture('running-mpi')['status'], conditions}};
		const job = normalizeJob(raw, target);
		expect(job.conditions.at(-1)).toEqual({phase: 'Running', at: '2024-03-11T09:05:00Z'}); // actual: Running at 08:01:00
		const state = reduceJobView(
			initialJobView(target.namespace, target.name, Date.parse('2024-03-11T10:00:00Z')),
			{type: 'job', at: Date.parse('2024-03-11T10:00:00Z'), raw, job, changes: [], rvChanged: true},
			{highlightMs: 5000},
		);
		expect(state.phaseSince).toEqual({phase: 'Running', at: Date.parse('2024-03-11T09:05:00Z'), exact: true}); // actual: 08:01:00, exact
	});
});

describe('api-error.ts', () => {
	test('a certificate from an unknown CA is a TLS failure, not a network error retried forever', () => {
		// What Node 24's fetch throws for a server whose certificate chain does not verify (a private CA, a
		// missing intermediate, a TLS-inspecting proxy). Checked against a real HTTPS server with a
		// certificate signed by a throw-away CA: cause.code is UNABLE_TO_VERIFY_LEAF_SIGNATURE, which
		// neither contains "CERT" nor starts with ERR_TLS/ERR_SSL.
		const cause = Object.assign(
			new Error('unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca'),
			{code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'},
		);
		const error = errorFromException(new TypeError('fetch failed', {cause}), 'cci.cn-north-4.myhuaweicloud.com');
		expect(error.category).toBe('tls'); // actual: 'network'
		expect(error.retryable).toBe(false); // actual: true
	});
});

describe('watch-job.ts', () => {
	test('setPaused(true) during a retry backoff stops requests until setPaused(false)', async () => {
		// Pausing aborts the wake signal, which ends the retry wait at once; p-retry then retries at once and
		// keeps retrying (each new wait with a fresh wake signal) until an answer: during an outage, "pause"
		// fires one immediate extra request and does not pause at all.
		const failure = status(503);
		let calls = 0;
		const client = {
			async getJob(): Promise<ApiObject> {
				calls++;
				await tick();
				throw failure;
			},
		};
		const watcher = createJobWatcher({
			client,
			...target,
			intervalMs: 2000,
			maxWaitMs: 30_000,
			refusedWaitMs: 30_000,
			sleep: manualSleep().sleep,
			random: () => 1,
		});
		let retries = 0;
		watcher.subscribe(event => {
			if (event.type === 'retry') retries++;
		});
		const done = watcher.run();
		await until(() => retries > 0, 'the first retry');

		watcher.setPaused(true);
		for (let index = 0; index < 50; index++) {
			await tick();
		}

		try {
			expect(calls).toBe(1); // actual: 2, and the loop sits in the next retry wait, not in the pause
		} finally {
			watcher.stop();
			await done;
		}
	});
});

describe('watch-state.ts', () => {
	test('a job that appears after a 404 gets its "appeared" record even when a retry came in between', () => {
		// onJob() adds the record only when the connection is 'waiting' at that moment; a 429/503 between
		// the 404 and the job (the flaky scenario's first step does exactly this) makes it 'retrying'.
		const t0 = Date.parse('2024-03-11T08:20:00Z');
		const job = normalizeJob(loadFixture('running-mpi'), target);
		const actions: JobViewAction[] = [
			{type: 'not-found', at: t0, error: status(404), delayMs: 2000},
			{type: 'retry', at: t0 + 2000, attempt: 1, delayMs: 1000, error: new ApiError({category: 'throttled', summary: '429'})},
			{type: 'job', at: t0 + 3000, raw: {}, job, changes: diffJob(job, job), rvChanged: true},
		];
		const state = actions.reduce((current, action) => reduceJobView(current, action, {highlightMs: 5000}), initialJobView(target.namespace, target.name, t0));
		expect(state.recent.map(record => record.change.new)).toEqual(['appeared']); // actual: []
	});
});
