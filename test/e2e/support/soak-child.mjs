// Runs the real watch loop (client, watcher, store, both line writers) against a server for many polls
// and prints the heap in use after a full GC at checkpoints, as JSON lines. Started with --expose-gc.
// It runs dist/ (the package's #imports): vitest's global setup (test/setup/global.ts) rebuilds it first
// when a source is newer.
import {createJobClient} from '#api/job-client.js';
import {createJobWatcher} from '#watch/job-watcher.js';
import {createJobViewStore} from '#state/job-view-store.js';
import {createJsonWriter} from '#output/json-writer.js';
import {createTextWriter} from '#output/text-writer.js';

const [server, namespace, name, total] = process.argv.slice(2);
const polls = Number(total);
const client = createJobClient({server, namespace, name, timeoutMs: 10_000});
let count = 0;
const counting = {
	async getJob(signal) {
		count++;
		if (count % (polls / 10) === 0) {
			globalThis.gc();
			process.stdout.write(`${JSON.stringify({polls: count, heapUsed: process.memoryUsage().heapUsed})}\n`);
		}

		if (count >= polls) watcher.stop();
		return client.getJob(signal);
	},
};
const watcher = createJobWatcher({client: counting, namespace, name, intervalMs: 1, maxWaitMs: 10, refusedWaitMs: 10});
const store = createJobViewStore(watcher, {namespace, name, highlightMs: 4000});
watcher.subscribe(createTextWriter(() => {}, {namespace, name}));
watcher.subscribe(createJsonWriter(() => {}, {namespace, name}));
await watcher.run();
store.dispose();
