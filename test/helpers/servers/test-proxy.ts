import {createServer, request as httpRequest} from 'node:http';
import {connect, type AddressInfo} from 'node:net';

export type TestProxy = {
	readonly url: string;
	/** The URL with the credentials it wants, when it wants some. */
	readonly urlWithCredentials: string;
	readonly port: number;
	/** CONNECT targets, host:port, in order (refused ones included). */
	readonly connects: string[];
	/** Absolute URLs forwarded as plain HTTP. */
	readonly forwarded: string[];
	/** How many requests it answered with 407. */
	readonly refused: number;
	close(): Promise<void>;
};

const loopback = /^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * A forward proxy on 127.0.0.1: CONNECT tunnels and plain-HTTP forwarding, to loopback targets only. With
 * credentials ("user:password"), anything without that Proxy-Authorization gets 407.
 */
export async function startTestProxy(options: {credentials?: string} = {}): Promise<TestProxy> {
	const connects: string[] = [];
	const forwarded: string[] = [];
	let refused = 0;
	// Tunnels leave the HTTP server's hands: close() ends them itself.
	const tunnels = new Set<{destroy(): void}>();
	const expected = options.credentials ? `Basic ${Buffer.from(options.credentials).toString('base64')}` : undefined;
	const authorized = (header: string | undefined) => expected === undefined || header === expected;

	const server = createServer((request, response) => {
		forwarded.push(request.url ?? '');
		if (!authorized(request.headers['proxy-authorization'])) {
			refused++;
			response.writeHead(407, {'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': '0'}).end();
			return;
		}

		const target = new URL(request.url ?? '');
		if (!loopback.test(target.hostname)) {
			response.writeHead(403).end();
			return;
		}

		const headers = {...request.headers};
		delete headers['proxy-authorization'];
		delete headers['proxy-connection'];
		const upstream = httpRequest(target, {method: request.method, headers}, answer => {
			response.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(response);
		});
		upstream.on('error', () => response.destroy());
		request.pipe(upstream);
	});

	server.on('connect', (request, socket, head) => {
		const authority = request.url ?? '';
		connects.push(authority);
		tunnels.add(socket);
		socket.on('close', () => tunnels.delete(socket));
		socket.on('error', () => {});
		if (!authorized(request.headers['proxy-authorization'])) {
			refused++;
			socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
			return;
		}

		const match = /^(.+):(\d+)$/.exec(authority);
		if (!match || !loopback.test(match[1]!)) {
			socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
			return;
		}

		const upstream = connect(Number(match[2]), match[1]!.replace(/^\[|\]$/g, ''), () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(socket);
			socket.pipe(upstream);
		});
		upstream.on('error', () => socket.destroy());
		socket.on('close', () => upstream.destroy());
	});

	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		urlWithCredentials: `http://${options.credentials ? `${options.credentials}@` : ''}127.0.0.1:${port}`,
		port,
		connects,
		forwarded,
		get refused() {
			return refused;
		},
		async close() {
			for (const socket of tunnels) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => resolve());
			});
		},
	};
}
