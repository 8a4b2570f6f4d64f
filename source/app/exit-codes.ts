/** The process's exit codes: part of the command-line contract (README, --help). */
export const exitCodes = {
	ok: 0,
	/** --exit-on-finish: the job ended Failed, Terminated or Aborted. */
	jobFailed: 1,
	usage: 2,
	/** The API refused the request for good (401, 403, other 4xx) with --once. */
	refused: 3,
	/** --once: the job does not exist. */
	notFound: 4,
	/** --once: the server kept failing (5xx, 429, network) through every retry. */
	unreachable: 5,
	sighup: 129,
	sigint: 130,
	sigterm: 143,
} as const;

/** --once: a request refused for good, or one that kept failing through every retry. */
export function failedRequestExitCode(kind: 'refused' | 'gave-up'): number {
	return kind === 'refused' ? exitCodes.refused : exitCodes.unreachable;
}
