// --notify: the bell and one desktop notification when the watched job finishes (and, with --notify=failures, at
// its first pod failure), written to the terminal: standard output, only when it is one. A pipe (JSON lines, a
// log file) never gets these bytes.
import type {Environment} from '../../common/usage-error.js';
import {watchFinishSignal, type FinishSignal, type FinishSignalSources} from '../job/finish-signal.js';
import {insideTmux, notificationBytes, notificationKind, type Notification} from './sequences.js';

/** finish: at the job's final phase; failures: at its first pod failure too. */
export type NotifyWhen = 'finish' | 'failures';

type Target = {readonly namespace: string; readonly name: string};

/** The notification's words: `vcjob NAME Failed` over `Failed: the latest failure's reason`. */
export function notificationText(signal: FinishSignal, target: Target): Notification {
	if (signal.type === 'finished') {
		const {phase} = signal.job;
		return {title: `vcjob ${target.name} ${phase}`, body: signal.failure === undefined ? `${target.namespace}/${target.name} ${phase}` : `${phase}: ${signal.failure}`};
	}

	const failed = signal.job?.counters.failed ?? 0;
	return {title: `vcjob ${target.name}: a pod failed`, body: signal.failure ?? `failed pods: ${failed}`};
}

/**
 * Starts notifying for the watch of `target`; returns the unsubscribe. Nothing at all unless stdout is a terminal:
 * the sequences would be noise in a file or a pipe.
 */
export function startNotifier(
	sources: FinishSignalSources,
	target: Target,
	when: NotifyWhen,
	io: {readonly stdout: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>; readonly env: Environment},
): () => void {
	if (io.stdout.isTTY !== true) return () => {};
	const kind = notificationKind(io.env);
	const tmux = insideTmux(io.env);
	let sent = 0;
	return watchFinishSignal(sources, signal => {
		if (signal.type === 'first-failure' && when !== 'failures') return;
		sent++;
		io.stdout.write(notificationBytes(kind, notificationText(signal, target), {tmux, id: `vcjob${sent}`}));
	});
}
