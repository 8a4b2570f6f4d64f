// How many lines each section of the screen gets. A frame taller than the terminal scrolls and
// flickers (Ink redraws it whole and pushes copies into the scrollback), so every frame is planned to
// fit, with one spare line.

export const sectionNames = ['failures', 'podGroup', 'tasks', 'pods', 'events', 'timeline', 'policies', 'recent'] as const;
export type SectionName = (typeof sectionNames)[number];

export type SectionNeed = {
	readonly name: SectionName;
	/** Lines of content it could fill ("+N more" included); 0 shows one line saying there is none. */
	readonly want: number;
	/** Lines it takes besides its content: a title, a table heading. */
	readonly overhead: number;
	/** Lines it gets before the sections after it get theirs (default 2: a row and "+N more" say more than a heading alone). */
	readonly first?: number;
	/** Fewer lines than its first that it still says something in, when those do not fit (a one-line summary). */
	readonly least?: number;
};

export type LayoutInput = {
	readonly rows: number;
	readonly columns: number;
	/** Most important first: the first ones get their lines first. */
	readonly sections: readonly SectionNeed[];
};

export type Layout = {
	/** Phase and pods panels side by side (wide) or stacked (narrow). */
	readonly sideBySide: boolean;
	readonly phaseWidth: number;
	readonly podsWidth: number;
	/** Pod counters in rows of three (wide) or of two (narrower, taller). */
	readonly countersPerRow: 2 | 3;
	/** Content lines for each section; 0 hides it. */
	readonly rows: Readonly<Record<SectionName, number>>;
	/** Lines of the phase and pod counters panels, stacked or side by side. */
	readonly panelsHeight: number;
};

const phaseHeight = 5; // three lines inside a border
// Pod counters: a 17-cell column per counter, plus padding and border; a last line for minAvailable.
const podsWidth = (perRow: 2 | 3) => perRow * 17 + 4;
const podsHeight = (perRow: 2 | 3) => 6 / perRow + 1 + 2;
const phaseMinWidth = 40;

/** Header, two status lines, key hints and the spare line. */
export const chromeLines = 5;

/** Lines for a full view's body (below the header and status, above the hints). */
export function fullViewRows(rows: number, notices: number): number {
	return Math.max(3, rows - notices - chromeLines);
}

/** Lines for sections in priority order: each gets its first few (two unless it says), then as many as it wants. */
export function shareLines(left: number, sections: readonly SectionNeed[]): Record<SectionName, number> {
	const give: Record<SectionName, number> = {failures: 0, podGroup: 0, tasks: 0, pods: 0, events: 0, timeline: 0, policies: 0, recent: 0};
	const fits = new Set<SectionName>();
	for (const section of sections) {
		const wanted = Math.max(1, Math.min(section.want, section.first ?? 2));
		const first = Math.min(wanted, left - section.overhead);
		if (first > 0 && first >= Math.min(wanted, section.least ?? wanted)) {
			give[section.name] = first;
			left -= section.overhead + first;
			fits.add(section.name);
		}
	}

	for (const section of sections) {
		if (fits.has(section.name)) {
			const more = Math.max(0, Math.min(left, section.want - give[section.name]));
			give[section.name] += more;
			left -= more;
		}
	}

	return give;
}

export function planLayout(input: LayoutInput): Layout {
	// Side by side when both fit: counters three to a row on wide terminals, two to a row from about 80
	// columns (one line taller, four lines shorter than stacking). Stacked below that.
	const wide = input.columns >= podsWidth(3) + phaseMinWidth;
	const sideBySide = wide || input.columns >= podsWidth(2) + phaseMinWidth;
	const countersPerRow: 2 | 3 = wide || (!sideBySide && input.columns >= podsWidth(3)) ? 3 : 2;
	const pods = Math.min(input.columns, podsWidth(countersPerRow));
	const phaseWidth = sideBySide ? input.columns - pods : input.columns;
	const panels = sideBySide ? Math.max(phaseHeight, podsHeight(countersPerRow)) : phaseHeight + podsHeight(countersPerRow);
	return {
		sideBySide,
		phaseWidth,
		podsWidth: pods,
		countersPerRow,
		rows: shareLines(input.rows - chromeLines - panels, input.sections),
		panelsHeight: panels,
	};
}
