import {Box, Text} from 'ink';
import {helpRows} from '../key-lookup.js';
import {tableKeys} from '../keys.js';
import {KeyLines} from '../kit/key-hints.js';
import {useTheme} from '../kit/theme.js';

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
