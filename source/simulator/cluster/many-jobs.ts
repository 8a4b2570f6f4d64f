import {randomUUID} from 'node:crypto';
import {seededRandom, type Now} from '../apiserver/clock.js';
import type {ObjectStore} from '../apiserver/object-store.js';
import {jobSpec, renderJob, type JobSnapshot, type JobTemplate, type TaskTemplate} from './job-template.js';

/** A busy namespace: many Volcano Jobs beside the scenario's, some of them changing all the time. */
export type ManyJobsOptions = {
	/** Jobs besides the scenario's, named train-0001, train-0002, … */
	readonly count: number;
	/**
	 * Changes per second of the simulator's clock across them, each one write (one resourceVersion); 0: only by
	 * changeJobs().
	 */
	readonly changesPerSecond: number;
	/** Default: the scenario's namespace. Several: the jobs are dealt out among them in turn. */
	readonly namespace?: string | readonly string[];
	/** The same seed gives the same jobs and the same sequence of changes (uids aside). Default 1. */
	readonly seed?: number;
};

export type Fleet = {
	/** Make this many changes now. */
	change(count: number): void;
	/** Make the changes that have fallen due on the clock. */
	tick(): void;
	close(): void;
};

type Kind = {
	readonly app: string;
	readonly image: string;
	readonly tasks: (random: () => number) => TaskTemplate[];
};

const day = 24 * 60 * 60 * 1000;

const kinds: readonly Kind[] = [
	{
		app: 'pytorch',
		image: 'swr.cn-north-4.myhuaweicloud.com/ml/pytorch-train:2.4',
		tasks: random => [{name: 'worker', replicas: 1 + Math.floor(random() * 8), command: 'torchrun --nnodes=$VC_WORKER_NUM train.py'}],
	},
	{
		app: 'tensorflow',
		image: 'swr.cn-north-4.myhuaweicloud.com/ml/tensorflow-train:2.16',
		tasks: random => [
			{name: 'ps', replicas: 1 + Math.floor(random() * 2), command: 'python train.py --job_name=ps'},
			{
				name: 'worker',
				replicas: 2 + Math.floor(random() * 7),
				command: 'python train.py --job_name=worker',
				policies: [{event: 'TaskCompleted', action: 'CompleteJob'}],
			},
		],
	},
	{
		app: 'mpi',
		image: 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28',
		tasks: random => [
			{
				name: 'mpimaster',
				replicas: 1,
				command: 'mpiexec --allow-run-as-root --hostfile /etc/volcano/mpiworker.host mpi_hello_world',
				policies: [{event: 'TaskCompleted', action: 'CompleteJob'}],
			},
			{name: 'mpiworker', replicas: 2 + Math.floor(random() * 7), command: 'mkdir -p /var/run/sshd; /usr/sbin/sshd -D;'},
		],
	},
];

const queues = ['default', 'default', 'gpu', 'batch'];
const teams = ['a', 'b', 'c'];

type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

type Job = {
	readonly namespace: string;
	readonly name: string;
	readonly template: JobTemplate;
	readonly tasks: readonly TaskTemplate[];
	readonly maxRetry: number;
	present: boolean;
	uid: string;
	createdAt: Date;
	conditions: Array<{status: string; lastTransitionTime: Date}>;
	phase: string;
	/** Pods of each task by phase; empty while none exist (and on the kill path). */
	pods: Record<string, Record<PodPhase, number>>;
	terminating: number;
	retryCount: number;
	version: number;
};

function total(job: Job): number {
	return job.tasks.reduce((sum, task) => sum + task.replicas, 0);
}

function count(job: Job, phase: PodPhase): number {
	return Object.values(job.pods).reduce((sum, pods) => sum + pods[phase], 0);
}

function createPods(job: Job, phase: PodPhase): void {
	job.pods = Object.fromEntries(
		job.tasks.map(task => [task.name, {Pending: 0, Running: 0, Succeeded: 0, Failed: 0, [phase]: task.replicas}]),
	);
}

/** Move up to n pods from one phase to another, task by task. */
function movePods(job: Job, from: PodPhase, to: PodPhase, n: number): void {
	let left = n;
	for (const pods of Object.values(job.pods)) {
		const moved = Math.min(left, pods[from]);
		pods[from] -= moved;
		pods[to] += moved;
		left -= moved;
	}
}

function snapshot(job: Job): JobSnapshot {
	const taskCounts = Object.fromEntries(Object.entries(job.pods).map(([task, pods]) => [task, {...pods}]));
	return {
		phase: job.phase,
		counters: {
			pending: count(job, 'Pending'),
			running: count(job, 'Running'),
			succeeded: count(job, 'Succeeded'),
			failed: count(job, 'Failed'),
			terminating: job.terminating,
		},
		pods: taskCounts,
		retryCount: job.retryCount,
		version: job.version,
	};
}

function setPhase(job: Job, phase: string, at: Date): void {
	if (phase !== job.phase) {
		job.conditions.push({status: phase, lastTransitionTime: at});
	}

	job.phase = phase;
}

export function createFleet(
	store: ObjectStore,
	options: ManyJobsOptions & {readonly namespace: string | readonly string[]; readonly firstResourceVersion: number; readonly now: Now},
): Fleet {
	const namespaces = typeof options.namespace === 'string' ? [options.namespace] : options.namespace;
	if (namespaces.length === 0) {
		throw new RangeError('manyJobs.namespace must name at least one namespace');
	}

	if (!Number.isInteger(options.count) || options.count < 0) {
		throw new RangeError(`manyJobs.count must be a whole number, got ${options.count}`);
	}

	if (!(options.changesPerSecond >= 0) || !Number.isFinite(options.changesPerSecond)) {
		throw new RangeError(`manyJobs.changesPerSecond must be a number of at least 0, got ${options.changesPerSecond}`);
	}

	const random = seededRandom(options.seed ?? 1);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const digits = Math.max(4, String(options.count).length);
	const jobs: Job[] = [];

	function render(job: Job, resourceVersion: string, writtenAt: Date): Readonly<Record<string, unknown>> {
		return renderJob({
			namespace: job.namespace,
			name: job.name,
			uid: job.uid,
			resourceVersion,
			creationTimestamp: job.createdAt,
			writtenAt,
			lastTransitionTime: writtenAt,
			conditions: job.conditions,
			snapshot: snapshot(job),
			template: job.template,
		});
	}

	// A job as it might stand after days in the namespace, with a history of phases behind it.
	function initial(index: number, now: number): Job {
		const kind = pick(kinds);
		const tasks = kind.tasks(random);
		const replicas = tasks.reduce((sum, task) => sum + task.replicas, 0);
		const name = `train-${String(index + 1).padStart(digits, '0')}`;
		const job: Job = {
			namespace: namespaces[index % namespaces.length]!,
			name,
			template: {
				spec: jobSpec({minAvailable: replicas, queue: pick(queues), image: kind.image, tasks}),
				labels: {'app.kubernetes.io/name': kind.app, team: pick(teams)},
			},
			tasks,
			maxRetry: 3,
			present: true,
			uid: randomUUID(),
			createdAt: new Date(),
			conditions: [],
			phase: '',
			pods: {},
			terminating: 0,
			retryCount: 0,
			version: 0,
		};
		const roll = random();
		const phase = roll < 0.15 ? 'Pending' : roll < 0.55 ? 'Running' : roll < 0.85 ? 'Completed' : roll < 0.95 ? 'Failed' : 'Restarting';
		// Finished jobs are older; pending ones were submitted lately.
		const age = phase === 'Pending' ? random() * 3_600_000 : phase === 'Completed' || phase === 'Failed' ? day + random() * 6 * day : random() * 2 * day;
		const created = now - age;
		job.createdAt = new Date(created);
		const at = (fraction: number) => new Date(created + age * fraction);
		setPhase(job, 'Pending', at(0.01));
		switch (phase) {
			case 'Pending': {
				if (random() < 0.5) {
					createPods(job, 'Pending');
					movePods(job, 'Pending', 'Running', Math.floor(random() * total(job)));
				}

				break;
			}

			case 'Running': {
				setPhase(job, 'Running', at(0.1));
				createPods(job, 'Running');
				movePods(job, 'Running', 'Succeeded', random() < 0.3 ? Math.floor(random() * total(job)) : 0);
				break;
			}

			case 'Completed': {
				setPhase(job, 'Running', at(0.1));
				setPhase(job, 'Completing', at(0.8));
				setPhase(job, 'Completed', at(0.81));
				job.version = 2;
				break;
			}

			case 'Failed': {
				setPhase(job, 'Running', at(0.1));
				setPhase(job, 'Restarting', at(0.3));
				setPhase(job, 'Failed', at(0.9));
				job.retryCount = job.maxRetry;
				job.version = 2 * job.maxRetry;
				job.pods = {[tasks.at(-1)!.name]: {Pending: 0, Running: 0, Succeeded: 0, Failed: 1}};
				break;
			}

			default: {
				setPhase(job, 'Running', at(0.1));
				setPhase(job, 'Restarting', at(0.99));
				job.retryCount = 1 + Math.floor(random() * 2);
				job.version = 2 * job.retryCount - 1;
				job.terminating = replicas;
			}
		}

		return job;
	}

	// One step of the controller's (or a user's) work on the job; always a real change of its document.
	function step(job: Job, now: Date): 'write' | 'delete' {
		if (!job.present) {
			// Submitted again under the same name: a new object.
			job.present = true;
			job.uid = randomUUID();
			job.createdAt = now;
			job.conditions = [];
			job.phase = '';
			job.pods = {};
			job.terminating = 0;
			job.retryCount = 0;
			job.version = 0;
			setPhase(job, 'Pending', now);
			return 'write';
		}

		const all = total(job);
		switch (job.phase) {
			case 'Pending': {
				if (Object.keys(job.pods).length === 0) {
					createPods(job, 'Pending');
				} else {
					movePods(job, 'Pending', 'Running', 1 + Math.floor(random() * 3));
					if (count(job, 'Running') >= all) {
						setPhase(job, 'Running', now);
					}
				}

				return 'write';
			}

			case 'Running': {
				const roll = random();
				if (roll < 0.02) {
					// Cancelled by its owner.
					return 'delete';
				}

				if (roll < 0.1) {
					job.retryCount++;
					job.version++;
					job.terminating = all - count(job, 'Succeeded');
					job.pods = {};
					setPhase(job, 'Restarting', now);
					return 'write';
				}

				movePods(job, 'Running', 'Succeeded', 1 + Math.floor(random() * 2));
				if (count(job, 'Succeeded') >= all) {
					job.version++;
					job.terminating = all;
					job.pods = {};
					setPhase(job, 'Completing', now);
				}

				return 'write';
			}

			case 'Completing': {
				job.version++;
				job.terminating = 0;
				setPhase(job, 'Completed', now);
				return 'write';
			}

			case 'Restarting': {
				job.terminating = 0;
				job.version++;
				if (job.retryCount >= job.maxRetry) {
					job.pods = {[job.tasks.at(-1)!.name]: {Pending: 0, Running: 0, Succeeded: 0, Failed: 1}};
					setPhase(job, 'Failed', now);
				} else {
					createPods(job, 'Pending');
					setPhase(job, 'Pending', now);
				}

				return 'write';
			}

			default: {
				// Completed or Failed: cleaned up (by its owner or a TTL).
				return 'delete';
			}
		}
	}

	function change(): void {
		// Finished jobs mostly sit there; changes go mainly to live ones.
		let job = pick(jobs);
		for (let tries = 0; tries < 5 && job.present && (job.phase === 'Completed' || job.phase === 'Failed') && random() > 0.25; tries++) {
			job = pick(jobs);
		}

		const now = new Date();
		if (step(job, now) === 'delete') {
			job.present = false;
			store.remove(job.namespace, job.name);
			return;
		}

		store.write(job.namespace, job.name, job.uid, resourceVersion => render(job, resourceVersion, now));
	}

	const now = Date.now();
	for (let index = 0; index < options.count; index++) {
		const job = initial(index, now);
		jobs.push(job);
		// Written before the simulator's history begins: below the first write's resourceVersion, spread out.
		const resourceVersion = Math.max(1, options.firstResourceVersion - 1 - (options.count - index) * 7);
		const writtenAt = job.conditions.at(-1)!.lastTransitionTime;
		const document = render(job, String(resourceVersion), writtenAt);
		store.seed({
			namespace: job.namespace,
			name: job.name,
			uid: job.uid,
			resourceVersion,
			labels: job.template.labels,
			fields: {'metadata.name': job.name, 'metadata.namespace': job.namespace},
			json: JSON.stringify(document),
		});
	}

	// Changes fall due with the simulator's clock; its ticks and this timer (finer at high rates) make them.
	const rate = jobs.length > 0 ? options.changesPerSecond : 0;
	let due = 0;
	let last = options.now();
	function catchUp(): void {
		const at = options.now();
		due += (Math.max(0, at - last) / 1000) * rate;
		last = at;
		const changes = Math.floor(due);
		due -= changes;
		for (let index = 0; index < changes; index++) {
			change();
		}
	}

	let timer: NodeJS.Timeout | undefined;
	if (rate > 0) {
		timer = setInterval(catchUp, Math.min(100, Math.max(10, 1000 / rate)));
		timer.unref();
	}

	return {
		change(changes) {
			for (let index = 0; index < changes && jobs.length > 0; index++) {
				change();
			}
		},
		tick() {
			if (rate > 0) catchUp();
		},
		close() {
			clearInterval(timer);
		},
	};
}
