import {Text} from 'ink';
import {jobPaths} from '../../../model/diff-job.js';
import {formatClock, formatSpan} from '../../../common/duration.js';
import type {Job} from '../../../model/job.js';
import type {Highlight} from '../../../state/job-view.js';
import {ChangedValue} from '../../kit/changed-value.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly namespace: string;
	readonly name: string;
	readonly job?: Job | undefined;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly lastChangeAt?: number | undefined;
	readonly now: number;
};

/**
 * One line: which job, its resourceVersion and when it last moved, how old, which queue, which
 * incarnation (uid). Ordered by how often a person looks, since a narrow terminal cuts the end.
 */
export function Header({namespace, name, job, highlights, lastChangeAt, now}: Props) {
	const theme = useTheme();
	const created = job?.creationTimestamp ? Date.parse(job.creationTimestamp) : Number.NaN;
	return (
		<Text wrap="truncate-end">
			<Text {...theme.title}>
				{job?.namespace ?? namespace}/{job?.name ?? name}
			</Text>
			{job && (
				<>
					<Text {...theme.label}> rv </Text>
					<ChangedValue text={job.resourceVersion || '—'} highlight={highlights[jobPaths.resourceVersion]} />
					{lastChangeAt !== undefined && (
						<>
							<Text {...theme.label}> changed </Text>
							<Text>{formatClock(lastChangeAt)}</Text>
						</>
					)}
					{!Number.isNaN(created) && (
						<>
							<Text {...theme.label}> age </Text>
							<Text>{formatSpan(now - created)}</Text>
						</>
					)}
					{job.queue !== undefined && (
						<>
							<Text {...theme.label}> queue </Text>
							<ChangedValue text={job.queue} highlight={highlights[jobPaths.queue]} />
						</>
					)}
					<Text {...theme.label}> uid </Text>
					<ChangedValue text={job.uid.slice(0, 8) || '—'} highlight={highlights[jobPaths.uid]} />
				</>
			)}
		</Text>
	);
}
