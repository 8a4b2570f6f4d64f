import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import type {PodInfo} from '../../../../source/model/cluster.js';
import {createJobViewStore} from '../../../../source/state/job-view-store.js';
import {App} from '../../../../source/tui/job/job-app.js';
import {PodsPanel} from '../../../../source/tui/job/panels/pods-panel.js';
import {plainTheme, ThemeProvider} from '../../../../source/tui/kit/theme.js';
import type {FailureEvidence} from '../../../../source/watch/failure-watcher.js';
import type {WatchEvent} from '../../../../source/watch/job-watcher.js';
import type {OpenLog} from '../../../../source/watch/log-follower.js';
import {fakeWatcher, press, pressIdle, ready, renderWithTheme, runningJob, settle, until} from '../../../helpers/fakes/render-helpers.js';
import {fakeLogs} from './fake-log.js';
import {lines, oomWorker, pod} from './failure-fixtures.js';

const esc = '\u001B';
const down = '\u001B[B';

/** The master, a worker with a sidecar whose main container was OOMKilled once (restarted in place), another worker. */
const pods: PodInfo[] = [
	pod('mpi-demo-mpimaster-0'),
	pod('mpi-demo-mpiworker-0', {
		containers: 2,
		restarts: 1,
		runs: [
			{name: 'mpiworker', init: false, restartCount: 1, lastTerminated: {exitCode: 137, reason: 'OOMKilled'}},
			{name: 'log-agent', init: false, restartCount: 0},
		],
	}),
	pod('mpi-demo-mpiworker-1'),
];

const oomEvidence: FailureEvidence = {record: oomWorker, log: lines(3, 'epoch 1 step')};

function setup({openLog, podList = pods, failures = [oomEvidence]}: {openLog?: OpenLog; podList?: PodInfo[]; failures?: FailureEvidence[]} = {}) {
	const {watcher, calls, emit} = fakeWatcher<WatchEvent>();
	const store = createJobViewStore(watcher, {namespace: 'default', name: 'mpi-demo', highlightMs: 4000});
	const app = render(
		<ThemeProvider value={plainTheme}>
			<App store={store} watcher={watcher} details={{setWanted() {}, pollNow() {}}} intervalMs={2000} onQuit={() => {}} openLog={openLog} />
		</ThemeProvider>,
	);
	const now = Date.now();
	emit({type: 'job', at: now, raw: {}, job: runningJob(), changes: [], rvChanged: true});
	store.dispatch({type: 'details', part: 'pods', at: now, result: {status: 'ok', value: podList}});
	for (const evidence of failures) store.dispatch({type: 'failure', at: now, evidence});
	const frame = () => app.lastFrame() ?? '';
	return {...app, frame, calls, selected: () => /^› (\S+)/m.exec(frame())?.[1]};
}

type App = ReturnType<typeof setup>;

/** o, then ↓ to the worker with the failed run, then l. */
async function openWorkerLog(app: App) {
	await ready(app, 'the main view', frame => frame.includes('r refresh'));
	await press(app, 'o', {what: 'the pods view, the first pod selected', holds: () => app.selected() === 'mpi-demo-mpimaster-0'});
	await press(app, down, {what: 'the worker selected', holds: () => app.selected() === 'mpi-demo-mpiworker-0'});
	await press(app, 'l', {what: 'the log view', holds: () => app.frame().includes('Log mpi-demo-mpiworker-0/')});
}

describe("the pods view's log (l)", () => {
	test('↑↓ move the selection; l opens the saved end of the failed run, then the live lines as they come', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		// The container of the latest failure, not the first one.
		expect(app.frame()).toContain('Log mpi-demo-mpiworker-0/mpiworker · connecting… · container 1 of 2');
		expect(app.frame()).toContain('── saved: run 0, exit 137 out of memory (OOMKilled) ·');
		expect(app.frame()).toContain('  │ epoch 1 step 3 loss');
		expect(app.frame()).toContain('── live ──');
		expect(logs.opened.map(({pod, container}) => `${pod}/${container}`)).toEqual(['mpi-demo-mpiworker-0/mpiworker']);
		logs.opened[0]!.send({status: 'following', lines: ['epoch 2 step 1 loss 0.5', 'epoch 2 step 2 loss 0.4']});
		await until(app, 'the live lines', () => app.frame().includes('epoch 2 step 2 loss 0.4'));
		expect(app.frame()).toContain('· following ·');
		expect(app.frame()).toMatch(/── live ──\nepoch 2 step 1 loss 0.5\nepoch 2 step 2 loss 0.4\n/);
		expect(app.frame()).toContain('q quit · Esc back · c container · p pause log · ↑↓ scroll · ? help');
	});

	test('p pauses the log, not the watch: the lines on screen hold until p again', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		const log = logs.opened[0]!;
		log.send({status: 'following', lines: ['line 1']});
		await until(app, 'line 1', () => app.frame().includes('line 1'));
		await press(app, 'p', {what: 'paused', holds: () => app.frame().includes('paused (p resumes)')});
		expect(log.pauses).toEqual([true]);
		expect(app.calls).toEqual([]);
		log.push('line 2');
		await settle(app);
		expect(app.frame()).not.toContain('line 2');
		await press(app, 'p', {what: 'resumed, with what came meanwhile', holds: () => app.frame().includes('line 2')});
		expect(log.pauses).toEqual([true, false]);
		expect(app.calls).toEqual([]);
		expect(app.frame()).toContain('· following ·');
	});

	test('c: the next container, one follower at a time (the one before stopped)', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		await press(app, 'c', {what: 'the sidecar', holds: () => app.frame().includes('Log mpi-demo-mpiworker-0/log-agent · connecting… · container 2 of 2')});
		expect(logs.opened.map(entry => [entry.container, entry.stopped])).toEqual([
			['mpiworker', true],
			['log-agent', false],
		]);
		// No failure of the sidecar: nothing saved, the live log only.
		expect(app.frame()).toContain('no failed run of this container seen: no saved log');
		await press(app, 'c', {what: 'back to the first', holds: () => app.frame().includes('container 1 of 2')});
		expect(logs.opened.map(entry => entry.stopped)).toEqual([true, true, false]);
	});

	test.each([
		['Esc', esc, 'Pods 3'],
		['l again', 'l', 'Pods 3'],
		['e (leaving the pods view)', 'e', 'Events'],
		['o (the pods view again)', 'o', 'Pods 3'],
		['f (leaving the pods view)', 'f', 'Failures 1'],
	])('closing it with %s stops its follower', async (_, key, shows) => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		await press(app, key, {what: `${shows} after the key`, holds: () => app.frame().includes(shows) && !app.frame().includes('Log mpi-')});
		expect(logs.opened.map(entry => entry.stopped)).toEqual([true]);
	});

	test('quitting (the app unmounts) stops its follower', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		app.unmount();
		expect(logs.opened.map(entry => entry.stopped)).toEqual([true]);
	});

	test('why the live log cannot be read shows: the status and the note', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		logs.opened[0]!.send({status: 'unavailable', note: 'no permission to read logs in default'});
		await until(app, 'the note', () => app.frame().includes('no permission to read logs in default'));
		expect(app.frame()).toContain('· unavailable ·');
		logs.opened[0]!.send({status: 'ended', note: undefined});
		await until(app, 'the end', () => app.frame().includes('ended: the container stopped'));
	});

	test('without a way to follow logs, l shows the saved tail only', async () => {
		const app = setup();
		await openWorkerLog(app);
		expect(app.frame()).toContain('saved only');
		expect(app.frame()).toContain('  │ epoch 1 step 3 loss');
		expect(app.frame()).toContain('── no live log in this view: the saved ends of failed runs only ──');
	});

	test('a pod that has ended: its saved tail, and no follower opened', async () => {
		const logs = fakeLogs();
		const ended = pods.map(item => (item.name === 'mpi-demo-mpiworker-0' ? {...item, phase: 'Failed', rank: 0} : item));
		const app = setup({openLog: logs.openLog, podList: ended});
		await openWorkerLog(app);
		expect(app.frame()).toContain('── no live log: the pod has ended (Failed) ──');
		expect(app.frame()).toContain('  │ epoch 1 step 3 loss');
		expect(logs.opened).toEqual([]);
	});

	test('a pod with no known container opens its only one', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog, failures: []});
		await ready(app, 'the main view', frame => frame.includes('r refresh'));
		await press(app, 'o');
		await press(app, 'l', {what: 'the log view', holds: () => app.frame().includes('Log mpi-demo-mpimaster-0/(its only container)')});
		expect(logs.opened.map(entry => entry.container)).toEqual(['']);
		expect(app.frame()).not.toContain('container 1 of');
	});

	test("a healthy pod of two containers opens its default one by name (the spec's), and c goes to the other", async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog, failures: [], podList: [pod('mpi-demo-mpimaster-0', {containers: 2, containerNames: ['mpimaster', 'log-agent']})]});
		await ready(app, 'the main view', frame => frame.includes('r refresh'));
		await press(app, 'o');
		await press(app, 'l', {what: 'the log view', holds: () => app.frame().includes('Log mpi-demo-mpimaster-0/mpimaster')});
		await press(app, 'c', {what: 'the next container', holds: () => app.frame().includes('Log mpi-demo-mpimaster-0/log-agent')});
		expect(logs.opened.map(entry => entry.container)).toEqual(['mpimaster', 'log-agent']);
	});

	test('? in the log lists the log\'s keys, and ? again goes back to the log (the same stream), not to the main view', async () => {
		const logs = fakeLogs();
		const app = setup({openLog: logs.openLog});
		await openWorkerLog(app);
		await press(app, '?', {what: "the log's help", holds: () => app.frame().includes('Keys in the log')});
		expect(app.frame()).toContain('in the log: the next container of the pod');
		expect(app.frame()).not.toContain('pause or resume: no request while paused');
		await press(app, '?', {what: 'the log again', holds: () => app.frame().includes('Log mpi-demo-mpiworker-0/')});
		// The same stream all along: the help over the log neither stopped it nor opened another.
		expect(logs.opened).toHaveLength(1);
		expect(logs.opened[0]!.stopped).toBe(false);
	});

	test('↑ at the first pod and ↓ at the last stay there; l with no pod listed does nothing', async () => {
		const app = setup({podList: []});
		await ready(app, 'the main view', frame => frame.includes('r refresh'));
		await press(app, 'o');
		for (const key of ['l', down, '\u001B[A']) await pressIdle(app, key);
		expect(app.frame()).toContain('Pods 0 none yet');
	});
});

test('the pods view keeps the selected pod on screen, marked ›', () => {
	const many = Array.from({length: 30}, (_, index) => pod(`mpi-demo-mpiworker-${index}`));
	const view = {status: 'ok', value: many, at: 0} as const;
	const {frame} = renderWithTheme(<PodsPanel full view={view} highlights={{}} namespace="default" width={100} maxRows={10} now={0} selected="mpi-demo-mpiworker-25" />);
	expect(frame()).toMatch(/^› mpi-demo-mpiworker-25 /m);
	expect(frame()).toContain('Pods 30 · from row 18');
	// The title, the table's heading and its ten rows (the last "+N more").
	expect(frame().split('\n').length).toBeLessThanOrEqual(12);
	const first = renderWithTheme(<PodsPanel full view={view} highlights={{}} namespace="default" width={100} maxRows={10} now={0} selected="" />).frame();
	expect(first).toMatch(/^› mpi-demo-mpiworker-0 /m);
	expect(first).toContain('+21 more');
});
