// Kubernetes object names: a namespace is an RFC 1123 label, a job name an RFC 1123 subdomain. Checked
// before any request, so a typo is a clear usage error rather than a 404 that looks like "not yet".
const label = /^[a-z\d](?:[-a-z\d]*[a-z\d])?$/;
const subdomain = /^[a-z\d](?:[-a-z\d]*[a-z\d])?(?:\.[a-z\d](?:[-a-z\d]*[a-z\d])?)*$/;

function describe(value: string): string {
	return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** An error message, or undefined when the namespace is valid. */
export function checkNamespace(value: string): string | undefined {
	if (value.length > 63 || !label.test(value)) {
		return `invalid namespace ${describe(value)}: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)`;
	}

	return undefined;
}

/** An error message, or undefined when the job name is valid. */
export function checkJobName(value: string): string | undefined {
	if (value.length > 253 || !subdomain.test(value)) {
		return `invalid job name ${describe(value)}: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (RFC 1123 subdomain)`;
	}

	return undefined;
}
