// Every command-line flag, once: its name, short form, type, value placeholder, default, section and what it
// does. meow's flags (`meowFlags`), the `Flags` type that cli/options.ts reads, the defaults it applies
// (`withDefaults`), `--help` (cli/help.ts) and docs/options.md (`npm run docs`) are all made from this table;
// test/cli/flags.test.ts and test/docs/docs.test.ts fail when a copy drifts. Pure data: no import.
//
// Texts may mark `code` and [a link](page.md#anchor): the reference pages keep the marks, a terminal shows the
// words (common/markup.ts). A boolean whose default is true is shown, and described, as its --no- form.

/** Where a flag is listed in `--help` and docs/options.md, in this order. */
export const flagSections = {
	options: {title: 'Options'},
	kubernetes: {title: 'Kubernetes, TLS and proxies'},
	simulator: {title: 'The built-in simulator (--demo, simulate)'},
} as const;

export type FlagSection = keyof typeof flagSections;

type FlagBase = {
	readonly section: FlagSection;
	/** One letter: `-n` for `--namespace`. */
	readonly short?: string;
	/** What it does, one sentence or a few clauses; the default is added after it. */
	readonly description: string;
	/** docs/options.md only: where to read more, after the default. */
	readonly see?: readonly [text: string, href: string];
	/** meow's own --help and --version: listed, never passed to meow as flags. */
	readonly builtin?: true;
};

export type FlagSpec =
	| (FlagBase & {readonly type: 'boolean'; readonly default: boolean})
	| (FlagBase & {
			readonly type: 'string';
			/** The value's placeholder: `--interval D`. */
			readonly value: string;
			/** Given to meow, and applied by `withDefaults` when a caller leaves it out. */
			readonly default?: string;
			/** The default as words, when it is decided at run time (a terminal, a kubeconfig): never applied. */
			readonly defaultText?: string;
			/** What the default means, after it: `(default 0: any free port)`. */
			readonly defaultNote?: string;
	  })
	| (FlagBase & {readonly type: 'number'; readonly value: string; readonly default: number; readonly defaultNote?: string});

/** In the order `--help` and docs/options.md list them, section by section. Keys are meow's camelCase names. */
export const flagTable = {
	namespace: {
		section: 'options',
		type: 'string',
		short: 'n',
		value: 'NS',
		defaultText: "the kubeconfig context's, else `default`",
		description: "the job's namespace; without NAME, the namespace whose jobs to list",
	},
	selector: {
		section: 'options',
		type: 'string',
		short: 'l',
		value: 'S',
		description:
			'without NAME only: the jobs whose labels match, a Kubernetes label selector passed to the server (`team=a,app!=mpi`, `tier in (a,b)`)',
	},
	server: {
		section: 'options',
		type: 'string',
		short: 's',
		value: 'URL',
		description: 'the API server, `http://` or `https://`, e.g. `https://cci.cn-north-4.myhuaweicloud.com`',
	},
	region: {
		section: 'options',
		type: 'string',
		value: 'ID',
		description: 'a CCI region: the server is `https://cci.ID.myhuaweicloud.com` (also `HW_REGION_NAME`)',
	},
	tokenFile: {
		section: 'options',
		type: 'string',
		value: 'PATH',
		description: 'a file holding the token (sent as `X-Auth-Token`); re-read when it changes',
	},
	watch: {
		section: 'options',
		type: 'boolean',
		default: false,
		description:
			"follow the job (or the namespace's jobs) with a watch (a stream of changes) only: a server that refuses watches is an error, checked again after `--recheck`",
	},
	poll: {
		section: 'options',
		type: 'boolean',
		default: false,
		description:
			'poll only: a GET (a list of the namespace) every `--interval`; without `--watch` or `--poll`: watch, and poll when the server or a proxy refuses watches',
	},
	watchIdle: {
		section: 'options',
		type: 'string',
		value: 'D',
		default: '2m',
		description: 'a watch stream silent this long, not even a bookmark, is reopened quietly from where it was',
	},
	interval: {
		section: 'options',
		type: 'string',
		value: 'D',
		default: '2s',
		description: 'time between polls (of the job, or lists of the namespace), counted from the end of the previous answer',
	},
	timeout: {section: 'options', type: 'string', value: 'D', default: '10s', description: 'per-request timeout'},
	maxWait: {section: 'options', type: 'string', value: 'D', default: '30s', description: 'longest wait between retries'},
	recheck: {
		section: 'options',
		type: 'string',
		value: 'D',
		default: '30s',
		description: 'wait before checking again after a 401, 403 or other 4xx',
	},
	highlight: {section: 'options', type: 'string', value: 'D', default: '4s', description: 'how long a change stays highlighted'},
	detailsInterval: {
		section: 'options',
		type: 'string',
		value: 'D',
		default: '10s',
		description: "time between fetches of the job's PodGroup, pods and events; only for panels on screen, and in `text`/`json` output",
		see: ['Why is it Pending?', 'screen.md#why-is-it-pending-podgroup-pods-events-timeline'],
	},
	details: {
		section: 'options',
		type: 'boolean',
		default: true,
		description: "no PodGroup, pods or events: the job's own requests are the only ones",
	},
	logLines: {
		section: 'options',
		type: 'number',
		value: 'N',
		default: 20,
		description:
			"lines of a failed container's log read once, when its failure is first seen (one request, at most 16 KiB), and kept with the failure; `0` reads none (not with `--no-details`)",
		see: ['Why did it fail?', 'screen.md#why-did-it-fail-failures'],
	},
	output: {
		section: 'options',
		type: 'string',
		short: 'o',
		value: 'MODE',
		defaultText: '`tui` on a terminal, else `text`',
		description: '`tui`, `text` or `json`',
	},
	once: {
		section: 'options',
		type: 'boolean',
		default: false,
		description:
			'fetch once (retrying 429/5xx/network errors up to 5 times), print, exit; without NAME, the table once (`tui`) or a line or object per job',
	},
	exitOnFinish: {
		section: 'options',
		type: 'boolean',
		default: false,
		description: 'exit when the job is `Completed` (0) or `Failed`, `Terminated`, `Aborted` (1); needs a NAME',
	},
	onFinish: {
		section: 'options',
		type: 'string',
		value: 'CMD',
		description:
			'when the job finishes (`Completed`, `Failed`, `Terminated`, `Aborted`), run CMD once through your shell, with `VCJOB_NAME`, `VCJOB_NAMESPACE`, `VCJOB_PHASE`, `VCJOB_EXIT` and `VCJOB_FAILURE` in its environment; its exit status and first line of output are shown; needs a NAME, not with `--once`',
		see: ['hooks', 'hooks.md'],
	},
	onFinishTimeout: {
		section: 'options',
		type: 'string',
		value: 'D',
		default: '30s',
		description: "a `--on-finish` command still running this long is stopped: SIGTERM to its process group, SIGKILL 2 s later",
	},
	color: {
		section: 'options',
		type: 'boolean',
		default: true,
		description: 'no colours; `NO_COLOR` (any value) and `TERM=dumb` do the same',
	},
	altScreen: {
		section: 'options',
		type: 'boolean',
		default: true,
		description: 'draw in the normal screen instead of full screen, leaving the last frame in the scrollback',
	},
	title: {
		section: 'options',
		type: 'boolean',
		default: true,
		description:
			"leave the terminal's (or tmux pane's) title alone; without it the TUI shows the job's phase and running pods there (the namespace's counts by phase) and puts the title back at exit",
		see: ['notifications and the title', 'notifications.md'],
	},
	notify: {
		section: 'options',
		type: 'string',
		value: 'WHEN',
		description:
			'`--notify` alone: ring the bell and send one desktop notification when the job finishes (`Completed`, `Failed`, `Terminated`, `Aborted`); `--notify=failures`: at its first pod failure too; written only when standard output is a terminal; needs a NAME',
		see: ['notifications and the title', 'notifications.md'],
	},
	debug: {
		section: 'options',
		type: 'string',
		value: 'FILE',
		description: 'append one line per request to FILE: method, URL, status, duration, request id; never a header or a body',
	},
	record: {
		section: 'options',
		type: 'string',
		value: 'FILE',
		description:
			'write every version of the job, its pods, PodGroup and events that the program sees to FILE (NDJSON, mode 0600), for `vcjob-watch replay FILE`; never a header, a token or the environment; one job only',
		see: ['record and replay', 'record-replay.md'],
	},
	file: {
		section: 'options',
		type: 'string',
		short: 'f',
		value: 'FILE',
		description:
			'`submit` only: the Volcano Job to create, YAML or JSON, one document (`-` reads standard input); then it is watched',
		see: ['Submit', 'submit.md'],
	},
	dryRun: {
		section: 'options',
		type: 'boolean',
		default: false,
		description: '`submit` only: send the job with `dryRun=All` and print what the server would create; nothing is stored or watched',
	},
	actions: {
		section: 'options',
		type: 'boolean',
		default: false,
		description:
			"offer the TUI's keys that act on the job: `S` suspend, `R` resume, `X` restart, `T` terminate, `C` complete, `D` delete, each after a confirmation (`y`); without it the TUI only watches",
		see: ['actions on the job', 'actions.md'],
	},
	help: {section: 'options', type: 'boolean', default: false, builtin: true, description: 'print this help and exit'},
	version: {section: 'options', type: 'boolean', default: false, builtin: true, description: 'print the version and exit'},
	kubeconfig: {
		section: 'kubernetes',
		type: 'string',
		value: 'PATH',
		defaultText: '`KUBECONFIG`, files joined with `:`, else `~/.kube/config`',
		description: 'a kubeconfig file',
		see: ['Kubernetes clusters', 'connecting.md#kubernetes-clusters-kubeconfig'],
	},
	context: {
		section: 'kubernetes',
		type: 'string',
		value: 'NAME',
		defaultText: 'its `current-context`',
		description: 'a context of the kubeconfig',
	},
	certificateAuthority: {
		section: 'kubernetes',
		type: 'string',
		value: 'FILE',
		description: "CA certificates (PEM) that sign the server's certificate",
	},
	insecureSkipTlsVerify: {
		section: 'kubernetes',
		type: 'boolean',
		default: false,
		description: "do not verify the server's certificate (a warning stays on screen)",
	},
	allowHttp: {
		section: 'kubernetes',
		type: 'boolean',
		default: false,
		description: 'allow plain `http://` to a host other than this machine',
	},
	demo: {
		section: 'simulator',
		type: 'boolean',
		default: false,
		description:
			'watch a job on the built-in simulator, no cluster needed (`--demo --scenario namespace`: its namespace, in the table)',
	},
	scenario: {
		section: 'simulator',
		type: 'string',
		value: 'S',
		default: 'demo',
		description:
			"the simulator's scenario: `demo`, `fail`, `flaky`, `static`, `seed`, `unschedulable`, `image-pull`, `recreate`, `namespace` (the demo job among 200 others, shown as the table), `idle`, `quiet`, `empty` (no job until one is submitted; the default of `submit --demo`)",
		see: ['the simulator', 'simulator.md'],
	},
	speed: {section: 'simulator', type: 'number', value: 'X', default: 1, description: "the simulator's time multiplier (`replay`: the recording's)"},
	port: {
		section: 'simulator',
		type: 'number',
		value: 'N',
		default: 0,
		defaultNote: 'any free port',
		description: '`simulate` only: the port to listen on',
	},
	loop: {
		section: 'simulator',
		type: 'boolean',
		default: false,
		description: "`simulate` only: after the scenario's end, start it over as a new job",
	},
	forbid: {
		section: 'simulator',
		type: 'string',
		value: 'LIST',
		description:
			'`simulate` only: answer 403 for these, comma-separated: `pods`, `pods/log`, `events`, `podgroups`, `commands` (creating them), `jobs/delete` (as for a user without the rights)',
	},
} as const satisfies Readonly<Record<string, FlagSpec>>;

type Table = typeof flagTable;
export type FlagName = keyof Table;

/** The flags meow parses: every one but its own --help and --version. */
type Parsed = {readonly [K in FlagName as Table[K] extends {builtin: true} ? never : K]: Table[K]};
type ValueOf<S> = S extends {type: 'string'} ? string : S extends {type: 'number'} ? number : boolean;
type WithDefault = {[K in keyof Parsed]: Parsed[K] extends {default: unknown} ? K : never}[keyof Parsed];

/** The parsed command line as cli/options.ts reads it: a flag with a default always has a value. */
export type Flags = {readonly [K in WithDefault]: ValueOf<Parsed[K]>} & {
	readonly [K in Exclude<keyof Parsed, WithDefault>]?: ValueOf<Parsed[K]> | undefined;
};

type MeowFlag<S> = {readonly type: S extends {type: infer T} ? T : never; readonly shortFlag?: string} & (S extends {
	default: infer D;
}
	? {readonly default: D}
	: unknown);

/** meow's `flags` option, typed so that meow's result has the types of `Flags`. */
export type MeowFlags = {readonly [K in keyof Parsed]: MeowFlag<Parsed[K]>};

function parsed(): Array<[string, FlagSpec]> {
	return Object.entries(flagTable as Readonly<Record<string, FlagSpec>>).filter(([, spec]) => !spec.builtin);
}

/** The table as meow's `flags` option: type, short flag and default. */
export function meowFlags(): MeowFlags {
	return Object.fromEntries(
		parsed().map(([name, spec]) => [
			name,
			{type: spec.type, ...(spec.short === undefined ? {} : {shortFlag: spec.short}), ...('default' in spec ? {default: spec.default} : {})},
		]),
	) as MeowFlags;
}

/** Every flag the caller left out (or undefined) that has a default, with it: the one place defaults are applied. */
export function withDefaults(given: Partial<Flags>): Flags {
	const flags: Record<string, unknown> = {...given};
	for (const [name, spec] of parsed()) {
		if (flags[name] === undefined && 'default' in spec && spec.default !== undefined) flags[name] = spec.default;
	}

	return flags as Flags;
}

/** `--token-file`: the long name, as typed. */
export function longName(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/** The flag as written: `-n, --namespace NS`, `--no-color`, `--interval D`. */
export function flagUsage(name: string, spec: FlagSpec): {readonly short?: string; readonly long: string} {
	const long =
		spec.type === 'boolean' ? `--${spec.default && !spec.builtin ? 'no-' : ''}${longName(name)}` : `--${longName(name)} ${spec.value}`;
	return spec.short === undefined ? {long} : {short: `-${spec.short}`, long};
}

/** `(default 2s)`, `(default: tui on a terminal, else text)`, `(default 0: any free port)`, or nothing. */
export function defaultText(spec: FlagSpec, code: (text: string) => string = text => text): string | undefined {
	if (spec.type === 'boolean') return undefined;
	if (spec.type === 'string' && spec.defaultText !== undefined) return `(default: ${spec.defaultText})`;
	if (spec.default === undefined) return undefined;
	return `(default ${code(String(spec.default))}${spec.defaultNote === undefined ? '' : `: ${spec.defaultNote}`})`;
}

/** The flags of one section, in order, with their names. */
export function flagsOf(section: FlagSection): Array<[string, FlagSpec]> {
	return Object.entries(flagTable as Readonly<Record<string, FlagSpec>>).filter(([, spec]) => spec.section === section);
}
