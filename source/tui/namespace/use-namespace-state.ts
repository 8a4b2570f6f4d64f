import {useSyncExternalStore} from 'react';
import type {NamespaceState} from '../../state/namespace-state.js';
import type {NamespaceStore} from '../../state/namespace-store.js';

/** The namespace state as React state: the one bridge between the list loop and the components. */
export function useNamespaceState(store: NamespaceStore): NamespaceState {
	return useSyncExternalStore(store.subscribe, store.getState);
}
