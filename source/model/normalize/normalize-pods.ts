import type {ContainerExit, ContainerRuns, PodInfo, PodProblem} from '../cluster.js';
import {sanitize, sanitizeOptional} from '../../common/sanitize.js';
import {asArray, asRecord, count, type UnknownRecord} from '../wire.js';

// Waiting reasons of a container that is merely starting: not trouble.
const startingReasons = new Set(['ContainerCreating', 'PodInitializing']);

// The kubelet keeps at most 4 KiB of a termination message; a server may send anything, so only the end
// (where a log's last lines are) is read, a bounded number of lines.
const messageTailChars = 16_384;
const messageLines = 80;

function integerOf(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function messageLinesOf(value: unknown): string[] | undefined {
	if (typeof value !== 'string') return undefined;
	const lines = value
		.slice(-messageTailChars)
		.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)
		.map(line => sanitize(line, 300))
		.filter(line => line !== '')
		.slice(-messageLines);
	return lines.length === 0 ? undefined : lines;
}

function exitOf(value: unknown): ContainerExit | undefined {
	const record = asRecord(value);
	if (!record) return undefined;
	const exitCode = integerOf(record['exitCode']);
	// Signal 0 is Go's zero value, sent for "no signal".
	const signal = integerOf(record['signal']) || undefined;
	const reason = sanitizeOptional(record['reason'], 64);
	const message = messageLinesOf(record['message']);
	const startedAt = sanitizeOptional(record['startedAt'], 64);
	const finishedAt = sanitizeOptional(record['finishedAt'], 64);
	return {
		...(exitCode === undefined ? {} : {exitCode}),
		...(signal === undefined ? {} : {signal}),
		...(reason === undefined ? {} : {reason}),
		...(message === undefined ? {} : {message}),
		...(startedAt === undefined ? {} : {startedAt}),
		...(finishedAt === undefined ? {} : {finishedAt}),
	};
}

function runsOf(status: UnknownRecord, init: boolean): ContainerRuns | undefined {
	const restartCount = count(status['restartCount']);
	const terminated = exitOf(asRecord(status['state'])?.['terminated']);
	const lastTerminated = exitOf(asRecord(status['lastState'])?.['terminated']);
	// A container running its first run has nothing to tell about failures: left out, so that PodInfo stays small.
	if (restartCount === 0 && !terminated && !lastTerminated) return undefined;
	return {
		name: sanitizeOptional(status['name'], 64) ?? '',
		init,
		restartCount,
		...(terminated === undefined ? {} : {terminated}),
		...(lastTerminated === undefined ? {} : {lastTerminated}),
	};
}

function containerProblem(status: UnknownRecord): PodProblem | undefined {
	const container = sanitizeOptional(status['name'], 64);
	const state = asRecord(status['state']) ?? {};
	const waiting = asRecord(state['waiting']);
	const terminated = asRecord(state['terminated']);
	const lastTerminated = asRecord(asRecord(status['lastState'])?.['terminated']);
	const withContainer = (problem: PodProblem): PodProblem => (container === undefined ? problem : {...problem, container});
	const exitCodeOf = (record: UnknownRecord | undefined) =>
		typeof record?.['exitCode'] === 'number' && Number.isInteger(record['exitCode']) ? (record['exitCode'] as number) : undefined;

	const waitingReason = sanitizeOptional(waiting?.['reason'], 64);
	if (waiting && waitingReason !== undefined && !startingReasons.has(waitingReason)) {
		// CrashLoopBackOff says little by itself: the last run's exit code and reason say why. The kubelet
		// always adds its back-off message, so the last run goes first rather than only in its absence.
		const exitCode = exitCodeOf(lastTerminated);
		const lastReason = sanitizeOptional(lastTerminated?.['reason'], 64);
		const waitingMessage = sanitizeOptional(waiting['message'], 300);
		const message = lastReason ? sanitize(`last run: ${lastReason}${waitingMessage ? `; ${waitingMessage}` : ''}`, 300) : waitingMessage;
		return withContainer({
			reason: waitingReason,
			...(message === undefined ? {} : {message}),
			...(exitCode === undefined ? {} : {exitCode}),
		});
	}

	const exitCode = exitCodeOf(terminated);
	const terminatedReason = sanitizeOptional(terminated?.['reason'], 64);
	if (terminated && (exitCode !== 0 || (terminatedReason !== undefined && terminatedReason !== 'Completed'))) {
		const message = sanitizeOptional(terminated['message'], 300);
		return withContainer({
			reason: terminatedReason ?? 'Error',
			...(message === undefined ? {} : {message}),
			...(exitCode === undefined ? {} : {exitCode}),
		});
	}

	return undefined;
}

function podProblem(status: UnknownRecord): PodProblem | undefined {
	// Evicted, DeadlineExceeded …: the pod's own reason. It comes first: the kubelet kills the containers of
	// an evicted pod, and their "ContainerStatusUnknown" or "Error" (137) would hide why.
	const reason = sanitizeOptional(status['reason'], 64);
	if (reason !== undefined) {
		const message = sanitizeOptional(status['message'], 300);
		return {reason, ...(message === undefined ? {} : {message})};
	}

	for (const key of ['initContainerStatuses', 'containerStatuses']) {
		for (const entry of asArray(status[key], 50)) {
			const record = asRecord(entry);
			const problem = record ? containerProblem(record) : undefined;
			if (problem) return problem;
		}
	}

	// Not placed: the scheduler's words are on the PodScheduled condition.
	for (const entry of asArray(status['conditions'], 20)) {
		const condition = asRecord(entry);
		if (condition?.['type'] === 'PodScheduled' && condition['status'] === 'False') {
			const message = sanitizeOptional(condition['message'], 300);
			return {reason: sanitizeOptional(condition['reason'], 64) ?? 'Unschedulable', ...(message === undefined ? {} : {message})};
		}
	}

	return undefined;
}

function rankOf(phase: string, problem: PodProblem | undefined, ready: number, containers: number, deleting: boolean): number {
	if (phase === 'Failed' || (problem && phase !== 'Succeeded')) return 0;
	if (phase === 'Pending' || phase === 'Unknown' || phase === '') return 1;
	if (deleting) return 3;
	if (phase === 'Running') return ready < containers ? 2 : 4;
	return 5;
}

/** One pod for the pods panel. */
/**
 * The names of the pod's containers (not its init containers), the default one first: the one the annotation
 * kubectl reads names, else the first. A log request must name one when the pod has several.
 */
function containerNamesOf(spec: Record<string, unknown>, annotations: Record<string, unknown>): string[] {
	const names = asArray(spec['containers'], 50).flatMap(entry => {
		const value = asRecord(entry)?.['name'];
		// A name that is no string names no container a log request could ask for.
		const name = typeof value === 'string' ? sanitizeOptional(value, 64) : undefined;
		return name ? [name] : [];
	});
	const preferred = sanitizeOptional(annotations['kubectl.kubernetes.io/default-container'], 64);
	return preferred && names.includes(preferred) ? [preferred, ...names.filter(name => name !== preferred)] : names;
}

export function normalizePod(value: unknown): PodInfo {
	const raw = asRecord(value) ?? {};
	const metadata = asRecord(raw['metadata']) ?? {};
	const labels = asRecord(metadata['labels']) ?? {};
	const spec = asRecord(raw['spec']) ?? {};
	const status = asRecord(raw['status']) ?? {};
	const statuses = asArray(status['containerStatuses'], 50).map(entry => asRecord(entry) ?? {});
	const phase = sanitizeOptional(status['phase'], 32) ?? '';
	const deleting = typeof metadata['deletionTimestamp'] === 'string';
	const containers = Math.max(statuses.length, asArray(spec['containers'], 50).length);
	const ready = statuses.filter(entry => entry['ready'] === true).length;
	const problem = podProblem(status);
	const uid = sanitizeOptional(metadata['uid'], 64);
	const task = sanitizeOptional(labels['volcano.sh/task-spec'], 64);
	const node = sanitizeOptional(spec['nodeName'], 253);
	const createdAt = sanitizeOptional(metadata['creationTimestamp'], 64);
	const reason = sanitizeOptional(status['reason'], 64);
	const message = sanitizeOptional(status['message'], 300);
	const containerNames = containerNamesOf(spec, asRecord(metadata['annotations']) ?? {});
	const runs = [
		...asArray(status['initContainerStatuses'], 50).map(entry => runsOf(asRecord(entry) ?? {}, true)),
		...statuses.map(entry => runsOf(entry, false)),
	].filter(entry => entry !== undefined);
	return {
		name: sanitizeOptional(metadata['name'], 253) ?? '(unnamed)',
		...(uid === undefined ? {} : {uid}),
		...(task === undefined ? {} : {task}),
		phase,
		ready,
		containers,
		restarts: statuses.reduce((sum, entry) => sum + count(entry['restartCount']), 0),
		...(node === undefined ? {} : {node}),
		...(createdAt === undefined ? {} : {createdAt}),
		deleting,
		...(problem === undefined ? {} : {problem}),
		...(reason === undefined ? {} : {reason}),
		...(message === undefined ? {} : {message}),
		...(runs.length === 0 ? {} : {runs}),
		...(containerNames.length === 0 ? {} : {containerNames}),
		rank: rankOf(phase, problem, ready, containers, deleting),
	};
}

function ownedBy(value: unknown, jobUid: string | undefined): boolean {
	// An entry that is not an object is no pod: it would show as an unnamed row.
	if (!asRecord(value)) return false;
	if (!jobUid) return true;
	const owners = asArray(asRecord(asRecord(value)?.['metadata'])?.['ownerReferences'], 20);
	// A pod without owners is taken on its label; one owned by another uid is an older incarnation's.
	return owners.length === 0 || owners.some(owner => asRecord(owner)?.['uid'] === jobUid);
}

/**
 * The job's pods from a PodList, trouble first (failing, pending, not ready, going, running, done), then by
 * name. Pods owned by another uid (an earlier job of the same name) are left out.
 */
export function normalizePods(list: unknown, jobUid: string | undefined): PodInfo[] {
	return asArray(asRecord(list)?.['items'], 1000)
		.filter(item => ownedBy(item, jobUid))
		.map(item => normalizePod(item))
		.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'en', {numeric: true}));
}

/**
 * The PodGroup a pod names (scheduling.k8s.io/group-name), for PodGroups named neither way Volcano does.
 * Only the job's own pods count: a going pod of an earlier job of the same name names that job's PodGroup.
 */
export function podGroupNameOf(list: unknown, jobUid: string | undefined): string | undefined {
	for (const item of asArray(asRecord(list)?.['items'], 1000)) {
		if (!ownedBy(item, jobUid)) continue;
		const annotations = asRecord(asRecord(asRecord(item)?.['metadata'])?.['annotations']);
		const name = annotations?.['scheduling.k8s.io/group-name'];
		if (typeof name === 'string' && name !== '') return sanitize(name, 253);
	}

	return undefined;
}
