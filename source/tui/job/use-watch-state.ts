import {useSyncExternalStore} from 'react';
import type {WatchState} from '../../state/watch-state.js';
import type {WatchStore} from '../../state/watch-store.js';

/** The watch state as React state: the one bridge between the watch loop and the components. */
export function useWatchState(store: WatchStore): WatchState {
	return useSyncExternalStore(store.subscribe, store.getState);
}
