// One job as a view: its GET (or watch) loop and, unless --no-details, the PodGroup/pods/events loop beside
// it; its writers, store, exit codes and end.
import {createApiClient} from '../../api/client.js';
import {createJobClient} from '../../api/job-client.js';
import {finishedOutcome} from '../../model/phase.js';
import {createJsonDetailsWriter, createJsonWriter} from '../../output/json-writer.js';
import {createTextDetailsWriter, createTextWriter} from '../../output/text-writer.js';
import {createJobViewStore} from '../../state/job-view-store.js';
import type {JobViewState} from '../../state/job-view.js';
import {createDetailsWatcher, everythingWanted, type DetailsWatcher} from '../../watch/details-poller.js';
import {createJobWatcher, type JobWatcher, type PollOutcome} from '../../watch/job-watcher.js';
import {exitCodes, failedRequestExitCode} from '../exit-codes.js';
import type {Options} from '../options.js';
import type {ClientOptions} from '../session.js';
import type {ViewDriver} from '../view-driver.js';

export type JobRef = {readonly namespace: string; readonly name: string};

export type JobDriver = ViewDriver<JobViewState, PollOutcome> & {
	readonly watcher: JobWatcher;
	/** Undefined with --no-details. */
	readonly details: DetailsWatcher | undefined;
};

type JobOptions = Pick<
	Options,
	'mode' | 'watchIdleMs' | 'intervalMs' | 'maxWaitMs' | 'recheckMs' | 'details' | 'detailsIntervalMs' | 'highlightMs' | 'exitOnFinish'
>;

export function createJobDriver(options: JobOptions, clientOptions: ClientOptions, job: JobRef): JobDriver {
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
	// The PodGroup, pods and events: a second, slower loop with its own backoff, fed the job's uid by the first.
	const details = options.details
		? createDetailsWatcher({
				api: createApiClient(clientOptions),
				namespace: job.namespace,
				jobWatcher: watcher,
				intervalMs: options.detailsIntervalMs,
				maxWaitMs: Math.max(options.maxWaitMs, options.detailsIntervalMs),
				refusedWaitMs: options.recheckMs,
			})
		: undefined;
	// Only the job's coordinates: the writers spread them into every line.
	const ref = {namespace: job.namespace, name: job.name};

	return {
		label: `${job.namespace}/${job.name}`,
		failureFields: ref,
		watcher,
		details,
		writeLines(format, write) {
			watcher.subscribe(format === 'json' ? createJsonWriter(write, ref) : createTextWriter(write, ref));
			details?.subscribe(format === 'json' ? createJsonDetailsWriter(write, ref) : createTextDetailsWriter(write, ref));
			// The lines report every part: all of them are wanted (the TUI wants only what is on screen).
			details?.setWanted(everythingWanted);
		},
		createStore() {
			const store = createJobViewStore(watcher, {...ref, highlightMs: options.highlightMs});
			details?.subscribe(store.dispatch);
			return store;
		},
		async once(retries) {
			const outcome = await watcher.pollOnce(retries);
			// One look at the PodGroup, pods and events too: what a single frame needs to say why it is Pending.
			if (outcome.kind === 'job' && details) {
				details.setWanted(everythingWanted);
				await details.fetchOnce().catch(() => {});
			}

			return outcome;
		},
		async run() {
			// The details loop runs beside the job's and stops with it.
			try {
				await Promise.all([watcher.run().finally(() => details?.stop()), details?.run()]);
			} finally {
				details?.stop();
			}
		},
		stop() {
			watcher.stop();
			details?.stop();
		},
		exitCode(outcome) {
			switch (outcome.kind) {
				case 'job': {
					if (!options.exitOnFinish) return exitCodes.ok;
					const phase = outcome.response.raw['status'] as {state?: {phase?: unknown}} | undefined;
					return finishedOutcome(String(phase?.state?.phase ?? '')) === 'failure' ? exitCodes.jobFailed : exitCodes.ok;
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
			// A phase the job only leaves by outside action: Completed is 0, Failed, Terminated or Aborted 1.
			watcher.subscribe(event => {
				if (event.type !== 'job') return;
				const outcome = finishedOutcome(event.job.phase);
				if (outcome) onFinish(outcome === 'success' ? exitCodes.ok : exitCodes.jobFailed);
			});
		},
		async loadTui() {
			const {jobTui} = await import('./tui.js');
			return jobTui({watcher, details, intervalMs: options.intervalMs, withDetails: options.details});
		},
	};
}
