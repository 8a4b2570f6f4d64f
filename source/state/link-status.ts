import type {ApiError} from '../api/api-error.js';
import type {StreamSessionEvent} from '../watch/stream-session.js';

/** How the server is answering, as the status line says it (the link, not `connect/`'s Connection). */
export type LinkStatus =
	| {readonly kind: 'connecting'}
	| {readonly kind: 'live'}
	| {readonly kind: 'waiting'}
	| {readonly kind: 'retrying'; readonly attempt: number; readonly delayMs: number; readonly retryAt: number; readonly error: ApiError}
	// No delayMs or retryAt: no other look comes (--once).
	| {readonly kind: 'refused'; readonly delayMs?: number; readonly retryAt?: number; readonly error: ApiError};

/**
 * How the job is followed. Polling (reason: why, when a watch was wanted and refused); or watching: since
 * when the stream has been open without trouble (undefined while the first one opens), and when it last
 * brought news of the job.
 */
export type FollowMode =
	| {readonly kind: 'polling'; readonly reason?: string}
	| {readonly kind: 'watching'; readonly since?: number; readonly lastEventAt?: number};

/** The part of a view's state that says how the server is being reached, the same for a job and a namespace. */
export type LinkFields = {
	readonly connection: LinkStatus;
	readonly transport: FollowMode;
	/** The first failure since the last good answer: what is on screen is as old as this. */
	readonly staleSince?: number;
	readonly fetchingSlowly: boolean;
	readonly paused: boolean;
	readonly now: number;
};

/** The events of a watcher that change only the connection fields. */
export type LinkEvent =
	| StreamSessionEvent
	| {readonly type: 'fetch-slow'; readonly at: number}
	| {readonly type: 'watching'; readonly at: number; readonly opened: boolean}
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

const linkEventTypes: ReadonlySet<string> = new Set<LinkEvent['type']>(['fetch-slow', 'retry', 'refused', 'watching', 'polling', 'paused', 'resumed']);

export function isLinkEvent<A extends {readonly type: string}>(action: A | LinkEvent): action is LinkEvent {
	return linkEventTypes.has(action.type);
}

/**
 * The connection fields after one event. `recovered`: what the connection is once a stream opens after
 * trouble, which only the view knows (a job that is there, missing, or not yet seen).
 */
export function reduceLink<S extends LinkFields>(state: S, action: LinkEvent, recovered: (state: S) => LinkStatus): S {
	switch (action.type) {
		case 'fetch-slow': {
			return state.fetchingSlowly ? state : {...state, fetchingSlowly: true};
		}

		case 'retry': {
			return {
				...state,
				connection: {kind: 'retrying', attempt: action.attempt, delayMs: action.delayMs, retryAt: action.at + action.delayMs, error: action.error},
				staleSince: state.staleSince ?? action.at,
				fetchingSlowly: false,
				now: action.at,
			};
		}

		case 'refused': {
			return {
				...state,
				connection: {
					kind: 'refused',
					...(action.delayMs === undefined ? {} : {delayMs: action.delayMs, retryAt: action.at + action.delayMs}),
					error: action.error,
				},
				staleSince: state.staleSince ?? action.at,
				fetchingSlowly: false,
				now: action.at,
			};
		}

		case 'watching': {
			const trouble = state.connection.kind === 'retrying' || state.connection.kind === 'refused';
			const before = state.transport.kind === 'watching' ? state.transport : undefined;
			if (!action.opened) return before ? state : {...state, transport: {kind: 'watching'}};
			// A stream reopened after the server's timeout, with nothing wrong in between, goes on as the same
			// watch: nothing to redraw.
			if (before?.since !== undefined && !trouble) return state;
			return {
				...state,
				connection: trouble ? recovered(state) : state.connection,
				transport: {kind: 'watching', since: action.at, ...(before?.lastEventAt === undefined ? {} : {lastEventAt: before.lastEventAt})},
				staleSince: undefined,
				fetchingSlowly: false,
				now: action.at,
			};
		}

		case 'polling': {
			return {...state, transport: {kind: 'polling', reason: action.reason}, now: action.at};
		}

		case 'paused':
		case 'resumed': {
			return {...state, paused: action.type === 'paused', now: action.at};
		}
	}
}
