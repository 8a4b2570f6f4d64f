import {goDuration} from '../job-template.js';
import type {PodState, Termination} from './pod-state.js';

// A crash-looping container seen at any moment: the pod model settles it when the loop ends, rendering shows it.

const crashBackOffShare = 0.4;

/** A crash-looping container at `now`: restarts so far, and either back-off (waiting) or running again since when. */
export function crashView(
	pod: PodState,
	now: number,
): {restartCount: number; waiting?: string; runningSince?: number; last?: Termination} {
	const crash = pod.crash!;
	const crashes = Math.floor(Math.max(0, now - crash.since) / crash.every);
	if (crashes === 0) {
		return {restartCount: crash.base, ...(pod.runningAt === undefined ? {} : {runningSince: pod.runningAt}), ...(pod.lastExit ? {last: pod.lastExit} : {})};
	}

	const backOff = crash.every * crashBackOffShare;
	const crashedAt = crash.since + crashes * crash.every;
	const last: Termination = {
		exit: crash.exit,
		startedAt: crashes === 1 ? (pod.runningAt ?? crash.since) : crashedAt - crash.every + backOff,
		finishedAt: crashedAt,
	};
	if (now - crashedAt < backOff) {
		// The kubelet's back-off doubles from 10 s up to 5 min.
		const delay = goDuration(Math.min(300_000, 10_000 * 2 ** (crashes - 1)));
		return {restartCount: crash.base + crashes - 1, waiting: `back-off ${delay} restarting failed container`, last};
	}

	return {restartCount: crash.base + crashes, runningSince: crashedAt + backOff, last};
}
