import {Box, Text} from 'ink';
import type {Highlight} from '../core/watch-state.js';
import {changeMarker} from './changed-value.js';
import {cellWidth, padCells} from './text-width.js';
import {type Style, useTheme} from './theme.js';

export type Cell = {
	readonly text: string;
	readonly highlight?: Highlight | undefined;
	readonly style?: Style | undefined;
};

export type Column = {
	readonly title: string;
	readonly align?: 'left' | 'right';
};

type Props = {
	readonly columns: readonly Column[];
	readonly rows: ReadonlyArray<readonly Cell[]>;
	/** Rows to show at most, the "+N more" line included. */
	readonly maxRows: number;
};

const gap = '  ';

// Not @alcalzone/ink-table: it draws a grid (three extra lines and a border per row) and styles whole
// columns, while this view needs compact rows and a highlight on one cell at a time.
export function Table({columns, rows, maxRows}: Props) {
	const theme = useTheme();
	const widths = columns.map((column, index) =>
		// One cell more than the text for the change marker, on every row and on the title.
		Math.max(cellWidth(column.title), ...rows.map(row => cellWidth(row[index]?.text ?? ''))) + 1,
	);
	const visible = rows.length > maxRows ? rows.slice(0, Math.max(0, maxRows - 1)) : rows;
	const hidden = rows.length - visible.length;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end" {...theme.label}>
				{columns.map((column, index) => padCells(column.title, widths[index]! - 1, column.align) + ' ').join(gap)}
			</Text>
			{visible.map((row, rowIndex) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={rowIndex} wrap="truncate-end">
					{columns.map((column, index) => {
						const cell = row[index] ?? {text: ''};
						const marker = changeMarker(cell.highlight);
						const width = widths[index]! - 1;
						return (
							// eslint-disable-next-line react/no-array-index-key
							<Text key={index}>
								<Text {...(cell.highlight ? theme.changed : cell.style)}>
									{padCells(cell.text, width, column.align)}
									{marker}
								</Text>
								{index < columns.length - 1 ? gap : ''}
							</Text>
						);
					})}
				</Text>
			))}
			{hidden > 0 && <Text {...theme.muted}>+{hidden} more</Text>}
		</Box>
	);
}
