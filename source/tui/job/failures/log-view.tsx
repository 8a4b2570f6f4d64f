import {Box, Text} from 'ink';
import {formatClock} from '../../../common/duration.js';
import type {FailureEvidence} from '../../../watch/failure-watcher.js';
import type {LogFollowState} from '../../../watch/log-follower.js';
import {line, StyledLines, styleOf, type Line, type Segment} from '../../kit/styled-line.js';
import {useTheme} from '../../kit/theme.js';
import {exitText, failedAt, logTailLines} from './failure-text.js';
import {savedFor, type LogTarget} from './pod-log.js';
import {scrollText, scrollWindow, type ScrollTop} from '../scroll.js';

/** The followed log as the view shows it: its lines held as they were while paused here. */
export type ShownLog = {readonly state: LogFollowState | undefined; readonly paused: boolean};

type Input = {
	readonly target: LogTarget;
	/** Every failure record, oldest first: the pod's own are shown first. */
	readonly failures: readonly FailureEvidence[];
	readonly log: ShownLog;
};

function savedHead({record}: FailureEvidence): Line {
	const run = record.run === undefined ? '' : `run ${record.run}, `;
	const uid = record.podUid ? ` · pod uid ${record.podUid.slice(0, 8)}` : '';
	return [
		{text: '── saved: ', tone: 'label'},
		{text: `${run}${exitText(record)}`, tone: 'error'},
		{text: ` · ${formatClock(failedAt(record))}${uid} ──`, tone: 'label'},
	];
}

/** The termination message, unless it is only the log's last line again (FallbackToLogsOnError, or a program that says it twice). */
function messageOf({record, log}: FailureEvidence): readonly string[] {
	const message = record.message ?? [];
	const last = log.status === 'lines' ? log.lines.at(-1)?.trim() : undefined;
	return message.length === 1 && message[0]!.trim() === last ? [] : message;
}

/** The saved end of each failed run of this container, oldest first, then the live log (or why there is none). */
export function logViewLines({target, failures, log}: Input): Line[] {
	const saved = savedFor(target, failures);
	const lines: Line[] = saved.flatMap(evidence => [
		savedHead(evidence),
		...messageOf(evidence).map(text => line(`  ${text}`, 'warning')),
		...logTailLines(evidence.log),
	]);
	if (saved.length === 0) lines.push(line('no failed run of this container seen: no saved log', 'muted'));
	if (target.noLive !== undefined) {
		lines.push(line(`── ${target.noLive} ──`, 'muted'));
		return lines;
	}

	lines.push(line('── live ──', 'label'), ...(log.state?.lines ?? []).map(text => line(text)));
	if (log.state?.note) lines.push(line(log.state.note, 'warning'));
	return lines;
}

/** Where the live log is: connecting, following, paused, ended, or why it cannot be read. */
export function logStatus(target: LogTarget, log: ShownLog): Segment {
	if (target.noLive !== undefined) return {text: 'saved only', tone: 'muted'};
	if (log.paused) return {text: 'paused (p resumes)', tone: 'warning'};
	switch (log.state?.status) {
		case undefined:
		case 'connecting': {
			return {text: 'connecting…', tone: 'muted'};
		}

		case 'following': {
			return {text: 'following', tone: 'ok'};
		}

		case 'paused': {
			return {text: 'paused', tone: 'warning'};
		}

		case 'ended': {
			return {text: 'ended: the container stopped', tone: 'muted'};
		}

		case 'unavailable': {
			return {text: 'unavailable', tone: 'warning'};
		}

		case 'error': {
			return {text: 'error, retrying', tone: 'warning'};
		}
	}
}

type Props = Input & {
	/** The pod's containers whose names are known: `c` goes to the next. */
	readonly containers: readonly string[];
	/** Lines for the view, its title included. */
	readonly maxRows: number;
	readonly top: ScrollTop;
};

/** A pod's log: what its failed runs left, then the lines as they come. */
export function LogView({containers, maxRows, top, ...input}: Props) {
	const theme = useTheme();
	const {target} = input;
	const lines = logViewLines(input);
	const page = Math.max(1, maxRows - 1);
	const {start, end} = scrollWindow(top, lines.length, page);
	const where = scrollText(start, end, lines.length);
	const status = logStatus(target, input.log);
	const which = containers.length > 1 ? ` · container ${containers.indexOf(target.container) + 1} of ${containers.length}` : '';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text {...theme.title}>Log </Text>
				<Text>
					{target.pod}/{target.container || '(its only container)'}
				</Text>
				<Text {...theme.muted}> · </Text>
				<Text {...styleOf(theme, status.tone)}>{status.text}</Text>
				<Text {...theme.muted}>
					{which}
					{where ? ` · ${where}` : ''}
				</Text>
			</Text>
			<StyledLines lines={lines.slice(start, end)} />
		</Box>
	);
}
