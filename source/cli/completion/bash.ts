// `vcjob-watch completion bash`: a completion function for bash (4 and later, no bash-completion package
// needed), written from the completion spec. Job names and namespaces are asked of the cluster through
// `vcjob-watch __complete`, with the words typed so far (their -s, --context, -n pick the cluster).
import {flagsWithValue, flagWords, subcommandsTaking, valueFlagWords, type CompletionSpec} from './completion-spec.js';

/** A word as bash reads it between single quotes. */
export function bashQuote(text: string): string {
	return `'${text.replaceAll("'", String.raw`'\''`)}'`;
}

/** `a|b|c` for a case pattern; the words are flags and names, which hold no pattern characters. */
function alternatives(words: readonly string[]): string {
	return words.join('|');
}

/** A case arm, or nothing when no word leads to it (a pattern of none would not parse). */
function arm(patterns: readonly string[], body: string): string[] {
	return patterns.length === 0 ? [] : [`\t\t${patterns.join('|')})\n${body}\n\t\t\t;;`];
}

export function bashScript(spec: CompletionSpec): string {
	const withValue = (kind: Parameters<typeof flagsWithValue>[1]) => flagWords({...spec, flags: flagsWithValue(spec, kind)});
	const after = (kind: Parameters<typeof subcommandsTaking>[1]) => subcommandsTaking(spec, kind).map(name => `1:${name}`);
	const files = '\t\t\tcompopt -o filenames 2>/dev/null\n\t\t\t_vcjob_watch_add -f';
	const valueCases = [
		...arm(withValue('namespaces'), '\t\t\t_vcjob_watch_cluster namespaces\n\t\t\treturn 0'),
		...flagsWithValue(spec, 'words').flatMap(flag =>
			arm(flagWords({...spec, flags: [flag]}), `\t\t\t_vcjob_watch_add -W ${bashQuote(flag.value?.kind === 'words' ? flag.value.words.join(' ') : '')}\n\t\t\treturn 0`),
		),
		...arm(withValue('files'), `${files}\n\t\t\treturn 0`),
		...arm(withValue('none'), '\t\t\treturn 0'),
	];
	const positionalCases = [
		...arm(['0:*'], `\t\t\t_vcjob_watch_add -W ${bashQuote(spec.subcommands.join(' '))}\n\t\t\t_vcjob_watch_cluster jobs`),
		...arm(after('jobs'), '\t\t\t_vcjob_watch_cluster jobs'),
		...arm(after('shells'), `\t\t\t_vcjob_watch_add -W ${bashQuote(spec.shells.join(' '))}`),
		...arm(after('files'), files),
	];
	return `# bash completion for vcjob-watch (docs/completion.md). Install: in ~/.bashrc,
#   source <(vcjob-watch completion bash)
# or write it to ~/.local/share/bash-completion/completions/vcjob-watch.
# Job names and namespaces are read from the cluster the words typed so far point at.

# What compgen offers for the word being completed, one a line, added to COMPREPLY.
_vcjob_watch_add() {
	local line
	while IFS= read -r line; do
		COMPREPLY+=("$line")
	done < <(compgen "$@" -- "$cur")
}

# The line's words before the one completed (words, the command first) and that one (word), as typed: bash
# splits words at '=' and ':' (--flag=value, a URL), and the pieces that touch in the line are one word again.
_vcjob_watch_words() {
	local rest=$COMP_LINE piece i n=-1
	local -a joined=()
	if [[ -z $COMP_LINE ]]; then
		# Words set without a line (a script driving the function): taken as they are.
		joined=("\${COMP_WORDS[@]:0:COMP_CWORD+1}")
	else
		for ((i = 0; i <= COMP_CWORD; i++)); do
			piece=\${COMP_WORDS[i]}
			if ((n < 0)) || [[ $rest == [[:space:]]* ]]; then
				((n++))
				joined[n]=
			fi
			rest=\${rest#"\${rest%%[![:space:]]*}"}
			joined[n]+=$piece
			rest=\${rest:\${#piece}}
		done
	fi
	n=$((\${#joined[@]} - 1))
	words=("\${joined[@]:0:n}")
	word=\${joined[n]}
}

# Job names (jobs) or namespaces (namespaces) from the cluster the words typed so far point at (-s, --context,
# -n); nothing when it cannot be asked in time.
_vcjob_watch_cluster() {
	_vcjob_watch_add -W "$(command vcjob-watch __complete "$1" "\${words[@]:1}" 2>/dev/null)"
}

_vcjob_watch() {
	# cur: the piece bash replaces; word: the whole word it is part of (--output=te for te).
	local cur=\${COMP_WORDS[COMP_CWORD]} word prev=
	local -a words
	_vcjob_watch_words
	((\${#words[@]} > 0)) && prev=\${words[\${#words[@]}-1]}
	[[ $word == --*=* ]] && prev=\${word%%=*}
	COMPREPLY=()

	case $prev in
${valueCases.join('\n')}
	esac
	# The value of a flag given with '=' that none of the above completes: nothing to offer.
	[[ $word == --*=* ]] && return 0

	if [[ $cur == -* ]]; then
		_vcjob_watch_add -W ${bashQuote(flagWords(spec).join(' '))}
		return 0
	fi

	# The positional words before this one: a subcommand, a job, a file; flags and their values are skipped.
	local -a positional=()
	local i
	for ((i = 1; i < \${#words[@]}; i++)); do
		case \${words[i]} in
			--*=*) ;;
			${alternatives(valueFlagWords(spec))}) ((i++)) ;;
			-*) ;;
			*) positional+=("\${words[i]}") ;;
		esac
	done

	case \${#positional[@]}:\${positional[0]} in
${positionalCases.join('\n')}
	esac
	return 0
}

complete -F _vcjob_watch vcjob-watch kubectl-vcjob_watch
`;
}
