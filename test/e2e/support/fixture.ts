import type {ChildProcess} from 'node:child_process';
import {afterEach} from 'vitest';
import {type Simulator, type SimulatorOptions, startSimulator as start} from '../../../source/simulator/index.js';
import {runInPty as inPty} from './pty.js';
import {runCli as cli} from './run-cli.js';

export {fast, fastWatch, quickPoll, target} from './args.js';

/** Resolves when child has exited and its streams are closed, or after 5 s (a grandchild may hold them). */
async function gone(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	await new Promise<void>(resolve => {
		const timer = setTimeout(resolve, 5000);
		child.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

/**
 * The simulators and programs a test starts, stopped after it whatever it did: the programs first (killed, so
 * none outlives a failed test and none sees its server go), then the simulators, then what the file adds.
 */
export function e2eFixture(after?: () => Promise<void> | void) {
	const children: ChildProcess[] = [];
	const simulators: Simulator[] = [];
	afterEach(async () => {
		const killed = children.splice(0);
		for (const child of killed) child.kill('SIGKILL');
		// Gone before the next test starts, and their temporary HOMEs with them.
		await Promise.all(killed.map(async child => gone(child)));
		for (const simulator of simulators.splice(0)) {
			await simulator.close();
		}

		await after?.();
	});

	return {
		async startSimulator(options?: SimulatorOptions): Promise<Simulator> {
			const simulator = await start(options);
			simulators.push(simulator);
			return simulator;
		},
		runCli(...args: Parameters<typeof cli>): ReturnType<typeof cli> {
			const run = cli(...args);
			children.push(run.child);
			return run;
		},
		runInPty(...args: Parameters<typeof inPty>): ReturnType<typeof inPty> {
			const run = inPty(...args);
			children.push(run.child);
			return run;
		},
	};
}
