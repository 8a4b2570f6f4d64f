import {describe, expect, it} from 'vitest';
import {skippedLines} from '../../../source/watch/failure-watcher.js';
import {crashLooping, harness, lastWords, logOf, master, play, restartsIn, start, worker} from './failure-harness.js';

describe('failure watcher over HTTP', () => {
	it('each failed run is recorded once however many lists show it; one log request each, never two at a time', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 2);
		const looping = restartsIn(await h.look());
		// Read before the container runs again: a list showing it ran twice more would make that run's log gone.
		await h.watcher.settled();
		simulator.goTo(3);
		// The same runs in list after list: the failed pod, then the pods going with the restart.
		const failed = restartsIn(await h.look());
		await h.look();
		simulator.goTo(4);
		await h.look();
		await h.watcher.settled();
		const records = h.watcher.evidence().map(evidence => evidence.record);
		const keys = records.map(record => record.key);
		expect(new Set(keys).size).toBe(keys.length);
		// The run before the one the first list showed, and the last two: the one restarted, the one that ended the pod.
		expect(records.map(record => record.run)).toEqual([...new Set([looping - 1, failed - 1, failed])]);
		expect(records.map(record => record.restartedInPlace)).toEqual([...records.slice(1).map(() => true), false]);
		expect(records.every(record => record.pod === worker && record.exitCode === 137 && record.meaning === 'out of memory (OOMKilled)')).toBe(true);
		// Told twice each: when recorded (log pending) and when its log was read.
		const told = (key: string) => h.events.filter(event => event.evidence.record.key === key).map(event => event.evidence.log.status);
		for (const key of keys) expect(told(key)).toEqual(['pending', 'lines']);
		// What the first list showed was there before the watch: told as old; the failures after it are news.
		const firstRun = records.find(record => record.run === looping - 1)!;
		expect(h.events.filter(event => event.old).map(event => event.evidence.record.key)).toEqual([firstRun.key]);
		expect(h.events.find(event => event.evidence.record.key === keys.at(-1))?.old).toBeUndefined();
		expect(h.logRequests()).toHaveLength(records.length);
		expect(h.maxInFlight()).toBe(1);
		expect(h.order).toEqual(records.flatMap(() => [`start ${worker}`, `end ${worker}`]));
		// More lists of the same runs later: nothing new, nothing read again.
		await h.look();
		await h.watcher.settled();
		expect(h.watcher.evidence()).toHaveLength(records.length);
		expect(h.logRequests()).toHaveLength(records.length);
	});

	it('a run restarted in place is read with previous=true; the run that ended the pod without', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 1);
		simulator.goTo(3);
		await h.look();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		const restarted = evidence.filter(entry => entry.record.restartedInPlace);
		const last = evidence.find(entry => entry.record.restartedInPlace === false);
		expect(restarted.length).toBeGreaterThanOrEqual(1);
		for (const entry of restarted) expect(entry.log).toMatchObject({status: 'lines', previous: true});
		expect(last?.log).toMatchObject({status: 'lines', previous: false});
		const requests = h.logRequests();
		expect(requests.filter(path => path.includes('previous=true'))).toHaveLength(restarted.length);
		expect(requests.every(path => path.includes('container=mpiworker') && path.includes('tailLines=20') && path.includes('limitBytes=16384'))).toBe(true);
		// SIGKILL leaves no last words: the log is the program's own lines.
		if (last?.log.status === 'lines') expect(last.log.lines[0]).toBe('Server listening on 0.0.0.0 port 22.');
	});

	it('logLines 0: no log request, each record told once with log status none', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator, {logLines: 0});
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		expect(h.watcher.evidence()).toEqual([expect.objectContaining({log: {status: 'none'}})]);
		expect(h.watcher.evidence()[0]?.record).toMatchObject({pod: master, exitCode: 1, message: [lastWords]});
		expect(h.events.map(event => event.evidence.log.status)).toEqual(['none']);
		expect(h.logRequests()).toEqual([]);
	});

	it('a 403 on logs is a note in the record, and the watcher goes on', async () => {
		const simulator = await start({scenario: 'fail', forbidden: ['pods/log']});
		const h = harness(simulator);
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		const {namespace} = simulator.scenario;
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: `no permission to read logs in ${namespace}`});
		// The next failure is recorded and its log asked for too.
		play(simulator, 9, 13);
		await h.look();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => entry.record.exitCode)).toEqual([1, 143]);
		expect(evidence.map(entry => entry.log)).toEqual([
			{status: 'unavailable', note: `no permission to read logs in ${namespace}`},
			{status: 'unavailable', note: `no permission to read logs in ${namespace}`},
		]);
		expect(h.logRequests()).toHaveLength(2);
	});

	it('a pod deleted before its log was read: "the pod is gone"', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const failed = await h.read();
		// RestartJob deleted the pods before the watcher got to the list that showed the failure.
		play(simulator, 9, 10);
		h.feed(failed);
		await h.watcher.settled();
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: 'the pod is gone'});
		expect(h.logRequests()).toHaveLength(1);
	});

	it('a pod re-created under its name before its log was read: the new pod\'s log is not taken for the failed one\'s', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		play(simulator, 4, 8);
		const masterRaised = await h.read();
		// RestartJob: the pods deleted and created again under the same names, running.
		play(simulator, 9, 12);
		const recreated = await h.read();
		const release = h.hold();
		h.feed(workerFailed);
		h.feed(masterRaised);
		h.feed(recreated);
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => [entry.record.pod, entry.record.exitCode])).toEqual([
			[worker, 137],
			[master, 1],
		]);
		// The worker's read was under way when the list came: which pod answered it is not known.
		expect(evidence.map(entry => entry.log)).toEqual([
			{status: 'unavailable', note: 'the pod is gone'},
			{status: 'unavailable', note: 'the pod is gone'},
		]);
		// The master's was not sent at all.
		expect(h.order).toEqual([`start ${worker}`, `end ${worker}`]);
	});

	it('a run whose container has run twice more since: its log is gone, not taken from a later run', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 1);
		const early = await h.read();
		const first = restartsIn(early);
		// The early run's read under way (held) while the container restarts twice more, then the pod fails.
		const release = h.hold();
		h.feed(early);
		await crashLooping(simulator, first + 2);
		simulator.goTo(3);
		const last = restartsIn(await h.look());
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => entry.record.run)).toEqual([first - 1, last - 1, last]);
		expect(evidence.map(entry => entry.log.status === 'lines' ? `lines previous=${entry.log.previous}` : entry.log)).toEqual([
			{status: 'unavailable', note: 'the run\'s log is gone: the container ran again since'},
			'lines previous=true',
			'lines previous=false',
		]);
	});

	it('the master\'s log: a 1 MiB line cuts the tail, the lines after it are read again; nothing a terminal acts on', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		const log = logOf(h, master);
		expect(log?.status).toBe('lines');
		if (log?.status !== 'lines') return;
		expect(log.previous).toBe(false);
		expect(log.lines.at(-1)).toBe(lastWords);
		expect(log.lines.slice(-8, -6)).toEqual(['Traceback (most recent call last):', '  File "/workspace/train.py", line 214, in <module>']);
		// The long line, cut to the screen, then the mark for what the re-read may have left out.
		expect(log.lines).toContain(skippedLines);
		const long = log.lines.find(line => line.startsWith('DEBUG:train:vocab='));
		expect(long?.length).toBeLessThanOrEqual(300);
		// The first read was cut; those after it asked for fewer lines each time, one at a time, at most 4 more.
		const asked = h.logRequests().map(path => Number(new URL(path, simulator.url).searchParams.get('tailLines')));
		expect(asked[0]).toBe(20);
		expect(asked.length).toBeGreaterThan(1);
		expect(asked.length).toBeLessThanOrEqual(5);
		for (let index = 1; index < asked.length; index++) expect(asked[index]).toBeLessThan(asked[index - 1]!);
		expect(h.maxInFlight()).toBe(1);
		for (const line of log.lines) {
			expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
			expect(line).not.toContain(']52;');
		}

		expect(log.lines).toContain('INFO:train:loading /data/shards (1024 shards)');
	});
});
