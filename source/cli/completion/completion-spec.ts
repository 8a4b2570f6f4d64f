// What the shell completion scripts complete, made from the tables the program itself reads: the flags of
// cli/flags.ts, the subcommands cli/main.ts dispatches, the values cli/options.ts accepts for -o, and the
// simulator's scenarios. bash.ts, zsh.ts and fish.ts only write it in their shell's words; job names and
// namespaces come from the cluster at completion time (`vcjob-watch __complete`, cli/completion/complete.ts).
import {actionVerbs} from '../../api/commands.js';
import {plainText} from '../../common/markup.js';
import {expandBareFlags} from '../bare-flags.js';
import {flagTable, flagUsage, longName, type FlagSpec} from '../flags.js';
import {outputs} from '../options.js';
import {shells} from './shells.js';

/** The words cli/main.ts takes as a subcommand when they come first; anything else there is a job's name. */
export const subcommands: readonly string[] = ['simulate', 'submit', 'replay', 'completion', ...actionVerbs];

/** What the word after a flag is completed with. */
export type ValueKind =
	/** Fixed words (`-o`, `--scenario`). */
	| {readonly kind: 'words'; readonly words: readonly string[]}
	/** Names read from the cluster (`-n`). */
	| {readonly kind: 'namespaces'}
	/** Paths (a FILE or PATH placeholder). */
	| {readonly kind: 'files'}
	/** Something only the user knows (a URL, a duration): nothing is offered. */
	| {readonly kind: 'none'};

export type CompletedFlag = {
	/** As typed: `--namespace`, `--no-color`, `--help`. */
	readonly long: string;
	/** `-n`, when the flag has one. */
	readonly short?: string;
	/** One line for the shells that show one (zsh, fish). */
	readonly description: string;
	/** Undefined for a boolean: nothing follows it. */
	readonly value?: ValueKind;
};

/** What the positional word after a subcommand is completed with. */
export type PositionalKind = 'jobs' | 'files' | 'shells' | 'none';

export type CompletionSpec = {
	readonly subcommands: readonly string[];
	readonly flags: readonly CompletedFlag[];
	/** The first positional word: a subcommand or a job; then, by subcommand, the word after it. */
	readonly afterSubcommand: Readonly<Record<string, PositionalKind>>;
	readonly shells: readonly string[];
};

// A description longer than this is cut at a word: zsh and fish show one line beside each flag.
const descriptionWidth = 70;

/** The description's first clause, as one short line without marks. */
export function shortDescription(markup: string): string {
	const text = plainText(markup).replaceAll(/\s+/g, ' ').trim();
	const clause = text.split('; ')[0] ?? text;
	if (clause.length <= descriptionWidth) return clause;
	const cut = clause.slice(0, descriptionWidth - 1);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

/** A flag the table marks hidden is never offered. */
function shown(spec: FlagSpec): boolean {
	return !('hidden' in spec && spec.hidden === true);
}

function valueKind(name: string, spec: FlagSpec, scenarioNames: readonly string[]): ValueKind | undefined {
	// A flag that may stand alone (`--notify`) takes its value only after '=': the next word is not its value.
	const long = `--${longName(name)}`;
	if (spec.type === 'boolean' || expandBareFlags([long])[0] !== long) return undefined;
	if (name === 'namespace') return {kind: 'namespaces'};
	if (name === 'output') return {kind: 'words', words: outputs};
	if (name === 'scenario') return {kind: 'words', words: scenarioNames};
	if (spec.value === 'FILE' || spec.value === 'PATH') return {kind: 'files'};
	return {kind: 'none'};
}

/** Every flag of the table as the scripts offer it, in the table's order. */
export function completedFlags(scenarioNames: readonly string[]): CompletedFlag[] {
	return Object.entries(flagTable as Readonly<Record<string, FlagSpec>>)
		.filter(([, spec]) => shown(spec))
		.map(([name, spec]) => {
			const {short, long} = flagUsage(name, spec);
			const value = valueKind(name, spec, scenarioNames);
			return {
				long: long.split(' ')[0]!,
				...(short === undefined ? {} : {short}),
				description: shortDescription(spec.description),
				...(value === undefined ? {} : {value}),
			};
		});
}

/** The whole of what the scripts complete; the scenario names are the simulator's (passed in: loaded only then). */
export function completionSpec(scenarioNames: readonly string[]): CompletionSpec {
	return {
		subcommands,
		flags: completedFlags(scenarioNames),
		afterSubcommand: {
			...Object.fromEntries(actionVerbs.map(verb => [verb, 'jobs' as const])),
			replay: 'files',
			completion: 'shells',
			simulate: 'none',
			submit: 'none',
		},
		shells,
	};
}

/** Every flag as typed, long and short: what a script may offer after `-`. */
export function flagWords(spec: CompletionSpec): string[] {
	return spec.flags.flatMap(flag => (flag.short === undefined ? [flag.long] : [flag.short, flag.long]));
}

/** The flags a value follows, long and short: skipped when the scripts look for positional words. */
export function valueFlagWords(spec: CompletionSpec): string[] {
	return flagWords({...spec, flags: spec.flags.filter(flag => flag.value !== undefined)});
}

/** The flags whose value is of this kind, long and short. */
export function flagsWithValue(spec: CompletionSpec, kind: ValueKind['kind']): CompletedFlag[] {
	return spec.flags.filter(flag => flag.value?.kind === kind);
}

/** Which subcommands take which positional word. */
export function subcommandsTaking(spec: CompletionSpec, kind: PositionalKind): string[] {
	return Object.entries(spec.afterSubcommand)
		.filter(([, taken]) => taken === kind)
		.map(([name]) => name);
}
