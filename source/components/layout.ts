// How many lines each section of the screen gets. A frame taller than the terminal scrolls and
// flickers (Ink redraws it whole and pushes copies into the scrollback), so every frame is planned to
// fit, with one spare line.

export type LayoutInput = {
	readonly rows: number;
	readonly columns: number;
	readonly tasks: number;
	readonly policies: number;
	readonly recent: number;
};

export type Layout = {
	/** Phase and pods panels side by side (wide) or stacked (narrow). */
	readonly sideBySide: boolean;
	readonly phaseWidth: number;
	readonly podsWidth: number;
	/** Pod counters in rows of three (wide) or of two (narrower, taller). */
	readonly countersPerRow: 2 | 3;
	/** Rows for each list, its "+N more" line included; 0 hides the section. */
	readonly tasks: number;
	readonly policies: number;
	readonly recent: number;
};

const phaseHeight = 5; // three lines inside a border
// Pod counters: a 17-cell column per counter, plus padding and border; a last line for minAvailable.
const podsWidth = (perRow: 2 | 3) => perRow * 17 + 4;
const podsHeight = (perRow: 2 | 3) => 6 / perRow + 1 + 2;
const phaseMinWidth = 40;

export function planLayout(input: LayoutInput): Layout {
	// Side by side when both fit: counters three to a row on wide terminals, two to a row from about 80
	// columns (one line taller, four lines shorter than stacking). Stacked below that.
	const wide = input.columns >= podsWidth(3) + phaseMinWidth;
	const sideBySide = wide || input.columns >= podsWidth(2) + phaseMinWidth;
	const countersPerRow: 2 | 3 = wide || (!sideBySide && input.columns >= podsWidth(3)) ? 3 : 2;
	const pods = Math.min(input.columns, podsWidth(countersPerRow));
	const phaseWidth = sideBySide ? input.columns - pods : input.columns;
	const panels = sideBySide ? Math.max(phaseHeight, podsHeight(countersPerRow)) : phaseHeight + podsHeight(countersPerRow);
	// Header, two status lines, key hints, the spare line, and the panels.
	let left = input.rows - 5 - panels;

	// Titles and table headings: tasks 2, policies 2, recent 1. An empty list is one line ("none").
	const overhead = {tasks: input.tasks === 0 ? 1 : 2, policies: input.policies === 0 ? 1 : 2, recent: 1};
	const want = {tasks: input.tasks, policies: input.policies, recent: Math.max(1, input.recent)};
	const give = {tasks: 0, policies: 0, recent: 0};

	// Each list first gets up to two lines (one row and "+N more" say more than a heading alone), in
	// order of importance, then as many as it wants in the same order.
	for (const section of ['tasks', 'policies', 'recent'] as const) {
		const first = Math.min(want[section], 2);
		if (left >= overhead[section] + first) {
			give[section] = first;
			left -= overhead[section] + first;
		} else {
			give[section] = -1; // does not fit at all
		}
	}

	for (const section of ['tasks', 'policies', 'recent'] as const) {
		if (give[section] > 0) {
			const more = Math.min(left, want[section] - give[section]);
			give[section] += more;
			left -= more;
		}
	}

	const rowsFor = (section: 'tasks' | 'policies' | 'recent') =>
		give[section] < 0 ? 0 : want[section] === 0 ? 1 : give[section];
	return {sideBySide, phaseWidth, podsWidth: pods, countersPerRow, tasks: rowsFor('tasks'), policies: rowsFor('policies'), recent: rowsFor('recent')};
}
