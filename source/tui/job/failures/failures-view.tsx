import {Box, Text} from 'ink';
import {failurePath, type Highlight} from '../../../state/job-view.js';
import type {FailureEvidence} from '../../../watch/failure-watcher.js';
import {line, StyledLines, type Line} from '../../kit/styled-line.js';
import {wrapCells} from '../../kit/text-width.js';
import {useTheme} from '../../kit/theme.js';
import {recordFieldLines, retriesText, titleSegments} from './failure-text.js';
import {scrollText, scrollWindow, type ScrollTop} from '../scroll.js';
import type {Retries} from './failures-panel.js';

type Input = {
	/** Oldest first, as the state keeps them. */
	readonly failures: readonly FailureEvidence[];
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly now: number;
	readonly width: number;
};

/** Every record, newest first, with every field and its whole log tail: what the `f` view scrolls through. */
export function failuresViewLines({failures, highlights, now, width}: Input): Line[] {
	// Messages are wrapped beside their label (13 cells), a few lines each: a stack trace in a termination message keeps its lines.
	const wrap = (text: string) => wrapCells(text, Math.max(10, width - 13), 6);
	return failures.toReversed().flatMap((evidence, index) => [
		// A blank line between records (a space: Ink gives an empty text no line).
		...(index === 0 ? [] : [line(' ')]),
		titleSegments(evidence.record, failures.length - index, now, highlights[failurePath(evidence.record.key)] !== undefined),
		...recordFieldLines(evidence, now, wrap),
	]);
}

const emptyNote =
	"Pods are read when the job's status reports a failure: each failed run is kept here with the end of its log, even after Volcano deletes its pod.";

type Props = Input & {
	/** Lines for the view, its title included. */
	readonly maxRows: number;
	readonly top: ScrollTop;
	readonly retries?: Retries | undefined;
};

/** The `f` view: why each run failed, in full, newest first. */
export function FailuresView({maxRows, top, retries, ...input}: Props) {
	const theme = useTheme();
	if (input.failures.length === 0) {
		return (
			<Box flexDirection="column">
				<Text {...theme.title}>Failures</Text>
				<Text wrap="truncate-end">No failures seen since the watch started.</Text>
				<StyledLines lines={wrapCells(emptyNote, input.width, 4).map(text => line(text, 'muted'))} />
			</Box>
		);
	}

	const lines = failuresViewLines(input);
	const page = Math.max(1, maxRows - 1);
	const {start, end} = scrollWindow(top, lines.length, page);
	const where = scrollText(start, end, lines.length);
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text {...theme.title}>Failures</Text>
				<Text {...theme.muted}>
					{' '}
					{input.failures.length}
					{retriesText(retries)}, newest first{where ? ` · ${where}` : ''}
				</Text>
			</Text>
			<StyledLines lines={lines.slice(start, end)} />
		</Box>
	);
}
