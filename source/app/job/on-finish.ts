// --on-finish CMD: when the watched job finishes, CMD runs once through the user's shell, with the finish in its
// environment (on-finish-env.ts); what came of it is told as HookEvents. A command still running after
// --on-finish-timeout, or when the program ends, is stopped with its whole process group: none outlives the program.
import type {ChildProcess} from 'node:child_process';
import {createListeners} from '../../common/listeners.js';
import {sanitize} from '../../common/sanitize.js';
import {within} from '../../common/sleep.js';
import type {Environment} from '../../common/usage-error.js';
import type {HookEvent, HookState} from '../../state/hook-status.js';
import type {DetailsWatcher} from '../../watch/details-poller.js';
import type {FailureWatcher} from '../../watch/failure-watcher.js';
import type {JobWatcher} from '../../watch/job-watcher.js';
import {exitCodes} from '../exit-codes.js';
import {finishedExitCode} from '../finish-exit-code.js';
import {failureReason, watchFinishSignal} from './finish-signal.js';
import {firstLine, hookEnvironment, shellCommand, type FinishFacts} from './on-finish-env.js';

export type FinishHookSetup = {
	readonly command: string;
	readonly timeoutMs: number;
	/** The program's environment, which the command inherits. */
	readonly env: Environment;
};

export type FinishHookSources = {
	readonly job: {readonly namespace: string; readonly name: string};
	readonly watcher: Pick<JobWatcher, 'subscribe'>;
	/** Undefined with --no-details: VCJOB_FAILURE is then the job's own reason. */
	readonly failures?: Pick<FailureWatcher, 'subscribe' | 'evidence'> | undefined;
	/** Read once more before a failed job's command, so that its latest failure is known. */
	readonly details?: Pick<DetailsWatcher, 'readPodsNow'> | undefined;
	/** The longest wait for that read (the request timeout). */
	readonly readTimeoutMs: number;
	readonly platform?: NodeJS.Platform;
	readonly now?: () => number;
};

export type FinishHook = {
	subscribe(listener: (event: HookEvent) => void): () => void;
	/** Resolves once no command is waiting to start or running. */
	settled(): Promise<void>;
	/**
	 * The program ends: no command starts from now on, and a running one gets SIGTERM (its process group), then
	 * SIGKILL after killGraceMs. Resolves once it is gone, or the SIGKILL sent.
	 */
	stop(): Promise<void>;
};

/** What is kept of the command's output; the first line is what is shown. */
export const maxOutputBytes = 64 * 1024;
/** Between SIGTERM and SIGKILL. */
export const killGraceMs = 2000;
// After the command exits, how long its output may still come: a child it left in the background may hold the
// pipes open, and the program does not wait for that child.
const closeGraceMs = 1000;
const groupPollMs = 50;

type Run = {
	readonly setup: FinishHookSetup;
	readonly facts: FinishFacts;
	readonly emit: (event: HookEvent) => void;
	readonly stop: AbortSignal;
	readonly platform: NodeJS.Platform;
	readonly now: () => number;
};

/** Runs the command once; resolves when it has ended (or been stopped) and its event is told. */
async function runCommand({setup, facts, emit, stop, platform, now}: Run): Promise<void> {
	const base = {type: 'hook', phase: facts.phase, jobExit: facts.exit, timeoutMs: setup.timeoutMs} as const;
	const started = now();
	const {file, args, verbatim} = shellCommand(setup.command, setup.env, platform);
	const tell = (state: HookState, extra: Partial<HookEvent> = {}) => emit({...base, at: now(), state, ...extra});
	let child: ChildProcess;
	try {
		// Loaded when a command runs, not with every watch.
		const {spawn} = await import('node:child_process');
		child = spawn(file, args, {
			env: hookEnvironment(setup.env, facts),
			// A process group of its own, so that a timeout stops what the shell started too.
			detached: platform !== 'win32',
			stdio: ['ignore', 'pipe', 'pipe'],
			windowsVerbatimArguments: verbatim,
			windowsHide: true,
		});
	} catch (error) {
		tell('error', {error: sanitize(error instanceof Error ? error.message : String(error))});
		return;
	}

	if (child.pid !== undefined) tell('running');
	const chunks: Buffer[] = [];
	let kept = 0;
	const collect = (chunk: Buffer) => {
		if (kept >= maxOutputBytes) return;
		const part = chunk.subarray(0, maxOutputBytes - kept);
		kept += part.length;
		chunks.push(part);
	};

	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);

	let ending: 'timed-out' | 'stopped' | undefined;
	let killSent = false;
	let exited = false;
	let killTimer: NodeJS.Timeout | undefined;
	let endedAt: number | undefined;
	const signalGroup = (signal: NodeJS.Signals) => {
		try {
			if (platform === 'win32' || child.pid === undefined) child.kill(signal);
			else process.kill(-child.pid, signal);
		} catch {
			// Gone already.
		}
	};

	const groupAlive = () => {
		if (platform === 'win32' || child.pid === undefined) return false;
		try {
			process.kill(-child.pid, 0);
			return true;
		} catch {
			return false;
		}
	};

	const kill = (why: 'timed-out' | 'stopped') => {
		if (ending || exited) return;
		ending = why;
		signalGroup('SIGTERM');
		killTimer = setTimeout(() => {
			killSent = true;
			signalGroup('SIGKILL');
		}, killGraceMs);
	};

	const timeout = setTimeout(() => kill('timed-out'), setup.timeoutMs);
	const onStop = () => kill('stopped');
	stop.addEventListener('abort', onStop, {once: true});
	if (stop.aborted) onStop();
	// An end nothing else sees (an uncaught exception, a second Ctrl+C): the command goes with the program.
	const onProgramExit = () => signalGroup('SIGKILL');
	process.once('exit', onProgramExit);

	const result = await new Promise<{code: number | null; signal: NodeJS.Signals | null; error?: Error}>(resolve => {
		let closeTimer: NodeJS.Timeout | undefined;
		let status: {code: number | null; signal: NodeJS.Signals | null} | undefined;
		const done = (error?: Error) => {
			clearTimeout(closeTimer);
			resolve({...(status ?? {code: null, signal: null}), ...(error ? {error} : {})});
		};

		child.once('error', error => {
			// The spawn failed (no such shell): no exit follows.
			if (child.pid === undefined) done(error);
		});
		child.once('exit', (code, signal) => {
			exited = true;
			endedAt = now();
			status = {code, signal};
			clearTimeout(timeout);
			closeTimer = setTimeout(() => {
				child.stdout?.destroy();
				child.stderr?.destroy();
				done();
			}, closeGraceMs);
		});
		child.once('close', () => {
			if (status) done();
		});
	});

	// Stopped: what it started goes too, within the grace, before the program ends.
	await new Promise<void>(resolve => {
		const check = () => {
			if (!ending || killSent || !groupAlive()) resolve();
			else setTimeout(check, groupPollMs);
		};

		check();
	});
	clearTimeout(killTimer);
	clearTimeout(timeout);
	stop.removeEventListener('abort', onStop);
	process.off('exit', onProgramExit);

	const output = firstLine(Buffer.concat(chunks).toString('utf8'));
	const ended = {
		...(result.code === null ? {} : {exitCode: result.code}),
		...(result.signal === null ? {} : {signal: result.signal}),
		...(output === undefined ? {} : {output}),
		durationMs: (endedAt ?? now()) - started,
	};
	if (result.error) tell('error', {error: sanitize(result.error.message)});
	else tell(ending ?? 'exited', ended);
}

/** The command for each finish of the job (once per finish: see finish-signal.ts), one at a time. */
export function createFinishHook(setup: FinishHookSetup, sources: FinishHookSources): FinishHook {
	const listeners = createListeners<HookEvent>();
	const stopping = new AbortController();
	const now = sources.now ?? Date.now;
	const platform = sources.platform ?? process.platform;
	let queue: Promise<void> = Promise.resolve();

	/** The latest failure once the pods are read again, else what the finish said (the job's reason). */
	const failureOf = async (told: string | undefined): Promise<string | undefined> => {
		if (sources.details) await within(sources.details.readPodsNow(), sources.readTimeoutMs);
		const latest = sources.failures?.evidence().at(-1);
		return latest ? failureReason(latest.record) : told;
	};

	const unsubscribe = watchFinishSignal({watcher: sources.watcher, failures: sources.failures}, signal => {
		if (signal.type !== 'finished' || stopping.signal.aborted) return;
		const {phase} = signal.job;
		queue = queue.then(async () => {
			const failure = signal.outcome === 'failure' ? await failureOf(signal.failure) : undefined;
			if (stopping.signal.aborted) return;
			const facts: FinishFacts = {...sources.job, phase, exit: finishedExitCode(phase) ?? exitCodes.ok, failure};
			await runCommand({setup, facts, emit: listeners.emit, stop: stopping.signal, platform, now});
		}).catch((error: unknown) => {
			// Told like a command that could not start: the watch goes on.
			listeners.emit({type: 'hook', at: now(), state: 'error', phase, jobExit: finishedExitCode(phase) ?? exitCodes.ok, timeoutMs: setup.timeoutMs, error: sanitize(String(error))});
		});
	});

	const settled = async (): Promise<void> => {
		const seen = queue;
		await seen;
		// A finish told while waiting joined the queue: wait for it too.
		if (seen !== queue) await settled();
	};

	return {
		subscribe: listeners.subscribe,
		settled,
		async stop() {
			unsubscribe();
			stopping.abort();
			await settled();
		},
	};
}
