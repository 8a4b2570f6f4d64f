import {useEffect} from 'react';
import type {DetailsWatcher, Wanted} from '../../watch/details-poller.js';

/** Tells the details loop which panels are on screen: only those cost requests. */
export function useDetailsDemand(details: Pick<DetailsWatcher, 'setWanted'> | undefined, wanted: Wanted): void {
	const {podGroup, pods, events} = wanted;
	useEffect(() => {
		details?.setWanted({podGroup, pods, events});
	}, [details, podGroup, pods, events]);
}
