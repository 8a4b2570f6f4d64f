import {render} from 'ink-testing-library';
import {expect, test} from 'vitest';
import {App} from '../../../source/tui/job/job-app.js';
import {plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {createJobViewStore} from '../../../source/state/job-view-store.js';
import {fakeWatcher, press, ready, runningJob, settle, until} from '../../helpers/fakes/render-helpers.js';

function setup() {
	const {watcher, calls, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace: 'default', name: 'mpi-demo', highlightMs: 4000});
	const quits: string[] = [];
	const result = render(
		<ThemeProvider value={plainTheme}>
			<App store={store} watcher={watcher} intervalMs={2000} onQuit={reason => quits.push(reason)} />
		</ThemeProvider>,
	);
	return {...result, calls, quits, emit};
}

test('shows what the watcher reports, as it reports it', async () => {
	const app = setup();
	const {lastFrame, emit} = app;
	await ready(app, 'the first frame', frame => frame.includes('connecting'));
	expect(lastFrame()).toContain('connecting');
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	await until(app, 'the running job on screen', () => (lastFrame() ?? '').includes('Running') && (lastFrame() ?? '').includes('live'));
	expect(lastFrame()).toContain('Running');
	expect(lastFrame()).toContain('live');
});

test('keys: r polls now, p pauses and resumes, ? toggles help, q quits', async () => {
	const app = setup();
	const {lastFrame, calls, quits, emit} = app;
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	await ready(app, 'the running job', frame => frame.includes('Running'));
	await press(app, 'r', {what: 'r to poll', holds: () => calls.length === 1});
	await press(app, 'p', {what: 'p to pause', holds: () => calls.length === 2});
	await press(app, 'p', {what: 'p to resume', holds: () => calls.length === 3});
	expect(calls).toEqual(['pollNow', 'paused:true', 'paused:false']);
	await press(app, '?');
	expect(lastFrame()).toContain('pause or resume: no request while paused');
	await press(app, '\u001B');
	expect(lastFrame()).not.toContain('pause or resume: no request while paused');
	await press(app, 'q', {what: 'q to quit', holds: () => quits.length > 0});
	expect(quits).toEqual(['quit']);
});

test('the paused state is on screen', async () => {
	const app = setup();
	const {lastFrame, emit} = app;
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	emit({type: 'paused', at: Date.now()});
	await until(app, 'the paused state on screen', () => (lastFrame() ?? '').includes('press p to resume'));
	await settle(app);
	expect(lastFrame()).toContain('paused');
	expect(lastFrame()).toContain('press p to resume');
});
