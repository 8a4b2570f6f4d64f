import {Text} from 'ink';
import Spinner from 'ink-spinner';
import {errorHint} from '../core/api-error.js';
import {formatClock, formatWait} from '../core/duration.js';
import type {WatchState} from '../core/watch-state.js';
import {useTheme} from './theme.js';

type Props = Pick<
	WatchState,
	'connection' | 'namespace' | 'name' | 'staleSince' | 'lastOkAt' | 'paused' | 'fetchingSlowly' | 'deletedAt'
> & {
	readonly intervalMs: number;
};

/**
 * How the connection stands, in one line: live, waiting for the job, retrying (attempt, when, why) or
 * refused, and since when the screen is stale. Times are clock times, not counters, so nothing ticks.
 */
export function ConnectionStatus(props: Props) {
	const theme = useTheme();
	const {connection, intervalMs} = props;
	const stale =
		props.staleSince === undefined ? '' : ` · data from ${formatClock(props.lastOkAt ?? props.staleSince)}, stale since ${formatClock(props.staleSince)}`;
	const every = `every ${formatWait(intervalMs).replace(/\.0s$/, 's')}`;
	const indicator = props.fetchingSlowly ? (
		<Text {...theme.muted}>
			<Spinner type="line" />{' '}
		</Text>
	) : undefined;

	if (props.paused) {
		return (
			<Text wrap="truncate-end">
				<Text {...theme.warning}>‖ paused</Text>
				<Text {...theme.muted}> · press p to resume polling</Text>
			</Text>
		);
	}

	switch (connection.kind) {
		case 'connecting': {
			return (
				<Text wrap="truncate-end" {...theme.muted}>
					{indicator ?? '… '}connecting
				</Text>
			);
		}

		case 'live': {
			return (
				<Text wrap="truncate-end">
					{indicator ?? <Text {...theme.ok}>● </Text>}
					<Text {...theme.ok}>live</Text>
					<Text {...theme.muted}> · polling {every}</Text>
				</Text>
			);
		}

		case 'waiting': {
			const gone = props.deletedAt === undefined ? '' : ` (deleted at ${formatClock(props.deletedAt)})`;
			return (
				<Text wrap="truncate-end">
					{indicator ?? <Text {...theme.warning}>○ </Text>}
					<Text {...theme.warning}>
						waiting for {props.namespace}/{props.name} to appear{gone}
					</Text>
					<Text {...theme.muted}> · checking {every}</Text>
				</Text>
			);
		}

		case 'retrying': {
			return (
				<Text wrap="truncate-end">
					{indicator ?? <Text {...theme.warning}>↻ </Text>}
					<Text {...theme.warning}>
						retrying (attempt {connection.attempt + 1}, next try in {formatWait(connection.delayMs)} at{' '}
						{formatClock(connection.retryAt)}):
					</Text>{' '}
					<Text>{connection.error.summary}</Text>
					<Text {...theme.muted}>{stale}</Text>
				</Text>
			);
		}

		case 'refused': {
			const hint = errorHint(connection.error, props.namespace);
			return (
				<Text wrap="truncate-end">
					{indicator ?? <Text {...theme.error}>✗ </Text>}
					<Text {...theme.error}>{connection.error.summary}</Text>
					{hint && <Text> — {hint}</Text>}
					<Text {...theme.muted}>
						{' '}
						· checking again in {formatWait(connection.delayMs)} at {formatClock(connection.retryAt)}
						{stale}
					</Text>
				</Text>
			);
		}
	}
}
