import ms from 'ms';

/**
 * A duration flag as milliseconds: "500ms", "2s", "1m", "1h", or a plain number of seconds ("2", "0.5").
 * Undefined when it is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
	const trimmed = text.trim();
	if (trimmed === '') return undefined;
	// A bare number is seconds (".5" too), never milliseconds as `ms` would read it.
	const value = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) * 1000 : ms(trimmed as ms.StringValue);
	const rounded = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0;
	return rounded > 0 ? rounded : undefined;
}

/**
 * A compact age for people: "<1m", "3m", "1h04m", "2d03h". Whole minutes at best, so a screen that shows
 * ages changes at most once a minute (every redraw costs bytes on a slow SSH link).
 */
export function formatSpan(milliseconds: number): string {
	const minutes = Math.max(0, Math.floor(milliseconds / 60_000));
	if (minutes < 1) return '<1m';
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** A wait for people: "0.8s", "12s", "2m". */
export function formatWait(milliseconds: number): string {
	if (milliseconds < 10_000) return `${(Math.max(0, milliseconds) / 1000).toFixed(1)}s`;
	if (milliseconds < 60_000) return `${Math.round(milliseconds / 1000)}s`;
	return formatSpan(milliseconds);
}

/** `now` rounded down to the minute: every age on screen then changes in the same frame, once a minute. */
export function minuteOf(now: number): number {
	return Math.floor(now / 60_000) * 60_000;
}

/** HH:MM:SS in UTC or local time: a clock time that is short enough for a status line. */
export function formatClock(time: number, utc = false): string {
	const date = new Date(time);
	const parts = utc
		? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		: [date.getHours(), date.getMinutes(), date.getSeconds()];
	return parts.map(part => String(part).padStart(2, '0')).join(':');
}

/** A finished span to the second for people: "42s", "3m07s", "1h04m", "2d03h". */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.floor(milliseconds / 1000));
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
	return formatSpan(milliseconds);
}
