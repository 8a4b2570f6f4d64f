import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {colorTheme, plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import {normalizeJob} from '../../../source/model/normalize-job.js';
import type {Job} from '../../../source/model/job.js';
import {createJobViewStore} from '../../../source/state/job-view-store.js';
import type {JobSession} from '../../../source/tui/namespace/use-job-session.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {fakeWatcher} from './fake-watcher.js';
import {namespace} from '../objects/namespace-jobs.js';

/** Renders with a theme; `frame()` is the last frame, for assertions that print the screen when they fail. */
export function renderWithTheme(element: ReactElement, color = false) {
	const result = render(<ThemeProvider value={color ? colorTheme : plainTheme}>{element}</ThemeProvider>);
	return {...result, frame: () => result.lastFrame() ?? ''};
}

const uid = '1a32a8c4-97db-11e9-9d09-dc9914fb58e0';

/** A Running MPI job like the seed's, with status fields as newer Volcano writes them. */
export function runningRaw(overrides: {status?: Record<string, unknown>; spec?: Record<string, unknown>} = {}) {
	return {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {name: 'mpi-demo', namespace: 'default', uid, resourceVersion: '7681402', creationTimestamp: '2026-11-27T02:00:00Z'},
		spec: {
			minAvailable: 3,
			queue: 'default',
			policies: [{event: 'PodEvicted', action: 'RestartJob'}],
			tasks: [
				{
					name: 'mpimaster',
					replicas: 1,
					policies: [{event: 'TaskCompleted', action: 'CompleteJob'}],
					template: {spec: {containers: [{name: 'mpimaster', image: 'swr.example.com/demo/openmpi-hello:3.28'}]}},
				},
				{
					name: 'mpiworker',
					replicas: 2,
					policies: [{events: ['PodFailed', 'PodEvicted'], action: 'RestartJob', timeout: '5m'}],
					template: {spec: {containers: [{name: 'mpiworker', image: 'swr.example.com/demo/openmpi-hello:3.28'}]}},
				},
			],
			...overrides.spec,
		},
		status: {
			state: {phase: 'Running', lastTransitionTime: '2026-11-27T02:01:00Z'},
			minAvailable: 3,
			running: 3,
			taskStatusCount: {mpimaster: {phase: {Running: 1}}, mpiworker: {phase: {Running: 2}}},
			conditions: [
				{status: 'Pending', lastTransitionTime: '2026-11-27T02:00:00Z'},
				{status: 'Running', lastTransitionTime: '2026-11-27T02:01:00Z'},
			],
			...overrides.status,
		},
	};
}

export function runningJob(overrides?: Parameters<typeof runningRaw>[0]): Job {
	return normalizeJob(runningRaw(overrides), {namespace: 'default', name: 'mpi-demo'});
}

/** A pause long enough for Ink to read what was typed and draw its next frame (at most 30 frames a second). */
export async function tick(): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, 50));
}

/** A job opened from the namespace table: its view already holds the running job, under that name. */
export function openedJob(name: string, close: () => void = () => {}): JobSession {
	const {watcher, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace, name, highlightMs: 4000});
	emit({type: 'job', at: Date.now(), raw: {}, job: {...runningJob(), name, namespace}, changes: [], rvChanged: true});
	return {name, store, watcher: {paused: false, pollNow() {}, setPaused() {}}, close};
}

export {fakeWatcher} from './fake-watcher.js';
