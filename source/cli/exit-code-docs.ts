// What each exit code of app/exit-codes.ts means, for `--help` (cli/help.ts) and the exit-code tables of
// README.md and docs/output.md (`npm run docs`). Every code is in exactly one row: the type requires a row to
// name codes that exist, and test/cli/help.test.ts that every code has one. Texts may mark `code`.
import {exitCodes} from '../app/exit-codes.js';

export type ExitCodeName = keyof typeof exitCodes;

export type ExitCodeRow = {readonly codes: readonly ExitCodeName[]; readonly when: string};

export const exitCodeRows: readonly ExitCodeRow[] = [
	{codes: ['ok'], when: '`q`; `--once` got the job; `--exit-on-finish` saw `Completed`'},
	{codes: ['jobFailed'], when: '`--exit-on-finish` saw `Failed`, `Terminated` or `Aborted`'},
	{codes: ['usage'], when: 'usage or configuration error (bad flag, name, duration, URL, unreadable token file); `submit`: a file that is not a job'},
	{
		codes: ['refused'],
		when: "`--once`: the API refused the request for good (401, 403, other 4xx, a gateway's 404 for a wrong host or path); `submit`: the server refused the job (403, 409, 422, …)",
	},
	{codes: ['notFound'], when: '`--once`: the job does not exist'},
	{codes: ['unreachable'], when: '`--once`: the server kept failing (5xx, 429, network, timeouts) through every retry; `submit`: the create got no answer (never retried)'},
	{codes: ['sighup', 'sigint', 'sigterm'], when: 'stopped by SIGHUP, SIGINT (or `Ctrl+C`), SIGTERM'},
];

/** `129, 130, 143`. */
export function exitCodeNumbers(row: ExitCodeRow): string {
	return row.codes.map(name => exitCodes[name]).join(', ');
}

