import {expect, test} from 'vitest';
import {PhasePanel} from '../../../../source/tui/job/panels/phase-panel.js';
import {jobPaths} from '../../../../source/model/diff-job.js';
import {normalizeJob} from '../../../../source/model/normalize/normalize-job.js';
import {renderWithTheme, runningJob} from '../../../helpers/fakes/render-helpers.js';

const now = Date.parse('2026-11-27T02:03:30Z');

test('shows the phase, the time in it from the matching condition, and retries against maxRetry', () => {
	const job = runningJob({status: {retryCount: 1}});
	const {frame} = renderWithTheme(
		<PhasePanel job={job} highlights={{}} phaseSince={{phase: 'Running', at: Date.parse('2026-11-27T02:01:00Z'), exact: true}} now={now} width={60} />,
	);
	expect(frame()).toContain('Running');
	expect(frame()).toContain('for 2m');
	expect(frame()).toContain('retries 1 of 3');
	expect(frame()).toContain('version 0');
});

test('marks a time in phase that began before the watch as a lower bound', () => {
	const {frame} = renderWithTheme(
		<PhasePanel job={runningJob()} highlights={{}} phaseSince={{phase: 'Running', at: now - 30_000, exact: false}} now={now} width={60} />,
	);
	expect(frame()).toContain(`since before ${new Date(now - 30_000).toTimeString().slice(0, 8)}`);
	const later = renderWithTheme(
		<PhasePanel job={runningJob()} highlights={{}} phaseSince={{phase: 'Running', at: now - 600_000, exact: false}} now={now} width={60} />,
	);
	expect(later.frame()).toContain('for ≥ 10m');
});

test('shows an unknown phase exactly as sent, and the reason and message when the server gives them', () => {
	const job = normalizeJob(
		{metadata: {name: 'x'}, status: {state: {phase: 'Inqueue', reason: 'Queued', message: 'waiting for resources'}}},
		{namespace: 'default', name: 'x'},
	);
	const {frame} = renderWithTheme(<PhasePanel job={job} highlights={{}} now={now} width={70} />);
	expect(frame()).toContain('Inqueue');
	expect(frame()).toContain('Queued: waiting for resources');
});

test('says when the controller has not initialised the job yet', () => {
	const job = normalizeJob({metadata: {name: 'x'}}, {namespace: 'default', name: 'x'});
	const {frame} = renderWithTheme(<PhasePanel job={job} highlights={{}} now={now} width={60} />);
	expect(frame()).toContain('not initialised yet');
});

test('a changed phase carries a marker that survives without colour', () => {
	const highlights = {[jobPaths.phase]: {until: now + 1000}};
	const {frame} = renderWithTheme(<PhasePanel job={runningJob()} highlights={highlights} now={now} width={60} />);
	expect(frame()).toContain('Running*');
});

test('colours the phase by its kind when colour is on', () => {
	const failed = runningJob({status: {state: {phase: 'Failed'}}});
	const {frame} = renderWithTheme(<PhasePanel job={failed} highlights={{}} now={now} width={60} />, true);
	// Red foreground (SGR 31) on the phase, and nothing but SGR sequences.
	expect(frame()).toMatch(/\u001B\[31m[^\u001B]*Failed/);
});
