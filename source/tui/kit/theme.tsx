import {createContext, useContext} from 'react';
import type {TextProps} from 'ink';
import type {PhaseKind} from '../../model/job.js';

export type Style = Pick<TextProps, 'color' | 'backgroundColor' | 'bold' | 'dimColor' | 'inverse'>;

/** Semantic styles: components ask for "phase.running" or "changed", never for a colour. */
export type Theme = {
	readonly color: boolean;
	readonly phase: Readonly<Record<PhaseKind, Style>>;
	readonly changed: Style;
	readonly label: Style;
	readonly muted: Style;
	readonly title: Style;
	readonly ok: Style;
	readonly warning: Style;
	readonly error: Style;
	readonly key: Style;
	/** The row the cursor is on, in a table one moves in. */
	readonly selected: Style;
	readonly border: string | undefined;
};

export const colorTheme: Theme = {
	color: true,
	phase: {
		waiting: {color: 'yellow', bold: true},
		running: {color: 'cyan', bold: true},
		success: {color: 'green', bold: true},
		failure: {color: 'red', bold: true},
		transitional: {color: 'magenta', bold: true},
		unknown: {color: 'white', bold: true},
	},
	changed: {color: 'black', backgroundColor: 'yellow', bold: true},
	label: {color: 'gray'},
	muted: {color: 'gray'},
	title: {bold: true},
	ok: {color: 'green'},
	warning: {color: 'yellow'},
	error: {color: 'red'},
	key: {color: 'cyan', bold: true},
	selected: {inverse: true},
	border: 'gray',
};

// NO_COLOR, --no-color, TERM=dumb: no escape code for style at all. What changed still shows, by its
// marker (↑ ↓ *), which is text.
const plain: Style = {};
export const plainTheme: Theme = {
	color: false,
	phase: {waiting: plain, running: plain, success: plain, failure: plain, transitional: plain, unknown: plain},
	changed: plain,
	label: plain,
	muted: plain,
	title: plain,
	ok: plain,
	warning: plain,
	error: plain,
	key: plain,
	selected: plain,
	border: undefined,
};

const ThemeContext = createContext<Theme>(colorTheme);
export const ThemeProvider = ThemeContext.Provider;

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
