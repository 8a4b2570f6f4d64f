import {fileURLToPath} from 'node:url';
import {expect, test} from 'vitest';
import {e2eFixture} from '../support/fixture.js';

// The real loop over real HTTP, many polls, heap measured after a full GC: a leak of even a few hundred
// bytes a poll shows. (RSS over 100,000 polls at a fast interval is measured by npm run bench.) The child
// runs dist/, which vitest's global setup rebuilds when the sources are newer.
const {startSimulator, runCli} = e2eFixture();

test('the heap stays flat over 8,000 polls', async () => {
	const simulator = await startSimulator({scenario: 'static', autoplay: false});
	const soak = runCli([simulator.url, simulator.scenario.namespace, simulator.scenario.jobName, '8000'], {}, {
		command: [process.execPath, '--expose-gc', fileURLToPath(new URL('../support/soak-child.mjs', import.meta.url))],
	});
	expect(await soak.exit(110_000), soak.stderr()).toBe(0);
	const samples = soak.jsonLines<{polls: number; heapUsed: number}>();
	expect(samples).toHaveLength(10);
	// From the second checkpoint on (JIT and caches warm), the heap may wobble but not grow.
	const settled = samples[1]!.heapUsed;
	const last = samples.at(-1)!.heapUsed;
	expect((last - settled) / 1024 / 1024, JSON.stringify(samples)).toBeLessThan(1);
}, 120_000);
