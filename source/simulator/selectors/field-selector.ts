import {byteOrder} from './go-text.js';
import {failure, SelectorError, type Parsed} from './parse-result.js';

// Field selectors as the API server reads them (k8s.io/apimachinery pkg/fields), with its error texts.

/**
 * The fields a resource can be selected by, each with how to read it from an object. Anything else is "field label
 * not supported", as the resource's field label conversion answers.
 */
export type SelectableFields<T> = Readonly<Record<string, (subject: T) => string>>;

export type FieldSelector<T> = {
	readonly empty: boolean;
	/**
	 * The value an `=`/`==` term on the field asks for (the first one, terms in sorted order), as fields.Selector's
	 * RequiresExactMatch: how the API server checks a watch of one named object against its fieldSelector.
	 */
	requiresExactMatch(field: string): string | undefined;
	matches(subject: T): boolean;
};

type Term = {readonly field: string; readonly equal: boolean; readonly value: string};

// fields.UnescapeValue: "\" may escape "\", "," and "=", and nothing else; "," and "=" need it.
function unescapeValue(value: string): string {
	let result = '';
	let escaped = false;
	for (const character of value) {
		if (escaped) {
			if (!'\\,='.includes(character)) {
				throw new SelectorError(`invalid field selector: invalid escape sequence: \\${character}`);
			}

			result += character;
			escaped = false;
		} else if (character === '\\') {
			escaped = true;
		} else if (character === ',' || character === '=') {
			// Go prints the rune as its number.
			throw new SelectorError(`invalid field selector: unescaped character in value: ${character.codePointAt(0)}`);
		} else {
			result += character;
		}
	}

	if (escaped) {
		throw new SelectorError('invalid field selector: invalid escape sequence: \\');
	}

	return result;
}

// fields.splitTerms: on commas that no backslash escapes.
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

function fieldSelector<T>(terms: readonly Term[], fields: SelectableFields<T>): FieldSelector<T> {
	return {
		empty: terms.length === 0,
		requiresExactMatch: field => terms.find(term => term.equal && term.field === field)?.value,
		matches: subject => terms.every(({field, equal, value}) => (fields[field]!(subject) === value) === equal),
	};
}

/**
 * `fieldSelector`: `field=value`, `field==value`, `field!=value`, comma-joined (all must hold), `\` escaping `\`,
 * `,` and `=` in values, over the fields given (jobs, as a custom resource without selectableFields: metadata.name
 * and metadata.namespace).
 */
export function parseFieldSelector<T>(text: string, fields: SelectableFields<T>): Parsed<FieldSelector<T>> {
	try {
		// Terms in sorted order, as Go parses them: which malformed one is reported, and which name a watch is pinned to.
		const terms: Term[] = [];
		for (const term of splitTerms(text).sort(byteOrder)) {
			if (term === '') {
				continue;
			}

			const match = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
			if (!match) {
				throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
			}

			terms.push({field: match[1]!, equal: match[2] !== '!=', value: unescapeValue(match[3]!)});
		}

		// Field labels are converted only once the whole selector has parsed, so a syntax error anywhere comes first.
		for (const {field} of terms) {
			if (!Object.hasOwn(fields, field)) {
				throw new SelectorError(`field label not supported: ${field}`);
			}
		}

		return {ok: true, value: fieldSelector(terms, fields)};
	} catch (error) {
		return failure(error);
	}
}

/** fields.OneTermEqualSelector: what a watch of one named object selects when it sends no fieldSelector. */
export function oneTermEqualSelector<T>(field: string, value: string, fields: SelectableFields<T>): FieldSelector<T> {
	return fieldSelector([{field, equal: true, value}], fields);
}
