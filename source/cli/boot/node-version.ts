/**
 * The oldest Node.js the program runs on: package.json's `engines` (Ink 8 and p-retry 9 need 22). On an older
 * one the program would fail somewhere inside a dependency, with a stack trace, or half-work; it says so in one
 * line instead and exits with the usage code. This file (and the one it imports) is loaded before the check:
 * keep its syntax to what Node 18 parses.
 */
import {exitCodes} from '../../app/exit-codes.js';

export const requiredNode = {major: 22, minor: 0};

/** The one line for a Node older than requiredNode, or undefined when this one will do. */
export function nodeTooOldMessage(found: string): string | undefined {
	const [major = 0, minor = 0] = found.split('.').map(Number);
	if (major > requiredNode.major || (major === requiredNode.major && minor >= requiredNode.minor)) return undefined;
	return `vcjob-watch: needs Node.js ${requiredNode.major}.${requiredNode.minor} or newer; this is Node.js ${found} (${process.execPath})\n`;
}

/** Exits at once, with one line and the usage code, on a Node older than requiredNode. */
export function exitUnlessNodeSupported(): void {
	const message = nodeTooOldMessage(process.versions.node);
	if (message === undefined) return;
	process.stderr.write(message);
	process.exit(exitCodes.usage);
}
