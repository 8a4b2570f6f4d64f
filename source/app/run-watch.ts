import {createWriteStream} from 'node:fs';
import {UsageError} from '../common/usage-error.js';
import type {Options} from './options.js';
import {resolveConnection, type Connection} from '../connect/connection.js';
import type {Environment} from '../common/usage-error.js';
import {createApiClient, type ApiClientOptions, type RequestRecord} from '../api/client.js';
import {createJobClient} from '../api/job-client.js';
import {createDetailsWatcher, everythingWanted, type DetailsListener, type DetailsWatcher} from '../watch/details-poller.js';
import {finishedOutcome} from '../model/phase.js';
import {createJobWatcher, type JobWatcher, type PollOutcome, type WatchListener} from '../watch/job-watcher.js';
import {createJobViewStore} from '../state/job-view-store.js';
import {exitCodes, failedRequestExitCode} from './exit-codes.js';
import {createJsonDetailsWriter, createJsonWriter} from '../output/json-writer.js';
import {createTextDetailsWriter, createTextWriter, isoSeconds} from '../output/text-writer.js';
import type {Scenario, Simulator} from '../simulator/index.js';

export type Io = {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
	readonly env: Environment;
	/** Aborted by SIGINT, SIGTERM or SIGHUP: stop, restore the terminal, return. */
	readonly signal: AbortSignal;
};

// --once still retries 429/5xx/network errors, a bounded number of times: about a minute at the defaults.
export const onceRetries = 5;

export type Target = {namespace: string; name: string; simulator?: Simulator; connection?: Connection};

/** --demo: the built-in simulator with the chosen scenario, listening on loopback. */
export async function startDemo(config: Options): Promise<{simulator: Simulator; scenario: Scenario}> {
	const {startSimulator, scenarios, scenarioNames} = await import('../simulator/index.js');
	const scenario = scenarios[config.scenario ?? 'demo'];
	if (!scenario) {
		throw new UsageError(`no scenario ${JSON.stringify(config.scenario)}: choose one of ${scenarioNames.join(', ')}`);
	}

	return {simulator: await startSimulator({scenario, speed: config.speed}), scenario};
}

async function resolveTarget(config: Options): Promise<Target> {
	if (!config.demo) {
		return {namespace: config.namespace ?? 'default', name: config.name!};
	}

	const {simulator, scenario} = await startDemo(config);
	return {
		namespace: config.namespace ?? scenario.namespace,
		name: config.name ?? scenario.jobName,
		simulator,
	};
}

/** --debug FILE: one line a request, and nothing that could hold a secret (no header, no body). */
export function debugLog(path: string | undefined): ((record: RequestRecord) => void) | undefined {
	if (!path) return undefined;
	const stream = createWriteStream(path, {flags: 'a', mode: 0o600});
	stream.on('error', () => {});
	return record => {
		stream.write(
			`${new Date().toISOString()} ${record.method} ${record.url} ${record.status || 'no-answer'} ${record.durationMs}ms${record.requestId ? ` request-id=${record.requestId}` : ''}\n`,
		);
	};
}

function exitCodeFor(outcome: PollOutcome, config: Options): number {
	switch (outcome.kind) {
		case 'job': {
			if (!config.exitOnFinish) return exitCodes.ok;
			const phase = outcome.response.raw['status'] as {state?: {phase?: unknown}} | undefined;
			return finishedOutcome(String(phase?.state?.phase ?? '')) === 'failure' ? exitCodes.jobFailed : exitCodes.ok;
		}

		case 'not-found': {
			return exitCodes.notFound;
		}

		default: {
			return failedRequestExitCode(outcome.kind);
		}
	}
}

type Writers = {readonly job: WatchListener; readonly details: DetailsListener};

function writerFor(config: Options, io: Io, target: Target): Writers | undefined {
	const write = (line: string) => io.stdout.write(line);
	// Only the job's coordinates: the writers spread them into every line, and target also holds the connection.
	const job = {namespace: target.namespace, name: target.name};
	if (config.output === 'json') return {job: createJsonWriter(write, job), details: createJsonDetailsWriter(write, job)};
	if (config.output === 'text') return {job: createTextWriter(write, job), details: createTextDetailsWriter(write, job)};
	return undefined;
}

async function runOnce(config: Options, io: Io, target: Target, watcher: JobWatcher, details: DetailsWatcher | undefined): Promise<number> {
	const writer = writerFor(config, io, target);
	const store = writer ? undefined : createJobViewStore(watcher, {...target, highlightMs: config.highlightMs});
	if (writer) {
		watcher.subscribe(writer.job);
		details?.subscribe(writer.details);
	}

	if (store) details?.subscribe(store.dispatch);
	const stopOnSignal = () => {
		watcher.stop();
		details?.stop();
	};

	io.signal.addEventListener('abort', stopOnSignal, {once: true});
	try {
		const outcome = await watcher.pollOnce(onceRetries);
		// One look at the PodGroup, pods and events too: what a single frame needs to say why it is Pending.
		if (outcome.kind === 'job' && details) {
			details.setWanted(everythingWanted);
			await details.fetchOnce().catch(() => {});
		}

		if (outcome.kind === 'gave-up') {
			const message = `gave up after ${onceRetries + 1} tries: ${outcome.error.summary}`;
			if (config.output === 'json') {
				io.stdout.write(`${JSON.stringify({time: isoSeconds(Date.now()), event: 'error', final: true, error: outcome.error.toJSON()})}\n`);
			} else if (config.output === 'text') {
				io.stdout.write(`${isoSeconds(Date.now())} ${target.namespace}/${target.name} error: ${message}\n`);
			}

			io.stderr.write(`vcjob-watch: ${message}\n`);
		}

		if (store) {
			const {renderFrame} = await import('./run-tui.js');
			io.stdout.write(`${renderFrame(store.getState(), config, io.stdout.columns || 100, target.connection?.credentials.description)}\n`);
		}

		return exitCodeFor(outcome, config);
	} finally {
		io.signal.removeEventListener('abort', stopOnSignal);
		store?.dispose();
	}
}

/** Exit code for --exit-on-finish once the job is in a phase it only leaves by outside action. */
export function watchForFinish(watcher: JobWatcher, onFinish: (code: number) => void) {
	return watcher.subscribe(event => {
		if (event.type !== 'job') return;
		const outcome = finishedOutcome(event.job.phase);
		if (outcome) onFinish(outcome === 'success' ? exitCodes.ok : exitCodes.jobFailed);
	});
}

/** Runs the details loop beside the job's, and stops it with it. */
export async function runBoth(watcher: JobWatcher, details: DetailsWatcher | undefined): Promise<void> {
	try {
		await Promise.all([watcher.run().finally(() => details?.stop()), details?.run()]);
	} finally {
		details?.stop();
	}
}

async function runLines(config: Options, io: Io, watcher: JobWatcher, details: DetailsWatcher | undefined, writer: Writers): Promise<number> {
	let code: number = exitCodes.ok;
	watcher.subscribe(writer.job);
	details?.subscribe(writer.details);
	details?.setWanted(everythingWanted);
	if (config.exitOnFinish) {
		watchForFinish(watcher, finished => {
			code = finished;
			watcher.stop();
		});
	}

	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	await runBoth(watcher, details);
	io.signal.removeEventListener('abort', stop);
	return code;
}

export type ClientOptions = ApiClientOptions;

/** The connection (server, credentials, transport) and the options every API client of this run shares. */
export async function connect(config: Options, io: Io, demoServer: string | undefined): Promise<{connection: Connection; clientOptions: ClientOptions}> {
	const onRequest = debugLog(config.debug);
	const connection = await resolveConnection(config, io.env, demoServer, {onRequest});
	// The live TUI shows warnings on screen; text, JSON and a --once frame get them on stderr.
	if (config.output !== 'tui' || config.once) {
		for (const warning of connection.warnings) io.stderr.write(`vcjob-watch: warning: ${warning}\n`);
	}

	const clientOptions = {
		server: connection.server,
		timeoutMs: config.timeoutMs,
		credentials: connection.credentials,
		...(connection.dispatcher ? {dispatcher: connection.dispatcher} : {}),
		...(connection.proxy ? {proxy: connection.proxy} : {}),
		...(onRequest ? {onRequest} : {}),
	};
	return {connection, clientOptions};
}

/** The loops that watch one job: its GET every interval, and (unless --no-details) its PodGroup, pods and events. */
export function createJobLoops(
	config: Options,
	clientOptions: ClientOptions,
	job: {readonly namespace: string; readonly name: string},
): {watcher: JobWatcher; details: DetailsWatcher | undefined} {
	const client = createJobClient({...clientOptions, namespace: job.namespace, name: job.name});
	const watcher = createJobWatcher({
		client,
		namespace: job.namespace,
		name: job.name,
		mode: config.mode,
		watchIdleMs: config.watchIdleMs,
		intervalMs: config.intervalMs,
		maxWaitMs: config.maxWaitMs,
		// After an error that retrying will not fix (401, 403, 4xx), look again rarely: a renewed token
		// or a granted permission then recovers the watch without a restart, without hammering the API.
		refusedWaitMs: config.recheckMs,
	});
	// The PodGroup, pods and events: a second, slower loop with its own backoff, fed the job's uid by the first.
	const details = config.details
		? createDetailsWatcher({
				api: createApiClient(clientOptions),
				namespace: job.namespace,
				jobWatcher: watcher,
				intervalMs: config.detailsIntervalMs,
				maxWaitMs: Math.max(config.maxWaitMs, config.detailsIntervalMs),
				refusedWaitMs: config.recheckMs,
			})
		: undefined;
	return {watcher, details};
}

/** Runs one watch as configured and returns the exit code. */
export async function runWatch(config: Options, io: Io): Promise<number> {
	if (config.view === 'namespace') {
		const {runNamespace} = await import('./run-namespace.js');
		return runNamespace(config, io);
	}

	const target = await resolveTarget(config);
	try {
		const {connection, clientOptions} = await connect(config, io, target.simulator?.url);
		target.connection = connection;
		// Without -n, the kubeconfig context's namespace (resolveTarget's "default" otherwise).
		if (config.namespace === undefined && !config.demo && connection.namespace) target.namespace = connection.namespace;
		const {watcher, details} = createJobLoops(config, clientOptions, target);
		if (config.once) {
			return await runOnce(config, io, target, watcher, details);
		}

		const writer = writerFor(config, io, target);
		if (writer) {
			return await runLines(config, io, watcher, details, writer);
		}

		const {runTui} = await import('./run-tui.js');
		return await runTui(config, io, target, watcher, details);
	} finally {
		await target.simulator?.close();
	}
}
