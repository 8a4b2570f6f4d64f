import {render} from 'ink-testing-library';
import {expect, test} from 'vitest';
import {plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import {createNamespaceStore} from '../../../source/state/namespace-store.js';
import type {NamespaceEvent} from '../../../source/watch/namespace-watcher.js';
import type {JobSession} from '../../../source/tui/namespace/use-job-session.js';
import {NamespaceApp} from '../../../source/tui/namespace/namespace-app.js';
import {fakeWatcher, openedJob, press, pressIdle, ready} from '../../helpers/fakes/render-helpers.js';
import {added, jobsEvent, namespace} from '../../helpers/objects/namespace-jobs.js';

function setup() {
	const {watcher, calls, emit} = fakeWatcher<NamespaceEvent>();
	const store = createNamespaceStore(watcher, {namespace, highlightMs: 4000});
	const quits: string[] = [];
	const opened: string[] = [];
	const closed: string[] = [];
	const openJob = (name: string): JobSession => {
		opened.push(name);
		return openedJob(name, () => closed.push(name));
	};

	const result = render(
		<ThemeProvider value={plainTheme}>
			<NamespaceApp store={store} watcher={watcher} intervalMs={2000} openJob={openJob} onQuit={reason => quits.push(reason)} />
		</ThemeProvider>,
	);
	emit(
		jobsEvent(
			Date.now(),
			Array.from({length: 40}, (_, index) => added({name: `train-${String(index).padStart(2, '0')}`})),
			true,
		),
	);
	return {...result, frame: () => result.lastFrame() ?? '', calls, quits, opened, closed};
}

/** Types each key and waits for the frame to change: every key here changes what the table shows. */
async function keys(app: ReturnType<typeof setup>, ...sequence: string[]) {
	for (const key of sequence) await press(app, key);
}

/** Waits for the table's first frame, with keys read. */
const shown = async (app: ReturnType<typeof setup>) => ready(app, 'the table', frame => frame.includes('› train-00 '));

test('j, k and the arrows move the selection; End goes to the last job and the window follows', async () => {
	const app = setup();
	await shown(app);
	expect(app.frame()).toMatch(/^› train-00 /m);
	await keys(app, 'j', 'j', '\u001B[B', 'k');
	expect(app.frame()).toMatch(/^› train-02 /m);
	await keys(app, 'G');
	expect(app.frame()).toMatch(/^› train-39 /m);
	expect(app.frame()).toMatch(/rows \d+–40 of 40/);
});

test('/ filters while typing (q and s are letters then), Enter keeps it, Esc clears it', async () => {
	const app = setup();
	await shown(app);
	await keys(app, '/', '3', 's', 'q');
	expect(app.quits).toEqual([]);
	expect(app.frame()).toContain('/3sq▏');
	expect(app.frame()).toContain('no job name holds "3sq"');
	await keys(app, '\u007F', '\u007F', '\r');
	expect(app.frame()).toContain('filter 3 (Esc clears)');
	expect(app.frame()).toContain('rows 1–13 of 13 matching "3" (40 in all)');
	await keys(app, '\u001B');
	expect(app.frame()).toContain('rows 1–');
	expect(app.frame()).toContain('of 40');
	expect(app.frame()).not.toContain('filter 3');
});

test('s cycles the sort; r lists now; p pauses', async () => {
	const app = setup();
	await shown(app);
	await keys(app, 's');
	expect(app.frame()).toContain('sort: phase, trouble first');
	await keys(app, 's', 's', 's');
	expect(app.frame()).toContain('sort: name');
	await press(app, 'r', {what: 'r to list now', holds: () => app.calls.length === 1});
	await press(app, 'p', {what: 'p to pause', holds: () => app.calls.length === 2});
	expect(app.calls).toEqual(['pollNow', 'paused:true']);
});

test("Enter opens the selected job's own view; Esc stops it and comes back to the table", async () => {
	const app = setup();
	await shown(app);
	await keys(app, 'j', '\r');
	expect(app.opened).toEqual(['train-01']);
	expect(app.frame()).toContain('team-a/train-01 rv');
	expect(app.frame()).toContain('Esc jobs');
	// Keys go to the job's view now: j is not a move in the table.
	await pressIdle(app, 'j');
	await keys(app, '\u001B');
	expect(app.closed).toEqual(['train-01']);
	expect(app.frame()).toMatch(/^› train-01 /m);
	await press(app, 'q', {what: 'q to quit', holds: () => app.quits.length > 0});
	expect(app.quits).toEqual(['quit']);
});

test('? lists every key of the table with what it does, one row each; ? again hides it', async () => {
	const app = setup();
	await shown(app);
	await keys(app, '?');
	const lines = app.frame().split('\n');
	const below = lines.slice(lines.findIndex(line => line.trim() === 'Keys') + 1).map(line => line.trimEnd());
	expect(below).toEqual([
		'↑ ↓  j k   move the selection',
		'PgUp PgDn  a page up or down (Space: down too)',
		'Home End   the first or last job (g, G too)',
		"Enter      open the selected job's own view (Esc comes back)",
		'/          filter by name: type part of it, Enter keeps it, Esc clears it',
		'Esc        clear the filter',
		's          sort: name, phase (trouble first), age (newest first), recent change',
		'r          list now',
		'p          pause or resume',
		'?          show or hide the help',
		'Esc        hide the help',
		'q, Ctrl+C  quit and restore the terminal',
		// The hint line, under the overlay.
		'q quit · ↑↓ move · Enter open · / filter · s sort · ? help',
	]);

	await keys(app, '?');
	expect(app.frame()).toMatch(/^› train-00 /m);
});
