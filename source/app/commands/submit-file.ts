// `submit -f FILE`: the file (or standard input for `-`) read and parsed, YAML or JSON (JSON is YAML too), one
// document. The YAML parser is loaded only here and only for submit.
import {readFile} from 'node:fs/promises';
import {sanitize} from '../../common/sanitize.js';

// A job with a few tasks is a few KiB; a file this large is a mistake, not a job.
const maxFileBytes = 1024 * 1024;

export type ParsedFile = {readonly document: unknown} | {readonly problem: string};

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		size += buffer.length;
		if (size > maxFileBytes) break;
		chunks.push(buffer);
	}

	return Buffer.concat(chunks);
}

/** The file's text, or why it cannot be had. `-` is standard input. */
async function readSource(file: string, stdin: NodeJS.ReadableStream): Promise<{readonly text: string} | {readonly problem: string}> {
	const where = file === '-' ? 'standard input' : file;
	let bytes: Buffer;
	try {
		bytes = file === '-' ? await readAll(stdin) : await readFile(file);
	} catch (error) {
		const code = (error as {code?: string}).code ?? 'unreadable';
		return {problem: `cannot read ${where} (${code === 'EISDIR' ? 'a folder, not a file' : code})`};
	}

	if (bytes.length > maxFileBytes) return {problem: `${where} is larger than ${maxFileBytes / 1024} KiB: not a job`};
	return {text: bytes.toString('utf8')};
}

/** One document of the file as a plain value, or the problem with its line. */
export async function parseJobFile(file: string, stdin: NodeJS.ReadableStream): Promise<ParsedFile> {
	const source = await readSource(file, stdin);
	if ('problem' in source) return source;
	const where = file === '-' ? 'standard input' : file;
	const {parseAllDocuments} = await import('yaml');
	// Duplicate keys are an error, and aliases are capped when the value is built (no alias bomb).
	const documents = parseAllDocuments(source.text, {uniqueKeys: true});
	const list = Array.isArray(documents) ? documents : [documents];
	const filled = list.filter(document => document.contents !== null || document.errors.length > 0);
	if (filled.length === 0) return {problem: `${where} is empty: give one Volcano Job, in YAML or JSON`};
	if (filled.length > 1) return {problem: `${where} holds ${filled.length} documents: give one job a file`};
	const [document] = filled;
	const error = document!.errors[0];
	if (error) {
		const line = error.linePos?.[0].line;
		return {problem: `${where}${line === undefined ? '' : `, line ${line}`}: not YAML or JSON: ${sanitize(error.message.split('\n')[0] ?? '', 120)}`};
	}

	try {
		return {document: document!.toJS({maxAliasCount: 100})};
	} catch (error_) {
		return {problem: `${where}: ${sanitize(error_ instanceof Error ? error_.message : String(error_), 120)}`};
	}
}
