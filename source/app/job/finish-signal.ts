// When a watched job reached a final phase, and when its first pod failed: what --notify and --on-finish act on,
// told once per finish whatever the screen does (a re-render, `r`, a reconnect, a re-list of the same job).
import type {FailureRecord} from '../../model/failures.js';
import type {Job} from '../../model/job.js';
import {finishedOutcome} from '../../model/phase.js';
import type {FailureWatcher} from '../../watch/failure-watcher.js';
import type {JobWatcher} from '../../watch/job-watcher.js';

export type FinishSignal =
	/**
	 * The job reached Completed, Failed, Terminated or Aborted: first seen so (a finish the user has not seen
	 * yet), or coming from a phase that is not final. The same final phase seen again is not told again; a job
	 * that left it (an Aborted job resumed, a job deleted and created again) and reached one again is.
	 */
	| {
			readonly type: 'finished';
			readonly at: number;
			readonly job: Job;
			readonly outcome: 'success' | 'failure';
			/** The latest failure's reason (failureReason), or the job's own reason; only for a failure. */
			readonly failure?: string;
	  }
	/**
	 * The first pod failure of this watch, before the job finished: the failure watcher's first record of a run
	 * that failed while watched, or the job's failed counter rising from 0. Failures already there when the watch
	 * began are not one. Told at most once.
	 */
	| {readonly type: 'first-failure'; readonly at: number; readonly job: Job | undefined; readonly failure?: string};

export type FinishSignalSources = {
	readonly watcher: Pick<JobWatcher, 'subscribe'>;
	/** Undefined with --no-details: then the failed counter alone says a pod failed. */
	readonly failures?: Pick<FailureWatcher, 'subscribe' | 'evidence'> | undefined;
};

/** A failure record in a few words: `mpiworker-1/worker exit 137: out of memory (OOMKilled)`. Already sanitised. */
export function failureReason(record: FailureRecord): string {
	const who = record.container === undefined ? record.pod : `${record.pod}/${record.container}`;
	const code = record.exitCode === undefined ? '' : ` exit ${record.exitCode}`;
	const why = record.meaning ?? record.reason ?? record.podReason;
	return `${who}${code}${why === undefined ? '' : `: ${why}`}`;
}

/** The newest record's reason, else the job's own (status.state reason or message), else undefined. */
function latestReason(failures: FinishSignalSources['failures'], job: Job | undefined): string | undefined {
	const latest = failures?.evidence().at(-1);
	if (latest) return failureReason(latest.record);
	return job?.reason ?? job?.message;
}

/** Calls `listener` with each finish and the first failure; returns the unsubscribe. */
export function watchFinishSignal({watcher, failures}: FinishSignalSources, listener: (signal: FinishSignal) => void): () => void {
	let job: Job | undefined;
	// Whether the last job seen was in a final phase: the same phase seen again (a poll, `r`, a re-list) is no news.
	let finished = false;
	let failureTold = false;

	const firstFailure = (at: number, failure: string | undefined) => {
		if (failureTold || finished) return;
		failureTold = true;
		listener({type: 'first-failure', at, job, ...(failure === undefined ? {} : {failure})});
	};

	const unsubscribeJob = watcher.subscribe(event => {
		if (event.type !== 'job') return;
		const before = job;
		job = event.job;
		// Counted from a value seen while watched: a job first seen with failed pods says nothing new.
		if (before && before.counters.failed === 0 && event.job.counters.failed > 0) firstFailure(event.at, latestReason(failures, event.job));
		const outcome = finishedOutcome(event.job.phase);
		if (!outcome) {
			finished = false;
			return;
		}

		if (finished) return;
		finished = true;
		const failure = outcome === 'failure' ? latestReason(failures, event.job) : undefined;
		listener({type: 'finished', at: event.at, job: event.job, outcome, ...(failure === undefined ? {} : {failure})});
	});
	const unsubscribeFailures = failures?.subscribe(event => {
		// Evidence of before the watch (the first pod list, a seed) is not a failure that just happened.
		if (event.old) return;
		firstFailure(event.at, failureReason(event.evidence.record));
	});

	return () => {
		unsubscribeJob();
		unsubscribeFailures?.();
	};
}
