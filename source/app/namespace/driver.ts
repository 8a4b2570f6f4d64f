// Every job of a namespace as a view: its list (and watch) loop, its writers, store and exit codes; a job opened
// from the table is watched by a job driver of its own.
import {createApiClient} from '../../api/client.js';
import {createNamespaceJsonWriter, createNamespaceTextWriter} from '../../output/namespace-writers.js';
import type {NamespaceState} from '../../state/namespace-state.js';
import {createNamespaceStore} from '../../state/namespace-store.js';
import type {JobSession} from '../../tui/namespace/use-job-session.js';
import {createNamespaceWatcher, type ListOutcome, type NamespaceWatcher} from '../../watch/namespace-watcher.js';
import {createNamespaceExits, type NamespaceExits} from '../../watch/namespace-exits.js';
import {exitCodes, failedRequestExitCode} from '../exit-codes.js';
import {actionsPort, createJobActions} from '../commands/actions.js';
import {createJobDriver} from '../job/driver.js';
import type {Options} from '../options.js';
import {evidenceDeadlineMs, type ClientOptions} from '../session.js';
import {within} from '../../common/sleep.js';
import type {ViewDriver} from '../view-driver.js';

// A page of 500 real jobs (a few KB each, more with many tasks) is far above one job's 4 MB cap.
const listPageMaxBytes = 32 * 1024 * 1024;

export type NamespaceDriver = ViewDriver<NamespaceState, ListOutcome> & {
	readonly watcher: NamespaceWatcher;
	/** The latest failure of each job that fails, from its pods; undefined with --no-details. */
	readonly exits: NamespaceExits | undefined;
	/** Starts watching one job for its own view (Enter in the table); its close() stops that watch. */
	openJob(name: string): JobSession;
};

type NamespaceOptions = Parameters<typeof createJobDriver>[0] & Pick<Options, 'selector'> & Partial<Pick<Options, 'output'>>;

// The table is redrawn at most this often: in a busy namespace each redraw (an Ink frame of the whole screen)
// costs far more than the changes it shows, so the changes, and the highlights that end, are drawn together.
// A change after a quiet spell is drawn at once.
const drawEveryMs = 2000;

export function createNamespaceDriver(options: NamespaceOptions, clientOptions: ClientOptions, namespace: string): NamespaceDriver {
	const api = createApiClient({...clientOptions, maxBodyBytes: listPageMaxBytes});
	const watcher = createNamespaceWatcher({
		api,
		namespace,
		selector: options.selector,
		mode: options.mode,
		watchIdleMs: options.watchIdleMs,
		intervalMs: options.intervalMs,
		maxWaitMs: options.maxWaitMs,
		refusedWaitMs: options.recheckMs,
		// The screen shows the stream's events no more often than it draws; lines are written as they come.
		...(options.output === 'tui' ? {batchMs: drawEveryMs} : {}),
	});
	// The pods of a job the list says failed, for the table's LAST EXIT: no request while nothing fails.
	const exits = options.details ? createNamespaceExits({api, namespace, watcher}) : undefined;

	// A job opened from the table gets the loops and store of a single-job watch, stopped when it is closed.
	const sessions = new Set<JobSession>();
	const crashes: unknown[] = [];
	const openJob = (name: string): JobSession => {
		const job = createJobDriver(options, clientOptions, {namespace, name});
		const store = job.createStore();
		// What the table's pod reads found: the job's view starts with those failures, not with none.
		job.failures?.seed(exits?.recordsFor(name) ?? []);
		const running = job.run().catch((error: unknown) => {
			crashes.push(error);
			watcher.stop();
		});
		const session: JobSession = {
			name,
			store,
			watcher: job.watcher,
			details: job.details,
			openLog: job.openLog,
			// --actions: the keys act on the opened job too, over a client of their own (writes, never retried).
			actions: options.actions ? actionsPort(createJobActions(createApiClient(clientOptions), {namespace, name})) : undefined,
			close() {
				sessions.delete(session);
				job.stop();
				void running.finally(() => store.dispose());
			},
		};
		sessions.add(session);
		return session;
	};

	return {
		label: namespace,
		failureFields: {namespace},
		watcher,
		exits,
		openJob,
		writeLines(format, write) {
			const writer = format === 'json' ? createNamespaceJsonWriter(write, {namespace}) : createNamespaceTextWriter(write, {namespace});
			watcher.subscribe(writer);
			exits?.subscribe(writer);
		},
		createStore: () => createNamespaceStore(watcher, {namespace, selector: options.selector, highlightMs: options.highlightMs, exits, drawEveryMs}),
		async once(retries) {
			const outcome = await watcher.pollOnce(retries);
			// The pods of the jobs that show a failure, read on that list: the frame's LAST EXIT.
			if (exits) await within(exits.settled(), evidenceDeadlineMs(options.timeoutMs));
			return outcome;
		},
		run: async () => watcher.run(),
		stop() {
			watcher.stop();
			exits?.stop();
		},
		exitCode: outcome => (outcome.kind === 'listed' ? exitCodes.ok : failedRequestExitCode(outcome.kind)),
		closeOpened() {
			for (const session of [...sessions]) session.close();
			return crashes.length > 0 ? {error: crashes[0]} : undefined;
		},
		async loadTui() {
			const {namespaceTui} = await import('./tui.js');
			return namespaceTui({watcher, openJob, intervalMs: options.intervalMs});
		},
	};
}
