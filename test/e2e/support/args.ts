import type {Simulator} from '../../../source/simulator/index.js';

/** The scenario's job as a person names it: `NAME -n NAMESPACE -s URL`. */
export function target(sim: Pick<Simulator, 'scenario' | 'url'>): string[] {
	return [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
}

/** Short intervals, so that a test sees within a second what a person sees within a minute. */
export const fast: readonly string[] = ['--interval', '100ms', '--max-wait', '300ms'];

/** fast, with re-checks after a refusal as short, and no details (pods, events) to fetch. */
export const fastWatch: readonly string[] = [...fast, '--recheck', '300ms', '--no-details'];

/** Polling (no watch stream) with every wait short, a request's timeout included. */
export const quickPoll: readonly string[] = ['--poll', '--interval', '100ms', '--max-wait', '200ms', '--recheck', '300ms', '--timeout', '500ms'];
