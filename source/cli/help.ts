// `--help`: made from the flag table (cli/flags.ts), the key tables (tui/keys.ts, pure data: no React or Ink is
// loaded), the exit codes (cli/exit-code-docs.ts), and the few texts below that belong to no table (usage,
// which settings win, the environment, examples). meow prints it under the package's description.
import {plainText, wrapText} from '../common/markup.js';
import {shownKeys} from '../tui/key-lookup.js';
import {keySections, type KeyRow, type Screen} from '../tui/keys.js';
import {completionUsage} from './completion/shells.js';
import {exitCodeNumbers, exitCodeRows} from './exit-code-docs.js';
import {defaultText, flagSections, flagsOf, flagUsage, type FlagSection, type FlagSpec} from './flags.js';

/** The width the help is written for, indent included (meow adds two spaces in front of every line). */
const width = 98;
const indent = '  ';

const usage = `Usage
  $ vcjob-watch NAME [-n NAMESPACE] [-s URL] [options]
  $ vcjob-watch -n NAMESPACE [-l SELECTOR] [-s URL] [options]
  $ vcjob-watch submit -f FILE [-n NAMESPACE] [-s URL] [--dry-run] [options]
  $ vcjob-watch suspend|resume|restart|terminate|complete|delete NAME [-n NAMESPACE] [-s URL]
  $ vcjob-watch --demo [--scenario S]
  $ vcjob-watch simulate [--port N] [--scenario S] [--forbid LIST]
  $ vcjob-watch replay FILE [--speed X] [options]
  $ vcjob-watch ${completionUsage}

  Watches one Volcano Job (batch.volcano.sh/v1alpha1) and shows, live, its phase,
  pod counters, tasks and policies; what changed stands out. With -n and no NAME:
  every job of the namespace in a table (phase, pods against minAvailable, retries,
  age, queue); Enter opens one job's own view.`;

/** Said after a section's flags. */
const sectionNotes: Partial<Record<FlagSection, string>> = {
	options: `  D is a duration: 500ms, 2s, 1m, or a number of seconds.`,
	kubernetes: `  Which settings win, field by field:
  1 flags: --server, --token-file, --certificate-authority, --insecure-skip-tls-verify, -n
  2 a kubeconfig named by --kubeconfig, --context or KUBECONFIG: the context's server, CA,
    tls-server-name, proxy-url, namespace, and its user's token, tokenFile, client
    certificate or exec plugin (e.g. cci-iam-authenticator), sent as Authorization: Bearer
  3 CCI: --region or HW_REGION_NAME, with the credentials below
  4 ~/.kube/config, when none of the above names a server
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY are honoured; a kubeconfig's proxy-url wins over them.`,
};

const environment = `Environment
  Credentials: the first source that is set is used, and the status line names it.
  1 --token-file PATH      a token file, re-read when it changes and after a 401
  2 HW_AUTH_TOKEN          a token, sent as X-Auth-Token; a 401 means it expired or is wrong
  3 HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME
                           IAM user login; the token stays in memory, renewed before it expires
                           and once after a 401; a refused login is not tried again for 5 min
    HW_PROJECT_NAME        the token's project (default: the region), or HW_PROJECT_ID
    HW_AUTH_URL            IAM endpoint (default: https://iam.REGION.myhuaweicloud.com/v3)
  4 HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (or HW_ACCESS_KEY, HW_SECRET_KEY)
                           access keys: every request signed (SDK-HMAC-SHA256); a 401 is
                           reported and checked again only after --recheck, never at once
    HUAWEICLOUD_SDK_SECURITY_TOKEN (or HW_SECURITY_TOKEN)   temporary keys
    HUAWEICLOUD_SDK_PROJECT_ID (or HW_PROJECT_ID)            sent as X-Project-Id
  none of them: no auth header is sent
  HW_REGION_NAME, HUAWEICLOUD_SDK_REGION_ID   the CCI region when --region is not given
  KUBECONFIG               kubeconfig files, joined with ':', merged as kubectl does
  NO_COLOR                 any value turns colours off (so does TERM=dumb)
  VCJOB_SIMULATOR_TOKEN    "simulate": require this X-Auth-Token from clients
  MALLOC_ARENA_MAX         Linux: unless set, the program starts again in place with 2
                           (glibc malloc arenas: memory stays flat over days)`;

const namespaceOutput = `Output without NAME (-o text, -o json)
  one line (JSON object) per job added, changed (phase, pod counters, retries, queue)
  or deleted; the first listing writes one per job`;

const namespaceExitCodes =
	'Without NAME: 0, 2, 3, 5 and the signals apply, with "the list" for "the job"; an empty namespace is 0.';

const examples = `Examples
  $ vcjob-watch --demo
  $ vcjob-watch --demo --scenario namespace
  $ vcjob-watch mpi-demo -n team-a --region cn-north-4 --token-file ~/.cci-token
  $ vcjob-watch -n team-a -l app=pytorch --region cn-north-4 --token-file ~/.cci-token
  $ HW_AUTH_TOKEN=$(cat ~/.cci-token) vcjob-watch mpi-demo -n team-a -s https://cci.cn-north-4.myhuaweicloud.com
  $ vcjob-watch mpi-demo -n team-a -s https://cci.cn-north-4.myhuaweicloud.com --token-file ~/.cci-token -o json --exit-on-finish
  $ vcjob-watch simulate --port 8080 --scenario seed
  $ curl localhost:8080/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com`;

/** `  label   text that wraps, its next lines under its first`; a label wider than the column pushes the text right. */
function columns(label: string, text: string, column: number): string[] {
	const lines = wrapText(text, width - indent.length - column);
	const pad = ' '.repeat(indent.length + column);
	const first = label.length + 2 > column ? `${indent}${label}  ` : `${indent}${label.padEnd(column)}`;
	if (first.length > pad.length) {
		// The label took the room of the first words: wrap what follows it again.
		const [head = '', ...rest] = wrapText(text, width - first.length);
		return [`${first}${head}`, ...wrapText(rest.join(' '), width - pad.length).map(line => pad + line)];
	}

	return lines.map((line, index) => (index === 0 ? first : pad) + line);
}

/** One flag: `-n, --namespace NS` (long-only flags in line with the long ones), what it does and its default. */
export function flagHelp(name: string, spec: FlagSpec): string[] {
	const {short, long} = flagUsage(name, spec);
	const label = short === undefined ? `    ${long}` : `${short}, ${long}`;
	const text = [spec.description, defaultText(spec)].filter(part => part !== undefined).join(' ');
	return columns(label, plainText(text), 24);
}

/** A key row: what it does, and more; a row that needs the details panels says so. */
export function keyDescription(row: KeyRow<Screen>): string {
	const more = row.more === undefined ? '' : row.more.startsWith(';') ? row.more : ` ${row.more}`;
	return `${row.description}${more}${row.needs === 'details' ? ' (not with `--no-details`)' : ''}`;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

function keysHelp(): string[] {
	const sections = Object.values(keySections);
	const column = Math.max(...sections.flatMap(section => section.rows.map(row => shownKeys(row).length))) + 2;
	return sections.flatMap(section => [
		'',
		`Keys (tui): ${lowerFirst(section.title)}`,
		...wrapText(plainText(section.intro), width - indent.length).map(line => indent + line),
		...section.rows.flatMap(row => columns(shownKeys(row), plainText(keyDescription(row)), column)),
	]);
}

function exitCodesHelp(): string[] {
	const column = Math.max(...exitCodeRows.map(row => exitCodeNumbers(row).length)) + 2;
	return [
		'',
		'Exit codes',
		...exitCodeRows.flatMap(row => columns(exitCodeNumbers(row), plainText(row.when), column)),
		...wrapText(namespaceExitCodes, width - indent.length).map(line => indent + line),
	];
}

/** The whole of `--help`, without the package's description (meow prints that first) and without indent. */
export function renderHelp(): string {
	const flagLines = (Object.keys(flagSections) as FlagSection[]).flatMap(section => [
		'',
		flagSections[section].title,
		...flagsOf(section).flatMap(([name, spec]) => flagHelp(name, spec)),
		...(sectionNotes[section] === undefined ? [] : [sectionNotes[section]]),
	]);
	return [usage, ...flagLines, '', environment, ...keysHelp(), '', namespaceOutput, ...exitCodesHelp(), '', examples].join('\n');
}
