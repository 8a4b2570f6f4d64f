// One container's log on demand: its tail, then the lines as they come (follow=true), one stream at a time.

/** What the log view shows. */
export type LogFollowState = {
	readonly pod: string;
	readonly container: string;
	/**
	 * connecting: the first request is out; following: the stream is open; paused: lines are held (the
	 * stream stays open, or is reopened from where it was); ended: the container stopped and the server
	 * closed the stream; unavailable: 403/404 (the note says which); error: a failure (retried, the note says when).
	 */
	readonly status: 'connecting' | 'following' | 'paused' | 'ended' | 'unavailable' | 'error';
	/** Oldest first, printable (sanitised, cut to a width), at most a bounded number kept. */
	readonly lines: readonly string[];
	readonly note?: string;
};

export type LogFollower = {
	subscribe(listener: (state: LogFollowState) => void): () => void;
	getState(): LogFollowState;
	/** Paused: the screen stops moving; resumed: what came meanwhile shows. */
	setPaused(paused: boolean): void;
	/** Closes the stream; no request after this. */
	stop(): void;
};

/** Opens a follower for a container of a pod of the watched job's namespace; the caller stops it. */
export type OpenLog = (pod: string, container: string) => LogFollower;
