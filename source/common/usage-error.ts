/** The process's environment, as read: HW_*, KUBECONFIG, proxies, NO_COLOR. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A mistake in the command line or the environment: said in one line, with exit code 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}
