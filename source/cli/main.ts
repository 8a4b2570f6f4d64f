import {scheduleLongRunSettings} from './boot/heap-settings.js';
import './boot/production-mode.js';
import meow from 'meow';
import {expandBareFlags} from './bare-flags.js';
import {meowFlags} from './flags.js';
import {renderHelp} from './help.js';
import {resolveOptions, resolveReplayOptions} from './options.js';
import {UsageError} from '../common/usage-error.js';
import {exitCodes} from '../app/exit-codes.js';

function fail(message: string): never {
	process.stderr.write(`vcjob-watch: ${message}\nRun vcjob-watch --help for usage.\n`);
	process.exit(exitCodes.usage);
}

// `__complete jobs|namespaces WORDS…`: a shell's completion asking the cluster for names (cli/completion/
// complete.ts). Answered before meow, which would refuse a half-typed line; silent whatever happens, and the
// process ends once the names are written: nothing below runs.
if (process.argv[2] === '__complete') {
	const {completionNames} = await import('./completion/complete.js');
	const names = await completionNames(process.argv.slice(3), process.env).catch(() => '');
	await new Promise<never>(() => {
		process.stdout.on('error', () => process.exit(0));
		process.stdout.write(names, () => process.exit(0));
	});
}

// A token on the command line is readable by every user of the machine (ps, /proc): refuse it by name.
if (process.argv.some(argument => /^--(?:token|auth-token|password)(?:=|$)/.test(argument))) {
	fail('no token on the command line (every user of this host can read it): use HW_AUTH_TOKEN or --token-file PATH');
}

function parseArguments() {
	try {
		return meow(renderHelp(), {
			importMeta: import.meta,
			// `--notify` alone is `--notify=finish`, not a flag that takes the job's name as its value.
			argv: expandBareFlags(process.argv.slice(2)),
			allowUnknownFlags: false,
			flags: meowFlags(),
		});
	} catch (error) {
		// meow's own checks (a flag given twice, a number that is not one) throw: usage errors too.
		return fail(error instanceof Error ? error.message : String(error));
	}
}

const cli = parseArguments();
scheduleLongRunSettings();

const controller = new AbortController();
let signalCode: number | undefined;
const signalCodes = {SIGINT: exitCodes.sigint, SIGTERM: exitCodes.sigterm, SIGHUP: exitCodes.sighup} as const;
for (const [name, code] of Object.entries(signalCodes)) {
	process.on(name, () => {
		// A second signal means "now": the terminal is restored by Ink's exit hooks.
		if (signalCode !== undefined) process.exit(signalCode);
		signalCode = code;
		controller.abort();
	});
}

async function main(): Promise<number> {
	if (cli.input[0] === 'simulate') {
		const {simulate} = await import('../app/commands/simulate.js');
		return simulate(
			{
				port: cli.flags.port,
				scenario: cli.flags.scenario ?? 'demo',
				speed: cli.flags.speed,
				loop: cli.flags.loop,
				token: process.env['VCJOB_SIMULATOR_TOKEN'],
				forbid: cli.flags.forbid,
			},
			{stdout: process.stdout, signal: controller.signal},
		);
	}

	if (cli.input[0] === 'completion') {
		const {completionScript} = await import('./completion/completion-command.js');
		process.stdout.write(await completionScript(cli.input.slice(1)));
		return exitCodes.ok;
	}

	// suspend, resume, restart, terminate, complete, delete NAME: one action, no confirmation (the command is the ask).
	const {isActionVerb} = await import('./action-options.js');
	if (isActionVerb(cli.input[0])) {
		const {resolveActionOptions} = await import('./action-options.js');
		const {runAction} = await import('../app/commands/actions.js');
		const io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal};
		return runAction(cli.input[0], resolveActionOptions(cli.input, cli.flags, process.env), io);
	}

	const {checkSubmitOnly, resolveSubmitOptions} = await import('./submit-options.js');
	if (cli.input[0] === 'submit') {
		const {options, submit} = resolveSubmitOptions(cli.input.slice(1), cli.flags, process.env, process.stdout.isTTY === true, process.argv.slice(2));
		const {submitJob} = await import('../app/commands/submit.js');
		const io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal};
		return submitJob(options, submit, io);
	}

	checkSubmitOnly(cli.flags);
	// `replay FILE`: the recording's job on the built-in simulator, watched as any other job.
	const config =
		cli.input[0] === 'replay'
			? resolveReplayOptions(cli.input.slice(1), cli.flags, process.env, process.stdout.isTTY === true)
			: resolveOptions(cli.input, cli.flags, process.env, process.stdout.isTTY === true);
	const {run} = await import('../app/run.js');
	return run(config, {
		stdout: process.stdout,
		stderr: process.stderr,
		stdin: process.stdin,
		env: process.env,
		signal: controller.signal,
	});
}

try {
	const code = await main();
	process.exitCode = signalCode ?? code;
} catch (error) {
	if (error instanceof UsageError) fail(error.message);
	// A look cut short by SIGINT, SIGTERM or SIGHUP (--once in its retry wait) ends as the signal asked, not
	// as a crash.
	if (signalCode !== undefined && controller.signal.aborted) process.exit(signalCode);
	throw error;
}
