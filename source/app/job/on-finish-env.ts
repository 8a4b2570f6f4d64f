// What --on-finish's command is given: the program's own environment and the job's finish in VCJOB_*
// variables. Nothing from the cluster goes on the command line: the command is run as the user typed it.
import {sanitize} from '../../common/sanitize.js';
import type {Environment} from '../../common/usage-error.js';

export type FinishFacts = {
	readonly namespace: string;
	readonly name: string;
	readonly phase: string;
	/** The exit code --exit-on-finish gives for this phase. */
	readonly exit: number;
	/** The latest failure's reason, or the job's own; none for a job that completed. */
	readonly failure?: string | undefined;
};

export const hookVariables = ['VCJOB_NAME', 'VCJOB_NAMESPACE', 'VCJOB_PHASE', 'VCJOB_EXIT', 'VCJOB_FAILURE'] as const;

// Long enough for a reason and its message; an environment variable is no place for a log.
const maxValueLength = 1000;

/**
 * The command's environment: `base` without any VCJOB_* variable of these names (an unset VCJOB_FAILURE means
 * no failure, not one inherited), then the finish's. Every value on one line, without control characters.
 */
export function hookEnvironment(base: Environment, facts: FinishFacts): Record<string, string> {
	const environment: Record<string, string> = {};
	const ours = new Set<string>(hookVariables);
	for (const [key, value] of Object.entries(base)) {
		if (value !== undefined && !ours.has(key)) environment[key] = value;
	}

	const safe = (value: string) => sanitize(value, maxValueLength);
	environment['VCJOB_NAME'] = safe(facts.name);
	environment['VCJOB_NAMESPACE'] = safe(facts.namespace);
	environment['VCJOB_PHASE'] = safe(facts.phase);
	environment['VCJOB_EXIT'] = String(facts.exit);
	const failure = facts.failure === undefined ? '' : safe(facts.failure);
	if (failure !== '') environment['VCJOB_FAILURE'] = failure;
	return environment;
}

/** The user's shell and its arguments for `command`, as typed: `$SHELL -c`, else /bin/sh; cmd.exe on Windows. */
export function shellCommand(
	command: string,
	environment: Environment,
	platform: NodeJS.Platform,
): {readonly file: string; readonly args: readonly string[]; readonly verbatim: boolean} {
	if (platform === 'win32') {
		// cmd.exe /s /c "…" runs what is between the outer quotes as typed.
		return {file: environment['ComSpec'] ?? environment['COMSPEC'] ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], verbatim: true};
	}

	const shell = environment['SHELL'];
	// A relative or empty SHELL would be looked up in PATH (or the working folder): only a full path is taken.
	return {file: shell?.startsWith('/') ? shell : '/bin/sh', args: ['-c', command], verbatim: false};
}

/** The first line with more than spaces in `text`, sanitised and cut to `maxLength`; undefined when none. */
export function firstLine(text: string, maxLength = 200): string | undefined {
	for (const line of text.split(/\r?\n|\r/)) {
		const safe = sanitize(line, maxLength);
		if (safe !== '') return safe;
	}

	return undefined;
}
