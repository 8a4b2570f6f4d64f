import type {Options} from './options.js';
import type {Connection} from '../connect/connection.js';
import {createApiClient} from '../api/client.js';
import {createNamespaceStore} from '../state/namespace-store.js';
import {createNamespaceWatcher, type ListOutcome, type NamespaceListener, type NamespaceWatcher} from '../watch/namespace-watcher.js';
import {exitCodes, failedRequestExitCode} from './exit-codes.js';
import {createNamespaceJsonWriter, createNamespaceTextWriter} from '../output/namespace-writers.js';
import {isoSeconds} from '../output/text-writer.js';
import {connect, onceRetries, startDemo, type ClientOptions, type Io} from './run-watch.js';
import type {Simulator} from '../simulator/index.js';

// A page of 500 real jobs (a few KB each, more with many tasks) is far above one job's 4 MB cap.
const listPageMaxBytes = 32 * 1024 * 1024;

/** Where the namespace's jobs come from, and how to reach it. */
export type NamespaceTarget = {
	readonly namespace: string;
	readonly connection: Connection;
	readonly clientOptions: ClientOptions;
};

function exitCodeFor(outcome: ListOutcome): number {
	return outcome.kind === 'listed' ? exitCodes.ok : failedRequestExitCode(outcome.kind);
}

function writerFor(config: Options, io: Io, namespace: string): NamespaceListener | undefined {
	const write = (line: string) => io.stdout.write(line);
	if (config.output === 'json') return createNamespaceJsonWriter(write, {namespace});
	if (config.output === 'text') return createNamespaceTextWriter(write, {namespace});
	return undefined;
}

async function runOnce(config: Options, io: Io, target: NamespaceTarget, watcher: NamespaceWatcher): Promise<number> {
	const writer = writerFor(config, io, target.namespace);
	const store = writer ? undefined : createNamespaceStore(watcher, {namespace: target.namespace, selector: config.selector, highlightMs: config.highlightMs});
	if (writer) watcher.subscribe(writer);
	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		const outcome = await watcher.pollOnce(onceRetries);
		if (outcome.kind === 'gave-up') {
			const message = `gave up after ${onceRetries + 1} tries: ${outcome.error.summary}`;
			if (config.output === 'json') {
				io.stdout.write(`${JSON.stringify({time: isoSeconds(Date.now()), event: 'error', final: true, namespace: target.namespace, error: outcome.error.toJSON()})}\n`);
			} else if (config.output === 'text') {
				io.stdout.write(`${isoSeconds(Date.now())} ${target.namespace} error: ${message}\n`);
			}

			io.stderr.write(`vcjob-watch: ${message}\n`);
		}

		if (store) {
			const {renderNamespaceFrame} = await import('./run-namespace-tui.js');
			io.stdout.write(`${renderNamespaceFrame(store.getState(), config, io.stdout.columns || 100, target.connection.credentials.description)}\n`);
		}

		return exitCodeFor(outcome);
	} finally {
		io.signal.removeEventListener('abort', stop);
		store?.dispose();
	}
}

async function runLines(io: Io, watcher: NamespaceWatcher, writer: NamespaceListener): Promise<number> {
	watcher.subscribe(writer);
	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		await watcher.run();
	} finally {
		io.signal.removeEventListener('abort', stop);
	}

	return exitCodes.ok;
}

/** Every job of a namespace: a table in the TUI, a line (object) per changed job in text (JSON), or once. */
export async function runNamespace(config: Options, io: Io): Promise<number> {
	let simulator: Simulator | undefined;
	let namespace = config.namespace;
	if (config.demo) {
		const demo = await startDemo(config);
		simulator = demo.simulator;
		namespace ??= demo.scenario.namespace;
	}

	try {
		const {connection, clientOptions} = await connect(config, io, simulator?.url);
		const target: NamespaceTarget = {namespace: namespace ?? connection.namespace ?? 'default', connection, clientOptions};
		const watcher = createNamespaceWatcher({
			api: createApiClient({...clientOptions, maxBodyBytes: listPageMaxBytes}),
			namespace: target.namespace,
			selector: config.selector,
			mode: config.mode,
			watchIdleMs: config.watchIdleMs,
			intervalMs: config.intervalMs,
			maxWaitMs: config.maxWaitMs,
			refusedWaitMs: config.recheckMs,
		});
		if (config.once) return await runOnce(config, io, target, watcher);
		const writer = writerFor(config, io, target.namespace);
		if (writer) return await runLines(io, watcher, writer);
		const {runNamespaceTui} = await import('./run-namespace-tui.js');
		return await runNamespaceTui(config, io, target, watcher);
	} finally {
		await simulator?.close();
	}
}
