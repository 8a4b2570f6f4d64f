import {expect, test} from 'vitest';
import type {RecordedEntry} from '../../../source/model/recording.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {sleep} from '../../helpers/waits.js';
import {namespace, replaysFor, t0} from './recordings.js';

// A replay's clock starts at the program's first request: a program slow to start (a busy machine) still finds
// the version it saw first, not one the recording's clock has already moved past.

const job = (phase: string, rv: string): RecordedEntry => ({
	at: phase === '' ? t0 : t0 + 10,
	kind: 'job',
	object: {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: {name: 'mpi', namespace, uid: 'u1', resourceVersion: rv}, spec: {tasks: []}, status: {state: {phase}}},
});

const replay = replaysFor();
let simulator: Simulator | undefined;

const phaseOf = async () => {
	const body = (await (await fetch(`${simulator!.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/mpi`)).json()) as {status: {state: {phase: string}}};
	return body.status.state.phase;
};

test('the first version waits for the first request, however late it comes; the next one follows at its time from then', async () => {
	// The second version 10 ms after the first: at this speed, 1 ms of real time.
	simulator = await replay([job('', '1'), job('Pending', '2')], 10);
	// Longer than the whole recording lasts on its own clock.
	await sleep(200);
	expect(await phaseOf()).toBe('');
	let phase = '';
	for (const deadline = Date.now() + 5000; phase !== 'Pending' && Date.now() < deadline; await sleep(10)) phase = await phaseOf();
	expect(phase).toBe('Pending');
});
