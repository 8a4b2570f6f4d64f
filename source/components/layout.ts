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
	/** Rows for each list, its "+N more" line included; 0 hides the section. */
	readonly tasks: number;
	readonly policies: number;
	readonly recent: number;
};

const panelHeight = 5; // three lines inside a border
const podsMinWidth = 56;
const phaseMinWidth = 40;

export function planLayout(input: LayoutInput): Layout {
	const sideBySide = input.columns >= podsMinWidth + phaseMinWidth;
	const phaseWidth = sideBySide ? input.columns - podsMinWidth : input.columns;
	const podsWidth = sideBySide ? podsMinWidth : Math.min(input.columns, podsMinWidth);
	// Header, two status lines, key hints, the spare line, and the panels.
	let left = input.rows - 5 - (sideBySide ? panelHeight : panelHeight * 2);

	// Titles and table headings: tasks 2, policies 2, recent 1. An empty list is one line ("none").
	const overhead = {tasks: input.tasks === 0 ? 1 : 2, policies: input.policies === 0 ? 1 : 2, recent: 1};
	const want = {tasks: input.tasks, policies: input.policies, recent: Math.max(1, input.recent)};
	const give = {tasks: 0, policies: 0, recent: 0};

	// Each list first gets one line, in order of importance, then as many as it wants in the same order.
	for (const section of ['tasks', 'policies', 'recent'] as const) {
		if (left >= overhead[section] + 1 || (want[section] === 0 && left >= overhead[section])) {
			give[section] = want[section] === 0 ? 0 : 1;
			left -= overhead[section] + give[section];
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
	return {sideBySide, phaseWidth, podsWidth, tasks: rowsFor('tasks'), policies: rowsFor('policies'), recent: rowsFor('recent')};
}
