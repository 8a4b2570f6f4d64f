import {Box, Text} from 'ink';
import type {View} from './screen-plan.js';
import {padCells} from '../kit/text-width.js';
import {useTheme} from '../kit/theme.js';

const commonKeys: ReadonlyArray<readonly [string, string]> = [
	['q, Ctrl+C', 'quit and restore the terminal'],
	['r', 'fetch now (and reopen the watch stream)'],
	['p', 'pause or resume: no request while paused'],
];

const detailKeys: ReadonlyArray<readonly [string, string]> = [
	['e', 'events of the job, its PodGroup and its pods, full screen'],
	['o', 'pods, trouble first, full screen'],
	['g', 'the PodGroup and its conditions, full screen'],
];

const closingKeys: ReadonlyArray<readonly [string, string]> = [
	['t', 'phase timeline, full screen'],
	['?', 'show or hide this help'],
	['Esc', 'back to the main view'],
];

export function keyBindings(details = true): ReadonlyArray<readonly [string, string]> {
	return [...commonKeys, ...(details ? detailKeys : []), ...closingKeys];
}

/** Every key, with what it does. */
export function HelpOverlay({details = true}: {readonly details?: boolean}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1}>
			<Text {...theme.title}>Keys</Text>
			{keyBindings(details).map(([key, what]) => (
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
export function KeyHints({view = 'main', details = true, back = false}: {readonly view?: View; readonly details?: boolean; readonly back?: boolean}) {
	const theme = useTheme();
	const hint = (key: string, what: string) => (
		<Text key={key}>
			{' · '}
			<Text {...theme.key}>{key}</Text> {what}
		</Text>
	);
	return (
		<Text wrap="truncate-end" {...theme.muted}>
			<Text {...theme.key}>q</Text> quit
			{view === 'main' ? (
				<>
					{back && hint('Esc', 'jobs')}
					{hint('r', 'refresh')}
					{hint('p', 'pause')}
					{details && hint('e', 'events')}
					{details && hint('o', 'pods')}
					{details && hint('g', 'podgroup')}
					{hint('t', 'timeline')}
				</>
			) : (
				hint('Esc', 'back')
			)}
			{hint('?', 'help')}
		</Text>
	);
}
