import {diffJob} from '../../../source/model/diff-job.js';
import type {Job} from '../../../source/model/job.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {edited, loadFixture, normalize, type RawObject} from './fixtures.js';

const running = loadFixture('running-mpi');

/** The running job (running-mpi.json) after a write, as the server sends it: this resourceVersion, `edit` applied. */
export function written(rv: number, edit: (job: RawObject) => void = () => {}): RawObject {
	return edited(running, job => {
		job['metadata'].resourceVersion = String(rv);
		edit(job);
	});
}

/** The same job as the program reads it. */
export function jobAt(rv: number, edit?: (job: RawObject) => void): Job {
	return normalize(written(rv, edit));
}

/** The running job as the program reads it, `edit` applied to what the server sent (its resourceVersion kept). */
export function editedJob(edit: (job: RawObject) => void = () => {}): Job {
	return normalize(edited(running, edit));
}

/** A job event as the watcher emits it, diffed against `previous`. */
export function jobEvent(next: Job, at: number, previous?: Job): Extract<WatchEvent, {type: 'job'}> {
	return {
		type: 'job',
		at,
		raw: {},
		job: next,
		...(previous ? {previous} : {}),
		changes: previous ? diffJob(previous, next) : [],
		// As the watcher decides: an object without a resourceVersion always counts as changed.
		rvChanged: previous === undefined || previous.resourceVersion !== next.resourceVersion || next.resourceVersion === '',
	};
}
