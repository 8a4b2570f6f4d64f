import type {Plugin} from 'esbuild';

export function patchText(
	source: string,
	path: string,
	pattern: RegExp,
	replacement: string | ((match: string, ...groups: string[]) => string),
	count: number,
	why: string,
): string;
export function meowPlugin(packageFields: Record<string, unknown>): Plugin;
export const inkNoDevtoolsPlugin: Plugin;
export const plainWidthClass: string;
export const stringWidthPlugin: Plugin;
