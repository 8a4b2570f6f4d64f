import {Box, Text} from 'ink';
import {jobPaths} from '../../../model/diff-job.js';
import type {Job} from '../../../model/job.js';
import type {Highlight} from '../../../state/job-view.js';
import {type Cell, Table} from '../../kit/table.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly job: Job;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly maxRows: number;
};

/** Lifecycle policies, job-level then per task (a task's policy wins over the job's for that task). */
export function PoliciesTable({job, highlights, maxRows}: Props) {
	const theme = useTheme();
	const rows: Cell[][] = [
		...job.policies.map((policy, index) => ({scope: 'job', policy, path: jobPaths.policy(index)})),
		...job.tasks.flatMap(task =>
			task.policies.map((policy, index) => ({scope: task.name, policy, path: jobPaths.taskPolicy(task.name, index)})),
		),
	].map(({scope, policy, path}) => {
		const highlight = highlights[path];
		return [
			{text: scope, style: theme.muted},
			{text: policy.trigger, highlight},
			{text: policy.action, highlight},
			{text: policy.timeout ?? '—', highlight, style: theme.muted},
		];
	});
	if (rows.length === 0) {
		return <Text {...theme.muted}>Policies: none (Volcano's defaults apply)</Text>;
	}

	return (
		<Box flexDirection="column">
			<Text {...theme.title}>Policies</Text>
			<Table
				columns={[{title: 'SCOPE'}, {title: 'WHEN'}, {title: 'ACTION'}, {title: 'TIMEOUT'}]}
				rows={rows}
				maxRows={maxRows}
			/>
		</Box>
	);
}
