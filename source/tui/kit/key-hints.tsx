import {Text} from 'ink';
import {plainText} from '../../common/markup.js';
import type {HelpRow, Hint} from '../key-lookup.js';
import {padCells} from './text-width.js';
import {useTheme} from './theme.js';

/** The one-line reminder at the bottom of a screen: `q quit · r refresh · ? help` (from tui/keys.ts's `hintsFor`). */
export function KeyHints({hints}: {readonly hints: readonly Hint[]}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" {...theme.muted}>
			{hints.map(({key, text}, index) => (
				<Text key={`${key} ${text}`}>
					{index === 0 ? '' : ' · '}
					<Text {...theme.key}>{key}</Text> {text}
				</Text>
			))}
		</Text>
	);
}

/** The lines of a `?` overlay: each row's keys in a column, then what they do (from tui/keys.ts's `helpRows`). */
export function KeyLines({rows}: {readonly rows: readonly HelpRow[]}) {
	const theme = useTheme();
	return rows.map(({keys, description}) => (
		<Text key={`${keys} ${description}`} wrap="truncate-end">
			<Text {...theme.key}>{padCells(keys, 11)}</Text>
			<Text>{plainText(description)}</Text>
		</Text>
	));
}
