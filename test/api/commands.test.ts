import {describe, expect, test} from 'vitest';
import {commandFor, commandsPath, foregroundDeletion, randomSuffix} from '../../source/api/commands.js';

describe('the Command sent to act on a job', () => {
	test('as vcctl makes it: the job as target and as the controller owner reference, named <job>-<action>-<5 random>', () => {
		const job = {namespace: 'team-a', name: 'train', uid: '6f0c1e2a-0000-4000-8000-000000000001'};
		const owner = {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: 'train', uid: job.uid, controller: true, blockOwnerDeletion: true};
		expect(commandFor(job, 'RestartJob', 'x7k2b')).toEqual({
			apiVersion: 'bus.volcano.sh/v1alpha1',
			kind: 'Command',
			metadata: {name: 'train-restartjob-x7k2b', namespace: 'team-a', ownerReferences: [owner]},
			action: 'RestartJob',
			target: owner,
		});
	});

	test('the random part as the API server makes generateName suffixes', () => {
		for (let index = 0; index < 50; index++) expect(randomSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	});

	test('posted to the namespace’s commands; a deletion asks for Foreground propagation', () => {
		expect(commandsPath('team a')).toBe('/apis/bus.volcano.sh/v1alpha1/namespaces/team%20a/commands');
		expect(foregroundDeletion).toEqual({kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground'});
	});
});
