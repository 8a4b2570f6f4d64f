// Reading values off the wire: anything may be missing, null or of the wrong type.

export type UnknownRecord = Record<string, unknown>;

export const maxListLength = 200;

export function asRecord(value: unknown): UnknownRecord | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as UnknownRecord) : undefined;
}

export function asArray(value: unknown, max = maxListLength): readonly unknown[] {
	return Array.isArray(value) ? value.slice(0, max) : [];
}

/** A count from the wire: absent (omitempty), null or garbage reads as 0. */
export function count(value: unknown): number {
	const number_ = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
	return typeof number_ === 'number' && Number.isFinite(number_) && number_ >= 0 ? Math.floor(number_) : 0;
}

export function optionalCount(value: unknown): number | undefined {
	return value === undefined || value === null ? undefined : count(value);
}

/** An RFC 3339 time as milliseconds, or undefined. */
export function timeOf(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : time;
}
