import type {AcceptedJob} from './job-create.js';
import type {Scenario, Step} from '../scenarios.js';

// A job created through the API, played as the demo plays its job: not yet initialised, Pending, its pods created
// and waiting for the scheduler, the first task up, Running, the first task done, Completing, Completed. The
// tasks, replicas, containers and labels are the ones submitted.

type Phases = Readonly<Record<string, Readonly<Record<string, number>>>>;

function taskReplicas(job: AcceptedJob): Array<{readonly name: string; readonly replicas: number}> {
	const tasks = Array.isArray(job.template.spec['tasks']) ? (job.template.spec['tasks'] as ReadonlyArray<{name: string; replicas: number}>) : [];
	return tasks.filter(task => task.replicas > 0).map(task => ({name: task.name, replicas: task.replicas}));
}

/** The demo's steps, for these tasks. */
export function submittedSteps(job: AcceptedJob): Step[] {
	const tasks = taskReplicas(job);
	const total = tasks.reduce((sum, task) => sum + task.replicas, 0);
	const first = tasks[0] ?? {name: '', replicas: 0};
	const all = (phase: string): Phases => Object.fromEntries(tasks.map(task => [task.name, {[phase]: task.replicas}]));
	const firstIs = (phase: string, others: string): Phases => ({...all(others), [first.name]: {[phase]: first.replicas}});
	return [
		{holdMs: 1000, job: {phase: ''}},
		{holdMs: 3000, job: {phase: 'Pending'}},
		{holdMs: 4000, job: {phase: 'Pending', counters: {pending: total}, pods: all('Pending')}, cluster: {unbound: true}},
		{holdMs: 3000, job: {phase: 'Pending', counters: {pending: total - first.replicas, running: first.replicas}, pods: firstIs('Running', 'Pending')}},
		{holdMs: 15_000, job: {phase: 'Running', counters: {running: total}, pods: all('Running')}},
		{holdMs: 3000, job: {phase: 'Running', counters: {running: total - first.replicas, succeeded: first.replicas}, pods: firstIs('Succeeded', 'Running')}},
		{holdMs: 5000, job: {phase: 'Completing', counters: {terminating: total}, version: 1}},
		{holdMs: 10_000, job: {phase: 'Completed', version: 2}},
	];
}

/** The scenario that plays a created job, on the started scenario's nodes. */
export function submittedScenario(base: Scenario, job: AcceptedJob): Scenario {
	return {
		name: `${base.name}+submitted`,
		description: `${job.namespace}/${job.name}, as submitted, played as the demo's job.`,
		namespace: job.namespace,
		jobName: job.name,
		steps: submittedSteps(job),
		template: job.template,
		...(base.nodes ? {nodes: base.nodes} : {}),
	};
}
