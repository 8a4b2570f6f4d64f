// Label and field selectors as the Kubernetes API server reads them (k8s.io/apimachinery pkg/labels and
// pkg/fields), down to the wording of their errors, which the server returns in a 400 Status.

export type Selector<T> = {readonly matches: (subject: T) => boolean} | {readonly error: string};

type Labels = Readonly<Record<string, string>> | undefined;

type Token =
	| 'identifier'
	| 'end'
	| ','
	| '!'
	| '='
	| '=='
	| '!='
	| '('
	| ')'
	| '>'
	| '<'
	| 'in'
	| 'notin';

type Item = {readonly token: Token; readonly literal: string};

const symbols: ReadonlySet<string> = new Set([',', '!', '=', '==', '!=', '(', ')', '>', '<']);
const specialCharacters = '=!(),><';
const whitespace = ' \t\r\n';

// The lexer reads an operator greedily while the characters still spell one ("!=", "=="), as labels.Lexer does.
function lex(text: string): Item[] {
	const items: Item[] = [];
	let at = 0;
	for (;;) {
		while (at < text.length && whitespace.includes(text[at]!)) at++;
		if (at >= text.length) {
			items.push({token: 'end', literal: ''});
			return items;
		}

		if (specialCharacters.includes(text[at]!)) {
			let literal = text[at]!;
			at++;
			while (at < text.length && specialCharacters.includes(text[at]!) && symbols.has(literal + text[at]!)) {
				literal += text[at]!;
				at++;
			}

			items.push({token: literal as Token, literal});
			continue;
		}

		const start = at;
		while (at < text.length && !specialCharacters.includes(text[at]!) && !whitespace.includes(text[at]!)) at++;
		const literal = text.slice(start, at);
		items.push({token: literal === 'in' || literal === 'notin' ? literal : 'identifier', literal});
	}
}

const nameCharacters = '[-A-Za-z0-9_.]';
const namePattern = new RegExp(`^([A-Za-z0-9]${nameCharacters}*)?[A-Za-z0-9]$`);
const valuePattern = new RegExp(`^(([A-Za-z0-9]${nameCharacters}*)?[A-Za-z0-9])?$`);
const subdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const nameRule =
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRule =
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const subdomainRule =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function labelKeyProblems(key: string): string[] {
	const parts = key.split('/');
	if (parts.length > 2) {
		return [`a valid label key ${nameRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
	}

	const problems: string[] = [];
	const name = parts.at(-1)!;
	if (parts.length === 2) {
		const prefix = parts[0]!;
		if (prefix === '') {
			problems.push('prefix part must be non-empty');
		} else {
			if (prefix.length > 253) problems.push('prefix part must be no more than 253 bytes');
			if (!subdomainPattern.test(prefix)) problems.push(`prefix part ${subdomainRule}`);
		}
	}

	if (name === '') {
		problems.push('name part must be non-empty');
	} else if (name.length > 63) {
		problems.push('name part must be no more than 63 bytes');
	}

	if (!namePattern.test(name)) problems.push(`name part ${nameRule}`);
	return problems;
}

function labelValueProblems(value: string): string[] {
	return [...(value.length > 63 ? ['must be no more than 63 bytes'] : []), ...(valuePattern.test(value) ? [] : [valueRule])];
}

// Go's %q for the strings a selector can hold.
function quote(text: string): string {
	return JSON.stringify(text);
}

type Requirement = {readonly key: string; readonly operator: string; readonly values: readonly string[]};

class SelectorError extends Error {}

function matchesRequirement(requirement: Requirement, labels: Labels): boolean {
	const value = labels && Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
	switch (requirement.operator) {
		case 'in':
		case '=':
		case '==': {
			return value !== undefined && requirement.values.includes(value);
		}

		case 'notin':
		case '!=': {
			return value === undefined || !requirement.values.includes(value);
		}

		case 'exists': {
			return value !== undefined;
		}

		case '!': {
			return value === undefined;
		}

		default: {
			// Gt, Lt: integers on both sides.
			if (value === undefined || !/^[-+]?\d+$/.test(value)) return false;
			const left = Number(value);
			const right = Number(requirement.values[0]);
			return requirement.operator === 'gt' ? left > right : left < right;
		}
	}
}

class LabelParser {
	private position = 0;

	constructor(private readonly items: readonly Item[]) {}

	parse(): Requirement[] {
		const requirements: Requirement[] = [];
		for (;;) {
			const {token, literal} = this.lookahead(true);
			if (token === 'end') return requirements;
			if (token !== 'identifier' && token !== '!') {
				throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
			}

			let requirement: Requirement;
			try {
				requirement = this.requirement();
			} catch (error) {
				throw new SelectorError(`unable to parse requirement: ${(error as Error).message}`);
			}

			requirements.push(requirement);
			const next = this.consume(true);
			if (next.token === 'end') return requirements;
			if (next.token !== ',') throw new SelectorError(`found '${next.literal}', expected: ',' or 'end of string'`);
			const after = this.lookahead(true);
			if (after.token !== 'identifier' && after.token !== '!') {
				throw new SelectorError(`found '${after.literal}', expected: identifier after ','`);
			}
		}
	}

	// In values, "in" and "notin" are plain words.
	private lookahead(values: boolean): Item {
		const item = this.items[this.position]!;
		return values && (item.token === 'in' || item.token === 'notin') ? {token: 'identifier', literal: item.literal} : item;
	}

	private consume(values: boolean): Item {
		const item = this.lookahead(values);
		this.position++;
		return item;
	}

	private requirement(): Requirement {
		let item = this.consume(true);
		let operator: string | undefined;
		if (item.token === '!') {
			operator = '!';
			item = this.consume(true);
		}

		if (item.token !== 'identifier') throw new Error(`found '${item.literal}', expected: identifier`);
		const key = item.literal;
		const keyProblems = labelKeyProblems(key);
		if (keyProblems.length > 0) throw new Error(`<nil>: Invalid value: ${quote(key)}: ${keyProblems.join('; ')}`);
		// "!key" ends the requirement whatever follows; what follows is then judged as the next separator.
		const next = this.lookahead(true).token;
		if (operator === '!' || next === 'end' || next === ',') {
			return {key, operator: operator ?? 'exists', values: []};
		}

		const operatorItem = this.consume(false);
		const operators: Readonly<Record<string, string>> = {in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt'};
		operator = operators[operatorItem.token];
		if (operator === undefined) {
			throw new Error(`found '${operatorItem.literal}', expected: in, notin, =, ==, !=, gt, lt`);
		}

		const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
		return validated({key, operator, values});
	}

	private valueSet(): string[] {
		const open = this.consume(true);
		if (open.token !== '(') throw new Error(`found '${open.literal}' expected: '('`);
		const first = this.lookahead(true);
		if (first.token === ')') {
			this.consume(true);
			return [''];
		}

		if (first.token !== 'identifier' && first.token !== ',') {
			throw new Error(`found '${first.literal}', expected: ',', ')' or identifier`);
		}

		const values = new Set<string>();
		for (;;) {
			const item = this.consume(true);
			if (item.token === 'identifier') {
				values.add(item.literal);
				const after = this.lookahead(true);
				if (after.token === ')') break;
				if (after.token !== ',') throw new Error(`found '${after.literal}', expected: ',' or ')'`);
			} else if (item.token === ',') {
				if (values.size === 0) values.add('');
				const after = this.lookahead(true).token;
				if (after === ')') {
					values.add('');
					break;
				}

				if (after === ',') values.add('');
			} else {
				throw new Error(`found '${item.literal}', expected: ',', or identifier`);
			}
		}

		this.consume(true);
		return [...values].sort();
	}

	private exactValue(): string[] {
		const next = this.lookahead(true);
		if (next.token === 'end' || next.token === ',') return [''];
		const item = this.consume(true);
		if (item.token === 'identifier') return [item.literal];
		throw new Error(`found '${item.literal}', expected: identifier`);
	}
}

function validated(requirement: Requirement): Requirement {
	const problems: string[] = [];
	if (requirement.operator === 'gt' || requirement.operator === 'lt') {
		for (const [index, value] of requirement.values.entries()) {
			if (!/^[-+]?\d+$/.test(value)) {
				problems.push(`values[${index}]: Invalid value: ${quote(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
			}
		}
	}

	for (const [index, value] of requirement.values.entries()) {
		const valueProblems = labelValueProblems(value);
		if (valueProblems.length > 0) {
			problems.push(`values[${index}][${requirement.key}]: Invalid value: ${quote(value)}: ${valueProblems.join('; ')}`);
		}
	}

	if (problems.length === 1) throw new Error(problems[0]);
	if (problems.length > 1) throw new Error(`[${[...new Set(problems)].join(', ')}]`);
	return requirement;
}

/** `labelSelector`: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, `k>1`, `k<1`, comma-separated (all must hold). */
export function parseLabelSelector(text: string): Selector<Labels> {
	try {
		const requirements = new LabelParser(lex(text)).parse();
		return {matches: labels => requirements.every(requirement => matchesRequirement(requirement, labels))};
	} catch (error) {
		if (error instanceof SelectorError) return {error: error.message};
		throw error;
	}
}

// A field selector value may escape "\", "," and "=" with a backslash; anything else after one is an error.
function unescape(value: string): string {
	let out = '';
	let escaped = false;
	for (const character of value) {
		if (escaped) {
			if (!'\\,='.includes(character)) throw new SelectorError(`invalid field selector: invalid escape sequence: \\${character}`);
			out += character;
			escaped = false;
		} else if (character === '\\') {
			escaped = true;
		} else if (character === ',' || character === '=') {
			// Go prints the rune as its number.
			throw new SelectorError(`invalid field selector: unescaped character in value: ${character.codePointAt(0)}`);
		} else {
			out += character;
		}
	}

	if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
	return out;
}

function splitTerms(text: string): string[] {
	const terms: string[] = [];
	let start = 0;
	let escaped = false;
	for (let index = 0; index < text.length; index++) {
		if (escaped) {
			escaped = false;
		} else if (text[index] === '\\') {
			escaped = true;
		} else if (text[index] === ',') {
			terms.push(text.slice(start, index));
			start = index + 1;
		}
	}

	terms.push(text.slice(start));
	return terms;
}

/**
 * `fieldSelector`: `field=value`, `field==value`, `field!=value`, comma-separated (all must hold), over the fields
 * the resource supports (others: "field label not supported"). `fieldsOf` gives an object's values for them.
 */
export function parseFieldSelector<T>(
	text: string,
	supported: readonly string[],
	fieldsOf: (subject: T) => Readonly<Record<string, string>>,
): Selector<T> {
	try {
		const terms: Array<{field: string; equal: boolean; value: string}> = [];
		for (const term of splitTerms(text).sort()) {
			if (term === '') continue;
			const match = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
			if (!match) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
			terms.push({field: match[1]!, equal: match[2] !== '!=', value: unescape(match[3]!)});
		}

		for (const {field} of terms) {
			if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
		}

		return {
			matches(subject) {
				const fields = fieldsOf(subject);
				return terms.every(({field, equal, value}) => (fields[field] === value) === equal);
			},
		};
	} catch (error) {
		if (error instanceof SelectorError) return {error: error.message};
		throw error;
	}
}
