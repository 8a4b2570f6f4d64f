// --once for either view: one look (429, 5xx and network errors retried a few times), written as lines or as
// one frame; the exit code says how it ended.
import {onceFailureLine} from '../output/once-failure.js';
import type {Options} from './options.js';
import {onceRetries, type Io, type Session} from './session.js';
import type {Outcome, ViewDriver} from './view-driver.js';

export async function runOnce<State, O extends Outcome>(
	driver: ViewDriver<State, O>,
	options: Pick<Options, 'output' | 'color'>,
	io: Io,
	session: Pick<Session, 'connection'>,
): Promise<number> {
	const format = options.output === 'tui' ? undefined : options.output;
	if (format) driver.writeLines(format, line => io.stdout.write(line));
	const store = format ? undefined : driver.createStore();
	const stop = () => driver.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		const outcome = await driver.once(onceRetries);
		if (outcome.kind === 'gave-up' && outcome.error) {
			const message = `gave up after ${onceRetries + 1} tries: ${outcome.error.summary}`;
			if (format) {
				io.stdout.write(onceFailureLine(format, Date.now(), {who: driver.label, fields: driver.failureFields, message, error: outcome.error}));
			}

			io.stderr.write(`vcjob-watch: ${message}\n`);
		}

		if (store) {
			// Ink and React only now, and only for this frame.
			const {renderFrame} = await import('./tui.js');
			const columns = io.stdout.columns || 100;
			io.stdout.write(`${await renderFrame(driver, store.getState(), options, columns, session.connection.credentials.description)}\n`);
		}

		return driver.exitCode(outcome);
	} finally {
		io.signal.removeEventListener('abort', stop);
		store?.dispose();
	}
}
