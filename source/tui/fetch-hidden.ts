/**
 * Ink's layout engine (yoga-layout, WebAssembly) asks `typeof fetch` as it loads, to choose how to read its binary,
 * which it then reads from the data it carries anyway. In Node that question loads Node's own fetch (its undici):
 * about 40 ms of the first frame, for nothing. So fetch is out of sight while Ink loads (./ink-loaded.ts puts it
 * back); nothing else runs then, and the program's clients took their fetch when they were made.
 */
const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
if (descriptor?.configurable) Reflect.deleteProperty(globalThis, 'fetch');

export function restoreFetch(): void {
	if (descriptor?.configurable && !Object.hasOwn(globalThis, 'fetch')) Object.defineProperty(globalThis, 'fetch', descriptor);
}
