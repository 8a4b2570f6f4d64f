import {expect, test} from 'vitest';
import {PodCounters} from '../../../../source/tui/job/panels/pod-counters.js';
import {PoliciesTable} from '../../../../source/tui/job/panels/policies-table.js';
import {TasksTable} from '../../../../source/tui/job/panels/tasks-table.js';
import {jobPaths} from '../../../../source/model/diff-job.js';
import {renderWithTheme, runningJob} from '../../../helpers/fakes/render-helpers.js';

const fresh = {until: Number.MAX_SAFE_INTEGER};

test('pod counters show every phase, zeros included, and how many pods have started against minAvailable', () => {
	const job = runningJob({status: {running: 2, pending: 1}});
	const {frame} = renderWithTheme(<PodCounters job={job} highlights={{}} width={60} />);
	for (const label of ['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown']) {
		expect(frame()).toContain(label);
	}

	expect(frame()).toMatch(/pending\s+1/);
	expect(frame()).toMatch(/running\s+2/);
	expect(frame()).toMatch(/minAvailable 3\s+started 2\/3/);
	expect(frame()).not.toContain('✓');
});

test('a counter that went up or down shows ↑ or ↓; the others show no marker', () => {
	const job = runningJob({status: {running: 3, failed: 1}});
	const highlights = {
		[jobPaths.counter('running')]: {...fresh, direction: 'up' as const},
		[jobPaths.counter('failed')]: {...fresh, direction: 'down' as const},
	};
	const {frame} = renderWithTheme(<PodCounters job={job} highlights={highlights} width={60} />);
	expect(frame()).toMatch(/running\s+3↑/);
	expect(frame()).toMatch(/failed\s+1↓/);
	expect(frame()).not.toMatch(/pending\s+0[↑↓*]/);
});

test('a highlighted counter is set apart in colour only when colour is on', () => {
	const highlights = {[jobPaths.counter('running')]: {...fresh, direction: 'up' as const}};
	const plain = renderWithTheme(<PodCounters job={runningJob()} highlights={highlights} width={60} />, false);
	expect(plain.frame()).not.toContain('\u001B');
	const colored = renderWithTheme(<PodCounters job={runningJob()} highlights={highlights} width={60} />, true);
	// Yellow background (SGR 43) around the changed value.
	expect(colored.frame()).toMatch(/\u001B\[43m[^\n]*3↑/);
});

test('tasks list replicas, pods by phase from taskStatusCount, and the image', () => {
	const {frame} = renderWithTheme(<TasksTable tasks={runningJob().tasks} highlights={{}} maxRows={5} width={100} />);
	const lines = frame().split('\n');
	const worker = lines.find(line => line.startsWith('mpiworker'))!;
	expect(worker).toMatch(/mpiworker\s+2\s+—\s+0\s+2\s+0\s+0\s+swr\.example\.com\/demo\/openmpi-hello:3\.28/);
	expect(lines[1]).toMatch(/TASK\s+REPL\s+MIN\s+PEND\s+RUN\s+SUCC\s+FAIL\s+IMAGE/);
});

test('columns stay aligned when a name is wide (CJK takes two cells)', () => {
	const job = runningJob({
		spec: {tasks: [{name: '训练任务', replicas: 4}, {name: 'ps', replicas: 1}]},
		status: {taskStatusCount: {}},
	});
	const {frame} = renderWithTheme(<TasksTable tasks={job.tasks} highlights={{}} maxRows={5} width={100} />);
	const lines = frame().split('\n');
	const column = (line: string) => line.indexOf('REPL') + 'REPL'.length;
	// The replica count ends under the end of its heading, whatever the width of the name before it.
	const header = column(lines[1]!);
	const cjkRow = lines.find(line => line.includes('训练任务'))!;
	const asciiRow = lines.find(line => line.startsWith('ps'))!;
	const endOf = (line: string, digit: string) => {
		let cells = 0;
		for (const character of line.slice(0, line.indexOf(` ${digit} `) + 2)) {
			cells += /\p{Script=Han}/u.test(character) ? 2 : 1;
		}

		return cells;
	};

	expect(endOf(cjkRow, '4')).toBe(header);
	expect(endOf(asciiRow, '1')).toBe(header);
});

test('a long image is cut at its start so the tag stays visible', () => {
	const job = runningJob();
	const {frame} = renderWithTheme(<TasksTable tasks={job.tasks} highlights={{}} maxRows={5} width={70} />);
	const worker = frame().split('\n').find(line => line.startsWith('mpiworker'))!;
	expect(worker).toMatch(/…[^ ]*openmpi-hello:3\.28 ?$/);
	expect(worker.length).toBeLessThanOrEqual(70);
});

test('a task list longer than its room ends with "+N more"', () => {
	const tasks = Array.from({length: 8}, (_, index) => ({name: `task-${index}`, replicas: 1}));
	const job = runningJob({spec: {tasks}, status: {taskStatusCount: {}}});
	const {frame} = renderWithTheme(<TasksTable tasks={job.tasks} highlights={{}} maxRows={4} width={100} />);
	expect(frame()).toContain('task-2');
	expect(frame()).not.toContain('task-3');
	expect(frame()).toContain('+5 more');
});

test('policies list job-level and per-task rules with event(s) → action and timeout', () => {
	const {frame} = renderWithTheme(<PoliciesTable job={runningJob()} highlights={{}} maxRows={10} />);
	expect(frame()).toMatch(/job\s+PodEvicted\s+RestartJob\s+—/);
	expect(frame()).toMatch(/mpimaster\s+TaskCompleted\s+CompleteJob/);
	expect(frame()).toMatch(/mpiworker\s+PodFailed, PodEvicted\s+RestartJob\s+5m/);
});

test('an exitCode policy is shown by its code', () => {
	const job = runningJob({spec: {policies: [{exitCode: 137, action: 'RestartTask'}], tasks: []}});
	const {frame} = renderWithTheme(<PoliciesTable job={job} highlights={{}} maxRows={10} />);
	expect(frame()).toMatch(/job\s+exitCode 137\s+RestartTask/);
});
