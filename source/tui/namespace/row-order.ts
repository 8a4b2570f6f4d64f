import {changedSince, type NamespaceRow, type NamespaceState} from '../../state/namespace-state.js';
import {compareRows, passesFilter, rowKey, visibleRows, type SortOrder} from './namespace-view.js';
import {longestName} from './jobs-table.js';

/**
 * visibleRows kept from frame to frame: sorting every row again for each frame cost more than the changes, so
 * only the rows changed since the last call move (taken out, put back where the order says). A new filter or
 * order, or changes further back than the state keeps, sort them all again. One per table.
 */
export type RowOrder = {
	/** What visibleRows(state.rows, filter, sort) gives: the same rows, in the same order. */
	readonly rows: (state: Pick<NamespaceState, 'rows' | 'version' | 'changes'>, filter: string, sort: SortOrder) => readonly NamespaceRow[];
	/** longestName of the list rows() last gave, kept with it rather than counted again for each frame. */
	readonly longestName: () => number;
};

type Kept = {
	readonly source: ReadonlyMap<string, NamespaceRow>;
	readonly filter: string;
	readonly sort: SortOrder;
	version: number;
	readonly list: NamespaceRow[];
	/** Each key's row as it stands in list: where to find it when it changes. */
	readonly placed: Map<string, NamespaceRow>;
	/** A copy of list for the callers, made again only when list changed. */
	shown: readonly NamespaceRow[];
	/** The longest name in list; undefined when the row that had it went (counted again when asked). */
	longest: number | undefined;
};

function sortAll(state: Pick<NamespaceState, 'rows' | 'version'>, filter: string, sort: SortOrder): Kept {
	const list = visibleRows(state.rows, filter, sort);
	const placed = new Map<string, NamespaceRow>();
	for (const row of list) placed.set(rowKey(row), row);
	return {source: state.rows, filter, sort, version: state.version, list, placed, shown: list.slice(), longest: undefined};
}

/** The first index whose row does not come before `row` (with `after`, the first that comes after it). */
function bound(list: readonly NamespaceRow[], row: NamespaceRow, compare: (a: NamespaceRow, b: NamespaceRow) => number, after: boolean): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		const order = compare(list[middle]!, row);
		if (order < 0 || (after && order === 0)) low = middle + 1;
		else high = middle;
	}

	return low;
}

/** Moves the changed rows in place; false when the list is not what it should be and must be sorted again. */
function moveChanged(kept: Kept, rows: ReadonlyMap<string, NamespaceRow>, changed: ReadonlySet<string>): boolean {
	const compare = compareRows(kept.sort);
	const needle = kept.filter.toLowerCase();
	for (const key of changed) {
		const old = kept.placed.get(key);
		if (old !== undefined) {
			const index = bound(kept.list, old, compare, false);
			if (kept.list[index] !== old) return false;
			kept.list.splice(index, 1);
			kept.placed.delete(key);
			if (old.job.name.length === kept.longest) kept.longest = undefined;
		}

		const row = rows.get(key);
		if (row !== undefined && passesFilter(row, needle)) {
			kept.list.splice(bound(kept.list, row, compare, true), 0, row);
			kept.placed.set(key, row);
			if (kept.longest !== undefined) kept.longest = Math.max(kept.longest, row.job.name.length);
		}
	}

	return true;
}

export function createRowOrder(): RowOrder {
	let kept: Kept | undefined;
	return {
		rows(state, filter, sort) {
			if (kept?.source !== state.rows || kept.filter !== filter || kept.sort !== sort) {
				kept = sortAll(state, filter, sort);
				return kept.shown;
			}

			if (kept.version === state.version) return kept.shown;
			const changed = changedSince(state, kept.version);
			// Each row moved is a search and a shift of the list; past a point one sort of all of them costs less.
			if (changed === undefined || changed.size * 8 > Math.max(kept.list.length, 512) || !moveChanged(kept, state.rows, changed)) {
				kept = sortAll(state, filter, sort);
				return kept.shown;
			}

			kept.version = state.version;
			kept.shown = kept.list.slice();
			return kept.shown;
		},
		longestName() {
			if (kept === undefined) return 0;
			kept.longest ??= longestName(kept.list);
			return kept.longest;
		},
	};
}
