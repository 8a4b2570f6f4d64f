// The functions over the key tables of keys.ts: which action a key fires on a screen (`dispatchKey`, for both
// apps), how a key is shown, the `?` overlays' lines (`helpRows`) and the hint lines (`hintsFor`); cli/help.ts and
// `npm run docs` use the labels.
//
// Pure functions: no React, no Ink (cli/help.ts loads this file for `--help`).
import {namedKeys, type Condition, type KeyRow, type NamedKey, type Screen} from './keys.js';

/** One function per action id of a table; `input` is what was typed (the text of a `text` key). */
export type KeyHandlers<Action extends string> = {readonly [A in Action]: (input: string) => void};

/** The key flags Ink's useInput passes (declared here, so that no React or Ink is loaded). */
export type KeyFlags = {
	readonly ctrl: boolean;
	readonly meta: boolean;
	readonly upArrow: boolean;
	readonly downArrow: boolean;
	readonly pageUp: boolean;
	readonly pageDown: boolean;
	readonly home: boolean;
	readonly end: boolean;
	readonly return: boolean;
	readonly escape: boolean;
	readonly backspace: boolean;
	readonly delete: boolean;
};

/** The key as the tables name it: a `NamedKey`, else the character typed ('' for none, or for a paste). */
export function keyName(input: string, key: KeyFlags): string {
	if (key.ctrl && input === 'c') return 'ctrl+c';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.pageUp) return 'pageUp';
	if (key.pageDown) return 'pageDown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'esc';
	if (key.backspace) return 'backspace';
	if (key.delete) return 'delete';
	if (input === ' ') return 'space';
	// One character is a key; more is a paste, which only a `text` row takes.
	return [...input].length === 1 ? input : '';
}

function present(row: KeyRow<Screen>, has: Partial<Record<Condition, boolean>>): boolean {
	return row.needs === undefined || has[row.needs] === true;
}

/** The action a key fires on a screen, if any: a row's own key first, else (printable) a `text` row's. */
export function actionFor<Action extends string, S extends Screen>(
	rows: ReadonlyArray<KeyRow<S>>,
	screen: S,
	input: string,
	key: KeyFlags,
	has: Partial<Record<Condition, boolean>> = {},
): Action | undefined {
	const name = keyName(input, key);
	const active = rows.filter(row => row.on.includes(screen) && present(row, has));
	for (const row of active) {
		if (Object.hasOwn(row.keys, name)) return row.keys[name] as Action;
	}

	if (key.ctrl || key.meta || input === '') return undefined;
	const typed = active.find(row => Object.hasOwn(row.keys, 'text'));
	return typed?.keys['text'] as Action | undefined;
}

/** Runs the handler of the action a key fires on a screen; true when there was one. */
export function dispatchKey<Action extends string, S extends Screen>(
	rows: ReadonlyArray<KeyRow<S>>,
	handlers: KeyHandlers<Action>,
	screen: S,
	input: string,
	key: KeyFlags,
	has: Partial<Record<Condition, boolean>> = {},
): boolean {
	const action = actionFor<Action, S>(rows, screen, input, key, has);
	if (action === undefined) return false;
	handlers[action](input);
	return true;
}

/** `Esc`, `Ctrl+C`, `q`. */
export function keyLabel(name: string): string {
	return Object.hasOwn(namedKeys, name) ? namedKeys[name as NamedKey] : name;
}

/** The row's keys as shown: its `shown`, else each key's label. */
export function shownKeys(row: KeyRow<Screen>): string {
	return row.shown ?? Object.keys(row.keys).map(keyLabel).join(' ');
}

export type HelpRow = {readonly keys: string; readonly description: string};

/** The `?` overlay's lines: the rows acting on any of these screens, in table order (texts still marked). */
export function helpRows<S extends Screen>(
	rows: ReadonlyArray<KeyRow<S>>,
	screens: readonly S[],
	has: Partial<Record<Condition, boolean>> = {},
): HelpRow[] {
	return rows
		.filter(row => row.on.some(screen => screens.includes(screen)) && present(row, has))
		.map(row => ({keys: shownKeys(row), description: row.description}));
}

export type Hint = {readonly key: string; readonly text: string};

const placeOrder = {first: 0, between: 1, last: 2} as const;

/** The hint line of a screen: `q quit · r refresh · … · ? help`. */
export function hintsFor<S extends Screen>(
	rows: ReadonlyArray<KeyRow<S>>,
	screen: S,
	has: Partial<Record<Condition, boolean>> = {},
): Hint[] {
	return rows
		.filter(row => row.hint !== undefined && (row.hint.on ?? row.on).includes(screen) && present(row, has))
		.map((row, index) => ({row, index, place: placeOrder[row.hint!.place ?? 'between']}))
		.sort((a, b) => a.place - b.place || a.index - b.index)
		.map(({row}) => ({key: row.hint!.key ?? shownKeys(row), text: row.hint!.text}));
}
