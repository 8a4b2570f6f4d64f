// The built-in simulator for --demo, and the scenario lookup --demo and `simulate` share.
import {UsageError} from '../common/usage-error.js';
import type {Scenario, Simulator} from '../simulator/index.js';
import type {Options} from './options.js';

type Scenarios = {readonly scenarios: Readonly<Record<string, Scenario>>; readonly scenarioNames: readonly string[]};

/** The scenario of that name, or the usage error that lists them. */
export function scenarioNamed({scenarios, scenarioNames}: Scenarios, name: string): Scenario {
	const scenario = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
	if (!scenario) {
		throw new UsageError(`no scenario ${JSON.stringify(name)}: choose one of ${scenarioNames.join(', ')}`);
	}

	return scenario;
}

export type Demo = {readonly simulator: Simulator; readonly scenario: Scenario};

/** --demo: the built-in simulator with the chosen scenario, listening on loopback; loaded only then. */
export async function startDemo(options: Pick<Options, 'scenario' | 'speed'>): Promise<Demo> {
	const simulator = await import('../simulator/index.js');
	const scenario = scenarioNamed(simulator, options.scenario ?? 'demo');
	return {simulator: await simulator.startSimulator({scenario, speed: options.speed}), scenario};
}
