// Why a job failed, kept after the evidence is gone: Volcano's RestartJob/RestartTask delete failed pods and
// re-create them under the same names within seconds, and a Job's status never says why it failed.

import type {ContainerExit, ContainerRuns, PodInfo} from './cluster.js';
import type {Job} from './job.js';
import {timeOf} from './wire.js';

// Linux signal numbers (x86, arm): an exit code of 128+N means the process died of signal N.
const signals: Readonly<Record<number, {readonly name: string; readonly meaning: string}>> = {
	1: {name: 'SIGHUP', meaning: 'hung up'},
	2: {name: 'SIGINT', meaning: 'interrupted'},
	3: {name: 'SIGQUIT', meaning: 'quit'},
	4: {name: 'SIGILL', meaning: 'illegal instruction'},
	5: {name: 'SIGTRAP', meaning: 'trace trap'},
	6: {name: 'SIGABRT', meaning: 'aborted'},
	7: {name: 'SIGBUS', meaning: 'bus error'},
	8: {name: 'SIGFPE', meaning: 'arithmetic error'},
	9: {name: 'SIGKILL', meaning: 'killed'},
	10: {name: 'SIGUSR1', meaning: 'user signal 1'},
	11: {name: 'SIGSEGV', meaning: 'segmentation fault'},
	12: {name: 'SIGUSR2', meaning: 'user signal 2'},
	13: {name: 'SIGPIPE', meaning: 'broken pipe'},
	14: {name: 'SIGALRM', meaning: 'alarm'},
	15: {name: 'SIGTERM', meaning: 'terminated'},
	24: {name: 'SIGXCPU', meaning: 'CPU time limit'},
	25: {name: 'SIGXFSZ', meaning: 'file size limit'},
	31: {name: 'SIGSYS', meaning: 'bad system call'},
};

// Highest signal number on Linux: 128+N above it is an ordinary exit code.
const maxSignal = 64;

function signalMeaning(signal: number): string {
	const known = signals[signal];
	return known ? `${known.meaning} (${known.name})` : `signal ${signal}`;
}

// Reasons that say nothing beyond "it exited non-zero".
const plainReasons = new Set(['', 'Error']);

/**
 * What an exit means, in a few words, or undefined when it means nothing (0) or nothing beyond its number.
 * `reason` is the kubelet's (OOMKilled, Error …), `signal` its rarely sent signal number.
 */
export function describeExit(code: number | undefined, reason?: string, signal?: number): string | undefined {
	if (reason === 'OOMKilled') return 'out of memory (OOMKilled)';
	if (code === 0) return undefined;
	// The kernel's OOM killer and the kubelet's eviction both use SIGKILL, and the kubelet often reports
	// such a kill as plain Error (kubernetes#53669): say what it likely was.
	if (code === 137 && plainReasons.has(reason ?? '')) return 'killed (SIGKILL): out of memory or evicted';
	if (code !== undefined && code > 128 && code <= 128 + maxSignal) return signalMeaning(code - 128);
	if (signal !== undefined && signal > 0 && signal <= maxSignal) return signalMeaning(signal);
	switch (code) {
		case 1: {
			return 'error';
		}

		case 2: {
			return 'incorrect usage';
		}

		case 126: {
			return 'not executable';
		}

		case 127: {
			return 'command not found';
		}

		case 128: {
			// The runtime's code when the process never started (bad entrypoint, failed mount …).
			return reason === 'StartError' || reason === 'ContainerCannotRun' ? 'could not start' : undefined;
		}

		case 255: {
			return 'exit status -1 or out of range';
		}

		default: {
			return undefined;
		}
	}
}

/** One failed or restarted run of a container, or a failed pod that no container's exit explains. */
export type FailureRecord = {
	/** Identity of the run: the same run seen again is not recorded twice. */
	readonly key: string;
	readonly pod: string;
	readonly podUid?: string;
	/** Absent for a record of the pod itself (evicted, past its deadline, no container exit). */
	readonly container?: string;
	readonly initContainer?: boolean;
	readonly task?: string;
	readonly exitCode?: number;
	readonly signal?: number;
	/** What the exit means (describeExit). */
	readonly meaning?: string;
	readonly reason?: string;
	/** The termination message, a line each. */
	readonly message?: readonly string[];
	readonly podReason?: string;
	readonly podMessage?: string;
	readonly node?: string;
	readonly startedAt?: string;
	readonly finishedAt?: string;
	/** Restarts before this run: its number, from 0. */
	readonly run?: number;
	/** The container ran again after this run in the same pod: its log is the previous one. */
	readonly restartedInPlace?: boolean;
	/** The job's version and retry count when the failure was seen. */
	readonly version: number;
	readonly retryCount: number;
	/** When it was seen, in milliseconds since the epoch. */
	readonly seenAt: number;
};

export type FailureState = {
	/** Oldest first, at most the cap. */
	readonly records: readonly FailureRecord[];
	/**
	 * Keys already recorded, per pod still present: records fall off at the cap while their pod may still
	 * show the same run. Pods that are gone are forgotten: their runs cannot be seen again.
	 */
	readonly seen: ReadonlyMap<string, readonly string[]>;
};

export const noFailures: FailureState = {records: [], seen: new Map()};

export const maxFailureRecords = 50;

/** A pod's identity across re-creation under the same name: its uid, else its name and creation time. */
function podIdOf(pod: PodInfo): string {
	return pod.uid ?? `${pod.name}@${pod.createdAt ?? ''}`;
}

function failed(exit: ContainerExit): boolean {
	return (exit.exitCode !== undefined && exit.exitCode !== 0) || (exit.reason !== undefined && exit.reason !== 'Completed');
}

type Candidate = {readonly key: string; readonly record: Omit<FailureRecord, 'key'>};

function containerCandidates(podId: string, runs: ContainerRuns, base: Omit<FailureRecord, 'key'>): Candidate[] {
	const candidates: Candidate[] = [];
	const of = (run: number, exit: ContainerExit | undefined, restartedInPlace: boolean): Candidate => ({
		key: JSON.stringify([podId, runs.name, run]),
		record: {
			...base,
			container: runs.name,
			...(runs.init ? {initContainer: true} : {}),
			...(exit?.exitCode === undefined ? {} : {exitCode: exit.exitCode}),
			...(exit?.signal === undefined ? {} : {signal: exit.signal}),
			...meaningOf(exit),
			...(exit?.reason === undefined ? {} : {reason: exit.reason}),
			...(exit?.message === undefined ? {} : {message: exit.message}),
			...(exit?.startedAt === undefined ? {} : {startedAt: exit.startedAt}),
			...(exit?.finishedAt === undefined ? {} : {finishedAt: exit.finishedAt}),
			run,
			restartedInPlace,
		},
	});
	// The run before the current one: any restart is recorded (the kubelet may have dropped its exit).
	// Run numbers, not finish times, identify a run: the same run is state.terminated with restartCount N,
	// then lastState.terminated with N+1 once the container runs again.
	if (runs.restartCount > 0) candidates.push(of(runs.restartCount - 1, runs.lastTerminated, true));
	// A run that ended well is no evidence, even in a failed pod (a sidecar that exited 0).
	if (runs.terminated && failed(runs.terminated)) candidates.push(of(runs.restartCount, runs.terminated, false));
	return candidates;
}

function meaningOf(exit: ContainerExit | undefined): {meaning?: string} {
	const meaning = exit ? describeExit(exit.exitCode, exit.reason, exit.signal) : undefined;
	return meaning === undefined ? {} : {meaning};
}

function candidatesOf(pod: PodInfo, job: Pick<Job, 'version' | 'retryCount'>, at: number): Candidate[] {
	const podId = podIdOf(pod);
	const base: Omit<FailureRecord, 'key'> = {
		pod: pod.name,
		...(pod.uid === undefined ? {} : {podUid: pod.uid}),
		...(pod.task === undefined ? {} : {task: pod.task}),
		...(pod.reason === undefined ? {} : {podReason: pod.reason}),
		...(pod.message === undefined ? {} : {podMessage: pod.message}),
		...(pod.node === undefined ? {} : {node: pod.node}),
		version: job.version,
		retryCount: job.retryCount,
		seenAt: at,
	};
	const candidates = (pod.runs ?? []).flatMap(runs => containerCandidates(podId, runs, base));
	// A failed pod whose current runs show no failed exit (evicted before they ran, no status at all): the
	// pod itself, with its own reason.
	if (pod.phase === 'Failed' && !candidates.some(candidate => candidate.record.restartedInPlace === false)) {
		candidates.push({key: JSON.stringify([podId]), record: base});
	}

	return candidates;
}

/**
 * The failure records after seeing `pods`: one more for each container run that failed or was followed by
 * a restart, and for each failed pod that no container's exit explains. Records outlive their pods; the
 * newest `cap` are kept. The same run, seen in any number of snapshots, is recorded once.
 */
export function recordFailures(
	state: FailureState,
	pods: readonly PodInfo[],
	job: Pick<Job, 'version' | 'retryCount'>,
	at: number,
	cap = maxFailureRecords,
): FailureState {
	const recorded = new Set(state.records.map(record => record.key));
	const seen = new Map<string, readonly string[]>();
	const added: FailureRecord[] = [];
	for (const pod of pods) {
		const podId = podIdOf(pod);
		const keys = [...(state.seen.get(podId) ?? []), ...(seen.get(podId) ?? [])];
		const known = new Set(keys);
		for (const {key, record} of candidatesOf(pod, job, at)) {
			if (known.has(key) || recorded.has(key)) continue;
			known.add(key);
			keys.push(key);
			added.push({key, ...record});
		}

		if (keys.length > 0) seen.set(podId, keys);
	}

	const unchanged = added.length === 0 && seen.size === state.seen.size && [...seen].every(([podId, keys]) => state.seen.get(podId)?.length === keys.length);
	if (unchanged) return state;
	// Runs that ended together are told in the order they ended.
	const finished = (record: FailureRecord) => timeOf(record.finishedAt) ?? at;
	const ordered = added.map((record, index) => ({record, index})).sort((a, b) => finished(a.record) - finished(b.record) || a.index - b.index);
	const records = [...state.records, ...ordered.map(entry => entry.record)];
	return {records: records.slice(Math.max(0, records.length - Math.max(0, cap))), seen};
}

// Phases Volcano enters after a pod failed (a policy's RestartJob, AbortJob, TerminateJob, or maxRetry spent).
const failurePhases = new Set(['Restarting', 'Aborting', 'Failed', 'Terminating']);

/**
 * Whether the job's status says a pod just failed: its failed counter or a task's Failed count rose, or it
 * turned to a phase a failure leads to. Volcano may delete the failed pods seconds later, so their evidence
 * is read at once.
 */
export function failureSignal(before: Pick<Job, 'phase' | 'counters' | 'tasks'>, after: Pick<Job, 'phase' | 'counters' | 'tasks'>): boolean {
	if (after.counters.failed > before.counters.failed) return true;
	if (after.phase !== before.phase && failurePhases.has(after.phase)) return true;
	const failedBefore = new Map(before.tasks.map(task => [task.name, task.pods['Failed'] ?? 0]));
	return after.tasks.some(task => (task.pods['Failed'] ?? 0) > (failedBefore.get(task.name) ?? 0));
}

/** Whether a job first seen already shows a failure: its pods are worth reading for the evidence left. */
export function showsFailure(job: Pick<Job, 'phase' | 'counters'>): boolean {
	return job.counters.failed > 0 || failurePhases.has(job.phase);
}
