import type {ClusterStep, PodScript} from './cluster/cluster-state.js';
import {gatewayFault, proxyHtmlFault, statusFault, throttleFault, type CollectionFault, type Fault} from './faults.js';
import type {ContainerLook, JobSnapshot, JobTemplate, VerbatimJob} from './cluster/job-template.js';
import type {ManyJobsOptions} from './cluster/fleet/many-jobs.js';
import {seedJob} from './cluster/seed-job.js';

/**
 * One state of the job, held for holdMs (divided by the simulator's speed).
 *
 * Faults: within a step, every `faultEvery`-th job GET (default 2: the 2nd, 4th, …) is answered with the
 * step's next fault, in rotation; the others are answered normally. A client therefore always gets through
 * eventually, and sees every fault of a step that lasts long enough. Lists and watches (of jobs, pods, events,
 * PodGroups) are left alone unless the step has collectionFaults, served the same way among those requests.
 */
export type Step = {
	readonly holdMs: number;
	readonly job: 'absent' | JobSnapshot | VerbatimJob;
	readonly faults?: readonly Fault[];
	readonly faultEvery?: number;
	readonly collectionFaults?: readonly CollectionFault[];
	/** Default 2, as faultEvery. */
	readonly collectionFaultEvery?: number;
	/** What the job's status does not tell about its pods, PodGroup and events (cluster-objects.ts). */
	readonly cluster?: ClusterStep;
};

export type Scenario = {
	readonly name: string;
	readonly description: string;
	readonly namespace: string;
	readonly jobName: string;
	readonly steps: readonly Step[];
	/** Other jobs in the namespace (see many-jobs.ts). */
	readonly manyJobs?: ManyJobsOptions;
	/** Images and resources of the job's pod templates, when not the demo's. */
	readonly look?: ContainerLook;
	/** Another job than the demo's: its spec and labels (a job created through the API). */
	readonly template?: JobTemplate;
	/** Nodes the pods are bound to, in turn; default three. */
	readonly nodes?: readonly string[];
	/** The PodGroup is named `<job>`, as Volcano did before v1.6. */
	readonly legacyPodGroupName?: boolean;
	/**
	 * The first step was written this long before the simulator starts: its timestamps are that much older, the
	 * cluster's revision has moved on since (writes elsewhere), and the API server's watch caches begin after it.
	 */
	readonly backdateMs?: number;
};

const namespace = 'cci-namespace-42263891';

// The demo's lifecycle. minAvailable is 3, so the job stays Pending until all three pods run.
const notInitialised: JobSnapshot = {phase: ''};
const pendingNoPods: JobSnapshot = {phase: 'Pending'};
const pendingPods: JobSnapshot = {
	phase: 'Pending',
	counters: {pending: 3},
	pods: {mpimaster: {Pending: 1}, mpiworker: {Pending: 2}},
};
const pendingOneUp: JobSnapshot = {
	phase: 'Pending',
	counters: {pending: 2, running: 1},
	pods: {mpimaster: {Running: 1}, mpiworker: {Pending: 2}},
};
const running: JobSnapshot = {
	phase: 'Running',
	counters: {running: 3},
	pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}},
};
const masterDone: JobSnapshot = {
	phase: 'Running',
	counters: {running: 2, succeeded: 1},
	pods: {mpimaster: {Succeeded: 1}, mpiworker: {Running: 2}},
};
// Kill path: counters are recomputed from the pods being deleted; version is bumped on every kill.
const completing: JobSnapshot = {phase: 'Completing', counters: {terminating: 3}, version: 1};
const completed: JobSnapshot = {phase: 'Completed', version: 2};

// The pods were created once the PodGroup was let into the queue (Inqueue); the scheduler has not bound them yet.
const waitingForScheduler: ClusterStep = {unbound: true};

const demoSteps: readonly Step[] = [
	{holdMs: 5000, job: 'absent'},
	{holdMs: 1000, job: notInitialised},
	{holdMs: 4000, job: pendingNoPods},
	{holdMs: 5000, job: pendingPods, cluster: waitingForScheduler},
	{holdMs: 4000, job: pendingOneUp},
	{holdMs: 28_000, job: running},
	{holdMs: 3000, job: masterDone},
	{holdMs: 5000, job: completing},
	{holdMs: 10_000, job: completed},
];

// Deleted by its owner while running and submitted again under the same name: a new object (uid,
// creationTimestamp, conditions), which a watch sees as DELETED then ADDED and a poller as a 404 in between.
const recreateSteps: readonly Step[] = [
	{holdMs: 2000, job: pendingNoPods},
	{holdMs: 3000, job: pendingPods},
	{holdMs: 8000, job: running},
	{holdMs: 4000, job: 'absent'},
	{holdMs: 2000, job: pendingNoPods},
	{holdMs: 3000, job: pendingPods},
	{holdMs: 20_000, job: running},
	{holdMs: 3000, job: masterDone},
	{holdMs: 5000, job: completing},
	{holdMs: 10_000, job: completed},
];

// The first attempt: a worker (mpiworker-0: within a task, the lowest indices take the phases furthest along) runs
// out of memory, the kubelet restarts it a few times, then the pod fails.
const outOfMemory: PodScript = {exit: {reason: 'OOMKilled', exitCode: 137}};
const crashLooping: ClusterStep = {pods: {'mpiworker-0': {...outOfMemory, restartEveryMs: 2500}}};
const crashed: ClusterStep = {pods: {'mpiworker-0': outOfMemory}};

// The second attempt: the master (restartPolicy Never, so its pod fails at the first exit) raises ValueError and
// writes it to its termination message; its log also holds escape sequences and a 1 MiB line.
const tracebackExit = {reason: 'Error', exitCode: 1, message: 'ValueError: loss is nan; lower the learning rate\n'};
const masterTraining: ClusterStep = {pods: {'mpimaster-0': {program: 'train-tty'}}};
const masterRaised: ClusterStep = {pods: {'mpimaster-0': {program: 'train-tty', exit: tracebackExit}}};
// The third: the master is stopped by SIGTERM (128 + 15), which the runtime reports as Error.
const masterTerminated: ClusterStep = {pods: {'mpimaster-0': {program: 'train', exit: {reason: 'Error', exitCode: 143}}}};
const masterTrainingAgain: ClusterStep = {pods: {'mpimaster-0': {program: 'train'}}};

const workerFailed: JobSnapshot = {phase: 'Running', counters: {running: 2, failed: 1}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 1, Failed: 1}}};
const masterFailed: JobSnapshot = {phase: 'Running', counters: {running: 2, failed: 1}, pods: {mpimaster: {Failed: 1}, mpiworker: {Running: 2}}};

// One attempt of the failing job: pods start, one fails, PodFailed → RestartJob.
function attempt(retryCount: number, version: number, runningHints: ClusterStep, failed: JobSnapshot, failedHints: ClusterStep): Step[] {
	return [
		{holdMs: 1500, job: {phase: 'Pending', retryCount, version}},
		{
			holdMs: 3000,
			job: {
				phase: 'Pending',
				counters: {pending: 3},
				pods: {mpimaster: {Pending: 1}, mpiworker: {Pending: 2}},
				retryCount,
				version,
			},
		},
		{
			holdMs: 8000,
			job: {
				phase: 'Running',
				counters: {running: 3},
				pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}},
				retryCount,
				version,
			},
			cluster: runningHints,
		},
		{holdMs: 1500, job: {...failed, retryCount, version}, cluster: failedHints},
	];
}

// RestartJob deletes every pod of the job (the failed one too) and creates them again under the same names.
const failSteps: readonly Step[] = [
	...attempt(0, 0, crashLooping, workerFailed, crashed),
	{holdMs: 3000, job: {phase: 'Restarting', counters: {terminating: 3}, retryCount: 1, version: 1}},
	...attempt(1, 2, masterTraining, masterFailed, masterRaised),
	{holdMs: 3000, job: {phase: 'Restarting', counters: {terminating: 3}, retryCount: 2, version: 3}},
	...attempt(2, 4, masterTrainingAgain, masterFailed, masterTerminated),
	// The last retry keeps failed pods (PodRetainPhaseSoft), so the failure stays countable. Its hints say how the
	// master ended, for a simulator started at these steps.
	{
		holdMs: 3000,
		job: {
			phase: 'Restarting',
			counters: {terminating: 2, failed: 1},
			pods: {mpimaster: {Failed: 1}},
			retryCount: 3,
			version: 5,
		},
		cluster: masterTerminated,
	},
	{
		holdMs: 10_000,
		job: {phase: 'Failed', counters: {failed: 1}, pods: {mpimaster: {Failed: 1}}, retryCount: 3, version: 6},
		cluster: masterTerminated,
	},
];

const apiGatewayThrottle = gatewayFault(
	429,
	'APIGW.0308',
	'The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 second',
);

// The demo with a faulty path to the server; each step's faults are served in rotation (see Step).
const flakySteps: readonly Step[] = [
	{holdMs: 5000, job: 'absent', faults: [throttleFault(1)]},
	{holdMs: 1000, job: notInitialised},
	{holdMs: 4000, job: pendingNoPods, faults: [statusFault(500)]},
	{holdMs: 5000, job: pendingPods, cluster: waitingForScheduler, faults: [proxyHtmlFault(502), {kind: 'reset'}]},
	{holdMs: 4000, job: pendingOneUp, faults: [statusFault(503)]},
	{
		holdMs: 28_000,
		job: running,
		faults: [apiGatewayThrottle, statusFault(500), throttleFault(1), {kind: 'reset'}, proxyHtmlFault(502), statusFault(503)],
		faultEvery: 3,
	},
	{holdMs: 3000, job: masterDone, faults: [apiGatewayThrottle]},
	{holdMs: 5000, job: completing, faults: [proxyHtmlFault(504)]},
	{holdMs: 10_000, job: completed},
];

// A gang bigger than the cluster: each pod wants 8 cores, and no node has 8 free.
const gangSteps: readonly Step[] = [
	{holdMs: 2000, job: notInitialised},
	{holdMs: 3000, job: pendingNoPods},
	{
		holdMs: 600_000,
		job: pendingPods,
		cluster: {unschedulable: {fitError: '0/2 nodes are unavailable: 2 Insufficient cpu.'}},
	},
];

// The worker image's tag is gone from the registry; the node of the first worker still had it cached.
const missingImage = 'swr.cn-north-4.myhuaweicloud.com/team/mpi-worker:3.29';
const missingImagePods: ClusterStep = {
	pods: {
		'mpiworker-0': {imagePresent: true},
		'mpiworker-1': {
			imagePullError: `rpc error: code = NotFound desc = failed to pull and unpack image "${missingImage}": failed to resolve reference "${missingImage}": ${missingImage}: not found`,
		},
	},
};

const imagePullSteps: readonly Step[] = [
	{holdMs: 1000, job: notInitialised},
	{holdMs: 2000, job: pendingNoPods},
	{holdMs: 3000, job: pendingPods, cluster: missingImagePods},
	{
		holdMs: 600_000,
		job: {phase: 'Pending', counters: {pending: 1, running: 2}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 1, Pending: 1}}},
		cluster: missingImagePods,
	},
];

// An hour-old Running job that nobody touches while the cluster around it keeps changing; then one pod succeeds.
const idleSteps: readonly Step[] = [
	{holdMs: 20_000, job: running},
	{holdMs: 3_600_000, job: masterDone},
];

// Twenty minutes without a single job written anywhere, then the job finishes.
const quietSteps: readonly Step[] = [
	{holdMs: 1_200_000, job: running},
	{holdMs: 3000, job: masterDone},
	{holdMs: 5000, job: completing},
	{holdMs: 10_000, job: completed},
];

// No prototype: a lookup by a user's word ("constructor", "toString") must find nothing.
export const scenarios: Readonly<Record<string, Scenario>> = Object.assign(Object.create(null) as Record<string, Scenario>, {
	demo: {
		name: 'demo',
		description: 'An MPI job from submission to Completed in about a minute: 404 first, then Pending, Running, Completing.',
		namespace,
		jobName: 'openmpi-hello',
		steps: demoSteps,
	},
	fail: {
		name: 'fail',
		description:
			'Fails three times, PodFailed → RestartJob each time: a worker runs out of memory (OOMKilled, exit 137, restarts rising); the master (restartPolicy Never) raises ValueError (exit 1, a traceback, a termination message; escape sequences and a 1 MiB line in its log); the master is stopped by SIGTERM (143, Error). Then Failed with retryCount 3 (maxRetry 3).',
		namespace,
		jobName: 'openmpi-crash',
		steps: failSteps,
		look: {restartPolicies: {mpimaster: 'Never'}, policies: {mpimaster: [{event: 'PodFailed', action: 'RestartJob'}]}},
	},
	flaky: {
		name: 'flaky',
		description: 'The demo behind an unreliable path: 429s, 500, 503, proxy 502/504 pages, resets, API gateway throttling.',
		namespace,
		jobName: 'openmpi-hello',
		steps: flakySteps,
	},
	static: {
		name: 'static',
		description: 'A Running job (3 pods) that never changes, for idle benchmarks.',
		namespace,
		jobName: 'openmpi-static',
		steps: [{holdMs: 60_000, job: running}],
	},
	seed: {
		name: 'seed',
		description: "CCI's documented example response (phase Inqueue, pending 3), never changing.",
		namespace,
		jobName: 'openmpi-hello-3-com',
		// The document tells nothing of pods or PodGroup; its counters and its 2019 Volcano (PodGroup named after the
		// job) do: an Inqueue PodGroup and three pods not yet bound, and no events (nothing to report why).
		steps: [{holdMs: 60_000, job: seedJob, cluster: waitingForScheduler}],
		legacyPodGroupName: true,
	},
	unschedulable: {
		name: 'unschedulable',
		description:
			'A gang that cannot fit (3 pods of 8 cores, 2 nodes): Pending for ever, PodGroup Inqueue with an Unschedulable condition, pods unbound, warnings counting up.',
		namespace,
		jobName: 'openmpi-gang',
		steps: gangSteps,
		look: {resources: {cpu: '8', memory: '16Gi'}},
		nodes: ['192.168.0.21', '192.168.0.22'],
	},
	'image-pull': {
		name: 'image-pull',
		description:
			"One worker's image cannot be pulled (ErrImagePull, ImagePullBackOff, warnings counting up): 2 pods run, fewer than minAvailable 3, so the job stays Pending.",
		namespace,
		jobName: 'openmpi-pull',
		steps: imagePullSteps,
		look: {images: {mpiworker: missingImage}},
	},
	recreate: {
		name: 'recreate',
		description: 'Runs, is deleted, and is submitted again under the same name 4 s later (new uid), then completes.',
		namespace,
		jobName: 'openmpi-resubmit',
		steps: recreateSteps,
	},
	namespace: {
		name: 'namespace',
		description: 'The demo job in a busy namespace: 200 other jobs (train-0001…, teams a, b, c), 5 of them changing a second.',
		namespace,
		jobName: 'openmpi-hello',
		steps: demoSteps,
		manyJobs: {count: 200, changesPerSecond: 5},
	},
	idle: {
		name: 'idle',
		description:
			"A Running job last written an hour ago, on a cluster that keeps changing: 40 jobs in two other namespaces change one a second, so the jobs watch window is far past the job's own resourceVersion (a watch from it gets 410). After 20 s a pod succeeds, then nothing more.",
		namespace,
		jobName: 'openmpi-idle',
		steps: idleSteps,
		backdateMs: 3_600_000,
		manyJobs: {count: 40, changesPerSecond: 1, namespace: ['team-a-training', 'team-b-inference']},
	},
	quiet: {
		name: 'quiet',
		description:
			'Nothing changes for 20 minutes: one Running job and no job written anywhere, only writes elsewhere moving the revision and an etcd progress notification every 10 min (so bookmarks are rare); then the job completes.',
		namespace,
		jobName: 'openmpi-quiet',
		steps: quietSteps,
	},
	empty: {
		name: 'empty',
		description:
			'No job: the namespace waits for one to be created (`vcjob-watch submit`, a POST); the created job is then played as the demo plays its own, with its own name, tasks and containers.',
		namespace,
		jobName: '',
		steps: [{holdMs: 3_600_000, job: 'absent'}],
	},
});

export const scenarioNames: readonly string[] = Object.keys(scenarios);

/** A scenario by name (default demo), or the one given. */
export function resolveScenario(scenario: string | Scenario | undefined): Scenario {
	if (typeof scenario === 'object') {
		return scenario;
	}

	const name = scenario ?? 'demo';
	if (!Object.hasOwn(scenarios, name)) {
		throw new Error(`Unknown scenario "${name}"; expected one of: ${scenarioNames.join(', ')}`);
	}

	return scenarios[name]!;
}
