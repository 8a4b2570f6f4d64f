import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {parseWatchLine, readLines, readWatchEvents} from '../../source/api/watch-decoder.js';

async function* chunksOf(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
	for (const part of parts) {
		yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
	}
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const items: T[] = [];
	for await (const item of iterable) items.push(item);
	return items;
}

async function failure(iterable: AsyncIterable<unknown>): Promise<{error: ApiError; before: unknown[]}> {
	const before: unknown[] = [];
	try {
		for await (const item of iterable) before.push(item);
	} catch (error) {
		expect(error).toBeInstanceOf(ApiError);
		return {error: error as ApiError, before};
	}

	throw new Error('expected the stream to fail');
}

const event = (type: string, rv: string) => `${JSON.stringify({type, object: {kind: 'Job', metadata: {name: 'job', resourceVersion: rv}}})}\n`;

describe('readLines', () => {
	test('lines split across chunks, several lines in one chunk, a chunk per byte', async () => {
		expect(await collect(readLines(chunksOf('one\ntw', 'o\nthree\nfo', 'ur\n'), 1024))).toEqual(['one', 'two', 'three', 'four']);
		const bytes = Buffer.from('alpha\nbeta\n');
		expect(await collect(readLines(chunksOf(...[...bytes].map(byte => Uint8Array.of(byte))), 1024))).toEqual(['alpha', 'beta']);
	});

	test('a multi-byte character cut between chunks arrives whole', async () => {
		const text = '任务 “mpi” läuft 🚀\n';
		const bytes = Buffer.from(text, 'utf8');
		// Every split point, including inside each multi-byte sequence.
		for (let cut = 1; cut < bytes.length; cut++) {
			const lines = await collect(readLines(chunksOf(bytes.subarray(0, cut), bytes.subarray(cut)), 1024));
			expect(lines, `cut at byte ${cut}`).toEqual(['任务 “mpi” läuft 🚀']);
		}
	});

	test('a line longer than the cap is refused before it is kept whole, in one chunk or many', async () => {
		const huge = 'x'.repeat(5000);
		const whole = await failure(readLines(chunksOf('short\n', `${huge}\n`), 4096));
		expect(whole.before).toEqual(['short']);
		expect(whole.error.category).toBe('malformed');
		expect(whole.error.summary).toBe('watch event refused: larger than 4 KB');
		// Never ending: chunks of 1000 bytes with no newline, refused once past the cap.
		let sent = 0;
		async function* endless(): AsyncGenerator<Uint8Array> {
			for (;;) {
				sent += 1000;
				yield Buffer.alloc(1000, 'y');
			}
		}

		const runaway = await failure(readLines(endless(), 4096));
		expect(runaway.error.summary).toMatch(/larger than 4 KB/);
		expect(sent).toBe(5000);
	});

	test('a line exactly at the cap is taken', async () => {
		expect(await collect(readLines(chunksOf(`${'z'.repeat(4096)}\n`), 4096))).toEqual(['z'.repeat(4096)]);
	});

	test('a last line without its newline (the stream cut short) is dropped', async () => {
		expect(await collect(readLines(chunksOf('done\n{"type":"MODI'), 1024))).toEqual(['done']);
	});
});

describe('readWatchEvents', () => {
	test('events in order, blank keep-alive lines skipped', async () => {
		const events = await collect(readWatchEvents(chunksOf(event('ADDED', '1'), '\n', event('MODIFIED', '2').slice(0, 30), event('MODIFIED', '2').slice(30), '\r\n', event('BOOKMARK', '3')), 1024));
		expect(events.map(item => [item.type, (item.object['metadata'] as {resourceVersion: string}).resourceVersion])).toEqual([
			['ADDED', '1'],
			['MODIFIED', '2'],
			['BOOKMARK', '3'],
		]);
	});

	test('a garbage line is one malformed error, after the good events before it', async () => {
		const {error, before} = await failure(readWatchEvents(chunksOf(event('ADDED', '1'), 'upstream connect error\n', event('MODIFIED', '2')), 1024));
		expect(before).toHaveLength(1);
		expect(error.category).toBe('malformed');
		expect(error.retryable).toBe(true);
		expect(error.summary).toBe('watch stream: a line that is not JSON ("upstream connect error") instead of an event');
	});
});

describe('parseWatchLine', () => {
	test.each([
		['{"type":"ADDED"}', /no type or object/],
		['{"object":{}}', /no type or object/],
		['{"type":"ADDED","object":[]}', /no type or object/],
		['[1,2]', /no type or object/],
		['null', /no type or object/],
		['<html><body>502</body></html>', /an HTML page instead of an event/],
		['{"type":"ADDED","object":{"metadata":{"name":"\u001B]0;x\u0007"}}', /not JSON \("\{\\"type\\":\\"ADDED/],
	])('%j is refused', (line, message) => {
		expect(() => parseWatchLine(line)).toThrow(message);
	});

	test('what it says of a garbage line is sanitised', () => {
		let summary = '';
		try {
			parseWatchLine('\u001B[2Jwiped\u0007');
		} catch (error) {
			summary = (error as ApiError).summary;
		}

		expect(summary).not.toMatch(/\u001B|\u0007/);
		expect(summary).toContain('wiped');
	});
});
