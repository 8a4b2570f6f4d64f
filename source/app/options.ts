// The resolved command line, as the rest of the program reads it: cli/options.ts makes it from flags and
// environment; app/ uses it, and connect/ the fields it declares (ConnectOptions), which Options has.

export type OutputMode = 'tui' | 'text' | 'json';

/** One job (its panels), or every job of a namespace (a table). */
export type WatchView = 'job' | 'namespace';

/** The resolved command line: what to watch, where, and how to show it (`resolveOptions`). */
export type Options = {
	readonly view: WatchView;
	/** Undefined with --demo (the scenario names the job) and in the namespace view. */
	readonly name?: string;
	/** The namespace view: a label selector passed to the server (-l). */
	readonly selector?: string;
	/** Undefined without -n: the kubeconfig context's, else default (the scenario's with --demo). */
	readonly namespace?: string;
	/** Undefined with --demo: the built-in simulator's address is known only once it listens. */
	readonly server?: string;
	/** --token-file, readable when checked; connect/precedence.ts decides whether it is the credential sent. */
	readonly tokenFile?: string;
	/** CCI region: the endpoint when --server is not given (also HW_REGION_NAME, HUAWEICLOUD_SDK_REGION_ID). */
	readonly region?: string;
	/** --kubeconfig: an explicit file (KUBECONFIG and ~/.kube/config are found by the loader). */
	readonly kubeconfig?: string;
	readonly context?: string;
	readonly certificateAuthority?: string;
	readonly insecureSkipTlsVerify: boolean;
	readonly allowHttp: boolean;
	/** --debug FILE: request lines (method, URL, status, duration, request id), never headers or bodies. */
	readonly debug?: string;
	/** --actions: the TUI offers its keys that act on the job (a Command, a deletion); read-only without. */
	readonly actions?: boolean;
	/** --record FILE: every version of the job, its pods, PodGroup and events seen, as NDJSON (one job only). */
	readonly record?: string;
	/** `vcjob-watch replay FILE`: the recording the built-in simulator serves (demo is true with it). */
	readonly replay?: string;
	/** --on-finish CMD: run through the user's shell once the job finishes; stopped after timeoutMs (--on-finish-timeout). */
	readonly onFinish?: {readonly command: string; readonly timeoutMs: number};
	/** auto: watch (a stream of changes), poll when the server refuses; --watch: watch only; --poll: poll only. */
	readonly mode: 'auto' | 'watch' | 'poll';
	/** A watch stream silent this long (no event, not even a bookmark) is taken as stalled. */
	readonly watchIdleMs: number;
	readonly intervalMs: number;
	readonly timeoutMs: number;
	readonly maxWaitMs: number;
	/** How long to wait before checking again after 401/403/4xx. */
	readonly recheckMs: number;
	readonly highlightMs: number;
	/** The PodGroup, pods and events: fetched every detailsIntervalMs, or never when false (--no-details). */
	readonly details: boolean;
	readonly detailsIntervalMs: number;
	/** Lines of a failed container's log read once per failure (0: none); needs the details. */
	readonly logLines: number;
	readonly output: OutputMode;
	readonly once: boolean;
	readonly exitOnFinish: boolean;
	readonly demo: boolean;
	readonly scenario?: string;
	readonly speed: number;
	readonly color: boolean;
	/** Full screen (the terminal's alternate screen) in the TUI; off leaves the last frame in the scrollback. */
	readonly altScreen: boolean;
	/** --notify: the bell and a desktop notification at the job's finish ('failures': at its first pod failure too). */
	readonly notify?: 'finish' | 'failures';
	/** The TUI sets the window (or tmux pane) title, and puts the user's back at exit; false with --no-title. */
	readonly title?: boolean;
};
