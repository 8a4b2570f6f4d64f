// A view driver that watches nothing: the runners of source/app/ (once, lines, tui) driven by a script, and the
// process's streams as strings. What the runners do with a driver is then what the tests read.
import {PassThrough, Writable} from 'node:stream';
import {Text} from 'ink';
import {useEffect, useSyncExternalStore} from 'react';
import {ApiError} from '../../source/api/api-error.js';
import type {Session} from '../../source/app/session.js';
import type {Outcome, ViewDriver, ViewTui} from '../../source/app/view-driver.js';
import type {Store} from '../../source/state/timed-store.js';

export type FakeState = {readonly seen: readonly string[]};

export type FakeDriver = ViewDriver<FakeState, Outcome> & {
	/** What the runner asked of the driver, in order: writeLines:json, createStore, once:5, run, stop, dispose… */
	readonly calls: string[];
	/** A change seen by the view's watchers: to its writers and its store. */
	emit(event: string): void;
};

export type Script = {
	readonly label?: string;
	readonly failureFields?: Readonly<Record<string, string>>;
	/** How once() ends (default: found). */
	readonly outcome?: Outcome;
	/** What the watchers see: during once(), or as soon as run() starts. */
	readonly events?: readonly string[];
	/** run(): after the events, the view ends by itself with this code (a job that finished). */
	readonly finishesWith?: number;
	/** The exit code of a --once look (default: 0 when found, else 9). */
	readonly exitCode?: (outcome: Outcome) => number;
	/** run() rejects with this once started. */
	readonly crash?: Error;
	/** closeOpened() reports this failure of a job opened from the view. */
	readonly openedFailure?: Error;
	/** A driver without watchForFinish (a namespace). */
	readonly endless?: boolean;
	/** once() answers only after stop(), as a look still retrying does. */
	readonly onceHangs?: boolean;
	/** The live view's keys: q (quit) or Ctrl+C (interrupt), pressed as soon as it is drawn. */
	readonly pressed?: 'quit' | 'interrupt';
};

type LiveProps = {
	readonly store: Store<FakeState, unknown>;
	readonly said: string;
	readonly pressed: Script['pressed'];
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
};

function Live({store, said, pressed, onQuit}: LiveProps) {
	const {seen} = useSyncExternalStore(store.subscribe, store.getState);
	useEffect(() => {
		if (pressed) onQuit(pressed);
	}, [pressed, onQuit]);
	return <Text>{`live ${seen.join(',')} ${said}`}</Text>;
}

export function fakeDriver(script: Script = {}): FakeDriver {
	const calls: string[] = [];
	const listeners = new Set<(event: string) => void>();
	let onFinish: ((code: number) => void) | undefined;
	let stopped = false;
	let wake = () => {};
	const untilStopped = async () =>
		new Promise<void>(resolve => {
			wake = resolve;
			if (stopped) resolve();
		});
	const emitAll = () => {
		for (const event of script.events ?? []) driver.emit(event);
	};

	const driver: FakeDriver = {
		label: script.label ?? 'team-a/mpi-demo',
		failureFields: script.failureFields ?? {},
		calls,
		emit(event) {
			for (const listener of listeners) listener(event);
		},
		writeLines(format, write) {
			calls.push(`writeLines:${format}`);
			listeners.add(event => write(`${format} ${event}\n`));
		},
		createStore(): Store<FakeState, unknown> {
			calls.push('createStore');
			let state: FakeState = {seen: []};
			const subscribers = new Set<() => void>();
			listeners.add(event => {
				state = {seen: [...state.seen, event]};
				for (const subscriber of subscribers) subscriber();
			});
			return {
				getState: () => state,
				subscribe(listener) {
					subscribers.add(listener);
					return () => subscribers.delete(listener);
				},
				dispatch() {},
				dispose: () => calls.push('dispose'),
			};
		},
		async once(retries) {
			calls.push(`once:${retries}`);
			emitAll();
			if (script.onceHangs) await untilStopped();
			return script.outcome ?? {kind: 'found'};
		},
		async run() {
			calls.push('run');
			if (script.crash) throw script.crash;
			emitAll();
			if (script.finishesWith !== undefined) onFinish?.(script.finishesWith);
			await untilStopped();
		},
		stop() {
			calls.push('stop');
			stopped = true;
			wake();
		},
		exitCode: outcome => script.exitCode?.(outcome) ?? (outcome.kind === 'found' ? 0 : 9),
		...(script.endless
			? {}
			: {
					watchForFinish(listener: (code: number) => void) {
						calls.push('watchForFinish');
						onFinish = listener;
					},
				}),
		closeOpened() {
			calls.push('closeOpened');
			return script.openedFailure ? {error: script.openedFailure} : undefined;
		},
		async loadTui(): Promise<ViewTui<FakeState>> {
			calls.push('loadTui');
			return {
				root: ({store, source, notices, onQuit}) => (
					<Live store={store} said={`from ${source} ${notices.join(';')}`} pressed={script.pressed} onQuit={onQuit} />
				),
				frame: (state, columns, source) => <Text>{`frame of ${state.seen.join(',')} at ${columns} columns, ${source}`}</Text>,
				record: state => `record: ${state.seen.length} seen`,
			};
		},
	};
	return driver;
}

export type FakeIo = {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
	readonly env: Record<string, string>;
	readonly signal: AbortSignal;
	/** Everything written to stdout (stderr) so far. */
	out(): string;
	err(): string;
	/** SIGINT, SIGTERM or SIGHUP. */
	interrupt(): void;
};

function stream(columns: number | undefined): {stream: NodeJS.WriteStream; text(): string} {
	let text = '';
	const writable = new Writable({
		write(chunk: Buffer, _encoding, done) {
			text += chunk.toString('utf8');
			done();
		},
	});
	Object.assign(writable, {columns, rows: 30, isTTY: false});
	return {stream: writable as unknown as NodeJS.WriteStream, text: () => text};
}

export function fakeIo(options: {columns?: number} = {}): FakeIo {
	const stdout = stream(options.columns);
	const stderr = stream(undefined);
	const controller = new AbortController();
	return {
		stdout: stdout.stream,
		stderr: stderr.stream,
		stdin: new PassThrough() as unknown as NodeJS.ReadStream,
		env: {},
		signal: controller.signal,
		out: stdout.text,
		err: stderr.text,
		interrupt: () => controller.abort(),
	};
}

/** A session as far as the runners read it: where the credentials come from, and the warnings. */
export function fakeSession(warnings: readonly string[] = []): Pick<Session, 'connection'> {
	return {
		connection: {
			server: 'https://cci.cn-north-4.myhuaweicloud.com',
			credentials: {description: 'token from HW_AUTH_TOKEN', async authorize() {}},
			warnings,
		},
	};
}

export function apiError(category: ApiError['category'], summary: string): ApiError {
	return new ApiError({category, summary});
}
