import type {CollectionContext, CollectionRequest} from './collection-types.js';
import type {StoredObject} from './object-store.js';
import {
	badRequest,
	decodeContinue,
	encodeContinue,
	expired,
	inconsistentContinue,
	initializing,
	listTooOld,
	parseResourceVersion,
	queryInt,
	RequestError,
	selection,
	selects,
	tooLarge,
	validate,
} from './request.js';

// A list as kube-apiserver serves it (the semantics table of the API concepts page; pkg/storage/cacher/delegator):
//   resourceVersion unset: a consistent read: the cache brought to etcd's current revision, which the list reports;
//   "0": whatever the cache holds, at the cache's resourceVersion, limit ignored;
//   X (NotOlderThan): the cache once it has reached X (504 if etcd has not within 3 s);
//   X Exact, or X with a limit and no match (the legacy form), and continue: etcd at exactly that revision, until
//   etcd compacts it.
// While a cache (re)initializes, what it would serve gets 429, except lists with a limit and no selector, which go
// to etcd (KEP 4568).

function firstAtOrAfter(objects: readonly StoredObject[], start: string): number {
	let low = 0;
	let high = objects.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (objects[middle]!.name < start) {
			low = middle + 1;
		} else {
			high = middle;
		}
	}

	return low;
}

function listBody(context: CollectionContext, items: readonly StoredObject[], metadata: Record<string, unknown>, pretty: boolean): string {
	const {kind} = context;
	const listKind = `${kind.kind}List`;
	if (pretty) {
		const parsed = items.map(item => item.object ?? JSON.parse(item.item ?? item.json));
		const value = kind.custom
			? {apiVersion: kind.apiVersion, items: parsed, kind: listKind, metadata}
			: {kind: listKind, apiVersion: kind.apiVersion, metadata, items: parsed};
		return `${JSON.stringify(value, undefined, 2)}\n`;
	}

	// Each document is already serialised: joining them is the whole cost of a list.
	const joined = items.map(item => item.item ?? item.json).join(',');
	return kind.custom
		? `{"apiVersion":"${kind.apiVersion}","items":[${joined}],"kind":"${listKind}","metadata":${JSON.stringify(metadata)}}\n`
		: `{"kind":"${listKind}","apiVersion":"${kind.apiVersion}","metadata":${JSON.stringify(metadata)},"items":[${joined}]}\n`;
}

/** The list's JSON text, or a RequestError. */
export async function listText(context: CollectionContext, request: CollectionRequest): Promise<string> {
	const {store, etcd, cache, state} = context;
	const {query} = request;
	validate(query, false);
	const selected = selection(context.kind, request.namespace, query, undefined);
	let limit = Math.max(0, queryInt(query, 'limit') ?? 0);
	// What the cacher cannot serve while it initializes goes to etcd if it has a limit and no selector.
	const toEtcdWhileInitializing = limit > 0 && selected.everything;
	const fromCache = (): void => {
		if (!context.ready() && !toEtcdWhileInitializing) {
			throw new RequestError(initializing());
		}
	};

	const continueParameter = query.get('continue') ?? '';
	// An exact revision, served from etcd's history.
	let at: number | undefined;
	let listedAt: number;
	let start = '';
	if (continueParameter === '') {
		const asked = query.get('resourceVersion') ?? '';
		const resourceVersion = parseResourceVersion(asked);
		const match = query.get('resourceVersionMatch') ?? '';
		if (resourceVersion === undefined) {
			fromCache();
			if (!context.ready()) {
				listedAt = etcd.revision;
			} else if (asked === '0') {
				// computeListLimit: "0" is served whole from the cache.
				listedAt = cache.resourceVersion;
				limit = 0;
			} else {
				cache.progress();
				listedAt = etcd.revision;
			}
		} else {
			if (!(await context.reach(resourceVersion, request.response))) {
				throw new RequestError(tooLarge(resourceVersion, etcd.revision));
			}

			// Without resourceVersionMatch a paged list reads at exactly that version (the legacy rule).
			const exact = match === 'Exact' || (match === '' && limit > 0);
			if (exact) {
				if (resourceVersion < etcd.compactedAt) {
					throw expired(listTooOld);
				}

				at = resourceVersion;
				listedAt = resourceVersion;
			} else {
				fromCache();
				if (context.ready() && resourceVersion > cache.resourceVersion) {
					cache.progress();
				}

				listedAt = context.ready() ? cache.resourceVersion : etcd.revision;
			}
		}
	} else {
		const token = decodeContinue(continueParameter);
		const resourceVersion = query.get('resourceVersion') ?? '';
		if (resourceVersion !== '' && resourceVersion !== '0') {
			throw badRequest('specifying resource version is not allowed when using continue');
		}

		start = token.start;
		if (token.resourceVersion > 0) {
			if (token.resourceVersion < etcd.compactedAt || token.resourceVersion < state.continueFloor) {
				throw expired(inconsistentContinue, {metadata: {continue: encodeContinue(-1, token.start)}});
			}

			at = token.resourceVersion;
			listedAt = at;
		} else {
			// rv -1: the rest of the list as it is now.
			listedAt = etcd.revision;
		}
	}

	const all = (at === undefined ? store.list(request.namespace) : store.listAt(request.namespace, at)) ?? [];
	const filtered = selected.everything ? all : all.filter(object => selects(selected, object));
	const from = start === '' ? 0 : firstAtOrAfter(filtered, start);
	const page = limit > 0 ? filtered.slice(from, from + limit) : from === 0 ? filtered : filtered.slice(from);
	const remaining = filtered.length - from - page.length;
	// A custom resource's list always carries continue, empty on the last page (UnstructuredList.SetContinue);
	// a built-in one's ListMeta leaves it out when empty.
	const metadata: Record<string, unknown> = context.kind.custom ? {continue: ''} : {resourceVersion: String(listedAt)};
	if (remaining > 0) {
		metadata['continue'] = encodeContinue(listedAt, `${page.at(-1)!.name}\u0000`);
		// The API server counts only when nothing is filtered out.
		if (selected.everything) {
			metadata['remainingItemCount'] = remaining;
		}
	}

	metadata['resourceVersion'] = String(listedAt);
	return listBody(context, page, metadata, request.pretty);
}
