import {Box, Text} from 'ink';
import {minuteOf} from '../core/duration.js';
import type {WatchState} from '../core/watch-state.js';
import {ConnectionStatus} from './connection-status.js';
import {Header} from './header.js';
import {HelpOverlay, KeyHints} from './help-overlay.js';
import {planLayout} from './layout.js';
import {PhasePanel} from './phase-panel.js';
import {PodCounters} from './pod-counters.js';
import {PoliciesTable} from './policies-table.js';
import {groupBySteps, RecentChanges} from './recent-changes.js';
import {TasksTable} from './tasks-table.js';
import {useTheme} from './theme.js';

type Props = {
	readonly state: WatchState;
	readonly intervalMs: number;
	readonly columns: number;
	readonly rows: number;
	readonly showHelp?: boolean;
	/** False when keys cannot be read (no TTY on stdin): no key hints then. */
	readonly keys?: boolean;
	/** Which credentials are in use, e.g. "token from HW_AUTH_TOKEN". */
	readonly source?: string | undefined;
	/** Warnings that stay on screen, e.g. TLS verification is off. */
	readonly notices?: readonly string[];
};

/** The whole frame, from the watch state alone: no hooks but the theme, so a test renders any state. */
export function Screen({state, intervalMs, columns, rows, showHelp = false, keys = true, source, notices = []}: Props) {
	const theme = useTheme();
	const {job, highlights} = state;
	const policies = job ? job.policies.length + job.tasks.reduce((sum, task) => sum + task.policies.length, 0) : 0;
	// Ages are shown in whole minutes, computed from the same minute: an idle screen redraws once a minute.
	const now = minuteOf(state.now);
	const layout = planLayout({rows: rows - notices.length, columns, tasks: job?.tasks.length ?? 0, policies, recent: groupBySteps(state.recent).length});
	return (
		<Box flexDirection="column" width={columns}>
			<Header
				namespace={state.namespace}
				name={state.name}
				job={job}
				highlights={highlights}
				lastChangeAt={state.lastChangeAt}
				now={now}
			/>
			{notices.map(notice => (
				<Text key={notice} wrap="truncate-end" {...theme.error}>
					⚠ {notice}
				</Text>
			))}
			<ConnectionStatus {...state} intervalMs={intervalMs} source={source} />
			{job ? (
				<>
					<Box flexDirection={layout.sideBySide ? 'row' : 'column'}>
						<PhasePanel
							job={job}
							highlights={highlights}
							phaseSince={state.phaseSince}
							now={now}
							width={layout.phaseWidth}
						/>
						<PodCounters job={job} highlights={highlights} width={layout.podsWidth} perRow={layout.countersPerRow} />
					</Box>
					{showHelp ? (
						<HelpOverlay />
					) : (
						<>
							{layout.tasks > 0 && <TasksTable tasks={job.tasks} highlights={highlights} maxRows={layout.tasks} width={columns} />}
							{layout.policies > 0 && <PoliciesTable job={job} highlights={highlights} maxRows={layout.policies} />}
							{layout.recent > 0 && <RecentChanges recent={state.recent} maxRows={layout.recent} />}
						</>
					)}
				</>
			) : showHelp ? (
				<HelpOverlay />
			) : (
				<Text {...theme.muted}>No job to show yet.</Text>
			)}
			{keys && <KeyHints />}
		</Box>
	);
}
