// Every key of the TUI, once, one table per screen family: what is typed, how it is shown, the action it fires,
// on which screen, what it does and whether the hint line names it. The apps dispatch through these tables
// (`dispatchKey` in key-lookup.ts, with a handler per action id: a missing one is a type error); the hint lines
// (`hintsFor`), the `?` overlays (`helpRows`), `--help` (cli/help.ts) and docs/keys.md and README.md (`npm run
// docs`) are made from them; test/tui/keys.test.tsx presses every key of every table and checks its action happened.
//
// Pure data: no React, no Ink, no import (cli/help.ts loads this file for `--help`). Texts may mark `code`
// (common/markup.ts drops the marks on screen).

/**
 * A job's own view: the main view, a full view (`e` `g` `t`; the pods `o` and the failures `f` have keys of their
 * own), a pod's log (`l` in the pods view), or the help. Every key acts on all of them unless said.
 */
export type JobScreen = 'job' | 'job-full' | 'job-pods' | 'job-failures' | 'job-log' | 'job-help';
/** The namespace's table, and its help. */
export type TableScreen = 'table' | 'table-help';
/** The namespace's table while a filter is typed (after `/`). */
export type FilterScreen = 'filter';
/** A confirmation line (with `--actions`, before a Command or a deletion is sent). */
export type ConfirmScreen = 'confirm';
export type Screen = JobScreen | TableScreen | FilterScreen | ConfirmScreen;

/** A key that is not one character. `text` is any printable key no other row of the screen takes. */
export const namedKeys = {
	'ctrl+c': 'Ctrl+C',
	up: '↑',
	down: '↓',
	pageUp: 'PgUp',
	pageDown: 'PgDn',
	home: 'Home',
	end: 'End',
	enter: 'Enter',
	esc: 'Esc',
	backspace: 'Backspace',
	delete: 'Delete',
	space: 'Space',
	text: 'any other key',
} as const;

export type NamedKey = keyof typeof namedKeys;

/**
 * What a row needs to be there: the details panels (not with --no-details), a table to go back to, or the keys
 * that act on the job (--actions, and a server that takes them).
 */
export type Condition = 'details' | 'back' | 'actions';

export type KeyHint<S extends Screen> = {
	/** In the hint line: `q quit`. */
	readonly text: string;
	/** The key as the hint line shows it, when shorter than the row's: `↑↓`. */
	readonly key?: string;
	/** Where the hint line names it (default: every screen of the row). */
	readonly on?: readonly S[];
	/** Before or after the others (default: in table order, between). */
	readonly place?: 'first' | 'last';
};

export type KeyRow<S extends Screen = Screen> = {
	/** Each key as typed (one character, or a `NamedKey`), with the action id it fires. */
	readonly keys: Readonly<Record<string, string>>;
	/** The screens on which these keys act. */
	readonly on: readonly S[];
	/** How the keys are shown, when not their names one after another. */
	readonly shown?: string;
	/** What they do, as the `?` overlay says it. */
	readonly description: string;
	/** More, for `--help` and docs/keys.md only (not the overlay), after the description: a space between, unless it opens with `;`. */
	readonly more?: string;
	readonly hint?: KeyHint<S>;
	readonly needs?: Condition;
};

/** The section a key table is in, on the reference pages and in `--help`. */
export type KeySection = {readonly title: string; readonly intro: string};

const jobEverywhere = ['job', 'job-full', 'job-pods', 'job-failures', 'job-log', 'job-help'] as const;
const onMain = ['job'] as const;
// In a pod's log, p pauses the log: what moves on that screen is the log, not the job's counters.
const jobPausable = ['job', 'job-full', 'job-pods', 'job-failures', 'job-help'] as const;
const scrolled = ['job-failures', 'job-log'] as const;

export const jobKeys = [
	{
		keys: {q: 'quit', 'ctrl+c': 'interrupt'},
		on: jobEverywhere,
		shown: 'q, Ctrl+C',
		description: 'quit and restore the terminal',
		more: '(exit 0; `Ctrl+C`: 130)',
		hint: {key: 'q', text: 'quit', place: 'first'},
	},
	{
		keys: {r: 'refresh'},
		on: jobEverywhere,
		description: 'fetch now (and reopen the watch stream)',
		hint: {text: 'refresh', on: onMain},
	},
	{
		keys: {p: 'pause'},
		on: jobPausable,
		description: 'pause or resume: no request while paused',
		more: '(the status line says so)',
		hint: {text: 'pause', on: onMain},
	},
	{
		keys: {e: 'events'},
		on: jobEverywhere,
		needs: 'details',
		description: 'events of the job, its PodGroup and its troubled pods, full screen',
		hint: {text: 'events', on: onMain},
	},
	{
		keys: {o: 'pods'},
		on: jobEverywhere,
		needs: 'details',
		description: 'pods, trouble first, full screen',
		hint: {text: 'pods', on: onMain},
	},
	{
		keys: {g: 'podGroup'},
		on: jobEverywhere,
		needs: 'details',
		description: 'the PodGroup and its conditions, full screen',
		hint: {text: 'podgroup', on: onMain},
	},
	{keys: {t: 'timeline'}, on: jobEverywhere, description: 'phase timeline, full screen', hint: {text: 'timeline', on: onMain}},
	{
		keys: {f: 'failures'},
		on: jobEverywhere,
		needs: 'details',
		description: 'every failure seen, newest first, with the end of its log, full screen',
		more: '(kept after Volcano deletes the pods)',
		hint: {text: 'failures', on: onMain},
	},
	{keys: {'?': 'help'}, on: jobEverywhere, description: 'show or hide the help', hint: {text: 'help', place: 'last'}},
	{
		keys: {up: 'select-up', down: 'select-down'},
		on: ['job-pods'],
		needs: 'details',
		shown: '↑ ↓',
		description: 'in the pods view: select a pod',
		hint: {key: '↑↓', text: 'select'},
	},
	{
		keys: {l: 'log'},
		on: ['job-pods', 'job-log'],
		needs: 'details',
		description: "in the pods view: the selected pod's log, saved failed runs first, then live",
		more: '; `l` again closes it (one log is followed at a time, only while it is on screen)',
		hint: {text: 'log', on: ['job-pods']},
	},
	{keys: {c: 'container'}, on: ['job-log'], needs: 'details', description: 'in the log: the next container of the pod', hint: {text: 'container'}},
	{
		keys: {p: 'pause-log'},
		on: ['job-log'],
		needs: 'details',
		description: "in the log: pause or resume the log (the job's watch goes on)",
		hint: {text: 'pause log'},
	},
	{
		keys: {up: 'scroll-up', down: 'scroll-down'},
		on: scrolled,
		needs: 'details',
		shown: '↑ ↓',
		description: 'in the failures and the log: scroll',
		hint: {key: '↑↓', text: 'scroll'},
	},
	{
		keys: {pageUp: 'page-up', pageDown: 'page-down', home: 'top', end: 'bottom'},
		on: scrolled,
		needs: 'details',
		shown: 'PgUp PgDn',
		description: 'a page up or down (`Home`, `End`: the top, the end)',
	},
	{
		keys: {esc: 'close-log'},
		on: ['job-log'],
		needs: 'details',
		description: 'in the log: close it, back to the pods',
		more: '(`l` does it too)',
		hint: {text: 'back', place: 'first'},
	},
	{
		keys: {esc: 'main-view'},
		on: ['job-full', 'job-pods', 'job-failures', 'job-help'],
		description: 'back to the main view',
		more: '(the key of a full view, pressed again, does it too)',
		hint: {text: 'back', place: 'first'},
	},
	{
		keys: {S: 'suspend', R: 'resume', X: 'restart', T: 'terminate', C: 'complete', D: 'delete'},
		on: onMain,
		needs: 'actions',
		shown: 'S R X T C D',
		description: 'with `--actions`: suspend, resume, restart, terminate, complete or delete the job, once `y` confirms',
		more: '(AbortJob, ResumeJob, RestartJob, TerminateJob, CompleteJob Commands; a Foreground deletion)',
		hint: {key: 'S R X T C D', text: 'act', on: onMain},
	},
	{
		keys: {esc: 'jobs'},
		on: onMain,
		needs: 'back',
		description: "back to the namespace's table, from a job opened there",
		hint: {text: 'jobs', place: 'first'},
	},
] as const satisfies ReadonlyArray<KeyRow<JobScreen>>;

const tableEverywhere = ['table', 'table-help'] as const;
const onTable = ['table'] as const;

export const tableKeys = [
	{
		keys: {up: 'up', down: 'down', j: 'down', k: 'up'},
		on: onTable,
		shown: '↑ ↓  j k',
		description: 'move the selection',
		more: '(the window scrolls to keep it on screen)',
		hint: {key: '↑↓', text: 'move'},
	},
	{
		keys: {pageUp: 'page-up', pageDown: 'page-down', space: 'page-down'},
		on: onTable,
		shown: 'PgUp PgDn',
		description: 'a page up or down (`Space`: down too)',
	},
	{
		keys: {home: 'first', end: 'last', g: 'first', G: 'last'},
		on: onTable,
		shown: 'Home End',
		description: 'the first or last job (`g`, `G` too)',
	},
	{
		keys: {enter: 'open'},
		on: onTable,
		description: "open the selected job's own view (`Esc` comes back)",
		hint: {text: 'open'},
	},
	{
		keys: {'/': 'filter'},
		on: onTable,
		description: 'filter by name: type part of it, `Enter` keeps it, `Esc` clears it',
		more: '(any case)',
		hint: {text: 'filter'},
	},
	{keys: {esc: 'clear-filter'}, on: onTable, description: 'clear the filter'},
	{
		keys: {s: 'sort'},
		on: onTable,
		description: 'sort: name, phase (trouble first), age (newest first), recent change',
		more: '; trouble first: failed, then between states, waiting, running, done',
		hint: {text: 'sort'},
	},
	{keys: {r: 'refresh'}, on: onTable, description: 'list now'},
	{keys: {p: 'pause'}, on: onTable, description: 'pause or resume'},
	{keys: {'?': 'help'}, on: tableEverywhere, description: 'show or hide the help', hint: {text: 'help', place: 'last'}},
	{keys: {esc: 'close-help'}, on: ['table-help'], description: 'hide the help'},
	{
		keys: {q: 'quit', 'ctrl+c': 'interrupt'},
		on: tableEverywhere,
		shown: 'q, Ctrl+C',
		description: 'quit and restore the terminal',
		more: '(exit 0; `Ctrl+C`: 130); one line of record stays in the scrollback (`… jobs=192 Failed=14 …`)',
		hint: {key: 'q', text: 'quit', place: 'first'},
	},
] as const satisfies ReadonlyArray<KeyRow<TableScreen>>;

const onFilter = ['filter'] as const;

export const filterKeys = [
	{keys: {text: 'type'}, on: onFilter, description: 'typed into the filter, `q` and `s` too; any case matches'},
	{keys: {backspace: 'erase', delete: 'erase'}, on: onFilter, description: 'delete the last character'},
	{keys: {enter: 'keep'}, on: onFilter, description: "keep the filter, back to the table's keys", hint: {text: 'keeps'}},
	{keys: {esc: 'clear'}, on: onFilter, description: 'clear the filter', hint: {text: 'clears'}},
	{keys: {up: 'up', down: 'down'}, on: onFilter, description: 'move the selection'},
	{keys: {'ctrl+c': 'interrupt'}, on: onFilter, description: 'quit (exit 130) and restore the terminal'},
] as const satisfies ReadonlyArray<KeyRow<FilterScreen>>;

const onConfirm = ['confirm'] as const;

export const confirmKeys = [
	{keys: {y: 'confirm'}, on: onConfirm, description: 'send the action the line names', hint: {text: 'send'}},
	{keys: {text: 'cancel', esc: 'cancel', enter: 'cancel', space: 'cancel'}, on: onConfirm, description: 'any other key cancels', hint: {key: 'any other key', text: 'cancels'}},
	{keys: {'ctrl+c': 'interrupt'}, on: onConfirm, description: 'quit (exit 130) and restore the terminal'},
] as const satisfies ReadonlyArray<KeyRow<ConfirmScreen>>;

/** The tables, in the order the reference pages and `--help` list them. */
export const keySections = {
	job: {
		title: "A job's view",
		intro:
			"`vcjob-watch NAME`, or a job opened from the namespace's table with `Enter`. Its keys act alike in the main view, the full views (`e` `o` `g` `t` `f`) and the help, but `Esc`: from a full view or the help it goes back to the main view, and from there to the table the job was opened from. The pods view (`o`) selects a pod and opens its log (`l`); there `p` pauses the log and `Esc` goes back to the pods.",
		rows: jobKeys as ReadonlyArray<KeyRow<JobScreen>>,
	},
	table: {
		title: "The namespace's table",
		intro: '`vcjob-watch -n NS` without a NAME.',
		rows: tableKeys as ReadonlyArray<KeyRow<TableScreen>>,
	},
	filter: {
		title: 'Typing a filter',
		intro: "In the namespace's table, from `/` until `Enter` or `Esc`.",
		rows: filterKeys as ReadonlyArray<KeyRow<FilterScreen>>,
	},
	confirm: {
		title: 'Confirming an action',
		intro: "With `--actions`, after `S` `R` `X` `T` `C` or `D` in a job's view: the line names the job and what will happen.",
		rows: confirmKeys as ReadonlyArray<KeyRow<ConfirmScreen>>,
	},
} as const;

type RowsActions<R> = R extends {readonly keys: infer K} ? K[keyof K] : never;
/** The action ids of a key table. */
export type ActionOf<Rows extends readonly unknown[]> = RowsActions<Rows[number]>;
export type JobAction = ActionOf<typeof jobKeys>;
export type TableAction = ActionOf<typeof tableKeys>;
export type FilterAction = ActionOf<typeof filterKeys>;
export type ConfirmAction = ActionOf<typeof confirmKeys>;
