import {useSyncExternalStore} from 'react';
import type {JobViewState} from '../../state/job-view.js';
import type {JobViewStore} from '../../state/job-view-store.js';

/** The watch state as React state: the one bridge between the watch loop and the components. */
export function useJobView(store: JobViewStore): JobViewState {
	return useSyncExternalStore(store.subscribe, store.getState);
}
