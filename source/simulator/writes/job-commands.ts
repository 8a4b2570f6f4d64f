import type {JobSnapshot} from '../cluster/job-template.js';
import type {JobView} from '../cluster/job-view.js';
import type {Step} from '../scenarios.js';

// What Volcano's job controller does with a Command (pkg/controllers/job/state/): the phases a job goes through
// from the one it is in, as steps for the scenario player. Every kill of the whole job bumps status.version;
// RestartJob from Pending or Running and ResumeJob from Aborting or Aborted bump retryCount too. A Command the
// job's phase does not act on (ResumeJob on a Running job, anything on a finished one) changes nothing but the
// event that says it was taken.

const killMs = 3000;
const settleMs = 1500;
const pendingMs = 3000;
// The last step is held for good: the job stays where the action left it.
const heldMs = 3_600_000;

/** The job's snapshot as now served: what the next steps start from. */
export function snapshotOf(job: JobView): JobSnapshot {
	return {
		phase: job.phase,
		counters: job.counters,
		...(job.taskStatusCount ? {pods: job.taskStatusCount} : {}),
		retryCount: job.retryCount,
		version: job.version,
	};
}

/** Pods still alive, which the kill path reports as terminating until they are gone. */
function alive(job: JobView): number {
	const {pending = 0, running = 0, terminating = 0, unknown = 0} = job.counters;
	return pending + running + terminating + unknown;
}

function killing(job: JobView, phase: string, retryCount: number): JobSnapshot {
	const terminating = alive(job);
	return {phase, ...(terminating > 0 ? {counters: {terminating}} : {}), retryCount, version: job.version + 1};
}

function everyPod(job: JobView, phase: 'Pending' | 'Running'): Pick<JobSnapshot, 'counters' | 'pods'> {
	const total = job.tasks.reduce((sum, task) => sum + task.replicas, 0);
	return {
		counters: {[phase.toLowerCase()]: total},
		pods: Object.fromEntries(job.tasks.map(task => [task.name, {[phase]: task.replicas}])),
	};
}

/** Restarting → Pending (no pods, then all Pending) → Running, at the retry count and version given. */
function comingBack(job: JobView, retryCount: number): Step[] {
	const version = job.version + 2;
	return [
		{holdMs: killMs, job: killing(job, 'Restarting', retryCount)},
		{holdMs: settleMs, job: {phase: 'Pending', retryCount, version}},
		{holdMs: pendingMs, job: {phase: 'Pending', ...everyPod(job, 'Pending'), retryCount, version}},
		{holdMs: heldMs, job: {phase: 'Running', ...everyPod(job, 'Running'), retryCount, version}},
	];
}

/** The kill path to a resting phase: Aborting → Aborted, Terminating → Terminated, Completing → Completed. */
function ending(job: JobView, during: string, after: string): Step[] {
	return [
		{holdMs: killMs, job: killing(job, during, job.retryCount)},
		{holdMs: heldMs, job: {phase: after, retryCount: job.retryCount, version: job.version + 2}},
	];
}

const startedPhases = new Set(['Pending', 'Running']);
const abortedPhases = new Set(['Aborting', 'Aborted']);

function transitions(action: string, job: JobView): Step[] | undefined {
	if (startedPhases.has(job.phase)) {
		switch (action) {
			case 'AbortJob': {
				return ending(job, 'Aborting', 'Aborted');
			}

			case 'TerminateJob': {
				return ending(job, 'Terminating', 'Terminated');
			}

			case 'CompleteJob': {
				return ending(job, 'Completing', 'Completed');
			}

			case 'RestartJob': {
				return comingBack(job, job.retryCount + 1);
			}

			default: {
				return undefined;
			}
		}
	}

	return abortedPhases.has(job.phase) && action === 'ResumeJob' ? comingBack(job, job.retryCount + 1) : undefined;
}

/** The steps a Command with this action plays on the job; the first one carries the CommandIssued event. */
export function commandSteps(action: string, job: JobView): Step[] {
	const [first, ...rest] = transitions(action, job) ?? [{holdMs: heldMs, job: snapshotOf(job)}];
	return [{...first!, cluster: {commandIssued: action}}, ...rest];
}

/** A Foreground deletion: the job stays, marked, while its pods terminate and go; then it goes. */
export function deletionSteps(job: JobView): Step[] {
	const current = snapshotOf(job);
	const terminating = alive(job);
	return [
		{holdMs: killMs, job: {phase: current.phase, ...(terminating > 0 ? {counters: {terminating}} : {}), retryCount: job.retryCount, version: job.version}},
		{holdMs: settleMs, job: {phase: current.phase, retryCount: job.retryCount, version: job.version}},
		{holdMs: heldMs, job: 'absent'},
	];
}
