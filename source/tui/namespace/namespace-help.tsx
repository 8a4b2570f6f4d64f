import {Box, Text} from 'ink';
import {plainText} from '../../common/markup.js';
import {helpRows, tableKeys} from '../keys.js';
import {KeyLines} from '../kit/key-hints.js';
import {useTheme} from '../kit/theme.js';

/** The table's keys as the overlay lists them (tui/keys.ts's `tableKeys`): what is shown, and what it does. */
export const namespaceKeyBindings: ReadonlyArray<readonly [string, string]> = helpRows(tableKeys, ['table', 'table-help']).map(
	({keys, description}) => [keys, plainText(description)] as const,
);

/** Every key of the table, cut to the lines there are. */
export function NamespaceHelp({maxRows}: {readonly maxRows: number}) {
	const theme = useTheme();
	const rows = helpRows(tableKeys, ['table', 'table-help']).slice(0, Math.max(0, maxRows - 1));
	return (
		<Box flexDirection="column">
			<Text {...theme.title}>Keys</Text>
			<KeyLines rows={rows} />
		</Box>
	);
}
