import {describe, expect, test} from 'vitest';
import type {RecordedEntry} from '../../../source/model/recording.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {sleep} from '../../helpers/waits.js';
import {namespace, replaysFor, t0} from './recordings.js';

// A replay's pod logs: what the recording holds of each, from its recorded time.

const pod = (name: string, uid: string) => ({metadata: {name, namespace, uid, resourceVersion: '1', labels: {}}, spec: {containers: [{name: 'main'}]}});
const pods = (...items: object[]): RecordedEntry => ({at: t0, kind: 'pods', object: {kind: 'PodList', items}});

const replay = replaysFor();
let simulator: Simulator | undefined;

/** The log's text once it answers `expected` (5 s at most): a recording's lines fall due on its clock. */
async function logOnce(url: string, expected: string): Promise<void> {
	let text = '';
	for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(20)) {
		text = await (await fetch(url)).text();
		if (text === expected) break;
	}

	expect(text).toBe(expected);
}

const logUrl = (name: string, query: string) => `${simulator!.url}/api/v1/namespaces/${namespace}/pods/${name}/log?${query}`;

describe('the logs of a recording', () => {
	test('a tail asked as recorded gets its bytes; another tailLines the last lines of it; a log never read is a pod gone', async () => {
		const text = 'one\n\u001B[31mtwo\u001B[0m\nthree\n';
		simulator = await replay([pods(pod('mpi-0', 'u1')), {at: t0 + 5, kind: 'log', pod: 'mpi-0', uid: 'u1', container: 'main', previous: false, tailLines: 20, limitBytes: 16_384, text}], 1000);
		await logOnce(logUrl('mpi-0', 'container=main&tailLines=20&limitBytes=16384'), text);
		expect(await (await fetch(logUrl('mpi-0', 'container=main&tailLines=1'))).text()).toBe('three\n');
		const gone = await fetch(logUrl('mpi-1', 'container=main&tailLines=20'));
		expect(gone.status).toBe(404);
		expect(await gone.json()).toMatchObject({reason: 'NotFound', message: 'pods "mpi-1" not found'});
	});

	test('a follow gets the lines so far, then those that fall due, without a reopened stream\'s repeats, and ends when the pod is gone', async () => {
		const stamp = (seconds: number) => new Date(t0 + seconds * 1000).toISOString().replace('.000Z', 'Z');
		const followed = (at: number, stream: number, ...seconds: number[]): RecordedEntry => ({
			at: t0 + at,
			kind: 'log',
			pod: 'mpi-0',
			container: 'main',
			previous: false,
			timestamps: true,
			stream,
			text: seconds.map(second => `${stamp(second)} line ${second}\n`).join(''),
		});
		simulator = await replay(
			[
				pods(pod('mpi-0', 'u1')),
				followed(10, 1, 1, 2),
				// The stream reopened from second 2: line 2 again, then line 3.
				followed(2000, 2, 2, 3),
				{at: t0 + 4000, kind: 'pods', object: {kind: 'PodList', items: []}},
			],
			2,
		);
		await logOnce(logUrl('mpi-0', 'container=main&tailLines=5'), 'line 1\nline 2\n');
		const response = await fetch(logUrl('mpi-0', 'container=main&follow=true&timestamps=true&tailLines=100'));
		// The whole answer: it ends when the pod goes, two seconds on.
		expect(await response.text()).toBe(`${stamp(1)} line 1\n${stamp(2)} line 2\n${stamp(3)} line 3\n`);
		expect(simulator.openLogs).toBe(0);
	});
});
