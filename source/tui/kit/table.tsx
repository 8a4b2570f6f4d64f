import {Box, Text} from 'ink';
import type {Highlight} from '../../state/job-view.js';
import {changeMarker} from './changed-value.js';
import {cellWidth, cutCells, padCells} from './text-width.js';
import {type Style, useTheme} from './theme.js';

export type Cell = {
	readonly text: string;
	readonly highlight?: Highlight | undefined;
	readonly style?: Style | undefined;
};

export type Column = {
	readonly title: string;
	readonly align?: 'left' | 'right';
	/** For the last column, which end to cut when the line is too long: an image's tag is at its end. */
	readonly cut?: 'start' | 'end';
	/**
	 * Cells for the text, whatever the rows hold: longer text is cut with an ellipsis. A table that shows a
	 * window of many rows keeps its columns still this way while it scrolls.
	 */
	readonly width?: number;
};

type Props = {
	readonly columns: readonly Column[];
	readonly rows: ReadonlyArray<readonly Cell[]>;
	/** Rows to show at most, the "+N more" line included. */
	readonly maxRows: number;
	/** Cells available for a line; the last column gets what the others leave. */
	readonly width?: number;
	/**
	 * A table one can move in: every row starts with two cells, "› " on the selected row (index into rows, -1
	 * for none), which also shows in the theme's selected style.
	 */
	readonly selected?: number;
};

const gap = ' ';

type Segment = {readonly key: string; text: string; readonly style: Style | undefined};

/** Equal for styles that draw the same; '' for no style at all. */
function styleKey(style: Style | undefined): string {
	if (!style) return '';
	const key = [style.color ?? '', style.backgroundColor ?? '', style.bold ? 'b' : '', style.dimColor ? 'd' : '', style.inverse ? 'i' : ''].join('/');
	return key === '////' ? '' : key;
}

// Not @alcalzone/ink-table: it draws a grid (three extra lines and a border per row) and styles whole
// columns, while this view needs compact rows and a highlight on one cell at a time.
export function Table({columns, rows, maxRows, width, selected}: Props) {
	const theme = useTheme();
	const selectable = selected !== undefined;
	const prefix = selectable ? 2 : 0;
	// One cell more than the text for the change marker, on every row and on the title.
	const widths = columns.map(
		(column, index) =>
			(column.width ?? Math.max(cellWidth(column.title), ...rows.map(row => cellWidth(row[index]?.text ?? '')))) + 1,
	);
	const last = columns.length - 1;
	if (width !== undefined && last >= 0) {
		const others = prefix + widths.slice(0, last).reduce((sum, cells) => sum + cells + gap.length, 0);
		widths[last] = Math.max(cellWidth(columns[last]!.title) + 1, Math.min(widths[last]!, width - others));
	}

	const visible = rows.length > maxRows ? rows.slice(0, Math.max(0, maxRows - 1)) : rows;
	const hidden = rows.length - visible.length;
	// A row is a few runs of text, one per style, not an element per cell: a table of many rows redraws often,
	// and every element costs layout and output in Ink.
	const segments = (row: readonly Cell[], isSelected: boolean): Segment[] => {
		const runs: Segment[] = [];
		const add = (text: string, style: Style | undefined) => {
			const key = styleKey(style);
			const previous = runs.at(-1);
			if (previous?.key === key) previous.text += text;
			else runs.push({key, text, style});
		};

		if (selectable) add(isSelected ? '› ' : '  ', isSelected ? theme.selected : undefined);
		for (const [index, column] of columns.entries()) {
			const cell = row[index] ?? {text: ''};
			const cells = widths[index]! - 1;
			const text = index === last || column.width !== undefined ? cutCells(cell.text, cells, column.cut) : cell.text;
			const style = cell.highlight ? theme.changed : isSelected ? {...cell.style, ...theme.selected} : cell.style;
			add(padCells(text, cells, column.align) + changeMarker(cell.highlight), style);
			if (index < last) add(gap, isSelected ? theme.selected : undefined);
		}

		return runs;
	};

	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end" {...theme.label}>
				{' '.repeat(prefix)}
				{columns.map((column, index) => padCells(cutCells(column.title, widths[index]! - 1), widths[index]! - 1, column.align) + ' ').join(gap)}
			</Text>
			{visible.map((row, rowIndex) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={rowIndex} wrap="truncate-end">
					{segments(row, rowIndex === selected).map((run, index) =>
						run.key === ''
							? run.text
							: (
									// eslint-disable-next-line react/no-array-index-key
									<Text key={index} {...run.style}>
										{run.text}
									</Text>
								),
					)}
				</Text>
			))}
			{hidden > 0 && <Text {...theme.muted}>+{hidden} more</Text>}
		</Box>
	);
}
