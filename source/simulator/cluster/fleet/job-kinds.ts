import {randomUUID} from 'node:crypto';
import {jobSpec, type TaskTemplate} from '../job-template.js';
import {createPods, movePods, setPhase, total, type FleetJob} from './fleet-job.js';

// The kinds of job the fleet is made of (PyTorch, TensorFlow, MPI), their queues and teams, and how each job stands
// when the simulator starts: drawn from the fleet's seeded random numbers, so one seed gives one fleet.

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

/** The fleet's seeded draws, and how its jobs are named and placed. */
export type FleetDraw = {
	readonly random: () => number;
	readonly pick: <T>(items: readonly T[]) => T;
	/** Digits in a job's number: train-0001. */
	readonly digits: number;
	readonly namespaces: readonly string[];
};

// A job as it might stand after days in the namespace, with a history of phases behind it.
export function initialJob(index: number, now: number, draw: FleetDraw): FleetJob {
	const {random, pick, digits, namespaces} = draw;
	const kind = pick(kinds);
	const tasks = kind.tasks(random);
	const replicas = tasks.reduce((sum, task) => sum + task.replicas, 0);
	const name = `train-${String(index + 1).padStart(digits, '0')}`;
	const job: FleetJob = {
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
