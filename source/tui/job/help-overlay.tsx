import {Box, Text} from 'ink';
import type {View} from './screen-plan.js';
import {helpRows, hintsFor} from '../key-lookup.js';
import {jobKeys, type JobScreen} from '../keys.js';
import {KeyHints as HintLine, KeyLines} from '../kit/key-hints.js';
import {useTheme} from '../kit/theme.js';

const screens: Readonly<Partial<Record<View, JobScreen>>> = {
	main: 'job',
	help: 'job-help',
	pods: 'job-pods',
	failures: 'job-failures',
	log: 'job-log',
};

/** The key table's screen for a view of the job: the main view, a full view (the pods and failures have keys of their own), a log, or the help. */
export function jobScreen(view: View): JobScreen {
	return screens[view] ?? 'job-full';
}

const viewNames: Readonly<Partial<Record<View, string>>> = {pods: 'the pods view', failures: 'the failures', log: 'the log'};

function rowsFor(from: View, details: boolean, back: boolean, actions = false) {
	return helpRows(jobKeys, from === 'main' ? ['job', 'job-help'] : [jobScreen(from)], {details, back, actions});
}

/** The overlay's lines: its rows, the title and the note, the border. */
export function helpOverlayHeight(from: View, details: boolean, back: boolean, actions = false): number {
	return rowsFor(from, details, back, actions).length + 4;
}

/**
 * The keys of the view the help was opened from, with what they do (tui/keys.ts's `jobKeys`; the panel keys only
 * with details, Esc to the table only from it): one view's keys fit a small terminal where every view's do not.
 */
export function HelpOverlay({
	details = true,
	back = false,
	from = 'main',
	actions = false,
}: {
	readonly details?: boolean;
	readonly back?: boolean;
	readonly from?: View;
	readonly actions?: boolean;
}) {
	const theme = useTheme();
	const name = viewNames[from];
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1}>
			<Text wrap="truncate-end">
				<Text {...theme.title}>Keys{name ? ` in ${name}` : ''}</Text>
				{from === 'main' && details ? <Text {...theme.muted}> · ? in the pods view, the failures or the log lists theirs</Text> : undefined}
			</Text>
			<KeyLines rows={rowsFor(from, details, back, actions)} />
			<Text {...theme.muted} wrap="truncate-end">
				Changed values stand out for a few seconds, marked ↑ ↓ or *.
			</Text>
		</Box>
	);
}

/** The one-line reminder at the bottom. */
export function KeyHints({
	view = 'main',
	details = true,
	back = false,
	actions = false,
}: {
	readonly view?: View;
	readonly details?: boolean;
	readonly back?: boolean;
	readonly actions?: boolean;
}) {
	return <HintLine hints={hintsFor(jobKeys, jobScreen(view), {details, back, actions})} />;
}
