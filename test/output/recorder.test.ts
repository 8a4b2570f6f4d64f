import {describe, expect, test} from 'vitest';
import {parseRecording, type Recording} from '../../source/model/recording.js';
import {createRecorder} from '../../source/output/recorder.js';
import {ApiError} from '../../source/api/api-error.js';
import {at, jobEvent, pending, rawJob, running, target} from './writer-events.js';

function recorded(feed: (recorder: ReturnType<typeof createRecorder>) => void): {text: string; recording: Recording} {
	let text = '';
	const recorder = createRecorder(line => (text += line), target, () => at);
	feed(recorder);
	const recording = parseRecording(text);
	if ('problem' in recording) throw new Error(recording.problem);
	return {text, recording};
}

let listVersion = 100;
const podList = (...versions: string[]) => ({
	kind: 'PodList',
	metadata: {resourceVersion: String(listVersion++)},
	items: versions.map((rv, index) => ({metadata: {name: `mpi-worker-${index}`, uid: `pod-${index}`, resourceVersion: rv}})),
});

const notFound = {
	type: 'not-found',
	at,
	delayMs: 0,
	error: new ApiError({category: 'not-found', status: 404, reason: 'NotFound', summary: 'gone'}),
} as const;

describe('createRecorder', () => {
	test('a header first: the format, its version, the job and when; then each line whole, with its time', () => {
		const {text, recording} = recorded(recorder => recorder.job(jobEvent(pending)));
		expect(text.endsWith('\n')).toBe(true);
		expect(recording.header).toEqual({format: 'vcjob-watch-recording', version: 1, ...target, startedAt: new Date(at).toISOString()});
		expect(recording.entries).toEqual([{at, kind: 'job', object: pending}]);
		expect(recording.cut).toBe(false);
	});

	test('the same version seen again is not written again', () => {
		const {recording} = recorded(recorder => {
			recorder.job(jobEvent(pending));
			recorder.job(jobEvent(pending, undefined, false));
			recorder.job(jobEvent(running));
			recorder.job(jobEvent(running, undefined, false));
			// A pod list's own version moves with every write in the cluster; its pods' did not.
			recorder.details({part: 'pods', raw: podList('5', '6')});
			recorder.details({part: 'pods', raw: podList('5', '6')});
			recorder.details({part: 'pods', raw: podList('5', '7')});
			recorder.details({part: 'podGroup', raw: rawJob('8', {})});
			recorder.details({part: 'podGroup', raw: rawJob('8', {})});
			recorder.details({part: 'events', names: ['mpi', 'mpi-pg'], lists: [podList('1'), podList('2')]});
			recorder.details({part: 'events', names: ['mpi', 'mpi-pg'], lists: [podList('1'), podList('3')]});
		});
		expect(recording.entries.map(entry => (entry.kind === 'events' ? `events/${entry.name}` : entry.kind))).toEqual([
			'job',
			'job',
			'pods',
			'pods',
			'podgroup',
			'events/mpi',
			'events/mpi-pg',
			'events/mpi-pg',
		]);
	});

	test('a job not there, and a PodGroup not found, are written once each time they go', () => {
		const {recording} = recorded(recorder => {
			recorder.job(notFound);
			recorder.job(notFound);
			recorder.job(jobEvent(pending));
			recorder.details({part: 'podGroup', raw: undefined});
			recorder.details({part: 'podGroup', raw: undefined});
			recorder.job(notFound);
		});
		expect(recording.entries.map(entry => entry.kind)).toEqual(['job-gone', 'job', 'podgroup-gone', 'job-gone']);
	});
});

describe('parseRecording', () => {
	const {text} = recorded(recorder => {
		recorder.job(jobEvent(pending));
		recorder.job(jobEvent(running));
	});

	test('a last line without its newline, or one that is not JSON, ends the recording: what came before is kept', () => {
		const cut = text.slice(0, -20);
		const parsed = parseRecording(cut);
		expect(parsed).toMatchObject({cut: true, entries: [{kind: 'job', object: pending}]});
		expect(parseRecording(`${cut}\n`)).toMatchObject({cut: true, entries: [{kind: 'job', object: pending}]});
	});

	test('a file that is not a recording says so', () => {
		expect(parseRecording('{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"Job"}\n')).toEqual({
			problem: 'not a recording of vcjob-watch (its first line names the format vcjob-watch-recording, version 1)',
		});
		expect(parseRecording('')).toHaveProperty('problem');
	});
});
