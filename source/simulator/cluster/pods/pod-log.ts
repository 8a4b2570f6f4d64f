import {createHash} from 'node:crypto';
import {seededRandom} from '../../apiserver/clock.js';

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

/** The program's own lines, in order: a start, then progress for as long as it runs. */
function* program(run: ContainerRun, random: () => number): Generator<string> {
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

// The last words of a run that ended; an OOM kill leaves none.
function lastWords(run: ContainerRun): string | undefined {
	if (!run.exit || run.exit.reason === 'OOMKilled') return undefined;
	if (run.exit.exitCode === 0) return run.task === 'mpimaster' ? 'mpiexec: all 2 processes exited normally' : 'Received signal 15; terminating.';
	return `mpiexec noticed that process rank 0 on node ${run.pod} exited on signal or with status ${run.exit.exitCode}.`;
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
	for (const text of program(run, random)) {
		if (at > end) break;
		lines.push({at, text});
		at += (minGapMs + random() * (maxGapMs - minGapMs)) / speed;
	}

	const last = lastWords(run);
	if (last !== undefined && run.finishedAt !== undefined && run.finishedAt <= until) {
		lines.push({at: Math.max(run.finishedAt, lines.at(-1)?.at ?? run.startedAt), text: last});
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
