import {createTimedStore, type Store} from './timed-store.js';
import type {JobWatcher} from '../watch/job-watcher.js';
import {
	initialJobView,
	nextHighlightExpiry,
	nextMinuteTick,
	reduceJobView,
	type JobViewAction,
	type JobViewState,
	type JobViewOptions,
} from './job-view.js';

export type JobViewStore = Store<JobViewState, JobViewAction>;

export type JobViewStoreOptions = JobViewOptions & {
	readonly namespace: string;
	readonly name: string;
	readonly now?: () => number;
};

/**
 * The watch state kept outside React: it listens to the watcher from before the first poll, so no event
 * is lost to a render that has not happened yet, and owns the one timer that ends highlights (and, while a
 * stream brings no answers to count them by, turns the minute for the ages).
 */
export function createJobViewStore(watcher: Pick<JobWatcher, 'subscribe'>, options: JobViewStoreOptions): JobViewStore {
	const now = options.now ?? Date.now;
	return createTimedStore({
		initial: initialJobView(options.namespace, options.name, now()),
		reduce: (state, action) => reduceJobView(state, action, options),
		nextTick(state) {
			const times = [nextHighlightExpiry(state), nextMinuteTick(state)].filter(time => time !== undefined);
			return times.length === 0 ? undefined : Math.min(...times);
		},
		tick: (at): JobViewAction => ({type: 'tick', at}),
		subscribe: listener => watcher.subscribe(listener),
		now,
	});
}
