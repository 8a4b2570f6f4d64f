// What the window (or tmux pane) title says: short enough for a tab, the words a glance needs.
import type {Job} from '../../model/job.js';

/** `vcjob NAME: Running 2/4` (running pods over minAvailable); `vcjob NAME` until the job is seen. */
export function jobTitle(name: string, job: Pick<Job, 'phase' | 'counters' | 'minAvailable'> | undefined, missing: boolean): string {
	if (missing) return `vcjob ${name}: not found`;
	if (!job) return `vcjob ${name}`;
	return `vcjob ${name}: ${job.phase || 'new'} ${job.counters.running}/${job.minAvailable ?? '-'}`;
}

/** `vcjob ns NS: 3 Running 1 Pending 2 Completed`, in the table's order; `vcjob ns NS` until it is listed. */
export function namespaceTitle(namespace: string, listed: boolean, counts: ReadonlyArray<{readonly phase: string; readonly count: number}>): string {
	if (!listed) return `vcjob ns ${namespace}`;
	if (counts.length === 0) return `vcjob ns ${namespace}: no jobs`;
	return `vcjob ns ${namespace}: ${counts.map(({phase, count}) => `${count} ${phase}`).join(' ')}`;
}
