import {render} from 'ink-testing-library';
import {expect, test} from 'vitest';
import type {ActionVerb} from '../../../source/api/commands.js';
import type {ActionsPort} from '../../../source/tui/job/use-job-actions.js';
import {plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import {createNamespaceStore} from '../../../source/state/namespace-store.js';
import type {NamespaceEvent} from '../../../source/watch/namespace-watcher.js';
import type {JobSession} from '../../../source/tui/namespace/use-job-session.js';
import {NamespaceApp} from '../../../source/tui/namespace/namespace-app.js';
import {fakeWatcher, openedJob, press, pressIdle, ready, until} from '../../helpers/fakes/render-helpers.js';
import {added, jobsEvent} from '../../helpers/objects/namespace-jobs.js';

// A job opened from the table acts as one watched by name: with --actions (its session carries the port) the
// keys are offered and act on that job; without, the view only watches.

function setup(withActions: boolean) {
	const {watcher, emit} = fakeWatcher<NamespaceEvent>();
	const store = createNamespaceStore(watcher, {namespace: 'team-a', highlightMs: 4000});
	const sent: Array<[string, ActionVerb]> = [];
	const openJob = (name: string): JobSession => {
		const actions: ActionsPort = {
			commandsAvailable: async () => true,
			async perform(verb) {
				sent.push([name, verb]);
				return `${verb} sent to ${name}`;
			},
		};
		return {...openedJob(name), ...(withActions ? {actions} : {})};
	};

	const app = render(
		<ThemeProvider value={plainTheme}>
			<NamespaceApp store={store} watcher={watcher} intervalMs={2000} openJob={openJob} onQuit={() => {}} />
		</ThemeProvider>,
	);
	emit(jobsEvent(Date.now(), [added({name: 'train-00'}), added({name: 'train-01'})], true));
	return {...app, frame: () => app.lastFrame() ?? '', sent};
}

test('with --actions, a job opened with Enter offers S R X T C D; S asks about that job and y sends to it', async () => {
	const app = setup(true);
	await ready(app, 'the table', frame => frame.includes('› train-00 '));
	await press(app, 'j');
	await press(app, '\r');
	await until(app, 'the job view with the act hint', () => app.frame().includes('S R X T C D act'));
	expect(app.frame()).toContain('Esc jobs');
	await press(app, 'S');
	expect(app.frame()).toContain('Suspend job train-01 (AbortJob)? y sends it, any other key cancels');
	expect(app.sent).toEqual([]);
	await press(app, 'y');
	await until(app, 'the answer', () => app.frame().includes('suspend sent to train-01'));
	expect(app.sent).toEqual([['train-01', 'suspend']]);
});

test('without --actions, a job opened with Enter only watches: no act hint, S does nothing', async () => {
	const app = setup(false);
	await ready(app, 'the table', frame => frame.includes('› train-00 '));
	await press(app, '\r');
	await until(app, 'the job view', () => app.frame().includes('Esc jobs'));
	expect(app.frame()).not.toContain('S R X T C D act');
	const before = app.frame();
	await pressIdle(app, 'S');
	await pressIdle(app, 'y');
	expect(app.frame()).toBe(before);
	expect(app.sent).toEqual([]);
});
