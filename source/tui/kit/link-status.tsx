import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {errorHint} from '../../api/api-error.js';
import {formatClock, formatSpan, formatWait} from '../../common/duration.js';
import type {JobViewState} from '../../state/job-view.js';
import {useTheme} from './theme.js';

type Props = Pick<
	JobViewState,
	'connection' | 'namespace' | 'name' | 'staleSince' | 'paused' | 'fetchingSlowly' | 'deletedAt' | 'transport' | 'now'
> & {
	readonly intervalMs: number;
	readonly source?: string | undefined;
};

/**
 * How the connection stands, always in two lines (so the panels below never jump): the state and its
 * times, then the detail (the last error, what to do). Times are clock times, or ages in whole minutes:
 * nothing ticks by the second.
 */
export function LinkStatusLine(props: Props) {
	const theme = useTheme();
	const {connection, intervalMs} = props;
	const every = `every ${formatWait(intervalMs).replace(/\.0s$/, 's')}`;
	const stale =
		props.staleSince === undefined
			? ''
			: ` · stale since ${formatClock(props.staleSince)}`;
	const indicator = (fallback: string) =>
		props.fetchingSlowly ? (
			<Text {...theme.muted}>
				<Spinner type="line" />{' '}
			</Text>
		) : (
			`${fallback} `
		);

	const {transport} = props;
	const watching = transport?.kind === 'watching';
	// The stream's age in whole minutes: it changes on events and once a minute, never every second.
	const mode =
		transport?.kind !== 'watching'
			? `polling ${every}`
			: transport.since === undefined
				? 'opening a watch stream'
				: `watching (stream since ${formatClock(transport.since)}${transport.lastEventAt === undefined ? '' : `, last event ${formatSpan(props.now - transport.lastEventAt)} ago`})`;
	const fallback = transport?.kind === 'polling' && transport.reason ? `polling: ${transport.reason}` : undefined;

	let state: React.JSX.Element;
	let detail: React.JSX.Element | string = '';
	if (props.paused) {
		state = <Text {...theme.warning}>‖ paused</Text>;
		detail = <Text {...theme.muted}>press p to resume {transport?.kind === 'watching' ? 'watching' : 'polling'}</Text>;
	} else {
		switch (connection.kind) {
			case 'connecting': {
				state = <Text {...theme.muted}>{indicator('…')}connecting</Text>;
				break;
			}

			case 'live': {
				state = (
					<Text>
						<Text {...theme.ok}>{indicator('●')}live</Text>
						<Text {...theme.muted}> · {mode}</Text>
					</Text>
				);
				detail = <Text {...theme.muted}>{[fallback, props.source].filter(Boolean).join(' · ')}</Text>;
				break;
			}

			case 'waiting': {
				const gone = props.deletedAt === undefined ? '' : ` (deleted at ${formatClock(props.deletedAt)})`;
				state = (
					<Text {...theme.warning}>
						{indicator('○')}waiting for {props.namespace}/{props.name} to appear{gone}
					</Text>
				);
				detail = (
					<Text {...theme.muted}>
						{watching ? 'the job does not exist (404); watching for it to be created' : `the job does not exist yet (404); checking ${every}`}
					</Text>
				);
				break;
			}

			case 'retrying': {
				state = (
					<Text>
						<Text {...theme.warning}>
							{indicator('↻')}retrying: attempt {connection.attempt + 1}, next try in {formatWait(connection.delayMs)} at{' '}
							{formatClock(connection.retryAt)}
						</Text>
						<Text {...theme.muted}>{stale}</Text>
					</Text>
				);
				detail = <Text>last error: {connection.error.summary}</Text>;
				break;
			}

			case 'refused': {
				const hint = errorHint(connection.error, props.namespace);
				state = (
					<Text>
						<Text {...theme.error}>
							{indicator('✗')}refused
							{connection.delayMs === undefined || connection.retryAt === undefined
								? ''
								: `: checking again in ${formatWait(connection.delayMs)} at ${formatClock(connection.retryAt)}`}
						</Text>
						<Text {...theme.muted}>{stale}</Text>
					</Text>
				);
				detail = (
					<Text>
						<Text {...theme.error}>{connection.error.summary}</Text>
						{hint ? ` — ${hint}` : ''}
					</Text>
				);
				break;
			}
		}
	}

	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">{state}</Text>
			<Text wrap="truncate-end">
				{'  '}
				{detail}
			</Text>
		</Box>
	);
}
