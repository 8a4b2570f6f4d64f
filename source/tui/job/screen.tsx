import {Box, Text} from 'ink';
import {minuteOf} from '../../common/duration.js';
import {buildTimeline} from '../../model/timeline.js';
import type {JobViewState} from '../../state/job-view.js';
import {LinkStatusLine} from '../kit/link-status.js';
import {EventsPanel} from './panels/events-panel.js';
import {Header} from './panels/header.js';
import type {ActionLine} from './use-job-actions.js';
import {HelpOverlay, helpOverlayHeight, KeyHints} from './help-overlay.js';
import {fullViewRows} from './layout.js';
import {summaryText} from './failures/failure-text.js';
import {FailuresPanel} from './failures/failures-panel.js';
import {FailuresView} from './failures/failures-view.js';
import {LogView, type ShownLog} from './failures/log-view.js';
import {containersOf, type LogTarget} from './failures/pod-log.js';
import type {ScrollTop} from './scroll.js';
import {PhasePanel} from './panels/phase-panel.js';
import {PodCounters} from './panels/pod-counters.js';
import {PodGroupPanel} from './panels/podgroup-panel.js';
import {PodsPanel} from './panels/pods-panel.js';
import {PoliciesTable} from './panels/policies-table.js';
import {RecentChanges} from './panels/recent-changes.js';
import {planScreen, type View} from './screen-plan.js';
import {TasksTable} from './panels/tasks-table.js';
import {useTheme, type Style, type Theme} from '../kit/theme.js';
import {TimelinePanel} from './panels/timeline-panel.js';

type Props = {
	readonly state: JobViewState;
	readonly intervalMs: number;
	readonly columns: number;
	readonly rows: number;
	readonly view?: View;
	/** The view the help was opened from: it lists that view's keys. */
	readonly helpFrom?: View;
	/** False when keys cannot be read (no TTY on stdin): no key hints then. */
	readonly keys?: boolean;
	/** False with --no-details: no PodGroup, pods or events panels (nothing fetched for them). */
	readonly details?: boolean;
	/** Which credentials are in use, e.g. "token from HW_AUTH_TOKEN". */
	readonly source?: string | undefined;
	/** Warnings that stay on screen, e.g. TLS verification is off. */
	readonly notices?: readonly string[];
	/** The actions' confirmation, or what came of the last one, below the notices. */
	readonly actionLines?: readonly ActionLine[];
	/** Opened from the namespace's table: Esc goes back to it. */
	readonly back?: boolean;
	/** The keys that act on the job are offered (--actions). */
	readonly actions?: boolean;
	/** The pod selected in the pods view; undefined: the first. */
	readonly selectedPod?: string | undefined;
	/** The first line shown of the failures view or the log. */
	readonly top?: ScrollTop;
	/** The log view's pod and container, and its followed lines. */
	readonly log?: {readonly target: LogTarget; readonly shown: ShownLog} | undefined;
};

/** Failure records per pod name: the pods view's FAILED column. */
function failedPods(state: JobViewState): ReadonlyMap<string, number> {
	const counts = new Map<string, number>();
	for (const {record} of state.failures) counts.set(record.pod, (counts.get(record.pod) ?? 0) + 1);
	return counts;
}

/** How each action line looks: the question stands out, what was done is fine, what failed is an error. */
function actionTones(theme: Theme): Record<ActionLine['tone'], Style> {
	return {ask: theme.warning, done: theme.ok, failed: theme.error, note: theme.muted};
}

/** The whole frame, from the watch state alone: no hooks but the theme, so a test renders any state. */
export function Screen(props: Props) {
	const {state, intervalMs, columns, rows, view = 'main', helpFrom = 'main', keys = true, details = true, source, notices = [], actionLines = [], back = false, top = 0, actions = false} = props;
	const theme = useTheme();
	const {job, highlights} = state;
	// Ages are shown in whole minutes, computed from the same minute: an idle screen redraws once a minute.
	const now = minuteOf(state.now);
	const topLines = notices.length + actionLines.length;
	const plan = planScreen(state, {columns, rows: rows - topLines, details});
	const {layout} = plan;
	const full = fullViewRows(rows, topLines);
	const retries = job ? {count: job.retryCount, max: job.maxRetry} : undefined;
	const pods = state.details.pods.status === 'ok' || state.details.pods.status === 'error' ? state.details.pods.value : undefined;
	const timeline = () => buildTimeline(job, state.seenPhases, now);
	// No room for the Failures panel (a short terminal): the latest failure still shows, in the phase panel.
	const latestFailure = view === 'main' || view === 'help' ? state.failures.at(-1) : undefined;

	// The help over a full view is a full view too; over the main view, it keeps the phase panels when both fit.
	const helpOverPanels =
		view === 'help' && helpFrom === 'main' && full >= layout.panelsHeight + helpOverlayHeight(helpFrom, details, back, actions);

	let body;
	if (view === 'help') {
		body = <HelpOverlay details={details} back={back} from={helpFrom} actions={actions} />;
	} else if (view === 'events') {
		body = <EventsPanel view={state.details.events} highlights={highlights} namespace={state.namespace} width={columns} maxRows={full - 1} now={now} />;
	} else if (view === 'pods') {
		body = (
			<PodsPanel
				full
				view={state.details.pods}
				highlights={highlights}
				namespace={state.namespace}
				width={columns}
				maxRows={full - 2}
				now={now}
				selected={keys ? (props.selectedPod ?? '') : undefined}
				failed={failedPods(state)}
			/>
		);
	} else if (view === 'failures') {
		body = <FailuresView failures={state.failures} highlights={highlights} now={now} width={columns} maxRows={full} top={top} retries={retries} />;
	} else if (view === 'log' && props.log) {
		const {target, shown} = props.log;
		const containers = containersOf(target.pod, pods?.find(pod => pod.name === target.pod), state.failures);
		body = <LogView target={target} failures={state.failures} log={shown} containers={containers} maxRows={full} top={top} />;
	} else if (view === 'podGroup') {
		body = <PodGroupPanel view={state.details.podGroup} highlights={highlights} namespace={state.namespace} width={columns} maxRows={full} full />;
	} else if (view === 'timeline') {
		body = <TimelinePanel timeline={timeline()} now={now} maxRows={full} />;
	} else if (job) {
		const lines = layout.rows;
		const sections = {
			failures: lines.failures > 0 && (
				<FailuresPanel failures={state.failures} highlights={highlights} now={now} maxRows={lines.failures} retries={retries} keys={keys && details} />
			),
			podGroup: lines.podGroup > 0 && (
				<PodGroupPanel view={state.details.podGroup} highlights={highlights} namespace={state.namespace} width={columns} maxRows={lines.podGroup} />
			),
			tasks: lines.tasks > 0 && <TasksTable tasks={job.tasks} highlights={highlights} maxRows={lines.tasks} width={columns} />,
			pods: lines.pods > 0 && (
				<PodsPanel view={state.details.pods} highlights={highlights} namespace={state.namespace} width={columns} maxRows={lines.pods} now={now} />
			),
			events: lines.events > 0 && (
				<EventsPanel view={state.details.events} highlights={highlights} namespace={state.namespace} width={columns} maxRows={lines.events} now={now} warningsFirst />
			),
			timeline: lines.timeline > 0 && <TimelinePanel compact timeline={timeline()} now={now} maxRows={1} />,
			policies: lines.policies > 0 && <PoliciesTable job={job} highlights={highlights} maxRows={lines.policies} />,
			recent: lines.recent > 0 && <RecentChanges recent={state.recent} maxRows={lines.recent} />,
		};
		body = plan.order.map(name => sections[name] && <Box key={name}>{sections[name]}</Box>);
	} else {
		body = <Text {...theme.muted}>No job to show yet.</Text>;
	}

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
			{actionLines.map(line => (
				<Text key={line.text} wrap="truncate-end" {...actionTones(theme)[line.tone]}>
					{line.tone === 'failed' ? '⚠ ' : ''}
					{line.text}
				</Text>
			))}
			<LinkStatusLine {...state} intervalMs={intervalMs} source={source} />
			{job && (view === 'main' || helpOverPanels) && (
				<Box flexDirection={layout.sideBySide ? 'row' : 'column'}>
					<PhasePanel
						job={job}
						highlights={highlights}
						phaseSince={state.phaseSince}
						now={now}
						width={layout.phaseWidth}
						failure={latestFailure && layout.rows.failures === 0 ? summaryText(latestFailure.record, now) : undefined}
					/>
					<PodCounters
						job={job}
						highlights={highlights}
						width={layout.podsWidth}
						perRow={layout.countersPerRow}
						runningCounters={state.runningCounters?.uid === job.uid ? state.runningCounters : undefined}
					/>
				</Box>
			)}
			{body}
			{keys && <KeyHints view={view} details={details} back={back} actions={actions} />}
		</Box>
	);
}
