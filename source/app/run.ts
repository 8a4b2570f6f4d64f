// The one dispatcher of a watch: the target (the demo simulator's scenario, or what the options and the
// connection say), the connection, the view's driver, and the runner of the output.
import {startDemo, type Demo} from './demo.js';
import {createJobDriver, type JobRef} from './job/driver.js';
import {runLines} from './lines.js';
import {runOnce} from './once.js';
import type {Options} from './options.js';
import {openRecording} from './record.js';
import {startReplay} from './commands/replay.js';
import {connect, type Io, type Session} from './session.js';
import {startView} from './tui-start.js';
import {startNotifier} from './terminal/notifier.js';
import type {Outcome, ViewDriver} from './view-driver.js';

/** --once, text or JSON lines, or the TUI (loaded only then), for any view. */
async function runOutput<State, O extends Outcome>(driver: ViewDriver<State, O>, options: Options, io: Io, session: Session): Promise<number> {
	if (options.once) return runOnce(driver, options, io, session);
	if (options.output !== 'tui') return runLines(driver, options.output, options, io);
	// The view's first requests go out now, and travel while Ink and React load (tui-start.ts).
	const started = startView(driver, options, io.signal);
	let runTui: typeof import('./tui.js').runTui;
	try {
		({runTui} = await import('./tui.js'));
	} catch (error) {
		driver.stop();
		started.release();
		throw error;
	}

	return runTui(driver, options, io, session.connection, started);
}

/** A line on stderr that does not stop the run. */
function warner(io: Io): (message: string) => void {
	return message => io.stderr.write(`vcjob-watch: warning: ${message}\n`);
}

/** The demo simulator (with --demo, or serving a recording with `replay`) and the connection, for as long as `use` runs; `submit` uses them too. */
export async function withSession(options: Options, io: Io, use: (session: Session, demo: Demo | undefined) => Promise<number>): Promise<number> {
	const demo = options.replay ? await startReplay(options.replay, options, warner(io)) : options.demo ? await startDemo(options) : undefined;
	try {
		return await use(await connect(options, io, demo?.simulator.url), demo);
	} finally {
		await demo?.simulator.close();
	}
}

/** One job watched in the configured output, as `vcjob-watch NAME` does (and `submit` after its create). */
export async function watchJob(options: Options, io: Io, session: Session, job: JobRef): Promise<number> {
	const recording = options.record ? openRecording(options.record, job, warner(io)) : undefined;
	const driver = createJobDriver(options, session.clientOptions, job, recording?.recorder);
	// --notify: the bell and a desktop notification on the terminal when the job finishes (not for one look).
	const stopNotifying = options.notify && !options.once ? startNotifier(driver, job, options.notify, io) : undefined;
	try {
		return await runOutput(driver, options, io, session);
	} finally {
		stopNotifying?.();
		recording?.close();
	}
}

/** Runs one watch as configured (a job, or a namespace's jobs) and returns the exit code. */
export async function run(options: Options, io: Io): Promise<number> {
	return withSession(options, io, async (session, demo) => {
		// -n, else the scenario's with --demo, else the kubeconfig context's, else default.
		const namespace = options.namespace ?? demo?.scenario.namespace ?? session.connection.namespace ?? 'default';
		if (options.view === 'namespace') {
			const {createNamespaceDriver} = await import('./namespace/driver.js');
			return runOutput(createNamespaceDriver(options, session.clientOptions, namespace), options, io, session);
		}

		// The options hold a name unless --demo, whose scenario names the job.
		const name = options.name ?? demo?.scenario.jobName ?? '';
		return watchJob(options, io, session, {namespace, name});
	});
}
