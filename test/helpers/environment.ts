/**
 * Variables that would point a test at a person's cluster, credentials or network: kubeconfig, Huawei Cloud
 * credentials and settings, and proxies (any case, as the program reads both).
 */
export const privateVariable = /^(?:KUBECONFIG|HW_\w*|HUAWEICLOUD_\w*|\w*_PROXY)$/i;

/** The names in env that privateVariable matches. */
export function privateVariablesIn(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string[] {
	return Object.keys(env).filter(name => privateVariable.test(name));
}

/**
 * All a process started by a test gets from the runner: PATH (to find node, `script`, `stty`, `unshare`)
 * and HOME (a folder of its own, given by the caller); the rest is what the test passes. Keys given as
 * undefined are left out.
 */
export function minimalEnvironment(env: Record<string, string | undefined>, home?: string): Record<string, string> {
	const all: Record<string, string | undefined> = {PATH: process.env['PATH'], ...(home === undefined ? {} : {HOME: home}), ...env};
	return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
