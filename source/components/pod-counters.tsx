import {Box, Text} from 'ink';
import {jobPaths} from '../core/diff-job.js';
import {counterNames, type Job} from '../core/types.js';
import type {Highlight} from '../core/watch-state.js';
import {ChangedValue} from './changed-value.js';
import {padCells} from './text-width.js';
import {useTheme} from './theme.js';

type Props = {
	readonly job: Job;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly width: number;
	readonly perRow?: 2 | 3;
};

/** Pods by phase, two or three to a row in fixed cells, so a changing number never moves its neighbours. */
export function PodCounters({job, highlights, width, perRow = 3}: Props) {
	const theme = useTheme();
	const {counters} = job;
	const digits = Math.max(3, ...counterNames.map(name => String(counters[name]).length));
	const rows = Array.from({length: counterNames.length / perRow}, (_, index) => counterNames.slice(index * perRow, (index + 1) * perRow));
	// Volcano moves Pending → Running once minAvailable pods have started.
	const started = counters.running + counters.succeeded + counters.failed;
	const min = job.minAvailable;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1} width={width}>
			{rows.map(row => (
				<Text key={row[0]} wrap="truncate-end">
					{row.map(name => (
						<Text key={name}>
							<Text {...(counters[name] === 0 ? theme.muted : theme.label)}>{padCells(name, 12)}</Text>
							<ChangedValue
								text={padCells(String(counters[name]), digits, 'right')}
								highlight={highlights[jobPaths.counter(name)]}
							/>
							<Text> </Text>
						</Text>
					))}
				</Text>
			))}
			<Text wrap="truncate-end">
				<Text {...theme.label}>minAvailable </Text>
				<ChangedValue text={min === undefined ? '—' : String(min)} highlight={highlights[jobPaths.minAvailable]} />
				{min !== undefined && (
					<Text {...(started >= min ? theme.ok : theme.warning)}>
						{' '}
						started {started}/{min}
						{started >= min ? ' ✓' : ''}
					</Text>
				)}
			</Text>
		</Box>
	);
}
