import {useEffect, useState} from 'react';
import type {DetailsWatcher} from '../../watch/details-poller.js';
import type {JobWatcher} from '../../watch/job-watcher.js';
import type {JobViewStore} from '../../state/job-view-store.js';
import type {OpenLog} from '../../watch/log-follower.js';
import type {ActionsPort} from '../job/use-job-actions.js';

/** One job watched for its own view: its loops and store, running until close(). */
export type JobSession = {
	readonly name: string;
	readonly store: JobViewStore;
	readonly watcher: Pick<JobWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	readonly details?: Pick<DetailsWatcher, 'setWanted' | 'pollNow'> | undefined;
	/** The pods view's log (`l`); undefined with --no-details. */
	readonly openLog?: OpenLog | undefined;
	/** With --actions: the keys that act on this job; undefined, the view only watches. */
	readonly actions?: ActionsPort | undefined;
	close(): void;
};

/** Watches the job named while a name is given; stops it when the name goes (or changes). */
export function useJobSession(open: (name: string) => JobSession, name: string | undefined): JobSession | undefined {
	const [session, setSession] = useState<JobSession>();
	useEffect(() => {
		if (name === undefined) return undefined;
		const opened = open(name);
		// The session is a subscription made in the effect: its value can only be known here.
		// eslint-disable-next-line react/set-state-in-effect
		setSession(opened);
		return () => {
			opened.close();
			setSession(undefined);
		};
	}, [open, name]);
	return session?.name === name ? session : undefined;
}
