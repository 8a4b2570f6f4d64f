import {UsageError} from './config.js';
import {scenarioNames, scenarios} from './simulator/scenarios.js';
import {startSimulator} from './simulator/server.js';

type SimulateOptions = {
	readonly port: number;
	readonly scenario: string;
	readonly speed: number;
	readonly loop: boolean;
	readonly token?: string | undefined;
};

/** `vcjob-watch simulate`: the simulator on its own, for curl, kubectl --raw, tests; until a signal. */
export async function runSimulator(
	options: SimulateOptions,
	io: {stdout: NodeJS.WritableStream; signal: AbortSignal},
): Promise<number> {
	const scenario = scenarios[options.scenario];
	if (!scenario) {
		throw new UsageError(`no scenario ${JSON.stringify(options.scenario)}: choose one of ${scenarioNames.join(', ')}`);
	}

	if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
		throw new UsageError('--port must be a whole number from 0 to 65535');
	}

	const simulator = await startSimulator({
		scenario,
		port: options.port,
		speed: options.speed,
		loop: options.loop,
		...(options.token ? {token: options.token} : {}),
	});
	const path = `/apis/batch.volcano.sh/v1alpha1/namespaces/${scenario.namespace}/jobs/${scenario.jobName}`;
	io.stdout.write(
		`simulator listening on ${simulator.url} (scenario ${scenario.name}${options.token ? ', token required' : ''})\n` +
			`job: ${simulator.url}${path}\n` +
			`watch it: vcjob-watch ${scenario.jobName} -n ${scenario.namespace} -s ${simulator.url}\n`,
	);
	await new Promise<void>(resolve => {
		if (io.signal.aborted) resolve();
		io.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	await simulator.close();
	return 0;
}
