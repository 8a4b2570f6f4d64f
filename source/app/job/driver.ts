// One job as a view: its GET (or watch) loop and, unless --no-details, the PodGroup/pods/events loop beside
// it; its writers, store, exit codes and end.
import {createApiClient} from '../../api/client.js';
import {createJobClient} from '../../api/job-client.js';
import {finishedOutcome} from '../../model/phase.js';
import {createJsonHookWriter, createTextHookWriter} from '../../output/hook-writers.js';
import {finishedExitCode} from '../finish-exit-code.js';
import {createFinishHook} from './on-finish.js';
import {createJsonDetailsWriter, createJsonWriter} from '../../output/json-writer.js';
import {createTextDetailsWriter, createTextWriter} from '../../output/text-writer.js';
import {createJobViewStore} from '../../state/job-view-store.js';
import type {JobViewState} from '../../state/job-view.js';
import {createDetailsWatcher, everythingWanted, type DetailsWatcher} from '../../watch/details-poller.js';
import {createFailureWatcher, type FailureWatcher} from '../../watch/failure-watcher.js';
import {logOpener, type OpenLog} from '../../watch/log-follower.js';
import {
	createJsonFailureWriter,
	createTextFailureWriter,
	failureSummaryJson,
	failureSummaryText,
	type FailureSummary,
} from '../../output/failure-writers.js';
import type {LineFormat} from '../view-driver.js';
import {createJobWatcher, type JobWatcher, type PollOutcome} from '../../watch/job-watcher.js';
import {exitCodes, failedRequestExitCode} from '../exit-codes.js';
import type {Options} from '../options.js';
import {evidenceDeadlineMs, type ClientOptions} from '../session.js';
import {within} from '../../common/sleep.js';
import type {ViewDriver} from '../view-driver.js';
import type {Recorder} from '../../output/recorder.js';

export type JobRef = {readonly namespace: string; readonly name: string};

export type JobDriver = ViewDriver<JobViewState, PollOutcome> & {
	readonly watcher: JobWatcher;
	/** Undefined with --no-details. */
	readonly details: DetailsWatcher | undefined;
	/** Failure records and their log tails; undefined with --no-details (they come from the pods). */
	readonly failures: FailureWatcher | undefined;
	/** A pod's log followed on demand (`l` in the pods view); undefined with --no-details. */
	readonly openLog: OpenLog | undefined;
};

type JobOptions = Pick<
	Options,
	| 'mode'
	| 'watchIdleMs'
	| 'intervalMs'
	| 'maxWaitMs'
	| 'recheckMs'
	| 'timeoutMs'
	| 'details'
	| 'detailsIntervalMs'
	| 'logLines'
	| 'highlightMs'
	| 'exitOnFinish'
	| 'actions'
	| 'onFinish'
>;

/** What a record whose log was still to be read says when the program ends: every record gets its line. */
function notReadInTime(timeoutMs: number): string {
	return `log not read: the program ended first (it waits ${Math.round(evidenceDeadlineMs(timeoutMs) / 1000)} s for logs at the end)`;
}

/** `recorder` (--record) is told every answer of the job's and the details' loops, before anything else is. */
export function createJobDriver(options: JobOptions, clientOptions: ClientOptions, job: JobRef, recorder?: Recorder): JobDriver {
	const watcher = createJobWatcher({
		client: createJobClient({...clientOptions, namespace: job.namespace, name: job.name}),
		namespace: job.namespace,
		name: job.name,
		mode: options.mode,
		watchIdleMs: options.watchIdleMs,
		intervalMs: options.intervalMs,
		maxWaitMs: options.maxWaitMs,
		// After an error that retrying will not fix (401, 403, 4xx), look again rarely: a renewed token
		// or a granted permission then recovers the watch without a restart, without hammering the API.
		refusedWaitMs: options.recheckMs,
	});
	if (recorder) watcher.subscribe(recorder.job);
	// The PodGroup, pods and events: a second, slower loop with its own backoff, fed the job's uid by the first.
	const details = options.details
		? createDetailsWatcher({
				api: createApiClient(clientOptions),
				namespace: job.namespace,
				jobWatcher: watcher,
				intervalMs: options.detailsIntervalMs,
				maxWaitMs: Math.max(options.maxWaitMs, options.detailsIntervalMs),
				refusedWaitMs: options.recheckMs,
				podsOnFailure: true,
				...(recorder ? {onAnswer: recorder.details} : {}),
			})
		: undefined;
	// Failed runs seen in the pods, each with its log's tail: evidence Volcano deletes with the pods.
	const failures = details
		? createFailureWatcher({
				api: createApiClient(clientOptions),
				namespace: job.namespace,
				jobWatcher: watcher,
				details,
				logLines: options.logLines,
				...(recorder ? {onLog: recorder.log} : {}),
			})
		: undefined;
	// A pod's log, followed only while the log view shows it.
	const openLog = options.details ? logOpener({api: createApiClient(clientOptions), namespace: job.namespace, ...(recorder ? {onLog: recorder.log} : {})}) : undefined;
	// Only the job's coordinates: the writers spread them into every line.
	const ref = {namespace: job.namespace, name: job.name};
	// --on-finish: the command inherits the program's environment, with the finish's VCJOB_* added.
	const hook = options.onFinish
		? createFinishHook({...options.onFinish, env: process.env}, {job: ref, watcher, failures, details, readTimeoutMs: options.timeoutMs})
		: undefined;
	/** --exit-on-finish ends after the command has (bounded by its timeout). */
	const hookSettled = async () => hook?.settled();

	// Set by writeLines: --exit-on-finish ends a failed job's lines with it.
	let writeSummary: ((summary: FailureSummary) => void) | undefined;
	const summaryWriter = (format: LineFormat, write: (line: string) => void) => (summary: FailureSummary) => {
		write(format === 'json' ? failureSummaryJson(summary, ref) : failureSummaryText(summary, ref));
	};

	/** The pods read once more and every log read ended, within a deadline: the failure's last evidence. */
	const lastEvidence = async () => {
		if (!details || !failures) return;
		await within(
			details.readPodsNow().then(async () => failures.settled()),
			evidenceDeadlineMs(options.timeoutMs),
		);
		failures.abandon(notReadInTime(options.timeoutMs));
	};

	return {
		label: `${job.namespace}/${job.name}`,
		failureFields: ref,
		watcher,
		details,
		failures,
		openLog,
		writeLines(format, write) {
			watcher.subscribe(format === 'json' ? createJsonWriter(write, ref) : createTextWriter(write, ref));
			details?.subscribe(format === 'json' ? createJsonDetailsWriter(write, ref) : createTextDetailsWriter(write, ref));
			failures?.subscribe(format === 'json' ? createJsonFailureWriter(write, ref) : createTextFailureWriter(write, ref));
			hook?.subscribe(format === 'json' ? createJsonHookWriter(write, ref) : createTextHookWriter(write, ref));
			writeSummary = summaryWriter(format, write);
			// The lines report every part: all of them are wanted (the TUI wants only what is on screen).
			details?.setWanted(everythingWanted);
		},
		createStore() {
			const store = createJobViewStore(watcher, {...ref, highlightMs: options.highlightMs});
			details?.subscribe(store.dispatch);
			failures?.subscribe(store.dispatch);
			hook?.subscribe(store.dispatch);
			return store;
		},
		async once(retries) {
			const outcome = await watcher.pollOnce(retries);
			// One look at the PodGroup, pods and events too: what a single frame needs to say why it is Pending.
			if (outcome.kind === 'job' && details) {
				details.setWanted(everythingWanted);
				await details.fetchOnce().catch(() => {});
				// The evidence of failures the pods still show, with their logs' tails.
				await within(failures?.settled() ?? Promise.resolve(), evidenceDeadlineMs(options.timeoutMs));
				failures?.abandon(notReadInTime(options.timeoutMs));
			}

			return outcome;
		},
		async run() {
			// The details loop runs beside the job's and stops with it.
			try {
				await Promise.all([watcher.run().finally(() => details?.stop()), details?.run()]);
			} finally {
				details?.stop();
				// A command still running is stopped, not left behind (on-finish.ts).
				await hook?.stop();
			}
		},
		stop() {
			watcher.stop();
			details?.stop();
			failures?.stop();
			void hook?.stop();
		},
		exitCode(outcome) {
			switch (outcome.kind) {
				case 'job': {
					if (!options.exitOnFinish) return exitCodes.ok;
					const phase = outcome.response.raw['status'] as {state?: {phase?: unknown}} | undefined;
					return finishedExitCode(String(phase?.state?.phase ?? '')) ?? exitCodes.ok;
				}

				case 'not-found': {
					return exitCodes.notFound;
				}

				default: {
					return failedRequestExitCode(outcome.kind);
				}
			}
		},
		watchForFinish(onFinish) {
			// A phase the job only leaves by outside action: Completed is 0, Failed, Terminated or Aborted 1. A
			// failed job's end waits for its last evidence, then writes the summary last.
			let finishing = false;
			watcher.subscribe(event => {
				if (event.type !== 'job' || finishing) return;
				const outcome = finishedOutcome(event.job.phase);
				if (!outcome) return;
				finishing = true;
				if (outcome === 'success') {
					if (hook) void hookSettled().then(() => onFinish(exitCodes.ok));
					else onFinish(exitCodes.ok);
					return;
				}

				const {phase} = event.job;
				void Promise.all([lastEvidence(), hookSettled()]).then(() => {
					writeSummary?.({at: Date.now(), phase, evidence: failures?.evidence() ?? [], details: details !== undefined});
					onFinish(exitCodes.jobFailed);
				});
			});
		},
		async loadTui() {
			const {jobTui} = await import('./tui.js');
			// --actions: the keys that act on the job, over a client of their own (writes, never retried).
			const {createJobActions} = await import('../commands/actions.js');
			const actions = options.actions ? createJobActions(createApiClient(clientOptions), job) : undefined;
			return jobTui({watcher, details, intervalMs: options.intervalMs, withDetails: options.details, openLog, actions});
		},
	};
}
