import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import type {ActionVerb} from '../../../source/api/commands.js';
import {createJobViewStore} from '../../../source/state/job-view-store.js';
import {App} from '../../../source/tui/job/job-app.js';
import type {ActionsPort} from '../../../source/tui/job/use-job-actions.js';
import {plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {fakeWatcher, press, pressIdle, ready, runningJob, until} from '../../helpers/fakes/render-helpers.js';

// The keys that act on the job: none without --actions (a pane left open never changes a job by a stray key),
// and with it each behind a confirmation line that only `y` answers.

function setup(options: {actions?: boolean; available?: boolean; refuse?: string} = {}) {
	const sent: ActionVerb[] = [];
	const port: ActionsPort = {
		commandsAvailable: async () => options.available ?? true,
		async perform(verb) {
			sent.push(verb);
			if (options.refuse) throw new Error(options.refuse);
			return `${verb} sent`;
		},
	};
	const {watcher, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace: 'default', name: 'mpi-demo', highlightMs: 4000});
	const app = render(
		<ThemeProvider value={plainTheme}>
			<App store={store} watcher={watcher} intervalMs={2000} onQuit={() => {}} actions={options.actions === false ? undefined : port} />
		</ThemeProvider>,
	);
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	return {...app, sent};
}

const shown = (frame: string) => frame.includes('r refresh') && frame.includes('Running');

describe('the keys that act on the job', () => {
	test('without --actions: not in the hint line, and S R X T C D do nothing', async () => {
		const app = setup({actions: false});
		await ready(app, 'the main view', shown);
		expect(app.lastFrame()).not.toContain('act');
		const frame = app.lastFrame();
		for (const key of ['S', 'R', 'X', 'T', 'C', 'D', 'y']) await pressIdle(app, key);
		expect(app.lastFrame()).toBe(frame);
		expect(app.sent).toEqual([]);
	});

	test('with --actions: offered in the hint line; X asks first, naming the job and what happens; y sends', async () => {
		const app = setup();
		await ready(app, 'the main view', shown);
		await until(app, 'the act hint', () => (app.lastFrame() ?? '').includes('S R X T C D act'));
		await press(app, 'X');
		expect(app.lastFrame()).toContain('Restart job mpi-demo (RestartJob)? y sends it, any other key cancels');
		expect(app.lastFrame()).toContain('RestartJob deletes every pod, failed ones included');
		expect(app.sent).toEqual([]);
		await press(app, 'y');
		await until(app, 'the answer', () => (app.lastFrame() ?? '').includes('restart sent'));
		expect(app.sent).toEqual(['restart']);
		// Done is no warning: the line says so without the ⚠ of a notice.
		expect(app.lastFrame()).toMatch(/^restart sent$/m);
	});

	test('refused: why, marked ⚠', async () => {
		const app = setup({refuse: '403 Forbidden: cannot create commands.bus.volcano.sh'});
		await ready(app, 'the main view', shown);
		await until(app, 'the act hint', () => (app.lastFrame() ?? '').includes('S R X T C D act'));
		await press(app, 'S');
		await press(app, 'y');
		await until(app, 'the refusal', () => (app.lastFrame() ?? '').includes('suspend not done'));
		expect(app.lastFrame()).toMatch(/^⚠ suspend not done: 403 Forbidden: cannot create commands\.bus\.volcano\.sh$/m);
	});

	test('any other key cancels: nothing sent, and it says so', async () => {
		const app = setup();
		await ready(app, 'the main view', shown);
		await until(app, 'the act hint', () => (app.lastFrame() ?? '').includes('S R X T C D act'));
		await press(app, 'D');
		expect(app.lastFrame()).toContain('Delete job mpi-demo (Foreground)?');
		await press(app, 'n');
		expect(app.lastFrame()).toContain('delete cancelled: nothing sent');
		// The key that cancelled did nothing else (n is no key of the view).
		await press(app, 'S');
		await press(app, '\u001B');
		expect(app.sent).toEqual([]);
	});

	test('a server without the bus group: not offered, one line says why', async () => {
		const app = setup({available: false});
		await ready(app, 'the main view', shown);
		await until(app, 'the line', () => (app.lastFrame() ?? '').includes('no actions: the server has no bus.volcano.sh API'));
		expect(app.lastFrame()).not.toContain('S R X T C D act');
		await pressIdle(app, 'S');
		expect(app.sent).toEqual([]);
	});
});
