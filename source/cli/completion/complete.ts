// `vcjob-watch __complete jobs|namespaces [the words typed so far]`: what the completion scripts run to offer
// job names and namespaces. The words pick the cluster as they would for a watch (-s, --context, --kubeconfig,
// -n, the environment); the names come one a line. It is asked while a person waits on a Tab: one request
// within a short timeout, no retries, and on any failure nothing at all (no message, exit 0).
import type {Environment} from '../../common/usage-error.js';
import {expandBareFlags} from '../bare-flags.js';
import {flagTable, longName, type Flags, type FlagSpec} from '../flags.js';
import {resolveOptions} from '../options.js';

/** Each request's timeout; the whole lookup (an exec plugin's login too) ends by the deadline. */
export const completionTimeoutMs = 2000;
const deadlineMs = 3000;

type Lookup = {readonly name: string; readonly spec: FlagSpec; readonly negated?: true};

function lookups(): {long: Map<string, Lookup>; short: Map<string, Lookup>} {
	const long = new Map<string, Lookup>();
	const short = new Map<string, Lookup>();
	for (const [name, spec] of Object.entries(flagTable as Readonly<Record<string, FlagSpec>>)) {
		if (spec.builtin) continue;
		long.set(longName(name), {name, spec});
		if (spec.type === 'boolean') long.set(`no-${longName(name)}`, {name, spec, negated: true});
		if (spec.short !== undefined) short.set(spec.short, {name, spec});
	}

	return {long, short};
}

/**
 * The flags among words, read as meow reads them (`--name value`, `--name=value`, `-n value`, `-nvalue`,
 * `--no-name`); anything else (a subcommand, a job, a flag not in the table, a half-typed one) is passed over.
 */
export function typedFlags(typed: readonly string[]): Partial<Flags> {
	const {long, short} = lookups();
	const flags: Record<string, boolean | number | string> = {};
	const words = expandBareFlags(typed);
	for (let index = 0; index < words.length; index++) {
		const word = words[index]!;
		if (word === '--') break;
		let lookup: Lookup | undefined;
		let inline: string | undefined;
		if (word.startsWith('--')) {
			const equals = word.indexOf('=');
			lookup = long.get(equals < 0 ? word.slice(2) : word.slice(2, equals));
			inline = equals < 0 ? undefined : word.slice(equals + 1);
		} else if (/^-[^-]/.test(word)) {
			lookup = short.get(word[1]!);
			inline = word.length > 2 ? word.slice(2).replace(/^=/, '') : undefined;
		}

		if (lookup === undefined) continue;
		if (lookup.spec.type === 'boolean') {
			flags[lookup.name] = lookup.negated !== true;
			continue;
		}

		const value = inline ?? words[++index];
		if (value === undefined || value === '') continue;
		flags[lookup.name] = lookup.spec.type === 'number' ? Number(value) : value;
	}

	return flags as Partial<Flags>;
}

// What says where requests go; the rest of a command line (--once, --exit-on-finish…) has no say in a lookup.
const connectionFlags = [
	'server',
	'tokenFile',
	'region',
	'kubeconfig',
	'context',
	'certificateAuthority',
	'insecureSkipTlsVerify',
	'allowHttp',
	'namespace',
] as const satisfies ReadonlyArray<keyof Flags>;

export type CompletionLookup = {
	readonly kind: 'jobs' | 'namespaces';
	readonly options: ReturnType<typeof resolveOptions>;
	/** -n as typed; undefined: the kubeconfig context's, else default. */
	readonly namespace?: string;
};

/**
 * What `__complete KIND WORDS…` asks, with the connection's options checked as a watch's are; undefined when
 * there is nothing to ask (an unknown kind, --demo, options that a watch would refuse).
 */
export function completionLookup(inputs: readonly string[], env: Environment): CompletionLookup | undefined {
	const [kind, ...words] = inputs;
	if (kind !== 'jobs' && kind !== 'namespaces') return undefined;
	const typed = typedFlags(words);
	if (typed.demo) return undefined;
	const given = Object.fromEntries(connectionFlags.filter(name => typed[name] !== undefined).map(name => [name, typed[name]]));
	try {
		// The namespace only so that a name-less line is one resolveOptions takes; the lookup's own is kept apart.
		const options = resolveOptions([], {...given, namespace: typed.namespace ?? 'default'}, env, false);
		return {kind, options: {...options, timeoutMs: completionTimeoutMs}, ...(typed.namespace === undefined ? {} : {namespace: typed.namespace})};
	} catch {
		return undefined;
	}
}

/** The names, one a line, or nothing: every failure, and a lookup past the deadline, is silent. */
export async function completionNames(inputs: readonly string[], env: Environment): Promise<string> {
	const lookup = completionLookup(inputs, env);
	if (lookup === undefined) return '';
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<string[]>(resolve => {
		timer = setTimeout(() => {
			controller.abort();
			resolve([]);
		}, deadlineMs);
	});
	try {
		const {clusterNames} = await import('../../app/commands/complete.js');
		const options = {...lookup.options, namespace: lookup.namespace};
		const names = await Promise.race([clusterNames(lookup.kind, options, env, controller.signal), deadline]);
		return names.map(name => `${name}\n`).join('');
	} catch {
		return '';
	} finally {
		clearTimeout(timer);
	}
}
