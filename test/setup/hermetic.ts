// In every test worker, before its test files: nothing of the person's cluster, credentials, proxies or home
// (test/e2e/program/hermetic.test.ts checks it). Temporary folders go into one folder that the run removes after.
import {inject} from 'vitest';
import {privateVariablesIn} from '../helpers/environment.js';
import {createTemporaryDirectory} from '../helpers/temp-dir.js';

for (const name of privateVariablesIn(process.env)) delete process.env[name];

const temporaryRoot = inject('testTemporaryRoot');
// os.tmpdir() reads TMPDIR at each call.
process.env['TMPDIR'] = temporaryRoot;
if (!process.env['HOME']?.startsWith(`${temporaryRoot}/`)) {
	// Removed when the worker exits, and with the whole folder after the run.
	process.env['HOME'] = createTemporaryDirectory('home-');
}
