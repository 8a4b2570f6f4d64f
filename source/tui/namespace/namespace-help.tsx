import {Box, Text} from 'ink';
import {padCells} from '../kit/text-width.js';
import {useTheme} from '../kit/theme.js';

export const namespaceKeyBindings: ReadonlyArray<readonly [string, string]> = [
	['↑ ↓  j k', 'move the selection'],
	['PgUp PgDn', 'a page up or down; Home, End: the first or last job'],
	['Enter', "open the selected job's own view (Esc comes back)"],
	['/', 'filter by name: type part of it, Enter keeps it, Esc clears it'],
	['s', 'sort: name, phase (trouble first), age (newest first), recent change'],
	['r', 'list now'],
	['p', 'pause or resume'],
	['?', 'show or hide this help'],
	['q, Ctrl+C', 'quit and restore the terminal'],
];

/** Every key of the table, cut to the lines there are. */
export function NamespaceHelp({maxRows}: {readonly maxRows: number}) {
	const theme = useTheme();
	const lines = namespaceKeyBindings.slice(0, Math.max(0, maxRows - 1));
	return (
		<Box flexDirection="column">
			<Text {...theme.title}>Keys</Text>
			{lines.map(([key, what]) => (
				<Text key={key} wrap="truncate-end">
					<Text {...theme.key}>{padCells(key, 11)}</Text>
					<Text>{what}</Text>
				</Text>
			))}
		</Box>
	);
}
