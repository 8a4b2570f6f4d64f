import {Box, Text} from 'ink';
import {jobPaths} from '../../../model/diff-job.js';
import {formatClock, formatSpan} from '../../../common/duration.js';
import type {Job} from '../../../model/job.js';
import type {Highlight, PhaseSince} from '../../../state/job-view.js';
import {ChangedValue} from '../../kit/changed-value.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly job: Job;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly phaseSince?: PhaseSince | undefined;
	readonly now: number;
	readonly width: number;
	/** The latest failure in a line, when no Failures panel has room: it stands in for "no reason given". */
	readonly failure?: string | undefined;
};

/** The phase, coloured by kind, how long the job has been in it, retries and the job's own words. */
export function PhasePanel({job, highlights, phaseSince, now, width, failure}: Props) {
	const theme = useTheme();
	let since: string | undefined;
	if (phaseSince && phaseSince.phase === job.phase) {
		const span = formatSpan(now - phaseSince.at);
		// When the phase began before the watch and the job does not say when, only a lower bound is known.
		since = phaseSince.exact
			? `for ${span} (since ${formatClock(phaseSince.at)})`
			: span === '<1m'
				? `since before ${formatClock(phaseSince.at)}`
				: `for ≥ ${span}`;
	}

	const detail = [job.reason, job.message].filter(Boolean).join(': ');
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1} width={width}>
			<Text wrap="truncate-end">
				<ChangedValue
					text={job.phase || 'not initialised yet'}
					highlight={highlights[jobPaths.phase]}
					style={theme.phase[job.phaseKind]}
				/>
				{since && <Text {...theme.muted}> {since}</Text>}
			</Text>
			<Text wrap="truncate-end">
				<Text {...theme.label}>retries </Text>
				<ChangedValue text={String(job.retryCount)} highlight={highlights[jobPaths.retryCount]} />
				<Text {...theme.label}>of </Text>
				<ChangedValue text={String(job.maxRetry)} highlight={highlights[jobPaths.maxRetry]} />
				<Text {...theme.label}> version </Text>
				<ChangedValue text={String(job.version)} highlight={highlights[jobPaths.version]} />
				{job.runningDuration !== undefined && (
					<>
						<Text {...theme.label}> ran </Text>
						<ChangedValue text={job.runningDuration} highlight={highlights[jobPaths.runningDuration]} />
					</>
				)}
			</Text>
			<Text wrap="truncate-end">
				{job.deletionTimestamp ? (
					<Text {...theme.warning}>being deleted since {job.deletionTimestamp} </Text>
				) : undefined}
				{detail ? (
					<ChangedValue
						text={detail}
						highlight={highlights[jobPaths.message] ?? highlights[jobPaths.reason]}
						style={theme.muted}
					/>
				) : job.deletionTimestamp ? undefined : failure ? (
					<Text {...theme.error}>last failure: {failure}</Text>
				) : (
					<Text {...theme.muted}>no reason given</Text>
				)}
			</Text>
		</Box>
	);
}
