import stringWidth from 'string-width';
import {sanitize} from '../common/sanitize.js';
import {ApiError} from './api-error.js';
import type {ApiClient} from './client.js';
import {podLogPath} from './paths.js';

// The last lines of a container's log: one bounded request, its text untrusted like any server string.

export const defaultLogLines = 20;
export const defaultLogBytes = 16 * 1024;
export const defaultLogLineCells = 300;

export type PodLogRequest = {
	readonly namespace: string;
	readonly pod: string;
	readonly container: string;
	/** The run before the current one: for a container restarted in place. */
	readonly previous?: boolean | undefined;
	readonly tailLines?: number | undefined;
	readonly limitBytes?: number | undefined;
	/** A longer line is cut, with an ellipsis. */
	readonly maxLineCells?: number | undefined;
	readonly signal?: AbortSignal | undefined;
};

export type PodLogTail =
	| {
			readonly kind: 'lines';
			/** Oldest first, at most tailLines, each safe to print on one terminal line. */
			readonly lines: readonly string[];
			/** limitBytes (or the server stopping there) cut the text: the newest lines may be missing. */
			readonly cut: boolean;
			readonly bytes: number;
	  }
	| {readonly kind: 'forbidden' | 'gone'; readonly message: string};

export function podLogQuery(request: Pick<PodLogRequest, 'container' | 'previous' | 'tailLines' | 'limitBytes'>): Record<string, string> {
	return {
		container: request.container,
		tailLines: String(request.tailLines ?? defaultLogLines),
		limitBytes: String(request.limitBytes ?? defaultLogBytes),
		...(request.previous ? {previous: 'true'} : {}),
	};
}

/**
 * One GET of the log's tail. A 403 or a 404 is an answer about the log, not a failure of the watch: it
 * comes back as a result; anything else throws the client's ApiError.
 */
export async function readPodLogTail(api: Pick<ApiClient, 'getBytes'>, request: PodLogRequest): Promise<PodLogTail> {
	const tailLines = Math.max(0, Math.floor(request.tailLines ?? defaultLogLines));
	const limitBytes = Math.max(1, Math.floor(request.limitBytes ?? defaultLogBytes));
	// The API server answers 0 with an empty log: no need to ask.
	if (tailLines === 0) return {kind: 'lines', lines: [], cut: false, bytes: 0};
	try {
		const {body, cut} = await api.getBytes(podLogPath(request.namespace, request.pod), {
			query: podLogQuery({...request, tailLines, limitBytes}),
			signal: request.signal,
			// A server that ignores limitBytes is not read further than one that honours it.
			maxBytes: limitBytes,
		});
		// limitBytes leaves no mark of its own: an answer of exactly that size was (most likely) cut.
		const wasCut = cut || body.byteLength >= limitBytes;
		return {kind: 'lines', lines: logLines(body, {tailLines, cut: wasCut, maxCells: request.maxLineCells ?? defaultLogLineCells}), cut: wasCut, bytes: body.byteLength};
	} catch (error) {
		const refusal = logRefusal(error, request.namespace);
		if (refusal) return refusal;
		throw error;
	}
}

/** A 403 or a Status 404 said as an answer about the log; undefined for any other failure. */
export function logRefusal(error: unknown, namespace: string): {readonly kind: 'forbidden' | 'gone'; readonly message: string} | undefined {
	if (error instanceof ApiError && error.category === 'forbidden') {
		return {kind: 'forbidden', message: `no permission to read logs in ${sanitize(namespace, 100)}`};
	}

	// A Kubernetes Status 404: the pod (or this run of it) no longer exists. A proxy's 404 stays an error.
	if (error instanceof ApiError && error.category === 'not-found') {
		return {kind: 'gone', message: 'the pod is gone'};
	}

	return undefined;
}

/** Log bytes as at most tailLines printable lines; `cut`: the text stops mid-way, maybe mid-character. */
export function logLines(body: Uint8Array, {tailLines, cut, maxCells}: {tailLines: number; cut: boolean; maxCells: number}): string[] {
	const lines = decodeUtf8Visible(body, cut).split('\n');
	const last = lines.pop()!;
	// Text after the last newline is a line cut short by limitBytes, or a log without a final newline.
	if (last !== '') lines.push(cut ? `${last}…` : last);
	return lines.slice(-tailLines).map(line => printableLine(line, maxCells));
}

const tabWidth = 4;

/** One log line for the terminal: sanitised, its indentation kept (stack traces read by it), cut to maxCells. */
export function printableLine(line: string, maxCells: number): string {
	const expanded = line.replace(/\r$/, '').replaceAll('\t', ' '.repeat(tabWidth));
	const indent = /^ */.exec(expanded)![0];
	return cutCells(indent + sanitize(expanded.slice(indent.length), Number.MAX_SAFE_INTEGER), maxCells);
}

function cutCells(text: string, width: number): string {
	if (text.length <= width || stringWidth(text) <= width) return text;
	const kept: string[] = [];
	let used = 1;
	for (const character of text) {
		const cells = stringWidth(character);
		if (used + cells > width) break;
		kept.push(character);
		used += cells;
	}

	return `${kept.join('')}…`;
}

const strict = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
const lenient = new TextDecoder('utf-8', {ignoreBOM: true});

/**
 * UTF-8 as text, every byte that is not part of a well-formed sequence shown as \xNN: binary output stays
 * recognisable, where U+FFFD would hide what it was. With `cut`, a sequence broken by the end is dropped.
 */
export function decodeUtf8Visible(bytes: Uint8Array, cut = false): string {
	if (!cut) {
		try {
			return strict.decode(bytes);
		} catch {
			// Not well-formed: byte by byte below.
		}
	}

	let text = '';
	let i = 0;
	while (i < bytes.length) {
		const length = sequenceLength(bytes, i);
		if (length > 0) {
			text += length === 1 ? String.fromCodePoint(bytes[i]!) : lenient.decode(bytes.subarray(i, i + length));
			i += length;
		} else if (length === -1 && cut) {
			break;
		} else {
			text += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
			i++;
		}
	}

	return text;
}

/** The length of the well-formed sequence at i; 0 when it is not one; -1 when it is the start of one the end cut off. */
function sequenceLength(bytes: Uint8Array, i: number): number {
	const first = bytes[i]!;
	if (first < 0x80) return 1;
	let length: number;
	let low = 0x80;
	let high = 0xbf;
	if (first >= 0xc2 && first <= 0xdf) length = 2;
	else if (first >= 0xe0 && first <= 0xef) {
		length = 3;
		if (first === 0xe0) low = 0xa0; // overlong
		if (first === 0xed) high = 0x9f; // surrogates
	} else if (first >= 0xf0 && first <= 0xf4) {
		length = 4;
		if (first === 0xf0) low = 0x90; // overlong
		if (first === 0xf4) high = 0x8f; // above U+10FFFF
	} else return 0;

	for (let k = 1; k < length; k++) {
		if (i + k >= bytes.length) return -1;
		const next = bytes[i + k]!;
		if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return 0;
	}

	return length;
}
