import {describe, expect, test} from 'vitest';
import {logBytes, parseRecording, type RecordedLog} from '../../source/model/recording.js';
import {createRecorder} from '../../source/output/recorder.js';
import {tapLogReads} from '../../source/watch/log-tap.js';
import type {ApiBytes, ApiClient, ByteStream} from '../../source/api/client.js';
import {at, target} from './writer-events.js';

// --record keeps each pod log answer the program read: the bytes as they came, with the query asked.

function recorder() {
	let text = '';
	const recording = createRecorder(line => (text += line), target, () => at);
	const logs = (): RecordedLog[] => {
		const parsed = parseRecording(text);
		if ('problem' in parsed) throw new Error(parsed.problem);
		return parsed.entries.filter((entry): entry is RecordedLog => entry.kind === 'log');
	};

	return {recording, logs};
}

const encoder = new TextEncoder();
const answering = (answer: () => Promise<ApiBytes>): Pick<ApiClient, 'getBytes'> => ({getBytes: answer});
const streaming = (stream: ByteStream): Pick<ApiClient, 'streamBytes'> => ({streamBytes: async () => stream});

async function* chunksOf(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
	for (const part of parts) yield typeof part === 'string' ? encoder.encode(part) : part;
}

describe('log answers in a recording', () => {
	test('a tail: one line with its pod (and uid, by the pod list), container, query and text as received', async () => {
		const {recording, logs} = recorder();
		recording.details({part: 'pods', raw: {items: [{metadata: {name: 'mpi-master-0', uid: 'pod-1'}}]}});
		const body = encoder.encode('\u001B[31mstarting\u001B[0m\nValueError: loss is nan\n');
		const api = tapLogReads(answering(async () => ({body, cut: false})), 'mpi-master-0', recording.log);
		await api.getBytes('/log', {query: {container: 'mpimaster', tailLines: '20', limitBytes: '16384'}, maxBytes: 16_384});
		expect(logs()).toEqual([
			{at, kind: 'log', pod: 'mpi-master-0', uid: 'pod-1', container: 'mpimaster', previous: false, tailLines: 20, limitBytes: 16_384, text: '\u001B[31mstarting\u001B[0m\nValueError: loss is nan\n'},
		]);
	});

	test('bytes that are not UTF-8 are kept as they came (base64)', async () => {
		const {recording, logs} = recorder();
		const body = Uint8Array.from([0x6f, 0x6b, 0xff, 0xfe, 0x0a]);
		const api = tapLogReads(answering(async () => ({body, cut: false})), 'p', recording.log);
		await api.getBytes('/log', {query: {container: 'c', previous: 'true'}, maxBytes: 100});
		const [entry] = logs();
		expect(entry).toMatchObject({previous: true, base64: true});
		expect([...logBytes(entry!)]).toEqual([...body]);
	});

	test('a followed log: whole lines each time (a character cut between chunks is not split), a stream number, the rest at its end', async () => {
		const {recording, logs} = recorder();
		const euro = encoder.encode('€');
		const api = tapLogReads(
			streaming({chunks: chunksOf('2026-01-01T00:00:00Z one\n2026-01-01T00:00:01Z tw', 'o\n2026-01-01T00:00:02Z ', euro.subarray(0, 1), euro.subarray(1), '\n', 'last')}),
			'p',
			recording.log,
		);
		const stream = await api.streamBytes('/log', {query: {container: 'c', follow: 'true', timestamps: 'true', tailLines: '100'}});
		for await (const chunk of stream.chunks) expect(chunk.byteLength).toBeGreaterThan(0);
		const entries = logs();
		expect(entries.map(entry => entry.text)).toEqual(['2026-01-01T00:00:00Z one\n', '2026-01-01T00:00:01Z two\n', '2026-01-01T00:00:02Z €\n', 'last']);
		expect(entries.every(entry => entry.stream === 1 && entry.timestamps === true && entry.tailLines === 100 && entry.base64 === undefined)).toBe(true);
	});

	test('nothing is written for a refusal: it is not an answer of the log', async () => {
		const {recording, logs} = recorder();
		const api = tapLogReads(answering(async () => Promise.reject(new Error('403'))), 'p', recording.log);
		await expect(api.getBytes('/log', {query: {container: 'c'}, maxBytes: 10})).rejects.toThrow('403');
		expect(logs()).toEqual([]);
	});
});
