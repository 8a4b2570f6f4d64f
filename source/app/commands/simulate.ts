import {UsageError} from '../../common/usage-error.js';
import {actionResources, clusterResources, scenarioNames, scenarios, startSimulator, type ActionResource, type ClusterResource} from '../../simulator/index.js';
import {scenarioNamed} from '../demo.js';

export type SimulateOptions = {
	readonly port: number;
	readonly scenario: string;
	readonly speed: number;
	readonly loop: boolean;
	readonly token?: string | undefined;
	/** Comma-separated resources answered 403: pods, pods/log, events, podgroups; commands (creating them), jobs/delete. */
	readonly forbid?: string | undefined;
};

type Forbiddable = ClusterResource | 'pods/log' | ActionResource | 'jobs/create';
// pods/log is the subresource a user may be refused while allowed to list pods; commands and jobs/delete are
// the actions a user may be refused while allowed to watch.
const forbiddable: readonly Forbiddable[] = [...clusterResources, 'pods/log', ...actionResources, 'jobs/create'];

function forbiddenResources(list: string | undefined): Forbiddable[] {
	const names = (list ?? '').split(',').map(name => name.trim()).filter(Boolean);
	for (const name of names) {
		if (!(forbiddable as readonly string[]).includes(name)) {
			throw new UsageError(`--forbid ${JSON.stringify(name)}: choose among ${forbiddable.join(', ')}`);
		}
	}

	return names as Forbiddable[];
}

/** `vcjob-watch simulate`: the simulator on its own, for curl, kubectl --raw, tests; until a signal. */
export async function simulate(
	options: SimulateOptions,
	io: {stdout: NodeJS.WritableStream; signal: AbortSignal},
): Promise<number> {
	const scenario = scenarioNamed({scenarios, scenarioNames}, options.scenario);

	if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
		throw new UsageError('--port must be a whole number from 0 to 65535');
	}

	const forbidden = forbiddenResources(options.forbid);
	const simulator = await startSimulator({
		scenario,
		port: options.port,
		speed: options.speed,
		loop: options.loop,
		...(options.token ? {token: options.token} : {}),
		...(forbidden.length > 0 ? {forbidden} : {}),
	});
	const {namespace, jobName} = scenario;
	const notes = [...(options.token ? ['token required'] : []), ...(forbidden.length > 0 ? [`403 for ${forbidden.join(', ')}`] : [])];
	const listening = `simulator listening on ${simulator.url} (scenario ${scenario.name}${notes.map(note => `, ${note}`).join('')})\n`;
	// `empty` has no job of its own: it waits for one to be submitted.
	const urls =
		jobName === ''
			? `jobs: ${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs\n` +
				`submit one: vcjob-watch submit -f docs/examples/mpi-job.yaml -n ${namespace} -s ${simulator.url}\n`
			: `job: ${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}\n` +
				`pods: ${simulator.url}/api/v1/namespaces/${namespace}/pods?labelSelector=volcano.sh%2Fjob-name%3D${jobName}\n` +
				`events: ${simulator.url}/api/v1/namespaces/${namespace}/events\n` +
				`podgroups: ${simulator.url}/apis/scheduling.volcano.sh/v1beta1/namespaces/${namespace}/podgroups\n` +
				`watch it: vcjob-watch ${jobName} -n ${namespace} -s ${simulator.url}\n`;
	io.stdout.write(listening + urls);
	await new Promise<void>(resolve => {
		if (io.signal.aborted) resolve();
		io.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	await simulator.close();
	return 0;
}
