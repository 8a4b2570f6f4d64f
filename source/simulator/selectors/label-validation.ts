import {bytes} from './go-text.js';

// What a label key and a label value may be (k8s.io/apimachinery pkg/api/validate/content), with its error texts.

// content.RegexError
function regexError(message: string, pattern: string, ...examples: string[]): string {
	return `${message} (e.g. ${examples.map(example => `'${example}', `).join(' or ')}regex used for validation is '${pattern}')`;
}

const labelKeyFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyRule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyPattern = new RegExp(`^${labelKeyFormat}$`);
const labelValueFormat = `(${labelKeyFormat})?`;
const labelValuePattern = new RegExp(`^${labelValueFormat}$`);
const subdomainFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const subdomainPattern = new RegExp(`^${subdomainFormat}$`);

// content.IsDNS1123Subdomain
function subdomainErrors(value: string): string[] {
	const errors: string[] = [];
	if (bytes(value) > 253) {
		errors.push('must be no more than 253 bytes');
	}

	if (!subdomainPattern.test(value)) {
		errors.push(
			regexError(
				"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
				subdomainFormat,
				'example.com',
			),
		);
	}

	return errors;
}

// content.IsLabelKey
export function labelKeyErrors(key: string): string[] {
	const parts = key.split('/');
	if (parts.length > 2) {
		return [
			`a valid label key ${regexError(labelKeyRule, labelKeyFormat, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		];
	}

	const errors: string[] = [];
	const name = parts.at(-1)!;
	if (parts.length === 2) {
		const prefix = parts[0]!;
		if (prefix === '') {
			errors.push('prefix part must be non-empty');
		} else {
			errors.push(...subdomainErrors(prefix).map(error => `prefix part ${error}`));
		}
	}

	if (name === '') {
		errors.push('name part must be non-empty');
	} else if (bytes(name) > 63) {
		errors.push('name part must be no more than 63 bytes');
	}

	if (!labelKeyPattern.test(name)) {
		errors.push(`name part ${regexError(labelKeyRule, labelKeyFormat, 'MyName', 'my.name', '123-abc')}`);
	}

	return errors;
}

// content.IsLabelValue
export function labelValueErrors(value: string): string[] {
	const errors: string[] = [];
	if (bytes(value) > 63) {
		errors.push('must be no more than 63 bytes');
	}

	if (!labelValuePattern.test(value)) {
		errors.push(
			regexError(
				"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
				labelValueFormat,
				'MyValue',
				'my_value',
				'12345',
			),
		);
	}

	return errors;
}
