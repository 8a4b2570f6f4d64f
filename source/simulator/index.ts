// The simulator's one door: everything outside source/simulator/ (the CLI's --demo and `simulate`, tests,
// scripts and bench through package.json's "#simulator") imports from here, never from the files behind it.
export {startSimulator} from './server.js';
export type {RestartOptions, SimulatedRequest, Simulator, SimulatorOptions, WatchHooks, WatchSimulatorOptions} from './simulator-types.js';
export {resolveScenario, scenarioNames, scenarios, type Scenario, type Step} from './scenarios.js';
export {clusterResources, type ClusterResource} from './cluster-api.js';
export {actionResources, type ActionResource} from './writes/actions-api.js';
export type {AkSkSimulatorOptions, IamSimulatorOptions} from './iam.js';
export {
	gatewayBody,
	gatewayFault,
	initializingFault,
	nginxErrorPage,
	proxyHtmlFault,
	statusBody,
	statusFault,
	throttleFault,
	tooLargeFault,
	type CollectionFault,
	type Fault,
	type FaultKind,
	type StatusFaultOptions,
} from './faults.js';
