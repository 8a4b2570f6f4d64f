// What came of --on-finish's command: the event app/job/on-finish.ts tells, which the text and JSON writers
// write and the job view keeps (its last one) for the TUI's line.

export type HookState =
	/** Started; nothing known yet. */
	| 'running'
	/** Ended by itself: exitCode, or signal when a signal nobody here sent ended it. */
	| 'exited'
	/** Still running after --on-finish-timeout: SIGTERM to its process group, SIGKILL 2 s later. */
	| 'timed-out'
	/** The program ended (q, Ctrl+C, a signal) while it ran: stopped the same way. */
	| 'stopped'
	/** Could not be started (the shell is missing, …): `error` says why. */
	| 'error';

export type HookEvent = {
	readonly type: 'hook';
	readonly at: number;
	readonly state: HookState;
	/** The job's phase that ran it (sanitised). */
	readonly phase: string;
	/** VCJOB_EXIT, as given to it. */
	readonly jobExit: number;
	readonly exitCode?: number;
	/** The signal that ended it, e.g. SIGTERM after a timeout. */
	readonly signal?: string;
	/** Its first non-empty line of output (stdout or stderr, whichever came first), sanitised. */
	readonly output?: string;
	readonly durationMs?: number;
	readonly timeoutMs: number;
	readonly error?: string;
};

/** Whether the command did what it was asked: it ran and exited 0. */
export function hookSucceeded(event: Pick<HookEvent, 'state' | 'exitCode'>): boolean {
	return event.state === 'exited' && event.exitCode === 0;
}
