import {Box} from 'ink';
import {failurePath, type Highlight} from '../../../state/job-view.js';
import type {FailureEvidence} from '../../../watch/failure-watcher.js';
import {line, StyledLines, type Line} from '../../kit/styled-line.js';
import {firstMessage, headSegments, logTailLines, retriesText, summaryText} from './failure-text.js';

export type Retries = {readonly count: number; readonly max: number};

type Input = {
	/** Oldest first, as the state keeps them. */
	readonly failures: readonly FailureEvidence[];
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly now: number;
	/** Lines to use, the title included; 1 is a single summary line. */
	readonly maxRows: number;
	readonly retries?: Retries | undefined;
	/** Keys are read: the title says `f` shows them all. */
	readonly keys?: boolean;
};

// On the main view: the latest record's log up to this many lines, and up to this many older records a line each.
const maxLogLines = 8;
const maxOthers = 5;
// Under the pod's name, past the age column.
const indent = ' '.repeat(6);

/** The latest record's termination message (first line) and the end of its log. */
function detailOf(evidence: FailureEvidence): {readonly message: Line | undefined; readonly log: Line[]} {
	const {log} = evidence;
	const said = firstMessage(evidence.record);
	// A termination message taken from the log (FallbackToLogsOnError, or a program that says the same) is said once.
	const message = log.status === 'lines' && said !== undefined && log.lines.at(-1)?.trim() === said.trim() ? undefined : said;
	return {
		message: message === undefined ? undefined : line(`${indent}${message}`, 'warning'),
		log: logTailLines(log.status === 'lines' && log.lines.length > maxLogLines ? {...log, lines: log.lines.slice(-maxLogLines)} : log, indent),
	};
}

/** Lines the panel could fill: the screen plan gives it up to this many. */
export function failuresWant(failures: readonly FailureEvidence[]): number {
	const latest = failures.at(-1);
	if (!latest) return 0;
	const {message, log} = detailOf(latest);
	const others = failures.length - 1;
	return 2 + (message ? 1 : 0) + log.length + (others > maxOthers ? maxOthers + 1 : others);
}

/**
 * The panel as lines, latest first: its head, its message and the end of its log, then older records a line
 * each. Short of room, older records give way first (to a "+N more" line), then the log; one line is a summary.
 */
export function failurePanelLines({failures, highlights, now, maxRows, retries, keys = true}: Input): Line[] {
	const records = failures.toReversed();
	const latest = records[0];
	if (!latest || maxRows <= 0) return [];
	const isNew = (evidence: FailureEvidence) => highlights[failurePath(evidence.record.key)] !== undefined;
	const count = `${records.length}${retriesText(retries)}`;
	if (maxRows === 1) {
		return [
			[
				{text: 'Failures', tone: 'title'},
				{text: ` ${count}, latest: `, tone: 'muted'},
				{text: summaryText(latest.record, now) + (isNew(latest) ? '*' : ''), tone: isNew(latest) ? 'changed' : 'error'},
			],
		];
	}

	const {message, log} = detailOf(latest);
	const others = records.slice(1);
	const othersWanted = others.length > maxOthers ? maxOthers + 1 : others.length;
	const room = maxRows - 2;
	// Older records get a third of the room (a line at least, when there are any), the latest's words the rest.
	const detailWanted = (message ? 1 : 0) + log.length;
	const otherGuess = Math.min(othersWanted, others.length === 0 ? 0 : Math.max(1, Math.floor(room / 3)), room);
	const detailRows = Math.min(detailWanted, room - otherGuess);
	const otherRows = Math.min(othersWanted, room - detailRows);
	const logRows = detailRows - (message ? 1 : 0);
	const detail = [...(message && detailRows > 0 ? [message] : []), ...(logRows > 0 ? log.slice(-logRows) : [])];
	const shown = otherRows >= others.length ? others : others.slice(0, Math.max(0, otherRows - 1));
	const hidden = others.length - shown.length;
	return [
		[
			{text: 'Failures', tone: 'title'},
			{text: ` ${count}, newest first${keys ? ' · f: each in full' : ''}`, tone: 'muted'},
		],
		headSegments(latest.record, now, isNew(latest)),
		...detail,
		...shown.map(evidence => headSegments(evidence.record, now, isNew(evidence))),
		...(hidden > 0 && otherRows > 0 ? [line(`${indent}+${hidden} more`, 'muted')] : []),
	];
}

/** Why it failed: the failure records, latest first, with the end of the latest's log. */
export function FailuresPanel(props: Input) {
	return (
		<Box flexDirection="column">
			<StyledLines lines={failurePanelLines(props)} />
		</Box>
	);
}
