// `vcjob-watch completion bash|zsh|fish`: the shell's completion script on stdout.
import {UsageError} from '../../common/usage-error.js';
import {bashScript} from './bash.js';
import {completionSpec, type CompletionSpec} from './completion-spec.js';
import {fishScript} from './fish.js';
import {completionUsage, shells, type Shell} from './shells.js';
import {zshScript} from './zsh.js';

const writers: Readonly<Record<Shell, (spec: CompletionSpec) => string>> = {bash: bashScript, zsh: zshScript, fish: fishScript};

function isShell(word: string | undefined): word is Shell {
	return (shells as readonly (string | undefined)[]).includes(word);
}

/** The script for `vcjob-watch completion SHELL` (inputs: the words after `completion`). */
export async function completionScript(inputs: readonly string[]): Promise<string> {
	const [shell, ...rest] = inputs;
	if (!isShell(shell) || rest.length > 0) {
		const given = inputs.length === 0 ? 'no shell' : JSON.stringify(inputs.join(' '));
		throw new UsageError(`completion takes one shell, ${shells.join(', ')} (got ${given}): vcjob-watch ${completionUsage}`);
	}

	// The scenario names are the simulator's own: loaded here only, never on the way to a completion's names.
	const {scenarioNames} = await import('../../simulator/index.js');
	return writers[shell](completionSpec(scenarioNames));
}
