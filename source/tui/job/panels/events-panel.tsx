import {Box, Text} from 'ink';
import type {EventInfo} from '../../../model/cluster.js';
import {detailPaths, type DetailView} from '../../../state/details-state.js';
import {formatSpan} from '../../../common/duration.js';
import type {Highlight} from '../../../state/job-view.js';
import {changeMarker} from '../../kit/changed-value.js';
import {DetailNotice} from './detail-notice.js';
import {cutCells, padCells} from '../../kit/text-width.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly view: DetailView<readonly EventInfo[]>;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly namespace: string;
	readonly width: number;
	/** Rows for events, the "+N more" line included. */
	readonly maxRows: number;
	readonly now: number;
	/** Only warnings (the compact view when space is short). */
	readonly warningsFirst?: boolean;
};

const objectKinds: Readonly<Record<string, string>> = {Pod: 'pod', Job: 'job', PodGroup: 'podgroup'};

/** Events of the job, its PodGroup and its troubled pods, newest first; repeats folded with their count. */
export function EventsPanel({view, highlights, namespace, width, maxRows, now, warningsFirst = false}: Props) {
	const theme = useTheme();
	const all = view.status === 'ok' || view.status === 'error' ? view.value : undefined;
	if (!all || all.length === 0) {
		return (
			<Text wrap="truncate-end">
				<Text {...theme.title}>Events </Text>
				{all ? (
					<Text {...theme.muted}>none (the API server keeps them about an hour)</Text>
				) : (
					<DetailNotice view={view} verb="list" resource="events" namespace={namespace} />
				)}
			</Text>
		);
	}

	// When rows are few, warnings say more than the routine Scheduled/Pulled/Started.
	const events = warningsFirst ? [...all.filter(event => event.type === 'Warning'), ...all.filter(event => event.type !== 'Warning')] : all;
	const visible = events.length > maxRows ? events.slice(0, Math.max(0, maxRows - 1)) : events;
	const hidden = events.length - visible.length;
	const warnings = all.filter(event => event.type === 'Warning').length;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text {...theme.title}>Events</Text>
				<Text {...theme.muted}>
					{' '}
					{all.length}
					{warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}, newest first
				</Text>
				{view.status === 'error' && (
					<>
						<Text> </Text>
						<DetailNotice view={view} verb="list" resource="events" namespace={namespace} />
					</>
				)}
			</Text>
			{visible.map(event => {
				const highlight = highlights[detailPaths.event(event.key)];
				const warning = event.type === 'Warning';
				const age = event.last === undefined ? '—' : formatSpan(now - event.last);
				const object = `${objectKinds[event.kind] ?? (event.kind.toLowerCase() || '?')}/${event.name}`;
				const count = event.count > 1 ? ` ×${event.count}` : '';
				const head = `${padCells(age, 5, 'right')} ${warning ? '⚠' : ' '} ${event.reason}${count} ${object}`;
				return (
					<Text key={event.key} wrap="truncate-end">
						<Text {...(highlight ? theme.changed : warning ? theme.warning : theme.muted)}>
							{cutCells(head, Math.max(10, Math.floor(width / 2)))}
							{changeMarker(highlight)}
						</Text>
						<Text>{event.message}</Text>
					</Text>
				);
			})}
			{hidden > 0 && <Text {...theme.muted}>+{hidden} more</Text>}
		</Box>
	);
}
