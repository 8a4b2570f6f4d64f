import {Box, Text} from 'ink';
import {phaseKind} from '../../../model/phase.js';
import {formatClock, formatDuration, formatSpan} from '../../../common/duration.js';
import type {Timeline} from '../../../model/timeline.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly timeline: Timeline;
	readonly now: number;
	readonly maxRows: number;
	/** One line: phases and their durations in a row. */
	readonly compact?: boolean;
};

function lasted(start: number, end: number | undefined, now: number, exact: boolean): string {
	// A phase still going counts in whole minutes, like every age on screen: no redraw each second.
	const text = end === undefined ? formatSpan(now - start) : formatDuration(end - start);
	if (exact) return text;
	// Begun before the watch and not said when: only a lower bound, and under a minute that says nothing.
	return text === '<1m' ? '' : `≥${text}`;
}

/** Every phase seen, when it began and how long it lasted, with the time to Running and the total. */
export function TimelinePanel({timeline, now, maxRows, compact = false}: Props) {
	const theme = useTheme();
	const {entries} = timeline;
	const totals = [
		timeline.toRunningMs === undefined ? undefined : `to Running ${formatDuration(timeline.toRunningMs)}`,
		timeline.totalMs === undefined ? undefined : `${timeline.finished ? 'total' : 'so far'} ${timeline.finished ? formatDuration(timeline.totalMs) : formatSpan(timeline.totalMs)}`,
	].filter(Boolean);
	if (compact) {
		return (
			<Text wrap="truncate-end">
				<Text {...theme.title}>Timeline </Text>
				{entries.length === 0 && <Text {...theme.muted}>no phase yet</Text>}
				{entries.map((entry, index) => (
					// A phase comes back (Running after Restarting): its place in the timeline tells the two apart.
					// eslint-disable-next-line react/no-array-index-key
					<Text key={`${index}-${entry.phase}`}>
						{index > 0 ? <Text {...theme.muted}>{entry.incarnation ? ' ⟳ ' : ' → '}</Text> : null}
						<Text {...theme.phase[phaseKind(entry.phase)]}>{entry.phase}</Text>
						{entry.end !== undefined || !timeline.finished || index < entries.length - 1 ? (
							<Text {...theme.muted}> {lasted(entry.start, entry.end, now, entry.exact)}</Text>
						) : null}
					</Text>
				))}
				{totals.length > 0 && <Text {...theme.muted}> · {totals.join(' · ')}</Text>}
			</Text>
		);
	}

	const visible = entries.length > maxRows - 1 ? entries.slice(-(maxRows - 2)) : entries;
	const hidden = entries.length - visible.length;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text {...theme.title}>Timeline</Text>
				{totals.length > 0 && <Text {...theme.muted}> {totals.join(' · ')}</Text>}
			</Text>
			{hidden > 0 && <Text {...theme.muted}>{hidden} earlier</Text>}
			{visible.length === 0 && <Text {...theme.muted}>no phase seen yet</Text>}
			{visible.map((entry, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={`${index}-${entry.phase}`} wrap="truncate-end">
					<Text {...theme.muted}>{formatClock(entry.start)} </Text>
					<Text {...theme.phase[phaseKind(entry.phase)]}>{entry.phase.padEnd(12)}</Text>
					<Text>{lasted(entry.start, entry.end, now, entry.exact).padStart(8)}</Text>
					<Text {...theme.muted}>
						{entry.end === undefined ? (timeline.finished ? '  (final)' : '  (current)') : ''}
						{entry.source === 'seen' ? '  seen here' : ''}
					</Text>
					{entry.incarnation && <Text {...theme.warning}>  ⟳ re-created: new uid {entry.incarnation}</Text>}
				</Text>
			))}
		</Box>
	);
}
