// The simulator's options and the handle startSimulator returns: what its callers (the CLI's --demo and
// `simulate`, the tests, scripts and bench) see of it, apart from how server.ts serves.
import type {WatchHooks} from './apiserver/api-server.js';
import type {WatchSimulatorOptions} from './apiserver/collection-types.js';
import type {ManyJobsOptions} from './cluster/fleet/many-jobs.js';
import type {ClusterResource} from './cluster-api.js';
import type {CollectionFault, Fault} from './faults.js';
import type {AkSkSimulatorOptions, IamSimulatorOptions} from './iam.js';
import type {Scenario} from './scenarios.js';
import type {ActionResource} from './writes/actions-api.js';
import type {Recording} from '../model/recording.js';

export type {RestartOptions, WatchHooks} from './apiserver/api-server.js';
export type {WatchSimulatorOptions} from './apiserver/collection-types.js';

export type SimulatorOptions = {
	readonly scenario?: string | Scenario;
	/** Default 127.0.0.1. */
	readonly host?: string;
	/** Default 0: any free port. */
	readonly port?: number;
	/** How much faster than real time the simulated clock runs (steps' holdMs, bookmarks, watch caches); default 1. */
	readonly speed?: number;
	/**
	 * The simulated clock, in ms (default: real elapsed time × speed). It paces the steps, the watch caches'
	 * windows, bookmarks, etcd progress notifications and compaction, writes elsewhere in the cluster, and the
	 * manyJobs changes. Tests inject one and move it; tick() then runs what fell due without waiting.
	 */
	readonly now?: () => number;
	/** Seeds the writes elsewhere in the cluster and the bookmarks' jitter; default 1. */
	readonly seed?: number;
	/** Writes to objects the simulator does not serve (leases, other namespaces) every 1–3 s of simulated time; default true. */
	readonly backgroundWrites?: boolean;
	/** etcd compaction every this many simulated ms, to the revision of the previous one (exact and paged reads live 5–10 min); default 300000, 0: only compact(). */
	readonly compactionIntervalMs?: number;
	/** Default true; false = steps move only by advance() and goTo(). */
	readonly autoplay?: boolean;
	/** After the last step, start again as a new incarnation of the job (new uid, new creationTimestamp). */
	readonly loop?: boolean;
	/** When set, X-Auth-Token (CCI) or Authorization: Bearer (Kubernetes) must carry it, else 401. */
	readonly token?: string;
	/** When set, Authorization: Basic must carry this user and password (a kubeconfig's username/password), else 401. */
	readonly basicAuth?: {readonly username: string; readonly password: string};
	/**
	 * Serve HTTPS with this key and certificate (PEM). With requestCert, as a Kubernetes API server: a client
	 * without a certificate signed by ca gets 401 (the handshake itself succeeds).
	 */
	readonly tls?: {readonly key: string; readonly cert: string; readonly ca?: string; readonly requestCert?: boolean};
	/** Huawei Cloud IAM (see iam.ts): POST …/v3/auth/tokens issues tokens, and the job path wants one (leave token unset). */
	readonly iam?: IamSimulatorOptions;
	/** Huawei Cloud access keys (see iam.ts): the job path wants an SDK-HMAC-SHA256 signature (or, with iam, an IAM token). */
	readonly aksk?: AkSkSimulatorOptions;
	/** Other jobs, in place of the scenario's own manyJobs (see many-jobs.ts). */
	readonly manyJobs?: ManyJobsOptions;
	/**
	 * Every kind's watch-cache window holds exactly this many events, never resized (tests). Default: the API
	 * server's rule, 100 to 102,400 events keeping about 75 s of simulated time (apiserver/watch-window.ts).
	 */
	readonly historySize?: number;
	/** These resources' lists, watches and gets are answered 403, as for a user whose role does not cover them; `pods/log`: pod logs. */
	readonly forbidden?: ReadonlyArray<ClusterResource | 'pods/log' | ActionResource | 'jobs/create'>;
	/** false: no bus.volcano.sh group (Volcano's Commands), as on some managed services: 404 on its discovery and paths. Default true. */
	readonly busGroup?: boolean;
	/** The PodGroup is named `<job>` as before Volcano v1.6, not `<job>-<job uid>`; default: the scenario's choice. */
	readonly legacyPodGroupName?: boolean;
	/** Serve this recording (`vcjob-watch replay`) in place of a scenario: its objects at their times, divided by speed. */
	readonly recording?: Recording;
} & WatchSimulatorOptions;

export type SimulatedRequest = {
	readonly method: string;
	/** As requested, query included. */
	readonly path: string;
	/** 0 when no status was sent (reset, hang). */
	readonly status: number;
	/** Date.now() on arrival. */
	readonly at: number;
	/** With tls.requestCert: the common name of the client's certificate. */
	readonly clientCertificate?: string;
	/** The Authorization and X-Auth-Token headers as received, so a test can tell which credential was sent. */
	readonly authorization?: string;
	readonly authToken?: string;
};

export type Simulator = {
	readonly url: string;
	readonly port: number;
	readonly scenario: Scenario;
	readonly stepIndex: number;
	/** Next step; after the last one, a new incarnation with loop, else nothing. */
	advance(): void;
	goTo(index: number): void;
	/** Served to the next job GETs, one each, before the scenario's own faults. */
	injectFaults(...faults: Fault[]): void;
	/** Served to the next lists and watches (of jobs, pods, events, PodGroups), each to the first request it fits. */
	injectCollectionFaults(...faults: CollectionFault[]): void;
	readonly requestCount: number;
	/** With iam: every token issued so far stops working, as after a password change. */
	revokeTokens(): void;
	/** The last 200 requests, oldest first. */
	readonly requests: readonly SimulatedRequest[];
	/** Pod log answers still open: a followed log until its container stops or the client goes. */
	readonly openLogs: number;
	/** Cuts every open pod log answer mid-stream, as a proxy would. */
	dropLogs(): void;
	/** With manyJobs: make this many changes to those jobs now. */
	changeJobs(count: number): void;
	/** etcd's current revision: one counter for every write in the cluster, served or not. */
	readonly resourceVersion: number;
	/** The scenario's job's own metadata.resourceVersion (when it last changed); undefined while it is absent. */
	readonly jobResourceVersion: string | undefined;
	/** Run now what has fallen due on the clock (it also runs every 100 ms of real time). */
	tick(): void;
	close(): Promise<void>;
} & WatchHooks;
