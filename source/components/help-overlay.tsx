import {Box, Text} from 'ink';
import {padCells} from './text-width.js';
import {useTheme} from './theme.js';

export const keyBindings: ReadonlyArray<readonly [string, string]> = [
	['q, Ctrl+C', 'quit and restore the terminal'],
	['r', 'poll now'],
	['p', 'pause or resume polling'],
	['?', 'show or hide this help'],
	['Esc', 'close this help'],
];

/** Every key, with what it does. */
export function HelpOverlay() {
	const theme = useTheme();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1}>
			<Text {...theme.title}>Keys</Text>
			{keyBindings.map(([key, what]) => (
				<Text key={key} wrap="truncate-end">
					<Text {...theme.key}>{padCells(key, 11)}</Text>
					<Text>{what}</Text>
				</Text>
			))}
			<Text {...theme.muted} wrap="truncate-end">
				Changed values stand out for a few seconds, marked ↑ ↓ or *.
			</Text>
		</Box>
	);
}

/** The one-line reminder at the bottom. */
export function KeyHints() {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" {...theme.muted}>
			<Text {...theme.key}>q</Text> quit · <Text {...theme.key}>r</Text> poll now · <Text {...theme.key}>p</Text>{' '}
			pause · <Text {...theme.key}>?</Text> help
		</Text>
	);
}
