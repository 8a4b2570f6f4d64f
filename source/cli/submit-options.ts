// `vcjob-watch submit -f FILE`: its command line checked as a watch's (the job's name comes from the server's
// answer later), plus the file, --dry-run, and the command that watches an existing job (for a 409).
import {UsageError, type Environment} from '../common/usage-error.js';
import type {Options} from '../app/options.js';
import type {SubmitOptions} from '../app/commands/submit.js';
import type {Flags} from './flags.js';
import {resolveOptions} from './options.js';

/** `-f` and `--dry-run` belong to `submit`: refused elsewhere rather than ignored. */
export function checkSubmitOnly(flags: Partial<Flags>): void {
	if (flags.file !== undefined) throw new UsageError('-f/--file names a job to create: vcjob-watch submit -f FILE');
	if (flags.dryRun) throw new UsageError('--dry-run goes with submit: vcjob-watch submit -f FILE --dry-run');
}

// Safe to paste unquoted in a POSIX shell.
const plainWord = /^[\w@%+=:,./-]+$/;

function shellWord(word: string): string {
	return plainWord.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`;
}

/** The arguments after `submit` without the file and --dry-run: what a watch of the same job is given. */
export function watchArguments(argv: readonly string[]): string[] {
	const kept: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument === 'submit' && !kept.includes('submit')) continue;
		if (argument === '-f' || argument === '--file') {
			index++;
			continue;
		}

		if (/^(?:-f=?|--file=)/.test(argument) || argument === '--dry-run' || argument === '--dry-run=true') continue;
		kept.push(argument);
	}

	return kept;
}

/** `vcjob-watch NAME [-n NS] …the rest`: -n added when the namespace came from the file or the context. */
export function watchCommandFor(argv: readonly string[]): (name: string, namespace: string) => string {
	const rest = watchArguments(argv);
	const hasNamespace = rest.some(argument => /^(?:-n|--namespace)(?:=|$)|^-n./.test(argument));
	return (name, namespace) => ['vcjob-watch', name, ...(hasNamespace ? [] : ['-n', namespace]), ...rest].map(word => shellWord(word)).join(' ');
}

/** The options of `submit`: `inputs` are the words after it (none are taken). */
export function resolveSubmitOptions(
	inputs: readonly string[],
	flags: Partial<Flags>,
	environment: Environment,
	stdoutIsTty: boolean,
	argv: readonly string[],
): {readonly options: Options; readonly submit: SubmitOptions} {
	if (inputs.length > 0) {
		throw new UsageError(`submit takes the job from a file, not a name (got ${inputs.join(' ')}): vcjob-watch submit -f FILE`);
	}

	if (flags.file === undefined || flags.file === '') {
		throw new UsageError('which job? Give its file: vcjob-watch submit -f job.yaml (or -f - to read standard input)');
	}

	if (flags.selector !== undefined) throw new UsageError('--selector picks jobs of a namespace: submit creates one job');
	// --demo starts with no job (the `empty` scenario) unless --scenario says otherwise: the submitted one is played.
	const scenario = argv.some(argument => /^--scenario(?:=|$)/.test(argument)) ? flags.scenario : 'empty';
	// Checked as the watch of a named job; the name is the server's, known after the create.
	const {name: _placeholder, ...options} = resolveOptions(['submitted-job'], {...flags, scenario}, environment, stdoutIsTty);
	return {options, submit: {file: flags.file, dryRun: flags.dryRun ?? false, watchCommand: watchCommandFor(argv)}};
}
