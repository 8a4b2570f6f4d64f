import {randomBytes} from 'node:crypto';
import type * as Http from 'node:http';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type * as Https from 'node:https';
import {createRequire} from 'node:module';
import type {AddressInfo} from 'node:net';
import type {TLSSocket} from 'node:tls';
import {createApiServer} from './apiserver/api-server.js';
import {createTicker, seededRandom, simulatedClock} from './apiserver/clock.js';
import {createEtcd} from './apiserver/etcd.js';
import {createFaultReplies} from './apiserver/fault-replies.js';
import {collectionResources, matchCollectionPath, type CollectionResource} from './apiserver/kinds.js';
import {createObjectStore, type ObjectStore} from './apiserver/object-store.js';
import {actionResources, createActionsApi, type ActionResource} from './writes/actions-api.js';
import {answerClusterGet, clusterResources, storeRendered, syncCluster, type ClusterResource} from './cluster-api.js';
import {createCluster} from './cluster/cluster.js';
import {gatewayBody, statusBody} from './faults.js';
import {createSimulatedAuth} from './iam.js';
import {createFleet} from './cluster/fleet/many-jobs.js';
import {createPodLogs} from './pod-log-api.js';
import {createScenarioPlayer, type ScenarioPlayer} from './scenario-player.js';
import {serveJobCreate, type AcceptedJob} from './writes/job-create.js';
import {submittedScenario} from './writes/submitted-job.js';
import {createRecordingPlayer, recordedScenario} from './recording/recording-player.js';
import {parseBool, pick, routeOf} from './routes.js';
import {resolveScenario, type Scenario} from './scenarios.js';
import type {SimulatedRequest, Simulator, SimulatorOptions} from './simulator-types.js';

// Through require, not import: an ES import of node:http reads all its exports, the WebSocket getter too, which
// loads Node's own undici; bundled with the program, that was about 12 ms of every start (api/http-transport.ts).
const load = createRequire(import.meta.url);
const {createServer} = load('node:http') as typeof Http;
const {createServer: createHttpsServer} = load('node:https') as typeof Https;

// The seed document's resourceVersion: the first write continues from there.
const firstResourceVersion = 7_681_358;
const requestLogSize = 200;
const tickMs = 100;
const defaultCompactionIntervalMs = 300_000;
// Writes elsewhere while a backdated scenario's job sat unchanged: about three a second.
const backdatedWritesPerSecond = 3;
// The user the API server names when it refuses a forbidden resource.
const simulatedUser = 'demo';
const defaultNodes = ['192.168.0.11', '192.168.0.12', '192.168.0.13'];

type Reply = {readonly status: number; readonly body: unknown};

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const scenario = options.recording ? recordedScenario(options.recording) : resolveScenario(options.scenario);
	const speed = options.speed ?? 1;
	const {token, basicAuth} = options;
	const auth = options.iam || options.aksk ? createSimulatedAuth({iam: options.iam, aksk: options.aksk, token}) : undefined;
	if (scenario.steps.length === 0) {
		throw new RangeError(`Scenario "${scenario.name}" has no steps`);
	}

	if (!(speed > 0) || !Number.isFinite(speed)) {
		throw new RangeError(`speed must be a positive number, got ${speed}`);
	}

	const now = options.now ?? simulatedClock(speed);
	const seed = options.seed ?? 1;
	let closing: Promise<void> | undefined;
	let requestCount = 0;
	const requestLog: SimulatedRequest[] = [];
	const etcd = createEtcd({
		firstRevision: firstResourceVersion,
		now,
		random: seededRandom(seed),
		backgroundWrites: options.backgroundWrites ?? true,
		compactionIntervalMs: options.compactionIntervalMs ?? defaultCompactionIntervalMs,
	});
	const stores = Object.fromEntries(collectionResources.map(resource => [resource, createObjectStore(etcd)])) as Record<CollectionResource, ObjectStore>;
	const forbidden = (options.forbidden ?? []).filter((resource): resource is ClusterResource => (clusterResources as readonly string[]).includes(resource));
	const faults = createFaultReplies({tooLargeWaitMs: options.tooLargeWaitMs ?? 3000});
	const cluster = createCluster({
		speed,
		legacyPodGroupName: options.legacyPodGroupName ?? scenario.legacyPodGroupName ?? false,
		nodes: scenario.nodes ?? defaultNodes,
		store: (resource, rendered) => storeRendered(stores[resource], resource, rendered),
	});
	// A recording's objects are written as recorded: the cluster model, which has none, must not delete them.
	const sync = options.recording ? () => {} : (at: number) => syncCluster(cluster, stores, played.scenario.namespace, at);
	const podLogs = createPodLogs({
		pod(namespace, name) {
			const at = Date.now();
			sync(at);
			return cluster.pods(at).find(pod => pod.fields['metadata.namespace'] === namespace && pod.fields['metadata.name'] === name);
		},
		speed,
		forbidden: options.forbidden?.includes('pods/log') ?? false,
		user: simulatedUser,
	});
	const api = createApiServer({
		...pick(options, ['bookmarkIntervalMs', 'bookmarks', 'initialEventsEndBookmark', 'progressNotifyMs', 'maxWatchSeconds', 'refuseWatch', 'tooLargeWaitMs', 'historySize']),
		etcd,
		stores,
		now,
		random: seededRandom(seed + 1),
		forbidden,
		user: simulatedUser,
		refresh(resource) {
			if (resource !== 'jobs') sync(Date.now());
		},
		faults,
	});
	const playerOptions = {store: stores.jobs, cluster, sync, now, speed, autoplay: options.autoplay ?? true};
	// The job played: the scenario's, until a job is created through the API (POST), which takes over the cluster
	// model from it (one job is played at a time; the one before stays stored as it was, without its pods).
	let played: {scenario: Scenario; player: ScenarioPlayer} = {scenario, player: createScenarioPlayer({...playerOptions, scenario, loop: options.loop ?? false})};
	// Whoever holds these (the actions, the routes below) follows the job played now.
	const player = new Proxy({} as ScenarioPlayer, {get: (_target, key) => Reflect.get(played.player, key) as unknown});
	const playedScenario = new Proxy({} as Scenario, {get: (_target, key) => Reflect.get(played.scenario, key) as unknown});
	function playCreated(job: AcceptedJob): unknown {
		const at = Date.now();
		played.player.close();
		cluster.enter(undefined, undefined, at);
		sync(at);
		const next = submittedScenario(scenario, job);
		played = {scenario: next, player: createScenarioPlayer({...playerOptions, scenario: next, loop: false})};
		played.player.start();
		return played.player.document;
	}

	const recorded = options.recording ? createRecordingPlayer({recording: options.recording, stores, now, speed}) : undefined;
	const actions = createActionsApi({
		scenario: playedScenario,
		player,
		now,
		speed,
		busGroup: options.busGroup ?? true,
		forbidden: (options.forbidden ?? []).filter((resource): resource is ActionResource => (actionResources as readonly string[]).includes(resource)),
		user: simulatedUser,
	});
	const manyJobs = options.manyJobs ?? scenario.manyJobs;
	const fleet = manyJobs
		? createFleet(stores.jobs, {...manyJobs, namespace: manyJobs.namespace ?? scenario.namespace, firstResourceVersion, now})
		: undefined;
	const ticker = createTicker(tickMs);

	function handle(request: IncomingMessage, response: ServerResponse): void {
		// A recording's clock runs from the program's first request.
		recorded?.begin();
		const method = request.method ?? 'GET';
		const peer = options.tls?.requestCert && (request.socket as TLSSocket).authorized ? (request.socket as TLSSocket).getPeerCertificate() : undefined;
		const {authorization, 'x-auth-token': authToken} = request.headers;
		const entry = {
			method,
			path: request.url ?? '/',
			status: 0,
			at: Date.now(),
			...(peer?.subject ? {clientCertificate: String(peer.subject.CN)} : {}),
			...(authorization === undefined ? {} : {authorization}),
			...(typeof authToken === 'string' ? {authToken} : {}),
		};
		requestCount++;
		requestLog.push(entry);
		if (requestLog.length > requestLogSize) {
			requestLog.shift();
		}

		const requestId = randomBytes(16).toString('hex');
		response.setHeader('X-Request-Id', requestId);
		response.setHeader('Cache-Control', 'no-cache, private');
		response.on('error', () => {
			// A client that went away mid-answer is part of the simulation, not a failure of it.
		});

		const url = new URL(request.url ?? '/', 'http://simulator.invalid');
		const pretty = parseBool(url.searchParams.get('pretty')) ?? /^(curl|wget)/i.test(request.headers['user-agent'] ?? '');
		const setStatus = (status: number) => {
			entry.status = status;
		};

		// Kubernetes' encoder ends every document with a newline.
		function json(value: unknown): string {
			return `${JSON.stringify(value, undefined, pretty ? 2 : undefined)}\n`;
		}

		function sendJson(reply: Reply, headers: Readonly<Record<string, string>> = {}): void {
			const body = json(reply.body);
			entry.status = reply.status;
			response.writeHead(reply.status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers});
			response.end(body);
		}

		const {pathname} = url;
		if (pathname === '/healthz') {
			entry.status = 200;
			response.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2});
			response.end('ok');
			return;
		}

		if (auth?.isLogin(pathname) && method === 'POST') {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const reply = auth.login(Buffer.concat(chunks).toString('utf8'), requestId);
				sendJson(reply, reply.headers);
			});
			return;
		}

		const collection = matchCollectionPath(pathname);
		const route = collection ? undefined : routeOf(pathname, request.socket, {busGroup: options.busGroup ?? true});
		const acting = actions.owns(method, pathname);
		if (!route && !collection && !acting) {
			// Huawei Cloud's API gateway answers for paths no service publishes.
			const message = 'The API does not exist or has not been published in the environment';
			sendJson({status: 404, body: gatewayBody('APIGW.0101', message, requestId)});
			return;
		}

		const refusal = auth?.verify(request, requestId);
		if (refusal) {
			sendJson(refusal, refusal.headers);
			return;
		}

		const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
		const badCertificate = options.tls?.requestCert === true && peer === undefined;
		const badBasic = basicAuth !== undefined && authorization !== `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
		if (badCertificate || badBasic || (token !== undefined && authToken !== token && bearer !== token)) {
			sendJson({status: 401, body: statusBody(401)});
			return;
		}

		if (acting) {
			actions.serve({method, pathname, request, send: reply => sendJson(reply)});
			return;
		}

		if (method === 'POST' && collection?.resource === 'jobs' && collection.namespace !== undefined && collection.name === undefined && !collection.forceWatch) {
			const route = {jobs: stores.jobs, forbidden: options.forbidden?.includes('jobs/create') ?? false, user: simulatedUser, play: playCreated};
			serveJobCreate(collection.namespace, request, url.searchParams, route, reply => sendJson(reply));
			return;
		}

		if (method !== 'GET' && method !== 'HEAD') {
			sendJson({status: 405, body: statusBody(405)}, {Allow: 'GET, HEAD'});
			return;
		}

		if (collection) {
			const exchange = {request, response, query: url.searchParams, pretty, requestId, onStatus: setStatus};
			api.serve(collection, exchange, verb => player.nextCollectionFault(collection.resource, verb));
			return;
		}

		if (!route) return;
		if (route.kind === 'discovery') {
			sendJson({status: 200, body: route.body});
			return;
		}

		if (route.kind === 'log') {
			// A recording's logs are those the program read, not the cluster model's.
			(recorded?.logs ?? podLogs).serve({namespace: route.namespace, name: route.name, query: url.searchParams, response, sendJson, onStatus: setStatus});
			return;
		}

		if (route.kind === 'cluster') {
			sync(Date.now());
			sendJson(answerClusterGet(route.request, stores, {forbidden, user: simulatedUser}));
			return;
		}

		// A step's faults hit job GETs only: its rotation counts them.
		const reply = (): Reply => player.jobReply(route.namespace, route.name);
		const fault = player.nextFault();
		if (fault === undefined) {
			void api.checkGet(url.searchParams.get('resourceVersion'), response).then(refusal => {
				if (!response.destroyed) {
					sendJson(refusal ?? reply(), refusal?.headers);
				}
			});
			return;
		}

		faults.serve(fault, {
			request,
			response,
			requestId,
			pretty,
			setStatus,
			serve: () => sendJson(reply()),
			async text() {
				const {status, body} = reply();
				return {status, text: json(body)};
			},
			tooLarge: () => api.lagging('jobs', url.searchParams),
		});
	}

	const {tls} = options;
	const server = tls
		? createHttpsServer({key: tls.key, cert: tls.cert, ...(tls.ca ? {ca: tls.ca} : {}), requestCert: tls.requestCert ?? false, rejectUnauthorized: false}, handle)
		: createServer(handle);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});

	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	player.start();
	recorded?.start();
	if (scenario.backdateMs) {
		// The hour the job sat there: the cluster wrote on elsewhere, and the caches started after it.
		etcd.advance((scenario.backdateMs / 1000) * backdatedWritesPerSecond);
		api.hooks.restart();
	}

	// Writes first, so that the bookmarks that follow carry them.
	function tick(): void {
		fleet?.tick();
		player.tick();
		recorded?.tick();
		sync(Date.now());
		api.tick();
	}

	ticker.add(tick);

	return {
		url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
		port: address.port,
		scenario,
		get stepIndex() {
			return player.stepIndex;
		},
		advance: () => player.advance(),
		goTo: index => player.goTo(index),
		injectFaults: (...faults) => player.injectFaults(...faults),
		injectCollectionFaults: (...faults) => player.injectCollectionFaults(...faults),
		revokeTokens() {
			auth?.revokeTokens();
		},
		...api.hooks,
		get openWatches() {
			return api.hooks.openWatches;
		},
		changeJobs(count: number) {
			fleet?.change(count);
		},
		get jobResourceVersion() {
			const metadata = (player.document as {metadata?: {resourceVersion?: unknown}} | undefined)?.metadata;
			return typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
		},
		get resourceVersion() {
			return etcd.revision;
		},
		tick,
		get requestCount() {
			return requestCount;
		},
		get requests() {
			return [...requestLog];
		},
		get openLogs() {
			return podLogs.open;
		},
		dropLogs: podLogs.drop,
		async close() {
			closing ??= new Promise<void>(resolve => {
				ticker.close();
				player.close();
				actions.close();
				recorded?.close();
				faults.close();
				fleet?.close();
				api.close();
				server.close(() => {
					resolve();
				});
				// Hanging and keep-alive sockets would hold close() open.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
