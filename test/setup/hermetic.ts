// In every test worker, before its test files: nothing of the person's cluster, credentials, proxies or home
// (test/e2e/hermetic.test.ts checks it). Temporary folders go into one folder that the run removes after.
import {mkdtempSync} from 'node:fs';
import {join} from 'node:path';
import {inject} from 'vitest';
import {privateVariablesIn} from '../helpers/environment.js';

for (const name of privateVariablesIn(process.env)) delete process.env[name];

const temporaryRoot = inject('testTemporaryRoot');
// os.tmpdir() reads TMPDIR at each call.
process.env['TMPDIR'] = temporaryRoot;
if (!process.env['HOME']?.startsWith(`${temporaryRoot}/`)) {
	process.env['HOME'] = mkdtempSync(join(temporaryRoot, 'home-'));
}
