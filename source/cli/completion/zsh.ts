// `vcjob-watch completion zsh`: a completion function for zsh's compsys, written from the completion spec. As a
// file `_vcjob-watch` in $fpath compinit loads it; sourced (after compinit), it registers itself with compdef.
import {flagsWithValue, flagWords, subcommandsTaking, valueFlagWords, type CompletedFlag, type CompletionSpec} from './completion-spec.js';

/** A word as zsh reads it between single quotes. */
export function zshQuote(text: string): string {
	return `'${text.replaceAll("'", String.raw`'\''`)}'`;
}

/** `_describe`'s `word:description`: a colon in the word would end it early. */
function described(word: string, flag: CompletedFlag): string {
	return zshQuote(`${word.replaceAll(':', String.raw`\:`)}:${flag.description}`);
}

function pattern(words: readonly string[]): string {
	return words.join('|');
}

export function zshScript(spec: CompletionSpec): string {
	const flagLines = spec.flags.flatMap(flag => [
		...(flag.short === undefined ? [] : [`\t\t${described(flag.short, flag)}`]),
		`\t\t${described(flag.long, flag)}`,
	]);
	const flagsOf = (kind: Parameters<typeof flagsWithValue>[1]) => pattern(flagWords({...spec, flags: flagsWithValue(spec, kind)}));
	const valueCases = [
		`\t\t(${flagsOf('namespaces')}) _vcjob_watch_cluster namespaces; return ;;`,
		...flagsWithValue(spec, 'words').map(
			flag =>
				`\t\t(${pattern(flagWords({...spec, flags: [flag]}))}) compadd -- ${(flag.value?.kind === 'words' ? flag.value.words : []).map(zshQuote).join(' ')}; return ;;`,
		),
		`\t\t(${flagsOf('files')}) _files; return ;;`,
		`\t\t(${flagsOf('none')}) return 1 ;;`,
	];
	const after = (kind: Parameters<typeof subcommandsTaking>[1]) =>
		subcommandsTaking(spec, kind)
			.map(name => `1:${name}`)
			.join('|');
	return `#compdef vcjob-watch kubectl-vcjob_watch
# zsh completion for vcjob-watch (docs/completion.md). Install: as _vcjob-watch in a folder of $fpath,
#   vcjob-watch completion zsh > ~/.zfunc/_vcjob-watch   (fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)
# or, after compinit in ~/.zshrc:  source <(vcjob-watch completion zsh)
# Job names and namespaces are read from the cluster the words typed so far point at.

# Job names (jobs) or namespaces (namespaces) from the cluster; nothing when it cannot be asked in time.
_vcjob_watch_cluster() {
	local -a names
	names=(\${(f)"$(command vcjob-watch __complete $1 "\${(@)words[2,CURRENT-1]}" 2>/dev/null)"})
	(( \${#names} )) && compadd -a names
}

_vcjob-watch() {
	local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
	local -a flags
	flags=(
${flagLines.join('\n')}
	)
	# --flag=value: the value is completed after the flag's own name.
	if [[ $cur == --*=* ]]; then
		prev=\${cur%%=*}
		compset -P '*='
		cur=\${cur#*=}
	fi

	case $prev in
${valueCases.join('\n')}
	esac

	if [[ $cur == -* ]]; then
		_describe -t options option flags
		return
	fi

	# The positional words before this one: a subcommand, a job, a file; flags and their values are skipped.
	local -a positional
	local i
	for (( i = 2; i < CURRENT; i++ )); do
		case \${words[i]} in
			(--*=*) ;;
			(${pattern(valueFlagWords(spec))}) (( i++ )) ;;
			(-*) ;;
			(*) positional+=(\${words[i]}) ;;
		esac
	done

	case \${#positional}:\${positional[1]} in
		(0:*) compadd -- ${spec.subcommands.map(zshQuote).join(' ')}; _vcjob_watch_cluster jobs ;;
		(${after('jobs')}) _vcjob_watch_cluster jobs ;;
		(${after('shells')}) compadd -- ${spec.shells.map(zshQuote).join(' ')} ;;
		(${after('files')}) _files ;;
	esac
}

if [[ \${funcstack[1]} == _vcjob-watch ]]; then
	_vcjob-watch "$@"
else
	compdef _vcjob-watch vcjob-watch kubectl-vcjob_watch
fi
`;
}
