import ms from 'ms';

/**
 * A duration flag as milliseconds: "500ms", "2s", "1m", "1h", or a plain number of seconds ("2", "0.5").
 * Undefined when it is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
	const trimmed = text.trim();
	const value = /^\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : ms(trimmed as ms.StringValue);
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}

/**
 * A compact span for people: "42s", "3m", "1h04m", "2d03h". Seconds only under a minute, so a screen that
 * shows ages changes at most once a minute after that.
 */
export function formatSpan(milliseconds: number): string {
	const seconds = Math.max(0, Math.floor(milliseconds / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** A wait for people: "0.8s", "12s", "2m". */
export function formatWait(milliseconds: number): string {
	return milliseconds < 10_000 ? `${(Math.max(0, milliseconds) / 1000).toFixed(1)}s` : formatSpan(milliseconds);
}

/** HH:MM:SS in UTC or local time: a clock time that is short enough for a status line. */
export function formatClock(time: number, utc = false): string {
	const date = new Date(time);
	const parts = utc
		? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		: [date.getHours(), date.getMinutes(), date.getSeconds()];
	return parts.map(part => String(part).padStart(2, '0')).join(':');
}
