// --record FILE: the pod log answers the program read, as lines of the recording (model/recording.ts). A tail is
// one line; a followed log a line for each chunk that completes lines of the log, so that no recorded text ends
// inside a character, and a line of the log longer than the follower keeps is cut as the follower cuts it.
import {maxLogLineBytes} from '../api/pod-log-stream.js';
import {logText, type RecordedLog} from '../model/recording.js';
import type {LogRead, LogTap} from '../watch/log-tap.js';

type LogFields = Omit<RecordedLog, 'at' | 'kind' | 'text' | 'base64'>;

function count(value: string | undefined): number | undefined {
	const parsed = value === undefined ? Number.NaN : Number(value);
	return Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

function fieldsOf(read: LogRead, uid: string | undefined, stream: number | undefined): LogFields {
	const {query} = read;
	const tailLines = count(query['tailLines']);
	const limitBytes = count(query['limitBytes']);
	return {
		pod: read.pod,
		...(uid === undefined ? {} : {uid}),
		container: query['container'] ?? '',
		previous: query['previous'] === 'true',
		...(tailLines === undefined ? {} : {tailLines}),
		...(limitBytes === undefined ? {} : {limitBytes}),
		...(query['timestamps'] === 'true' ? {timestamps: true as const} : {}),
		...(stream === undefined ? {} : {stream}),
	};
}

/**
 * The tap that writes each answer as it comes. `uidOf` is the pod's uid by the newest pod list, which tells a
 * pod re-created under the same name (RestartJob) from the one before.
 */
export function createLogRecorder(write: (entry: RecordedLog) => void, now: () => number, uidOf: (pod: string) => string | undefined): LogTap {
	let streams = 0;
	const entry = (fields: LogFields, bytes: Uint8Array) => {
		if (bytes.byteLength > 0) write({at: now(), kind: 'log', ...fields, ...logText(bytes)});
	};

	return read => {
		if (!read.follow) {
			// A tail: one answer, already bounded by limitBytes (and by the client's maxBytes).
			const fields = fieldsOf(read, uidOf(read.pod), undefined);
			const parts: Uint8Array[] = [];
			return {
				bytes: chunk => parts.push(chunk),
				end: () => entry(fields, Buffer.concat(parts)),
			};
		}

		streams++;
		const fields = fieldsOf(read, uidOf(read.pod), streams);
		// The line under way, at most maxLogLineBytes of it.
		let held: Uint8Array[] = [];
		let heldBytes = 0;
		const hold = (part: Uint8Array) => {
			const kept = part.subarray(0, Math.max(0, maxLogLineBytes - heldBytes));
			if (kept.byteLength === 0) return;
			held.push(kept.slice());
			heldBytes += kept.byteLength;
		};

		return {
			bytes(chunk) {
				const lines: Uint8Array[] = [];
				let start = 0;
				for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
					hold(chunk.subarray(start, newline));
					lines.push(...held, Buffer.from('\n'));
					held = [];
					heldBytes = 0;
					start = newline + 1;
				}

				hold(chunk.subarray(start));
				entry(fields, Buffer.concat(lines));
			},
			end() {
				// What came after the last newline: a line of its own when the stream ended.
				entry(fields, Buffer.concat(held));
				held = [];
				heldBytes = 0;
			},
		};
	};
}
