import type {LogFollowState, LogFollower, OpenLog} from '../../../../source/watch/log-follower.js';

export type OpenedLog = {
	readonly pod: string;
	readonly container: string;
	/** Each setPaused call, in order. */
	readonly pauses: boolean[];
	stopped: boolean;
	/** Sends the view a new state, as the follower would: lines, a status, a note. */
	send(next: Partial<LogFollowState>): void;
	/** Lines come: appended to what it holds. */
	push(...lines: string[]): void;
};

/**
 * A stand-in for the log follower: it records what the view asks of it and sends what the test says. It keeps
 * sending while paused, so that what holds the lines on screen is the view.
 */
export function fakeLogs(first: readonly string[] = []) {
	const opened: OpenedLog[] = [];
	const openLog: OpenLog = (pod, container): LogFollower => {
		const listeners = new Set<(state: LogFollowState) => void>();
		let state: LogFollowState = {pod, container, status: 'connecting', lines: first};
		const entry: OpenedLog = {
			pod,
			container,
			pauses: [],
			stopped: false,
			send(next) {
				state = {...state, ...next};
				for (const listener of listeners) listener(state);
			},
			push(...lines) {
				entry.send({lines: [...state.lines, ...lines]});
			},
		};
		opened.push(entry);
		return {
			subscribe(listener) {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
			getState: () => state,
			setPaused(paused) {
				entry.pauses.push(paused);
				entry.send({status: paused ? 'paused' : 'following'});
			},
			stop() {
				entry.stopped = true;
				listeners.clear();
			},
		};
	};

	return {openLog, opened};
}
