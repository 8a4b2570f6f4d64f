import {Box, Text} from 'ink';
import {formatClock} from '../../../common/duration.js';
import type {Change} from '../../../model/job.js';
import type {RecentChange} from '../../../state/job-view.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly recent: readonly RecentChange[];
	readonly maxRows: number;
};

type Step = {at: number; fromRv?: string | undefined; toRv: string; changes: Change[]};

/** Changes that came with the same resourceVersion step share one line. */
export function groupBySteps(recent: readonly RecentChange[]): Step[] {
	const steps: Step[] = [];
	for (const {at, fromRv, toRv, change} of recent) {
		const last = steps.at(-1);
		if (last && last.toRv === toRv && last.at === at) {
			last.changes.push(change);
		} else {
			steps.push({at, fromRv, toRv, changes: [change]});
		}
	}

	return steps;
}

function show(value: string | number | undefined): string {
	return value === undefined ? '—' : String(value);
}

function ChangeText({change}: {readonly change: Change}) {
	const theme = useTheme();
	const arrow = change.direction === 'up' ? '↑' : change.direction === 'down' ? '↓' : '';
	if (change.old === undefined || change.new === undefined) {
		return (
			<Text>
				{change.label} <Text {...theme.title}>{change.new === undefined ? `${show(change.old)} removed` : show(change.new)}</Text>
			</Text>
		);
	}

	return (
		<Text>
			{change.label} {show(change.old)}→<Text {...theme.title}>{show(change.new)}</Text>
			{arrow}
		</Text>
	);
}

/** The last few resourceVersion steps, newest first: when, which step, what moved. */
export function RecentChanges({recent, maxRows}: Props) {
	const theme = useTheme();
	const steps = groupBySteps(recent).slice(0, Math.max(0, maxRows));
	return (
		<Box flexDirection="column">
			<Text {...theme.title}>Recent changes</Text>
			{steps.length === 0 && <Text {...theme.muted}>none seen yet</Text>}
			{steps.map(({at, fromRv, toRv, changes}) => (
				<Text key={`${at}-${toRv}`} wrap="truncate-end">
					<Text {...theme.muted}>{formatClock(at)} </Text>
					<Text {...theme.label}>
						rv {fromRv === undefined ? '' : `${fromRv}→`}
						{toRv}{' '}
					</Text>
					{changes.map((change, index) => (
						// A step can name a path twice (the job deleted, then appearing again): the index keeps keys apart.
						// eslint-disable-next-line react/no-array-index-key
						<Text key={`${index}-${change.path}`}>
							{index > 0 ? ', ' : ''}
							<ChangeText change={change} />
						</Text>
					))}
				</Text>
			))}
		</Box>
	);
}
