import {render} from 'ink-testing-library';
import {expect, test} from 'vitest';
import {App} from '../../../source/tui/job/job-app.js';
import {plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {createJobViewStore} from '../../../source/state/job-view-store.js';
import {fakeWatcher, runningJob, tick} from '../../helpers/fakes/render-helpers.js';

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
	const {lastFrame, emit} = setup();
	await tick();
	expect(lastFrame()).toContain('connecting');
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	await tick();
	expect(lastFrame()).toContain('Running');
	expect(lastFrame()).toContain('live');
});

test('keys: r polls now, p pauses and resumes, ? toggles help, q quits', async () => {
	const {stdin, lastFrame, calls, quits, emit} = setup();
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	await tick();
	stdin.write('r');
	await tick();
	stdin.write('p');
	await tick();
	stdin.write('p');
	await tick();
	expect(calls).toEqual(['pollNow', 'paused:true', 'paused:false']);
	stdin.write('?');
	await tick();
	expect(lastFrame()).toContain('pause or resume: no request while paused');
	stdin.write('\u001B');
	await tick();
	expect(lastFrame()).not.toContain('pause or resume: no request while paused');
	stdin.write('q');
	await tick();
	expect(quits).toEqual(['quit']);
});

test('the paused state is on screen', async () => {
	const {lastFrame, emit} = setup();
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	emit({type: 'paused', at: Date.now()});
	await tick();
	expect(lastFrame()).toContain('paused');
	expect(lastFrame()).toContain('press p to resume');
});
