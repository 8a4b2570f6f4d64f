import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {colorTheme, plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import {normalizeJob} from '../../../source/model/normalize/normalize-job.js';
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

/** What the waits below need of an app rendered by ink-testing-library. */
export type Rendered = {
	readonly stdin: {write(data: string): void; listenerCount(event: string): number};
	readonly frames: readonly string[];
	lastFrame(): string | undefined;
};

/** How long a wait goes on before it fails, naming what it waited for: far more than a loaded machine needs. */
const waitMs = 5000;

const turn = async () => new Promise(resolve => setImmediate(resolve));

/**
 * Resolves once `check` passes (returns without throwing), so that the `expect` a test ends with can be what it
 * waits for. Looks on every turn of the event loop at first, then every 2 ms; after 5 s fails with what was
 * awaited, why the check failed the last time, and the last frame.
 */
export async function untilPasses(app: Pick<Rendered, 'lastFrame'>, what: string, check: () => void): Promise<void> {
	const deadline = performance.now() + waitMs;
	for (let looks = 0; ; looks++) {
		try {
			check();
			return;
		} catch (error) {
			if (performance.now() > deadline) {
				const why = error instanceof Error && error !== notYet ? ` (last: ${error.message.split('\n')[0]})` : '';
				throw new Error(`gave up after ${waitMs} ms waiting for ${what}${why}; the last frame:\n${app.lastFrame() ?? '(none)'}`, {cause: error});
			}
		}

		await (looks < 10 ? turn() : new Promise(resolve => setTimeout(resolve, 2)));
	}
}

const notYet = new Error('not yet');

/** Resolves once `holds` returns true; fails as `untilPasses` does. */
export async function until(app: Pick<Rendered, 'lastFrame'>, what: string, holds: () => boolean): Promise<void> {
	await untilPasses(app, what, () => {
		if (!holds()) throw notYet;
	});
}

/**
 * Resolves once Ink has drawn all that the keys typed and the events emitted so far lead to. ink-testing-library renders with
 * `debug: true`, and Ink does not throttle in debug mode (`isUnthrottled`: its `maxFps`, 30 frames a second, a 34 ms
 * throttle, is not used), so each React commit writes its frame to stdout at once. Ink's root is a legacy one (not
 * concurrent) and `useInput` runs handlers inside `discreteUpdates`, so what a key sets is drawn before
 * `stdin.write` returns. What can still come: effects (`useEffect`: an input handler attached, a job's view opened)
 * and what they set, which React's scheduler runs on later `setImmediate` turns. So: turns of the event loop until
 * three in a row wrote no frame.
 */
export async function settle(app: Pick<Rendered, 'frames'>): Promise<void> {
	let written = app.frames.length;
	for (let quiet = 0, turns = 0; quiet < 3; turns++) {
		if (turns > 200) throw new Error('Ink still drawing after 200 turns of the event loop');
		await turn();
		quiet = app.frames.length === written ? quiet + 1 : 0;
		written = app.frames.length;
	}
}

/** Waits for the first frame `shows` holds for, with Ink reading keys (its `readable` listener on stdin), then settles. */
export async function ready(app: Rendered, what: string, shows: (frame: string) => boolean): Promise<void> {
	await until(app, `${what}, with keys read`, () => shows(app.lastFrame() ?? '') && app.stdin.listenerCount('readable') > 0);
	await settle(app);
}

/**
 * Types `key` and waits for what it does: `expected` holds, or without one, the frame changes. Then settles, so that
 * the next key or assertion sees all that the key led to.
 */
export async function press(app: Rendered, key: string, expected?: {readonly what: string; readonly holds: () => boolean}): Promise<void> {
	const before = app.lastFrame();
	app.stdin.write(key);
	await until(app, expected?.what ?? `the frame to change after ${JSON.stringify(key)}`, expected?.holds ?? (() => app.lastFrame() !== before));
	await settle(app);
}

/**
 * Types `key` where it should change nothing, and settles. A lone Esc is held by Ink's App for 20 ms
 * (`pendingInputFlushDelayMilliseconds`), to tell it from the start of an escape sequence; a timer set after it
 * for longer fires after it.
 */
export async function pressIdle(app: Rendered, key: string): Promise<void> {
	app.stdin.write(key);
	if (key === '\u001B') await new Promise(resolve => setTimeout(resolve, 25));
	await settle(app);
}

/** A job opened from the namespace table: its view already holds the running job, under that name. */
export function openedJob(name: string, close: () => void = () => {}): JobSession {
	const {watcher, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace, name, highlightMs: 4000});
	emit({type: 'job', at: Date.now(), raw: {}, job: {...runningJob(), name, namespace}, changes: [], rvChanged: true});
	return {name, store, watcher: {paused: false, pollNow() {}, setPaused() {}}, close};
}

export {fakeWatcher} from './fake-watcher.js';
