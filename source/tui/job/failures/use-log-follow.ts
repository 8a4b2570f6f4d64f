import {useCallback, useEffect, useState, useSyncExternalStore} from 'react';
import type {LogFollower, OpenLog} from '../../../watch/log-follower.js';
import type {ShownLog} from './log-view.js';

export type FollowedLog = ShownLog & {
	/** Holds the lines on screen (and asks the follower to), or lets them move again. */
	togglePause(): void;
};

const nothing = () => () => {};

/**
 * Follows one container's log while `pod` and `container` are given: a follower opened for them, stopped when
 * they change or go (the view closed) and when the app unmounts, so that one log at most is followed.
 */
export function useLogFollow(openLog: OpenLog | undefined, pod: string | undefined, container: string | undefined): FollowedLog {
	const [follower, setFollower] = useState<LogFollower>();
	// Paused: the lines as they were, whatever the follower holds or sends meanwhile.
	const [held, setHeld] = useState<readonly string[]>();
	useEffect(() => {
		if (!openLog || pod === undefined || container === undefined) return undefined;
		const opened = openLog(pod, container);
		// The follower is a resource opened in the effect: its value can only be known here.
		// eslint-disable-next-line react/set-state-in-effect
		setFollower(opened);
		setHeld(undefined);
		return () => {
			opened.stop();
			setFollower(undefined);
			setHeld(undefined);
		};
	}, [openLog, pod, container]);
	const subscribe = useCallback((listener: () => void) => (follower ? follower.subscribe(() => listener()) : nothing()), [follower]);
	const live = useSyncExternalStore(subscribe, () => follower?.getState());
	return {
		state: live && held ? {...live, lines: held} : live,
		paused: held !== undefined,
		togglePause() {
			if (!follower) return;
			const pausing = held === undefined;
			follower.setPaused(pausing);
			setHeld(pausing ? follower.getState().lines : undefined);
		},
	};
}
