import {readFileSync} from 'node:fs';
import {normalizeJob} from '../../../source/model/normalize/normalize-job.js';
import type {Job} from '../../../source/model/job.js';

export type RawObject = Record<string, any>;

export const fixtureNames = ['seed-inqueue', 'running-mpi', 'completed-zeroed', 'hostile'] as const;

/** A fresh copy of a fixture from test/fixtures, as JSON.parse gives it. */
export function loadFixture(name: (typeof fixtureNames)[number]): RawObject {
	return JSON.parse(readFileSync(new URL(`../../fixtures/${name}.json`, import.meta.url), 'utf8')) as RawObject;
}

export const target = {namespace: 'cci-namespace-42263891', name: 'mpi-allreduce'};

export function normalize(raw: unknown): Job {
	return normalizeJob(raw, target);
}

/** A copy of `raw` changed by `edit`. */
export function edited(raw: RawObject, edit: (copy: RawObject) => void): RawObject {
	const copy = structuredClone(raw);
	edit(copy);
	return copy;
}

/** Every string in a value, object keys included, with where it was found. */
export function allStrings(value: unknown, path = '$'): Array<{path: string; text: string}> {
	if (typeof value === 'string') {
		return [{path, text: value}];
	}

	if (Array.isArray(value)) {
		return value.flatMap((entry, index) => allStrings(entry, `${path}[${index}]`));
	}

	if (typeof value === 'object' && value !== null) {
		return Object.entries(value).flatMap(([key, entry]) => [
			{path: `${path}{key}`, text: key},
			...allStrings(entry, `${path}.${key}`),
		]);
	}

	return [];
}

// C0, DEL, C1, line/paragraph separators, bidi embeddings/overrides/isolates, zero-width and BOM.
export const unsafeCharacter = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/u;

/** The strings of `value` that carry a character a terminal could act on, or that reorders or hides text. */
export function stringsWithControls(value: unknown): Array<{path: string; text: string}> {
	return allStrings(value).filter(({text}) => unsafeCharacter.test(text));
}

/** The strings of `value` that a terminal could act on, or that are not well-formed UTF-16. */
export function unsafeStrings(value: unknown): Array<{path: string; text: string}> {
	return allStrings(value).filter(({text}) => unsafeCharacter.test(text) || !text.isWellFormed());
}
