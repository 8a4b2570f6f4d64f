import {describe, expect, test} from 'vitest';
import {LinkStatusLine} from '../../../source/tui/kit/link-status.js';
import {ApiError} from '../../../source/api/api-error.js';
import {initialJobView, reduceJobView, type JobViewAction, type JobViewState} from '../../../source/state/job-view.js';
import {renderWithTheme, runningJob} from '../../helpers/fakes/render-helpers.js';

// The status line while watching: which transport is live, since when, and ages that move by the minute.

const at = Date.parse('2026-11-27T02:10:00Z');
const clock = (time: number) => new Date(time).toTimeString().slice(0, 8);
const options = {highlightMs: 4000};
const job = runningJob();

function state(actions: JobViewAction[]): JobViewState {
	return actions.reduce((current, action) => reduceJobView(current, action, options), initialJobView('default', 'mpi-demo', at));
}

function frame(value: JobViewState): string {
	return renderWithTheme(<LinkStatusLine {...value} intervalMs={2000} source="token from HW_AUTH_TOKEN" />).frame();
}

const opening: JobViewAction = {type: 'watching', at, opened: false};
const first: JobViewAction = {type: 'job', at: at + 200, raw: {}, job, changes: [], rvChanged: true};
const opened: JobViewAction = {type: 'watching', at: at + 300, opened: true, job};

describe('watching', () => {
	test('while the first stream opens, then live with the time it opened and the age of the last event', () => {
		expect(frame(state([opening, first]))).toMatch(/● live · opening a watch stream\n\s+token from HW_AUTH_TOKEN/);
		const live = frame(state([opening, first, opened]));
		expect(live).toContain(`● live · watching (stream since ${clock(at + 300)}, last event <1m ago)`);
		expect(live).not.toContain('polling');
	});

	test('paused while watching: resuming resumes the watch, and says so (not "polling")', () => {
		const paused = frame({...state([opening, first, opened]), paused: true});
		expect(paused).toMatch(/‖ paused\n\s+press p to resume watching/);
		const polling = frame({...state([first]), paused: true});
		expect(polling).toContain('press p to resume polling');
	});

	test('the age moves with the minute, not with the second', () => {
		const live = state([opening, first, opened]);
		const secondsLater = reduceJobView(live, {type: 'tick', at: at + 30_000}, options);
		expect(secondsLater).toBe(live);
		const minutesLater = reduceJobView(live, {type: 'tick', at: at + 3 * 60_000 + 1000}, options);
		expect(frame(minutesLater)).toContain('last event 3m ago');
	});

	test('a job that is not there: watching for it to be created, not "checking every 2s"', () => {
		const gone = state([
			opening,
			first,
			opened,
			{type: 'not-found', at: at + 5000, deleted: true, delayMs: 0, error: new ApiError({category: 'not-found', status: 404, summary: 'default/mpi-demo was deleted'})},
		]);
		const shown = frame(gone);
		expect(shown).toMatch(/waiting for default\/mpi-demo to appear \(deleted at \d\d:\d\d:\d\d\)/);
		expect(shown).toContain('the job does not exist (404); watching for it to be created');
	});
});

describe('polling', () => {
	test('--poll: polling every 2s', () => {
		expect(frame(state([first]))).toMatch(/● live · polling every 2s\n\s+token from HW_AUTH_TOKEN/);
	});

	test('after a refusal: polling, and why', () => {
		const refused = new ApiError({category: 'client', status: 405, summary: '405 MethodNotAllowed'});
		const fallback = state([opening, first, {type: 'polling', at: at + 400, reason: 'the server refused watch (405)', error: refused}]);
		expect(frame(fallback)).toMatch(/● live · polling every 2s\n\s+polling: the server refused watch \(405\) · token from HW_AUTH_TOKEN/);
	});
});
