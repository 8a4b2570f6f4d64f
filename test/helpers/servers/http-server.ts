import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach} from 'vitest';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export type TestServer = {
	readonly url: string;
	readonly server: Server;
	/** Every request, in order of arrival. */
	readonly requests: IncomingMessage[];
};

/** Starts a plain node:http server on 127.0.0.1 that answers with `handler`. */
export async function startHttpServer(handler: Handler): Promise<TestServer> {
	const requests: IncomingMessage[] = [];
	const server = createServer((request, response) => {
		requests.push(request);
		handler(request, response);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests};
}

/** Closes the server and cuts what is still connected (a stream left open would hold the close). */
export async function closeHttpServer(server: Server): Promise<void> {
	return new Promise<void>(resolve => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** Starts servers as startHttpServer does, and closes every one after each test of the file. */
export function httpServersFor(): (handler: Handler) => Promise<TestServer> {
	const open: Server[] = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map(closeHttpServer));
	});
	return async handler => {
		const started = await startHttpServer(handler);
		open.push(started.server);
		return started;
	};
}
