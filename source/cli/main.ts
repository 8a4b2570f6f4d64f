import './boot/heap-settings.js';
import './boot/production-mode.js';
import meow from 'meow';
import {resolveOptions} from './options.js';
import {UsageError} from '../common/usage-error.js';
import {exitCodes} from '../app/exit-codes.js';

function fail(message: string): never {
	process.stderr.write(`vcjob-watch: ${message}\nRun vcjob-watch --help for usage.\n`);
	process.exit(exitCodes.usage);
}

// A token on the command line is readable by every user of the machine (ps, /proc): refuse it by name.
if (process.argv.some(argument => /^--(?:token|auth-token|password)(?:=|$)/.test(argument))) {
	fail('no token on the command line (every user of this host can read it): use HW_AUTH_TOKEN or --token-file PATH');
}

function parseArguments() {
	try {
		return meow(
			`
		Usage
		  $ vcjob-watch NAME [-n NAMESPACE] [-s URL] [options]
		  $ vcjob-watch -n NAMESPACE [-l SELECTOR] [-s URL] [options]
		  $ vcjob-watch --demo [--scenario S]
		  $ vcjob-watch simulate [--port N] [--scenario S] [--forbid LIST]

		  Watches one Volcano Job (batch.volcano.sh/v1alpha1) and shows, live, its phase,
		  pod counters, tasks and policies; what changed stands out. With -n and no NAME:
		  every job of the namespace in a table (phase, pods against minAvailable, retries,
		  age, queue); Enter opens one job's own view.

		Options
		  -n, --namespace NS     namespace of the job (default: the kubeconfig context's, else default);
		                         without NAME, the namespace whose jobs to list
		  -l, --selector S       without NAME: only jobs with these labels, e.g. team=a,app!=mpi
		                         (a label selector, applied by the server)
		  -s, --server URL       API server, e.g. https://cci.cn-north-4.myhuaweicloud.com
		      --region ID        CCI region: the server is https://cci.ID.myhuaweicloud.com
		      --token-file PATH  file holding the X-Auth-Token; re-read when it changes
		      --watch            follow the job (or the namespace's jobs) with a watch (a stream of
		                         changes) only; a server that refuses watches is an error, checked
		                         again at --recheck
		      --poll             poll only: a GET (a list of the namespace) every --interval
		                         (default: watch, and poll when the server or a proxy refuses watches)
		      --watch-idle D     a watch stream silent this long, not even a bookmark, is reopened
		                         quietly from where it was (default 2m)
		      --interval D       time between polls (of the job, or lists of the namespace), after
		                         each answer (default 2s)
		      --timeout D        per-request timeout (default 10s)
		      --max-wait D       longest wait between retries (default 30s)
		      --recheck D        wait before checking again after 401, 403 or another 4xx (default 30s)
		      --highlight D      how long a change stays highlighted (default 4s)
		      --details-interval D   time between fetches of the PodGroup, pods and events
		                         (default 10s; only for panels on screen, and in text/json output)
		      --no-details       no PodGroup, pods or events: one request per interval, the job's
		  -o, --output MODE      tui | text | json (default: tui on a terminal, else text)
		      --once             fetch once (retrying 429/5xx/network errors), print, exit; without
		                         NAME, the table once (tui) or one line (object) per job
		      --exit-on-finish   exit when the job is Completed (0) or Failed, Terminated, Aborted (1)
		      --demo             watch a job on the built-in simulator; no cluster needed
		      --scenario S       simulator scenario: demo, fail, flaky, static, seed, unschedulable,
		                         image-pull, recreate, namespace (the demo job among 200 others,
		                         shown as the table), idle, quiet (default demo)
		      --speed X          simulator time multiplier (default 1)
		      --port N           port for "simulate" (default 0: any free port)
		      --no-color         no colours (also NO_COLOR=1 or TERM=dumb)
		      --no-alt-screen    draw in the normal screen, leaving the last frame in the scrollback
		      --debug FILE       append a line per request to FILE (method, URL, status, time, request id;
		                         never a header or a body)
		      --loop             "simulate": after the scenario's end, start over as a new job
		      --forbid LIST      "simulate": answer 403 for these, comma-separated: pods, events, podgroups
		      --help, --version
		  D is a duration: 500ms, 2s, 1m, or a number of seconds.

		Kubernetes, TLS and proxies
		      --kubeconfig PATH  kubeconfig file (else KUBECONFIG, files joined with ':', else ~/.kube/config)
		      --context NAME     kubeconfig context (default: its current-context)
		      --certificate-authority FILE   CA certificates (PEM) that sign the server's certificate
		      --insecure-skip-tls-verify     do not verify the server's certificate (warned on screen)
		      --allow-http       plain http:// to a host other than this machine
		  Which settings win, field by field:
		  1 flags: --server, --token-file, --certificate-authority, --insecure-skip-tls-verify, -n
		  2 a kubeconfig named by --kubeconfig, --context or KUBECONFIG: the context's server, CA,
		    tls-server-name, proxy-url, namespace, and its user's token, tokenFile, client
		    certificate or exec plugin (e.g. cci-iam-authenticator), sent as Authorization: Bearer
		  3 CCI: --region or HW_REGION_NAME, with the credentials below
		  4 ~/.kube/config, when none of the above names a server
		  HTTPS_PROXY, HTTP_PROXY, NO_PROXY are honoured; a kubeconfig's proxy-url wins over them.

		Environment
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
		  NO_COLOR                 any value turns colours off
		  VCJOB_SIMULATOR_TOKEN    "simulate": require this X-Auth-Token from clients
		  MALLOC_ARENA_MAX         Linux: unless set, the program starts again in place with 2
		                           (glibc malloc arenas: memory stays flat over days)

		Keys (tui)
		  q quit · Ctrl+C interrupt · r refresh · p pause/resume · e events · o pods
		  g PodGroup · t timeline (each full screen; again or Esc goes back) · ? help
		  The namespace's table: ↑ ↓ j k move · PgUp PgDn Home End · Enter open the job
		  (Esc comes back) · / filter by name (Enter keeps, Esc clears) · s sort: name,
		  phase (trouble first), age, recent change · r list now · p pause · ? help · q quit

		Output without NAME (-o text, -o json)
		  one line (JSON object) per job added, changed (phase, pod counters, retries, queue)
		  or deleted; the first listing writes one per job

		Exit codes
		  0 done (q, --once, or Completed with --exit-on-finish)   1 Failed/Terminated/Aborted with --exit-on-finish
		  (without NAME: 0, 2, 3, 5 and the signals apply; an empty namespace is 0)
		  2 usage or configuration error   3 the API refused the request for good (401, 403, 4xx) with --once
		  4 job not found with --once      5 server unreachable or failing through every retry with --once
		  129/130/143 stopped by SIGHUP/SIGINT/SIGTERM

		Examples
		  $ vcjob-watch --demo
		  $ vcjob-watch --demo --scenario namespace
		  $ vcjob-watch mpi-demo -n team-a --region cn-north-4 --token-file ~/.cci-token
		  $ vcjob-watch -n team-a -l app=pytorch --region cn-north-4 --token-file ~/.cci-token
		  $ HW_AUTH_TOKEN=$(cat ~/.cci-token) vcjob-watch mpi-demo -n team-a -s https://cci.cn-north-4.myhuaweicloud.com
		  $ vcjob-watch mpi-demo -n team-a -s https://cci.cn-north-4.myhuaweicloud.com --token-file ~/.cci-token -o json --exit-on-finish
		  $ vcjob-watch simulate --port 8080 --scenario seed
		  $ curl localhost:8080/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com
		`,
			{
				importMeta: import.meta,
				allowUnknownFlags: false,
				flags: {
					namespace: {type: 'string', shortFlag: 'n'},
					selector: {type: 'string', shortFlag: 'l'},
					server: {type: 'string', shortFlag: 's'},
					tokenFile: {type: 'string'},
					region: {type: 'string'},
					kubeconfig: {type: 'string'},
					context: {type: 'string'},
					certificateAuthority: {type: 'string'},
					insecureSkipTlsVerify: {type: 'boolean', default: false},
					allowHttp: {type: 'boolean', default: false},
					debug: {type: 'string'},
					watch: {type: 'boolean', default: false},
					poll: {type: 'boolean', default: false},
					watchIdle: {type: 'string'},
					interval: {type: 'string', default: '2s'},
					timeout: {type: 'string', default: '10s'},
					maxWait: {type: 'string', default: '30s'},
					recheck: {type: 'string', default: '30s'},
					highlight: {type: 'string', default: '4s'},
					detailsInterval: {type: 'string', default: '10s'},
					details: {type: 'boolean', default: true},
					output: {type: 'string', shortFlag: 'o'},
					once: {type: 'boolean', default: false},
					exitOnFinish: {type: 'boolean', default: false},
					demo: {type: 'boolean', default: false},
					scenario: {type: 'string'},
					speed: {type: 'number', default: 1},
					port: {type: 'number', default: 0},
					loop: {type: 'boolean', default: false},
					forbid: {type: 'string'},
					color: {type: 'boolean', default: true},
					altScreen: {type: 'boolean', default: true},
				},
			},
		);
	} catch (error) {
		// meow's own checks (a flag given twice, a number that is not one) throw: usage errors too.
		return fail(error instanceof Error ? error.message : String(error));
	}
}

const cli = parseArguments();

const controller = new AbortController();
let signalCode: number | undefined;
const signalCodes = {SIGINT: exitCodes.sigint, SIGTERM: exitCodes.sigterm, SIGHUP: exitCodes.sighup} as const;
for (const [name, code] of Object.entries(signalCodes)) {
	process.on(name, () => {
		// A second signal means "now": the terminal is restored by Ink's exit hooks.
		if (signalCode !== undefined) process.exit(signalCode);
		signalCode = code;
		controller.abort();
	});
}

async function main(): Promise<number> {
	if (cli.input[0] === 'simulate') {
		const {simulate} = await import('../app/simulate.js');
		return simulate(
			{
				port: cli.flags.port,
				scenario: cli.flags.scenario ?? 'demo',
				speed: cli.flags.speed,
				loop: cli.flags.loop,
				token: process.env['VCJOB_SIMULATOR_TOKEN'],
				forbid: cli.flags.forbid,
			},
			{stdout: process.stdout, signal: controller.signal},
		);
	}

	const config = resolveOptions(cli.input, cli.flags, process.env, process.stdout.isTTY === true);
	const {run} = await import('../app/run.js');
	return run(config, {
		stdout: process.stdout,
		stderr: process.stderr,
		stdin: process.stdin,
		env: process.env,
		signal: controller.signal,
	});
}

try {
	const code = await main();
	process.exitCode = signalCode ?? code;
} catch (error) {
	if (error instanceof UsageError) fail(error.message);
	throw error;
}
