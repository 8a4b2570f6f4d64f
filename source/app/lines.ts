// Following in text or JSON, for either view: a line (an object) per change until a signal, or until the job
// ends with --exit-on-finish.
import {exitCodes} from './exit-codes.js';
import type {Options} from './options.js';
import type {Io} from './session.js';
import type {LineFormat, Outcome, ViewDriver} from './view-driver.js';

export async function runLines<State, O extends Outcome>(
	driver: ViewDriver<State, O>,
	format: LineFormat,
	options: Pick<Options, 'exitOnFinish'>,
	io: Pick<Io, 'stdout' | 'signal'>,
): Promise<number> {
	let code: number = exitCodes.ok;
	driver.writeLines(format, line => io.stdout.write(line));
	if (options.exitOnFinish) {
		driver.watchForFinish?.(finished => {
			code = finished;
			driver.stop();
		});
	}

	const stop = () => driver.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		await driver.run();
	} finally {
		io.signal.removeEventListener('abort', stop);
	}

	return code;
}
