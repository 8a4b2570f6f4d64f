// Failure evidence: records of failed container runs and failed pods, kept after Volcano deletes the pods, each
// with the last lines of its log read once. Fed by the details loop's pod lists; its own requests are the logs.
import {asApiError} from '../api/api-error.js';
import type {ApiClient} from '../api/client.js';
import {defaultLogBytes, readPodLogTail} from '../api/pod-log.js';
import {createListeners} from '../common/listeners.js';
import type {PodInfo} from '../model/cluster.js';
import {maxFailureRecords, noFailures, recordFailures, type FailureRecord, type FailureState} from '../model/failures.js';
import type {Job} from '../model/job.js';
import {timeOf} from '../model/wire.js';
import type {DetailsWatcher} from './details-poller.js';
import type {JobWatcher} from './job-watcher.js';
import {tapLogReads, type LogTap} from './log-tap.js';

// The most extra reads of a tail that a line longer than the byte limit cut short.
const maxLongLineTries = 4;

/** Stands for lines a tail cut by a long line may have left out. */
export const skippedLines = '…';

const podGone = 'the pod is gone';
const runGone = "the run's log is gone: the container ran again since";

/** What is known of a record's log. */
export type FailureLog =
	/** Asked for, or waiting its turn. */
	| {readonly status: 'pending'}
	/** --log-lines 0, or the record names no container (a pod evicted before it ran). */
	| {readonly status: 'none'}
	| {
			readonly status: 'lines';
			/** Oldest first, printable, each on one line. */
			readonly lines: readonly string[];
			/** The byte limit cut the text. */
			readonly cut: boolean;
			/** Read with previous=true: the run before the container's current one. */
			readonly previous: boolean;
	  }
	/** Why it could not be read, in one line: no permission, the pod is gone, an error. */
	| {readonly status: 'unavailable'; readonly note: string};

export type FailureEvidence = {readonly record: FailureRecord; readonly log: FailureLog};

/** A record seen (log pending or none), then the same key again when its log is known. */
export type FailureEvent = {
	readonly type: 'failure';
	readonly at: number;
	readonly evidence: FailureEvidence;
	/**
	 * Found already there (in the first pod list, or seeded): evidence of before the watch, not a failure that
	 * just happened; the screen does not flash it, as it does not flash the job's first values.
	 */
	readonly old?: true;
};

export type FailureListener = (event: FailureEvent) => void;

export type FailureWatcherOptions = {
	readonly api: Pick<ApiClient, 'getBytes'>;
	readonly namespace: string;
	readonly jobWatcher: Pick<JobWatcher, 'subscribe'>;
	readonly details: Pick<DetailsWatcher, 'subscribe'>;
	/** Lines of each failed run's log to read (0: none). */
	readonly logLines: number;
	readonly logBytes?: number;
	/** Records kept, newest first dropped last. */
	readonly maxRecords?: number;
	readonly now?: () => number;
	/** Told of each log answer as received (--record). */
	readonly onLog?: LogTap;
};

export type FailureWatcher = {
	subscribe(listener: FailureListener): () => void;
	/** Every record so far with its log, oldest first. */
	evidence(): readonly FailureEvidence[];
	/** Resolves when no log read is waiting or under way: for --once and the end of --exit-on-finish. */
	settled(): Promise<void>;
	/**
	 * Gives up the log reads not done (the program is ending): each such record is told once more with `note`
	 * instead of its log, so that no record goes unwritten. No request after this.
	 */
	abandon(note: string): void;
	/**
	 * Records seen elsewhere (the namespace's table read the job's pods before its view opened): told as new,
	 * their logs read once the first pod list says where each run's log is. Records already known are skipped.
	 */
	seed(records: readonly FailureRecord[]): void;
	stop(): void;
};

/**
 * Records failures from every pod list the details loop reads and reads each new record's log tail, one
 * request at a time, never twice for the same run. A 403 or 404 on a log is a line in the record, never an
 * error of the watch.
 */
export function createFailureWatcher(options: FailureWatcherOptions): FailureWatcher {
	const now = options.now ?? Date.now;
	const cap = options.maxRecords ?? maxFailureRecords;
	const {emit, subscribe} = createListeners<FailureEvent>();
	const stopper = new AbortController();
	let state: FailureState = noFailures;
	let job: Pick<Job, 'version' | 'retryCount'> = {version: 0, retryCount: 0};
	const evidence = new Map<string, FailureEvidence>();
	const queue: FailureRecord[] = [];
	let reading: Promise<void> | undefined;
	// The newest pod list, by name. The log API names a pod, not its uid, and keeps one previous run: a read
	// after RestartJob re-created the pod, or after the container ran twice more, would fetch another run's log.
	let current = new Map<string, PodInfo>();

	/** Where the record's run's log is by the newest list: the current or the previous run, or why it is gone. */
	const whereIs = (record: FailureRecord): {readonly previous: boolean} | {readonly gone: string} => {
		const asRecorded = {previous: record.restartedInPlace === true};
		const pod = current.get(record.pod);
		// Not in the newest list: asked all the same, and a 404 says it is gone.
		if (!pod) return asRecorded;
		if (pod.uid !== undefined && record.podUid !== undefined && pod.uid !== record.podUid) return {gone: podGone};
		const runs = pod.runs?.find(candidate => candidate.name === record.container && candidate.init === (record.initContainer === true));
		if (!runs || record.run === undefined) return asRecorded;
		if (runs.restartCount === record.run) return {previous: false};
		return runs.restartCount === record.run + 1 ? {previous: true} : {gone: runGone};
	};

	const set = (record: FailureRecord, log: FailureLog) => {
		// A record that fell off the cap while its log was read is not brought back.
		if (!state.records.some(kept => kept.key === record.key)) return;
		const next = {record, log};
		evidence.set(record.key, next);
		emit({type: 'failure', at: now(), evidence: next});
	};

	const read = async (record: FailureRecord, previous: boolean, tailLines: number) =>
		readPodLogTail(tapLogReads(options.api, record.pod, options.onLog), {
			namespace: options.namespace,
			pod: record.pod,
			container: record.container!,
			previous,
			tailLines,
			limitBytes: options.logBytes ?? defaultLogBytes,
			signal: stopper.signal,
		});

	async function readLog(record: FailureRecord): Promise<void> {
		const where = whereIs(record);
		if ('gone' in where) {
			set(record, {status: 'unavailable', note: where.gone});
			return;
		}

		try {
			const tail = await read(record, where.previous, options.logLines);
			if (stopper.signal.aborted) return;
			if (tail.kind !== 'lines') {
				set(record, {status: 'unavailable', note: tail.message});
				return;
			}

			let {lines, cut} = tail;
			// limitBytes counts from the start of the tail: one long line (a dump, a progress bar) fills it and
			// the lines after it, where a traceback usually is, never come. Those lines are asked for again,
			// fewer each time until an answer is not cut: rare, and a few more requests, one at a time.
			const after = options.logLines - lines.length;
			for (let count = after, tries = 0; cut && count > 0 && tries < maxLongLineTries; count = Math.floor(count / 2), tries++) {
				// eslint-disable-next-line no-await-in-loop
				const rest = await read(record, where.previous, count);
				if (stopper.signal.aborted) return;
				if (rest.kind !== 'lines') break;
				if (!rest.cut) {
					// Fewer than asked at first: lines between the long one and these may be missing.
					lines = [...lines, ...(count < after ? [skippedLines] : []), ...rest.lines];
					cut = false;
				}
			}

			// A list that came meanwhile shows the pod re-created or the run gone: which one answered is not known.
			const later = whereIs(record);
			if ('gone' in later) {
				set(record, {status: 'unavailable', note: later.gone});
				return;
			}

			set(record, {status: 'lines', lines, cut, previous: where.previous});
		} catch (error) {
			if (stopper.signal.aborted) return;
			set(record, {status: 'unavailable', note: `log not read: ${asApiError(error).summary}`});
		}
	}

	async function drain(): Promise<void> {
		for (let record = queue.shift(); record && !stopper.signal.aborted; record = queue.shift()) {
			// eslint-disable-next-line no-await-in-loop
			await readLog(record);
		}

		reading = undefined;
	}

	// Records known before the first pod list (seed): their logs wait for it, which says where each run's log is.
	let listed = false;
	let held: FailureRecord[] = [];

	/** Tells each new record and queues its log read (after the first pod list). */
	const admit = (added: readonly FailureRecord[], at: number, old: boolean) => {
		const kept = new Set(state.records.map(record => record.key));
		for (const key of evidence.keys()) if (!kept.has(key)) evidence.delete(key);
		// The reads wait for records that fell off the cap: they are not read.
		for (let index = queue.length - 1; index >= 0; index--) if (!kept.has(queue[index]!.key)) queue.splice(index, 1);
		for (const record of added) {
			if (!kept.has(record.key)) continue;
			const wantsLog = options.logLines > 0 && record.container !== undefined;
			const log: FailureLog = wantsLog ? {status: 'pending'} : {status: 'none'};
			evidence.set(record.key, {record, log});
			emit({type: 'failure', at, evidence: {record, log}, ...(old ? {old} : {})});
			if (wantsLog) (listed ? queue : held).push(record);
		}

		if (queue.length > 0 && !reading) reading = drain();
	};

	const onPods = (pods: readonly PodInfo[], at: number) => {
		current = new Map(pods.map(pod => [pod.name, pod]));
		const first = !listed;
		if (!listed) {
			listed = true;
			queue.push(...held.filter(record => state.records.some(kept => kept.key === record.key)));
			held = [];
		}

		const before = new Set(state.records.map(record => record.key));
		const next = recordFailures(state, pods, job, at, cap);
		if (next !== state) state = next;
		admit(
			state.records.filter(record => !before.has(record.key)),
			at,
			first,
		);
	};

	const unsubscribeJob = options.jobWatcher.subscribe(event => {
		if (event.type === 'job') job = {version: event.job.version, retryCount: event.job.retryCount};
	});
	const unsubscribeDetails = options.details.subscribe(event => {
		if (event.type === 'details' && event.part === 'pods' && event.result.status === 'ok') onPods(event.result.value, event.at);
	});

	return {
		subscribe,
		evidence: () => state.records.map(record => evidence.get(record.key)!),
		async settled() {
			while (reading) {
				// eslint-disable-next-line no-await-in-loop
				await reading;
			}
		},
		seed(records) {
			const known = new Set(state.records.map(record => record.key));
			const added = records.filter(record => !known.has(record.key));
			if (added.length === 0) return;
			const all = [...state.records, ...added].sort((a, b) => (timeOf(a.finishedAt) ?? a.seenAt) - (timeOf(b.finishedAt) ?? b.seenAt));
			state = {...state, records: all.slice(Math.max(0, all.length - cap))};
			admit(added, now(), true);
		},
		abandon(note) {
			held = [];
			stopper.abort();
			queue.length = 0;
			for (const record of state.records) {
				if (evidence.get(record.key)?.log.status === 'pending') set(record, {status: 'unavailable', note});
			}
		},
		stop() {
			stopper.abort();
			unsubscribeJob();
			unsubscribeDetails();
		},
	};
}
