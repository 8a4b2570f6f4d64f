import {afterEach, expect, test} from 'vitest';
import type {RecordedEntry, Recording} from '../../../source/model/recording.js';
import {startSimulator} from '../../../source/simulator/server.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {sleep} from '../../helpers/waits.js';

// A replay's clock starts at the program's first request: a program slow to start (a busy machine) still finds
// the version it saw first, not one the recording's clock has already moved past.

const namespace = 'team-a';
const t0 = Date.parse('2026-11-27T05:00:00Z');
const job = (phase: string, rv: string): RecordedEntry => ({
	at: phase === '' ? t0 : t0 + 10,
	kind: 'job',
	object: {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: {name: 'mpi', namespace, uid: 'u1', resourceVersion: rv}, spec: {tasks: []}, status: {state: {phase}}},
});

function recording(entries: RecordedEntry[]): Recording {
	return {header: {format: 'vcjob-watch-recording', version: 1, namespace, name: 'mpi', startedAt: new Date(t0).toISOString()}, entries, cut: false};
}

let simulator: Simulator | undefined;
afterEach(async () => {
	await simulator?.close();
	simulator = undefined;
});

const phaseOf = async () => {
	const body = (await (await fetch(`${simulator!.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/mpi`)).json()) as {status: {state: {phase: string}}};
	return body.status.state.phase;
};

test('the first version waits for the first request, however late it comes; the next one follows at its time from then', async () => {
	// The second version 10 ms after the first: at this speed, 1 ms of real time.
	simulator = await startSimulator({recording: recording([job('', '1'), job('Pending', '2')]), speed: 10});
	// Longer than the whole recording lasts on its own clock.
	await sleep(200);
	expect(await phaseOf()).toBe('');
	let phase = '';
	for (const deadline = Date.now() + 5000; phase !== 'Pending' && Date.now() < deadline; await sleep(10)) phase = await phaseOf();
	expect(phase).toBe('Pending');
});
