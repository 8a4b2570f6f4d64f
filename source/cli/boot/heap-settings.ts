import v8 from 'node:v8';
import {capsYoungGeneration} from './malloc-arenas.js';

// V8 sizes its heap for throughput: polling fast (the soak runs at 10 ms) the young generation grew with the
// allocation rate (about 170 MB RSS in JSON mode, 118 MB without that growth), and with Ink's live heap the
// old generation was let grow by ~17 MB per 10,000 polls before a full collection (101 → 114 MB in 80 s; with
// --optimize-for-size 99 → 104 MB, collected back). At the default 2 s interval neither matters, and the
// CPU cost is not measurable there.
//
// A V8 flag set at run time changes V8's flag hash, and Node's own compiled code of its built-in modules (http,
// net, tls, streams) is then refused: each is compiled again as it loads, about 20 ms of a start. So the young
// generation's cap comes on the command line of the second start on Linux (malloc-arenas.ts), where it costs
// nothing, and the rest is set here once the start is over: its first frame drawn, the installed program's code
// cache written (which must match the flags it is read with: program-script.ts).

const settled = Symbol.for('vcjob-watch.heap-settled');
type Marked = {[settled]?: true};

/** When the long-run settings are applied: a run's start is over by then. */
export const longRunSettingsAfterMs = 5000;

/** The settings for a run that goes on; once per process (the installed program holds two copies of this file). */
export function applyLongRunSettings(execArgv: readonly string[] = process.execArgv): void {
	if ((globalThis as Marked)[settled]) return;
	(globalThis as Marked)[settled] = true;
	// Without the cap on the command line (another system, a single executable, MALLOC_ARENA_MAX set by the user):
	// the young generation grows no further from here.
	if (!capsYoungGeneration(execArgv)) v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--optimize-for-size');
}

/** True once the long-run settings changed V8's flags: compiled code cached from now on would not be taken. */
export function longRunSettingsApplied(): boolean {
	return (globalThis as Marked)[settled] === true;
}

/** Applies the long-run settings once the start is over, without keeping a short run alive for them. */
export function scheduleLongRunSettings(): void {
	setTimeout(applyLongRunSettings, longRunSettingsAfterMs).unref();
}
