import type {ApiClient} from './client.js';
import {podLogPath} from './paths.js';
import {decodeUtf8Visible, defaultLogLineCells, logRefusal, printableLine, type PodLogRequest} from './pod-log.js';

// A container's log as it is written (follow=true): lines handed over as the chunks arrive, each as untrusted as
// any server string. Every line comes with the kubelet's timestamp (timestamps=true), so that a stream cut short
// can be reopened from where it was.

/** Bytes kept of one line: more than a terminal line shows, while a runaway line (a 1 MiB dump) is never held whole. */
export const maxLogLineBytes = 16 * 1024;

/** What a tail is asked with, but the current run only, and from a time. */
export type PodLogFollowRequest = Omit<PodLogRequest, 'previous' | 'tailLines'> & {
	/** Lines of the log so far to start with; absent, the API server sends all of them. */
	readonly tailLines?: number | undefined;
	/** RFC3339: only the lines written at or after it (the API server passes it on to the second). */
	readonly sinceTime?: string | undefined;
};

export type FollowedLine = {
	/** Printable: sanitised, on one terminal line, cut to maxLineCells. */
	readonly text: string;
	/** When the container wrote it, as the kubelet stamps it (RFC3339, nanoseconds); absent when the line came without one. */
	readonly time?: string;
};

export type PodLogFollow =
	/** Batches of lines as they arrive; ends when the server ends the stream (the container stopped), throws ApiError. */
	| {readonly kind: 'stream'; readonly lines: AsyncIterable<readonly FollowedLine[]>}
	| {readonly kind: 'forbidden' | 'gone'; readonly message: string};

export function podLogFollowQuery(request: Pick<PodLogFollowRequest, 'container' | 'tailLines' | 'sinceTime' | 'limitBytes'>): Record<string, string> {
	return {
		container: request.container,
		follow: 'true',
		...(request.tailLines === undefined ? {} : {tailLines: String(Math.max(0, Math.floor(request.tailLines)))}),
		...(request.sinceTime === undefined ? {} : {sinceTime: request.sinceTime}),
		...(request.limitBytes === undefined ? {} : {limitBytes: String(Math.max(1, Math.floor(request.limitBytes)))}),
		timestamps: 'true',
	};
}

/**
 * Opens a followed log. A 403 or a 404 is an answer about the log and comes back as a result; any other
 * failure throws the client's ApiError. The stream has no idle limit: a container may say nothing for hours.
 * Aborting the signal, or leaving the iteration, closes the connection.
 */
export async function followPodLog(api: Pick<ApiClient, 'streamBytes'>, request: PodLogFollowRequest): Promise<PodLogFollow> {
	try {
		const {chunks} = await api.streamBytes(podLogPath(request.namespace, request.pod), {query: podLogFollowQuery(request), signal: request.signal});
		return {kind: 'stream', lines: followedLines(chunks, request.maxLineCells ?? defaultLogLineCells)};
	} catch (error) {
		const refusal = logRefusal(error, request.namespace);
		if (refusal) return refusal;
		throw error;
	}
}

/**
 * The log's lines, a batch for each chunk that completes any. A line is handed over at its newline; the text
 * after the last newline waits for the next chunk, and is a line of its own only when the stream ends cleanly.
 */
export async function* followedLines(chunks: AsyncIterable<Uint8Array>, maxCells: number): AsyncGenerator<readonly FollowedLine[]> {
	const splitter = createLineSplitter(maxLogLineBytes);
	for await (const chunk of chunks) {
		const batch = splitter.push(chunk).map(line => followedLine(line, maxCells));
		if (batch.length > 0) yield batch;
	}

	const last = splitter.end();
	if (last) yield [followedLine(last, maxCells)];
}

type RawLine = {readonly bytes: Uint8Array; readonly cut: boolean};

/** Cuts chunks at newlines; keeps at most maxBytes of a line and drops the rest of it up to its newline. */
function createLineSplitter(maxBytes: number): {push(chunk: Uint8Array): RawLine[]; end(): RawLine | undefined} {
	let held: Uint8Array[] = [];
	let heldBytes = 0;
	let cut = false;

	const take = (part: Uint8Array) => {
		const room = maxBytes - heldBytes;
		if (part.byteLength > room) cut = true;
		const kept = part.byteLength > room ? part.subarray(0, room) : part;
		if (kept.byteLength === 0) return;
		// A copy: a piece left waiting must not keep its whole chunk alive.
		held.push(kept.slice());
		heldBytes += kept.byteLength;
	};

	const line = (): RawLine => {
		const bytes = held.length === 1 ? held[0]! : Buffer.concat(held);
		const done = {bytes, cut};
		held = [];
		heldBytes = 0;
		cut = false;
		return done;
	};

	return {
		push(chunk) {
			const lines: RawLine[] = [];
			let start = 0;
			for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
				if (held.length === 0 && !cut) {
					// The common case, a whole line in the chunk: no copy, but no more than maxBytes of it.
					const whole = chunk.subarray(start, newline);
					lines.push(whole.byteLength > maxBytes ? {bytes: whole.subarray(0, maxBytes), cut: true} : {bytes: whole, cut: false});
				} else {
					take(chunk.subarray(start, newline));
					lines.push(line());
				}

				start = newline + 1;
			}

			if (start < chunk.byteLength) take(chunk.subarray(start));
			return lines;
		},
		end: () => (heldBytes > 0 ? line() : undefined),
	};
}

// The kubelet's prefix with timestamps=true: RFC3339Nano (trailing zeros of the fraction dropped) and a space.
const stampPrefix = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /;

function followedLine({bytes, cut}: RawLine, maxCells: number): FollowedLine {
	const text = decodeUtf8Visible(bytes, cut);
	const stamp = stampPrefix.exec(text);
	const body = stamp ? text.slice(stamp[0].length) : text;
	return {text: printableLine(cut ? `${body}…` : body, maxCells), ...(stamp ? {time: stamp[1]!} : {})};
}

const stampParts = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** A line's timestamp as nanoseconds since the epoch, to compare two of them; undefined when it is not one. */
export function logTimeNanos(time: string): bigint | undefined {
	const parts = stampParts.exec(time);
	if (!parts) return undefined;
	const ms = Date.parse(`${parts[1]!}${parts[3]!}`);
	if (Number.isNaN(ms)) return undefined;
	return BigInt(ms) * 1_000_000n + BigInt((parts[2] ?? '').padEnd(9, '0'));
}

/** The sinceTime that includes a line of this time: its second, as the API server would cut it anyway. */
export function sinceTimeOf(time: string): string | undefined {
	const nanos = logTimeNanos(time);
	if (nanos === undefined) return undefined;
	return new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
