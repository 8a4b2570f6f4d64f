// `vcjob-watch suspend|resume|restart|terminate|complete|delete NAME`: the command line of one action.
import {actionVerbs, type ActionVerb} from '../api/commands.js';
import {UsageError, type Environment} from '../common/usage-error.js';
import type {Options} from '../app/options.js';
import {resolveOptions, type Flags} from './options.js';

export function isActionVerb(word: string | undefined): word is ActionVerb {
	return (actionVerbs as readonly (string | undefined)[]).includes(word);
}

/** The verb's job and connection, checked as a watch's are; the output is text unless -o json. */
export function resolveActionOptions(inputs: readonly string[], flags: Partial<Flags>, environment: Environment): Options {
	const [verb, ...names] = inputs;
	if (names.length !== 1) {
		throw new UsageError(`${verb} takes one job name (got ${names.length}): vcjob-watch ${verb} NAME -n NAMESPACE`);
	}

	if (flags.demo) {
		throw new UsageError(`${verb} acts on a job of a server: give it with -s URL (vcjob-watch simulate serves one)`);
	}

	// Never the TUI: the answer is one line (or one JSON object), for scripts.
	const options = resolveOptions(names, flags, environment, false);
	return {...options, output: options.output === 'json' ? 'json' : 'text'};
}
