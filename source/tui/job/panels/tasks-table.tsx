import {Box, Text} from 'ink';
import {jobPaths} from '../../../model/diff-job.js';
import type {Task} from '../../../model/job.js';
import type {Highlight} from '../../../state/job-view.js';
import {type Cell, type Column, Table} from '../../kit/table.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly tasks: readonly Task[];
	readonly width: number;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly maxRows: number;
};

const podPhases = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;
// Short headings leave the image room on an 80-column terminal.
const headings: Readonly<Record<string, string>> = {Pending: 'PEND', Running: 'RUN', Succeeded: 'SUCC', Failed: 'FAIL'};

/** Each task's replicas and its pods by phase (status.taskStatusCount), with the image it runs. */
export function TasksTable({tasks, highlights, maxRows, width}: Props) {
	const theme = useTheme();
	if (tasks.length === 0) {
		return <Text {...theme.muted}>Tasks: none in the job spec</Text>;
	}

	const otherPhases = [
		...new Set(tasks.flatMap(task => Object.keys(task.pods).filter(phase => !(podPhases as readonly string[]).includes(phase)))),
	];
	const columns: Column[] = [
		{title: 'TASK'},
		{title: 'REPL', align: 'right'},
		{title: 'MIN', align: 'right'},
		...podPhases.map(phase => ({title: headings[phase]!, align: 'right' as const})),
		...otherPhases.map(phase => ({title: phase.slice(0, 6).toUpperCase(), align: 'right' as const})),
		{title: 'IMAGE', cut: 'start'},
	];
	const number = (value: number | undefined, path: string): Cell => ({
		text: value === undefined ? '—' : String(value),
		highlight: highlights[path],
		...(value === 0 ? {style: theme.muted} : {}),
	});
	const rows = tasks.map(task => [
		{text: task.name},
		number(task.replicas, jobPaths.taskReplicas(task.name)),
		number(task.minAvailable, jobPaths.taskMinAvailable(task.name)),
		...[...podPhases, ...otherPhases].map(phase => number(task.pods[phase] ?? 0, jobPaths.taskPods(task.name, phase))),
		{
			text: task.images.length > 1 ? `${task.images[0]!} +${task.images.length - 1}` : (task.images[0] ?? '—'),
			highlight: highlights[jobPaths.taskImage(task.name)],
			style: theme.muted,
		},
	]);
	return (
		<Box flexDirection="column">
			<Text {...theme.title}>Tasks</Text>
			<Table columns={columns} rows={rows} maxRows={maxRows} width={width} />
		</Box>
	);
}
