// Types of docs.mjs for the test that runs it (test/docs/docs.test.ts).
type Render = () => string;
export declare const files: Record<string, Record<string, Render>>;
export declare function optionsBlock(): string;
export declare function keysBlock(): string;
export declare function readmeKeysBlock(): string;
export declare function exitCodesBlock(): string;
export declare function rewrite(text: string, blocks: Record<string, Render>, path?: string): string;
export declare function compare(): Array<{path: string; current: string; expected: string}>;
