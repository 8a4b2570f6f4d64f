import {describe, expect, it} from 'vitest';
import {noFailures, recordFailures} from '../../../source/model/failures.js';
import {sleep} from '../../helpers/waits.js';
import {harness, lastWords, logOf, master, play, start, worker} from './failure-harness.js';

describe('failure watcher over HTTP: stopping, giving up, seeding, the cap', () => {
	it('stop() aborts a read under way: nothing more is told, settled() resolves', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const failed = await h.read();
		const sent = h.nextRead();
		h.feed(failed);
		await sent;
		h.watcher.stop();
		await h.watcher.settled();
		expect(h.order).toEqual([`start ${master}`, `aborted ${master}`]);
		expect(h.events.map(event => event.evidence.log.status)).toEqual(['pending']);
		expect(logOf(h, master)).toEqual({status: 'pending'});
		// Stopped: lists that come after it are not heard.
		await h.look();
		expect(h.events).toHaveLength(1);
	});

	it('abandon(): the program ends with reads not done; each such record is told once more with the note, and nothing more is asked', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		// The first read held: every record of the list is still pending.
		const release = h.hold();
		h.feed(workerFailed);
		const pending = h.events.length;
		expect(pending).toBeGreaterThan(0);
		expect(h.events.every(event => event.evidence.log.status === 'pending')).toBe(true);
		h.watcher.abandon('log not read: the program ended first');
		release();
		await h.watcher.settled();
		const told = h.events.slice(pending).map(event => [event.evidence.record.key, event.evidence.log]);
		expect(told).toEqual(h.events.slice(0, pending).map(event => [event.evidence.record.key, {status: 'unavailable', note: 'log not read: the program ended first'}]));
		expect(h.watcher.evidence().every(item => item.log.status === 'unavailable')).toBe(true);
		// The held read was the only one sent, and it was aborted.
		expect(h.order.filter(entry => entry.startsWith('start'))).toHaveLength(1);
	});

	it('seed(): records read elsewhere are told at once, their logs read only after the first pod list, and not twice', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		// The master's ValueError, as the namespace's table read it from the pods.
		const seen = recordFailures(noFailures, await h.read(), {version: 2, retryCount: 1}, Date.now()).records;
		const raised = seen.find(record => record.pod === master)!;
		expect(raised).toBeDefined();
		h.watcher.seed(seen);
		expect(h.events.map(event => [event.evidence.record.key, event.evidence.log.status])).toEqual(seen.map(record => [record.key, 'pending']));
		// No pod list yet: where the run's log is, is not known, so nothing is asked.
		await sleep(50);
		expect(h.logRequests()).toEqual([]);
		// The same pods listed: read once each, the same records not told as new again.
		await h.look();
		await h.watcher.settled();
		// One read of the tail (the re-reads after the 1 MiB line ask for fewer lines).
		expect(h.logRequests().filter(path => path.includes(master) && path.includes('tailLines=20'))).toHaveLength(1);
		expect(logOf(h, master)).toMatchObject({status: 'lines', lines: expect.arrayContaining([lastWords])});
		expect(h.events.filter(event => event.evidence.record.key === raised.key).map(event => event.evidence.log.status)).toEqual(['pending', 'lines']);
		h.watcher.seed(seen);
		expect(h.events.filter(event => event.evidence.record.key === raised.key)).toHaveLength(2);
	});

	it('seed(): a record whose pod was re-created since: the first list says so, and its log is not asked for', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const seen = recordFailures(noFailures, await h.read(), {version: 2, retryCount: 1}, Date.now()).records.filter(record => record.pod === master);
		// RestartJob: the master deleted and created again under its name.
		play(simulator, 9, 12);
		h.watcher.seed(seen);
		await h.look();
		await h.watcher.settled();
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: 'the pod is gone'});
		expect(h.logRequests().filter(path => path.includes(master))).toEqual([]);
	});

	it('capped: the newest records kept; one that fell off while waiting for its turn is not read', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator, {maxRecords: 1});
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		play(simulator, 4, 8);
		const masterRaised = await h.read();
		play(simulator, 9, 13);
		const masterTerminated = await h.read();
		// The worker's log read under way (held), the master's first failure waiting behind it; then the second.
		const release = h.hold();
		h.feed(workerFailed);
		h.feed(masterRaised);
		h.feed(masterTerminated);
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => [entry.record.pod, entry.record.exitCode])).toEqual([[master, 143]]);
		expect(evidence[0]?.log).toMatchObject({status: 'lines', lines: expect.arrayContaining(['INFO:train:received SIGTERM, exiting'])});
		// The worker's read was under way: its answer is dropped with its record. The ValueError's was never sent.
		expect(h.order).toEqual([`start ${worker}`, `end ${worker}`, `start ${master}`, `end ${master}`]);
		expect(h.logRequests()).toHaveLength(2);
		const told = h.events.map(event => `${event.evidence.record.exitCode} ${event.evidence.log.status}`);
		expect(told).toEqual(['137 pending', '1 pending', '143 pending', '143 lines']);
	});
});
