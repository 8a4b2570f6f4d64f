import {readFileSync} from 'node:fs';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {plainText} from '../../source/common/markup.js';
import {App} from '../../source/tui/job/job-app.js';
import {NamespaceApp} from '../../source/tui/namespace/namespace-app.js';
import {keyLabel, shownKeys} from '../../source/tui/key-lookup.js';
import {
	filterKeys,
	jobKeys,
	keySections,
	namedKeys,
	tableKeys,
	type Condition,
	type FilterAction,
	type JobAction,
	type KeyRow,
	type Screen,
	type TableAction,
} from '../../source/tui/keys.js';
import {plainTheme, ThemeProvider} from '../../source/tui/kit/theme.js';
import {createJobViewStore} from '../../source/state/job-view-store.js';
import {createNamespaceStore} from '../../source/state/namespace-store.js';
import type {JobSession} from '../../source/tui/namespace/use-job-session.js';
import type {WatchEvent} from '../../source/watch/job-watcher.js';
import type {NamespaceEvent} from '../../source/watch/namespace-watcher.js';
import {fakeWatcher, openedJob, press, pressIdle, ready, runningJob, settle, untilPasses, type Rendered} from '../helpers/fakes/render-helpers.js';
import {added, jobsEvent, namespace} from '../helpers/objects/namespace-jobs.js';
import {fakeLogs} from './job/failures/fake-log.js';
import {lines, oomWorker, pod} from './job/failures/failure-fixtures.js';

/** What a terminal sends for each key of the tables; `text` is a printable key no row takes. */
const bytes: Record<keyof typeof namedKeys, string> = {
	'ctrl+c': '\u0003',
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	enter: '\r',
	esc: '\u001B',
	backspace: '\u007F',
	delete: '\u001B[3~',
	space: ' ',
	text: 'q',
};

const typed = (key: string) => (Object.hasOwn(bytes, key) ? bytes[key as keyof typeof bytes] : key);

/** Keys that bring the app to a screen: each changes the frame, which is what is waited for. */
async function pressAll(app: Rendered, keys: readonly string[]) {
	for (const key of keys) await press(app, typed(key));
}

/** The key under test: typed, then waited on until its check passes, then settled, so that the check sees all it led to. */
async function pressChecked(app: Rendered, key: string, what: string, check: () => void) {
	app.stdin.write(typed(key));
	await untilPasses(app, what, check);
	await settle(app);
}

/** Every [screen, key, action] of a table: what the drive tests press. */
function cases<S extends Screen>(rows: ReadonlyArray<KeyRow<S>>) {
	return rows.flatMap(row => row.on.flatMap(screen => Object.entries(row.keys).map(([key, action]) => [screen, key, action] as const)));
}

describe('the key tables', () => {
	const sections = Object.values(keySections) as ReadonlyArray<{readonly rows: ReadonlyArray<KeyRow<Screen>>}>;

	test('every key is one character or a named key', () => {
		for (const {rows} of sections) {
			for (const row of rows) for (const key of Object.keys(row.keys)) expect([...key].length === 1 || Object.hasOwn(namedKeys, key), key).toBe(true);
		}
	});

	test('on every screen, with or without details and a table to go back to, a key fires one action', () => {
		const conditions: Array<Partial<Record<Condition, boolean>>> = [{}, {details: true}, {back: true}, {details: true, back: true}];
		for (const {rows} of sections) {
			for (const screen of new Set(rows.flatMap(row => row.on))) {
				for (const has of conditions) {
					const active = rows.filter(row => row.on.includes(screen) && (row.needs === undefined || has[row.needs]));
					const keys = active.flatMap(row => Object.keys(row.keys));
					expect(new Set(keys).size, `${screen} ${JSON.stringify(has)}: ${keys.join(' ')}`).toBe(keys.length);
				}
			}
		}
	});

	test('the overlay names every key of a row: in its keys as shown, or in what it does', () => {
		for (const {rows} of sections) {
			for (const row of rows) {
				const said = ` ${shownKeys(row)} ${plainText(row.description)} `.replaceAll(/[,;:()]/g, ' ');
				for (const key of Object.keys(row.keys)) {
					if (key === 'text') continue;
					expect(said, `${shownKeys(row)}: ${keyLabel(key)}`).toContain(` ${keyLabel(key)} `);
				}
			}
		}
	});

	test('the apps read keys only through the tables: no key compared by hand', () => {
		for (const file of ['job/job-app.tsx', 'namespace/namespace-app.tsx']) {
			const source = readFileSync(new URL(`../../source/tui/${file}`, import.meta.url), 'utf8');
			expect(source, file).not.toMatch(/\binput\s*===|\bkey\.(ctrl|meta|escape|return|upArrow|downArrow|pageUp|pageDown|home|end|backspace|delete)\b/);
			expect(source, file).toMatch(/dispatchKey\(/);
		}
	});
});

/** Three pods, the first with two containers; long failure records and a long live log, so that both views scroll. */
const jobPods = [
	pod('mpi-demo-mpimaster-0', {
		containers: 2,
		runs: [
			{name: 'mpimaster', init: false, restartCount: 0},
			{name: 'log-agent', init: false, restartCount: 0},
		],
	}),
	pod('mpi-demo-mpiworker-0'),
	pod('mpi-demo-mpiworker-1'),
];
const jobFailures = Array.from({length: 6}, (_, index) => ({
	record: {...oomWorker, key: `k${index}`, pod: index === 5 ? 'mpi-demo-mpimaster-0' : `mpi-demo-mpiworker-${index}`, container: index === 5 ? 'mpimaster' : 'mpiworker'},
	log: lines(60),
}));

function jobSetup() {
	const {watcher, calls, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace: 'default', name: 'mpi-demo', highlightMs: 4000});
	const quits: string[] = [];
	let backs = 0;
	const logs = fakeLogs(Array.from({length: 400}, (_, index) => `live line ${index + 1}`));
	const details = {
		setWanted() {},
		pollNow: () => calls.push('details.pollNow'),
	};
	const result = render(
		<ThemeProvider value={plainTheme}>
			<App
				store={store}
				watcher={watcher}
				details={details}
				intervalMs={2000}
				onQuit={reason => quits.push(reason)}
				onBack={() => {
					backs++;
				}}
				openLog={logs.openLog}
				actions={{commandsAvailable: async () => true, perform: async verb => `${verb} done`}}
			/>
		</ThemeProvider>,
	);
	emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
	store.dispatch({type: 'details', part: 'pods', at: Date.now(), result: {status: 'ok', value: jobPods}});
	for (const evidence of jobFailures) store.dispatch({type: 'failure', at: Date.now(), evidence});
	return {...result, calls, quits, backs: () => backs, logs: logs.opened};
}

/** The job's main view is drawn (with the job the setup emitted). */
const jobShown = (frame: string) => frame.includes('r refresh') && frame.includes('Running');

type JobView = 'main' | 'help' | 'events' | 'pods' | 'podGroup' | 'timeline' | 'failures' | 'log';

/** Which view the frame shows: the help's note, the main view's hints, or a full view's first line. */
function jobView(frame: string): JobView {
	if (frame.includes('Changed values stand out')) return 'help';
	if (frame.includes('r refresh')) return 'main';
	const body = frame.split('\n')[3] ?? '';
	for (const [title, view] of [
		['Events', 'events'],
		['Pods', 'pods'],
		['PodGroup', 'podGroup'],
		['Timeline', 'timeline'],
		['Failures', 'failures'],
		['Log ', 'log'],
	] as const) {
		if (body.startsWith(title)) return view;
	}

	throw new Error(`no view recognised in\n${frame}`);
}

type JobApp = ReturnType<typeof jobSetup>;
type JobCheck = (app: JobApp, before: JobView, after: JobView, frames: {readonly before: string; readonly after: string}) => void;
const panel = (view: JobView): JobCheck => (_, before, after) => expect(after).toBe(before === view ? 'main' : view);

/** The pod the pods view marks ›. */
const selectedPod = (frame: string) => /^› (\S+)/m.exec(frame)?.[1];

/** Which lines a scrolled view shows: "lines 21–40 of 120". */
function shownLines(frame: string) {
	const match = /lines (\d+)–(\d+) of (\d+)/.exec(frame);
	if (!match) throw new Error(`no lines shown in\n${frame}`);
	const [first, last, count] = match.slice(1).map(Number) as [number, number, number];
	return {first, last, count};
}

const moved = (check: (before: ReturnType<typeof shownLines>, after: ReturnType<typeof shownLines>) => void): JobCheck => (_, __, ___, frames) =>
	check(shownLines(frames.before), shownLines(frames.after));

/** A confirmation line names the job and what will happen; nothing is sent yet. */
const asked = (question: string): JobCheck => (_, __, ___, frames) => expect(frames.after).toContain(question);

/** The log view's follower is stopped and the pods view shows. */
const logClosed: JobCheck = (app, _, after) => expect([after, app.logs.map(log => log.stopped)]).toEqual(['pods', [true]]);

/** What each action of jobKeys does, seen from outside. A table action with no line here fails the test. */
const jobChecks: Record<JobAction, JobCheck> = {
	quit: app => expect(app.quits).toEqual(['quit']),
	interrupt: app => expect(app.quits).toEqual(['interrupt']),
	refresh: app => expect(app.calls).toEqual(['pollNow', 'details.pollNow']),
	pause: app => expect(app.calls).toEqual(['paused:true']),
	events: panel('events'),
	pods: panel('pods'),
	podGroup: panel('podGroup'),
	timeline: panel('timeline'),
	failures: panel('failures'),
	help: panel('help'),
	'select-up': (_, __, ___, frames) => expect(selectedPod(frames.after)).toBe('mpi-demo-mpimaster-0'),
	'select-down': (_, __, ___, frames) => expect(selectedPod(frames.after)).toBe('mpi-demo-mpiworker-1'),
	log: (app, before, after) => (before === 'log' ? logClosed(app, before, after, {before: '', after: ''}) : expect(after).toBe('log')),
	container: app => expect(app.logs.map(log => [log.container, log.stopped])).toEqual([
		['mpimaster', true],
		['log-agent', false],
	]),
	'pause-log': app => expect([app.logs[0]?.pauses, app.calls]).toEqual([[true], []]),
	'scroll-up': moved((before, after) => expect(after.first).toBe(before.first - 1)),
	'scroll-down': moved((before, after) => expect(after.first).toBe(before.first + 1)),
	'page-up': moved((before, after) => expect(after.first).toBeLessThan(before.first - 1)),
	'page-down': moved((before, after) => expect(after.first).toBeGreaterThan(before.first + 1)),
	top: moved((_, after) => expect(after.first).toBe(1)),
	bottom: moved((_, after) => expect(after.last).toBe(after.count)),
	'close-log': logClosed,
	'main-view': (_, __, after) => expect(after).toBe('main'),
	jobs: app => expect(app.backs()).toBe(1),
	suspend: asked('Suspend job mpi-demo (AbortJob)? y sends it'),
	resume: asked('Resume job mpi-demo (ResumeJob)? y sends it'),
	restart: asked('RestartJob deletes every pod, failed ones included'),
	terminate: asked('Terminate job mpi-demo (TerminateJob)? y sends it'),
	complete: asked('Complete job mpi-demo (CompleteJob)? y sends it'),
	delete: asked('Delete job mpi-demo (Foreground)? y sends it'),
};

/**
 * Keys that bring a job's view to a screen: a full view is the timeline (always there), the pods view with its
 * second pod selected, the failures a page down, a log (the first pod's) a page up from its end, the help is ?.
 */
const toJobScreen = {
	job: [],
	'job-full': ['t'],
	'job-pods': ['o', 'down'],
	'job-failures': ['f', 'pageDown'],
	'job-log': ['o', 'l', 'pageUp'],
	'job-help': ['?'],
} as const;

describe("every key of a job's view does what the table says, on every screen it is listed for", () => {
	test.each(cases(jobKeys))('%s: %s fires %s', async (screen, key, action) => {
		const app = jobSetup();
		await ready(app, "the job's main view", jobShown);
		await pressAll(app, toJobScreen[screen]);
		const frame = app.lastFrame() ?? '';
		const before = jobView(frame);
		const check = () => {
			const after = app.lastFrame() ?? '';
			jobChecks[action as JobAction](app, before, jobView(after), {before: frame, after});
		};

		expect(Object.keys(jobChecks)).toContain(action);
		await pressChecked(app, key, `${screen}: ${key} to fire ${action}`, check);
		check();
	});

	test('a key no row takes does nothing', async () => {
		const app = jobSetup();
		await ready(app, "the job's main view", jobShown);
		const frame = app.lastFrame();
		for (const key of ['x', 'Q', '1', 'up', 'down', 'enter', 'pageDown', 'home', 'space', 'backspace']) await pressIdle(app, typed(key));
		expect(app.lastFrame()).toBe(frame);
		expect([app.calls, app.quits, app.backs()]).toEqual([[], [], 0]);
	});

	test('without details, e, o, g and f do nothing', async () => {
		const {watcher, emit} = fakeWatcher<WatchEvent>();
		const store = createJobViewStore(watcher, {namespace: 'default', name: 'mpi-demo', highlightMs: 4000});
		const app = render(
			<ThemeProvider value={plainTheme}>
				<App store={store} watcher={watcher} intervalMs={2000} onQuit={() => {}} />
			</ThemeProvider>,
		);
		emit({type: 'job', at: Date.now(), raw: {}, job: runningJob(), changes: [], rvChanged: true});
		await ready(app, "the job's main view", jobShown);
		for (const key of ['e', 'o', 'g', 'f']) await pressIdle(app, key);
		expect(jobView(app.lastFrame() ?? '')).toBe('main');
		await pressAll(app, ['t']);
		expect(jobView(app.lastFrame() ?? '')).toBe('timeline');
	});
});

function tableSetup() {
	const {watcher, calls, emit} = fakeWatcher<NamespaceEvent>();
	const store = createNamespaceStore(watcher, {namespace, highlightMs: 4000});
	const quits: string[] = [];
	const opened: string[] = [];
	const openJob = (name: string): JobSession => {
		opened.push(name);
		return openedJob(name);
	};

	const result = render(
		<ThemeProvider value={plainTheme}>
			<NamespaceApp store={store} watcher={watcher} intervalMs={2000} openJob={openJob} onQuit={reason => quits.push(reason)} />
		</ThemeProvider>,
	);
	const rows = Array.from({length: 40}, (_, index) => added({name: `train-${String(index).padStart(2, '0')}`}));
	emit(jobsEvent(Date.now(), rows, true));
	const frame = () => result.lastFrame() ?? '';
	return {...result, frame, calls, quits, opened, selected: () => /^› (train-\d+) /m.exec(frame())?.[1]};
}

type TableApp = ReturnType<typeof tableSetup>;
/** Keys pressed first (after the screen's own), and what must hold after the key. */
type TableCheck = {readonly before?: readonly string[]; readonly check: (app: TableApp, screen: Screen) => void};
const helpShown = (app: TableApp) => app.frame().includes('hide the help');

/** What each action of tableKeys and filterKeys does. The selection starts on train-02. */
const tableChecks: Record<TableAction | FilterAction, TableCheck> = {
	up: {check: app => expect(app.selected()).toBe('train-01')},
	down: {check: app => expect(app.selected()).toBe('train-03')},
	'page-up': {check: app => expect(app.selected()).toBe('train-00')},
	'page-down': {check: app => expect(Number(app.selected()?.slice(6))).toBeGreaterThan(3)},
	first: {check: app => expect(app.selected()).toBe('train-00')},
	last: {check: app => expect(app.selected()).toBe('train-39')},
	open: {check: app => expect(app.opened).toEqual(['train-02'])},
	filter: {check: app => expect(app.frame()).toContain('/▏')},
	'clear-filter': {before: ['/', '1', 'enter'], check: app => expect(app.frame()).not.toContain('filter 1')},
	sort: {check: app => expect(app.frame()).toContain('sort: phase')},
	refresh: {check: app => expect(app.calls).toEqual(['pollNow'])},
	pause: {check: app => expect(app.calls).toEqual(['paused:true'])},
	help: {check: (app, screen) => expect(helpShown(app)).toBe(screen === 'table')},
	'close-help': {check: app => expect(helpShown(app)).toBe(false)},
	quit: {check: app => expect(app.quits).toEqual(['quit'])},
	interrupt: {check: app => expect(app.quits).toEqual(['interrupt'])},
	type: {check: app => expect([app.frame().includes('/q▏'), app.quits]).toEqual([true, []])},
	erase: {before: ['1', '2'], check: app => expect(app.frame()).toContain('/1▏')},
	keep: {before: ['1'], check: app => expect(app.frame()).toContain('filter 1 (Esc clears)')},
	clear: {before: ['1'], check: app => expect([app.frame().includes('▏'), app.frame().includes('filter 1')]).toEqual([false, false])},
};

const toTableScreen = {table: ['j', 'j'], 'table-help': ['j', 'j', '?'], filter: ['j', 'j', '/']} as const;

describe("every key of the namespace's table and of its filter does what the table says", () => {
	test.each([...cases(tableKeys), ...cases(filterKeys)])('%s: %s fires %s', async (screen, key, action) => {
		const app = tableSetup();
		await ready(app, 'the table', frame => frame.includes('› train-00 '));
		expect(Object.keys(tableChecks)).toContain(action);
		const {before = [], check} = tableChecks[action as TableAction | FilterAction];
		await pressAll(app, [...toTableScreen[screen], ...before]);
		await pressChecked(app, key, `${screen}: ${key} to fire ${action}`, () => check(app, screen));
		check(app, screen);
	});
});
