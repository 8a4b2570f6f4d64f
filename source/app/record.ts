// --record FILE: the file a recording is written to, line by line as the watch goes.
import {closeSync, fchmodSync, openSync, writeSync} from 'node:fs';
import {UsageError} from '../common/usage-error.js';
import {createRecorder, type Recorder} from '../output/recorder.js';

export type RecordingFile = {
	readonly recorder: Recorder;
	close(): void;
};

/**
 * Opens (or empties) the file, readable by its owner only: it holds the job, its pods and events as the server
 * sent them. Each line is written whole with one write(2), so a run killed mid-write leaves whole lines but the
 * last. A write that fails (a full disk) ends the recording with one warning; the watch goes on.
 */
export function openRecording(
	path: string,
	target: {readonly namespace: string; readonly name: string},
	warn: (message: string) => void,
): RecordingFile {
	let fd: number | undefined;
	try {
		fd = openSync(path, 'w', 0o600);
		// An existing file keeps its mode on open: narrow it as well.
		fchmodSync(fd, 0o600);
	} catch (error) {
		if (fd !== undefined) closeSync(fd);
		throw new UsageError(`cannot write --record ${path} (${(error as {code?: string}).code ?? String(error)})`);
	}

	const close = () => {
		if (fd === undefined) return;
		const open = fd;
		fd = undefined;
		try {
			closeSync(open);
		} catch {
			// Closed already, or the disk went: nothing more to write either way.
		}
	};

	const write = (line: string) => {
		if (fd === undefined) return;
		try {
			writeSync(fd, line);
		} catch (error) {
			close();
			warn(`recording to ${path} stopped: ${(error as {code?: string}).code ?? String(error)}`);
		}
	};

	return {recorder: createRecorder(write, target), close};
}
