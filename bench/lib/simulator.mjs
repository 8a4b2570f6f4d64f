// The simulator: the one place the bench imports it from, and the paths of its job.

import {startSimulator} from '#simulator';
import {simulators} from './processes.mjs';

// On 127.0.0.1, a free port, held at its first step (the cases move it); stopped on exit with everything else.
export async function simulator(scenario, options = {}) {
	const started = await startSimulator({scenario, host: '127.0.0.1', port: 0, autoplay: false, ...options});
	simulators.add(started);
	return started;
}

export async function closeSimulator(started) {
	simulators.delete(started);
	await started.close();
}

export function jobPath(scenario) {
	return `/apis/batch.volcano.sh/v1alpha1/namespaces/${scenario.namespace}/jobs/${scenario.jobName}`;
}

// Requests for the scenario's job: its GETs, and lists and watches of the collection.
export const jobRequestsOf = sim => {
	const base = `/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs`;
	return sim.requests.filter(request => request.path.startsWith(`${base}/`) || request.path.startsWith(`${base}?`));
};
