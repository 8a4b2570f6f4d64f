import {Box, Text} from 'ink';
import {jobPaths} from '../../../model/diff-job.js';
import {counterNames, type Counters, type Job} from '../../../model/job.js';
import type {Highlight} from '../../../state/job-view.js';
import {ChangedValue} from '../../kit/changed-value.js';
import {padCells} from '../../kit/text-width.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly job: Job;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly width: number;
	readonly perRow?: 2 | 3;
	/** The counters last seen while Running, shown once Volcano has recomputed them on the kill path. */
	readonly runningCounters?: {readonly counters: Counters} | undefined;
};

// In these phases the counters describe pods being deleted, not what the pods did.
const killPathKinds = new Set(['transitional', 'success', 'failure']);

/** Pods by phase, two or three to a row in fixed cells, so a changing number never moves its neighbours. */
export function PodCounters({job, highlights, width, perRow = 3, runningCounters}: Props) {
	const theme = useTheme();
	const {counters} = job;
	const digits = Math.max(3, ...counterNames.map(name => String(counters[name]).length));
	const rows = Array.from({length: counterNames.length / perRow}, (_, index) => counterNames.slice(index * perRow, (index + 1) * perRow));
	// Volcano moves Pending → Running once minAvailable pods have started.
	const started = counters.running + counters.succeeded + counters.failed;
	const min = job.minAvailable;
	const seen = runningCounters && killPathKinds.has(job.phaseKind) ? runningCounters : undefined;
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
			{seen ? (
				<Text wrap="truncate-end" {...theme.muted}>
					while Running: <Text {...theme.ok}>{seen.counters.succeeded}</Text> succeeded,{' '}
					<Text {...(seen.counters.failed > 0 ? theme.error : {})}>{seen.counters.failed}</Text> failed, {seen.counters.running} running
				</Text>
			) : (
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
			)}
		</Box>
	);
}
