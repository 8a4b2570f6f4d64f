// `vcjob-watch completion fish`: `complete` lines for fish, written from the completion spec; fish reads them
// from ~/.config/fish/completions/vcjob-watch.fish the first time vcjob-watch is completed.
import {subcommandsTaking, valueFlagWords, type CompletedFlag, type CompletionSpec} from './completion-spec.js';

/** A word as fish reads it between single quotes (where only \' and \\ are escapes). */
export function fishQuote(text: string): string {
	return `'${text.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`)}'`;
}

/** The options of `complete` that name the flag: `-s n -l namespace`, `-l no-color`. */
function names(flag: CompletedFlag): string {
	return [...(flag.short === undefined ? [] : [`-s ${flag.short.slice(1)}`]), `-l ${flag.long.slice(2)}`].join(' ');
}

/** What follows the flag: nothing, words (-x: no files besides), paths (-r -F), or anything typed (-x). */
function value(flag: CompletedFlag): string {
	switch (flag.value?.kind) {
		case undefined: {
			return '';
		}

		case 'words': {
			return ` -x -a ${fishQuote(flag.value.words.join(' '))}`;
		}

		case 'namespaces': {
			return ` -x -a ${fishQuote('(__vcjob_watch_cluster namespaces)')}`;
		}

		case 'files': {
			return ' -r -F';
		}

		case 'none': {
			return ' -x';
		}
	}
}

export function fishScript(spec: CompletionSpec): string {
	const command = 'complete -c vcjob-watch';
	const flagLines = spec.flags.map(flag => `${command} ${names(flag)}${value(flag)} -d ${fishQuote(flag.description)}`);
	return `# fish completion for vcjob-watch (docs/completion.md). Install:
#   vcjob-watch completion fish > ~/.config/fish/completions/vcjob-watch.fish
# Job names and namespaces are read from the cluster the words typed so far point at.

# The positional words typed before the one completed: a subcommand, a job, a file; flags and values skipped.
function __vcjob_watch_positional
	set -l tokens (commandline -opc)
	set -e tokens[1]
	set -l skip 0
	for token in $tokens
		if test $skip = 1
			set skip 0
			continue
		end
		switch $token
			case ${valueFlagWords(spec).map(fishQuote).join(' ')}
				set skip 1
			case '-*'
			case '*'
				echo $token
		end
	end
end

# True when no positional word is typed yet, or (given names) when the one typed is one of them.
function __vcjob_watch_after
	set -l positional (__vcjob_watch_positional)
	if test (count $argv) -eq 0
		test (count $positional) -eq 0
	else
		test (count $positional) -eq 1; and contains -- $positional[1] $argv
	end
end

# Job names (jobs) or namespaces (namespaces) from the cluster; nothing when it cannot be asked in time.
function __vcjob_watch_cluster
	set -l tokens (commandline -opc)
	set -e tokens[1]
	command vcjob-watch __complete $argv[1] $tokens 2>/dev/null
end

${command} -f
${command} -n __vcjob_watch_after -a ${fishQuote(spec.subcommands.join(' '))}
${command} -n __vcjob_watch_after -a ${fishQuote('(__vcjob_watch_cluster jobs)')}
${command} -n ${fishQuote(`__vcjob_watch_after ${subcommandsTaking(spec, 'jobs').join(' ')}`)} -a ${fishQuote('(__vcjob_watch_cluster jobs)')}
${command} -n ${fishQuote(`__vcjob_watch_after ${subcommandsTaking(spec, 'shells').join(' ')}`)} -a ${fishQuote(spec.shells.join(' '))}
${command} -n ${fishQuote(`__vcjob_watch_after ${subcommandsTaking(spec, 'files').join(' ')}`)} -F
${flagLines.join('\n')}
complete -c kubectl-vcjob_watch -w vcjob-watch
`;
}

