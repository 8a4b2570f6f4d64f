// `vcjob-watch replay FILE`: a recording (--record) served by the built-in simulator and watched in this
// process, as --demo watches a scenario.
import {readFile} from 'node:fs/promises';
import {UsageError} from '../../common/usage-error.js';
import {parseRecording} from '../../model/recording.js';
import type {Demo} from '../demo.js';
import type {Options} from '../options.js';

/**
 * The simulator serving the recording at `path`, its job the one to watch. A file that is no recording is a
 * usage error; one cut short (killed mid-write) replays up to its last whole line, and `warn` says so once.
 */
export async function startReplay(path: string, options: Pick<Options, 'speed'>, warn: (message: string) => void): Promise<Demo> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read the recording ${path} (${(error as {code?: string}).code ?? String(error)})`);
	}

	const recording = parseRecording(text);
	if ('problem' in recording) throw new UsageError(`${path} is ${recording.problem}`);
	if (recording.cut) warn(`${path} was cut short (its last line is not whole): it replays up to its last whole line`);
	const simulator = await import('../../simulator/index.js');
	const started = await simulator.startSimulator({recording, speed: options.speed});
	return {simulator: started, scenario: started.scenario};
}
