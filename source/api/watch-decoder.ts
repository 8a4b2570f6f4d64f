import {ApiError} from './api-error.js';
import {sanitize} from '../common/sanitize.js';

/** One event of a Kubernetes watch stream, as sent: `{"type": …, "object": …}` on a line of its own. */
export type RawWatchEvent = {
	readonly type: string;
	readonly object: Record<string, unknown>;
};

const newline = 0x0a;

function tooLong(maxBytes: number): ApiError {
	return new ApiError({category: 'malformed', summary: `watch event refused: larger than ${Math.round(maxBytes / 1024)} KB`});
}

/**
 * The lines of a byte stream, without their newline, as they complete. Chunks are split anywhere (inside a
 * line, inside a multi-byte character): lines are cut at the newline byte, which never occurs inside a UTF-8
 * sequence, and only whole lines are decoded. A line that grows past maxBytes is refused before it is kept
 * whole: one runaway event must not hold the heap. A last line without its newline is the stream cut short
 * and is dropped: the event it carried comes again on the next watch from the last resourceVersion.
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<string> {
	const decoder = new TextDecoder('utf-8');
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	for await (const chunk of chunks) {
		let start = 0;
		for (let end = chunk.indexOf(newline); end !== -1; end = chunk.indexOf(newline, start)) {
			if (pendingBytes + end - start > maxBytes) throw tooLong(maxBytes);
			const piece = chunk.subarray(start, end);
			const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
			pending = [];
			pendingBytes = 0;
			start = end + 1;
			yield decoder.decode(line);
		}

		if (start < chunk.length) {
			pendingBytes += chunk.length - start;
			if (pendingBytes > maxBytes) throw tooLong(maxBytes);
			// A copy: the transport may reuse the chunk's memory once it has been handed over.
			pending.push(Uint8Array.prototype.slice.call(chunk, start));
		}
	}
}

/** One line of a watch stream as an event; anything else is one malformed-answer error. */
export function parseWatchLine(line: string): RawWatchEvent {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		const problem = /^\s*</.test(line) ? 'an HTML page' : `a line that is not JSON (${JSON.stringify(sanitize(line, 40))})`;
		throw new ApiError({category: 'malformed', summary: `watch stream: ${problem} instead of an event`});
	}

	const event = value as {type?: unknown; object?: unknown} | null;
	if (
		typeof event !== 'object' ||
		event === null ||
		Array.isArray(event) ||
		typeof event.type !== 'string' ||
		typeof event.object !== 'object' ||
		event.object === null ||
		Array.isArray(event.object)
	) {
		throw new ApiError({category: 'malformed', summary: 'watch stream: JSON that is not an event (no type or object)'});
	}

	return {type: event.type, object: event.object as Record<string, unknown>};
}

/** The events of a watch stream's body; blank lines (keep-alives some proxies add) are skipped. */
export async function* readWatchEvents(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<RawWatchEvent> {
	for await (const line of readLines(chunks, maxLineBytes)) {
		if (line.trim() === '') continue;
		yield parseWatchLine(line);
	}
}
