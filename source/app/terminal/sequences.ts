// The bytes of a bell, a desktop notification and a window title, for the terminal the environment names. Pure:
// notifier.ts and pane-title.ts write them. Every text is sanitised here again, whatever it went through before:
// these bytes go to the terminal outside Ink, which strips nothing.
import type {Environment} from '../../common/usage-error.js';
import {sanitize} from '../../common/sanitize.js';

const esc = '\u001B';
/** String Terminator: ends an OSC everywhere that matters (xterm, VTE, kitty, iTerm2, tmux, WezTerm, foot). */
const st = `${esc}\\`;
export const bell = '\u0007';
/** XTWINOPS: push the window title on the terminal's stack, and pop it back. */
export const pushTitle = `${esc}[22;2t`;
export const popTitle = `${esc}[23;2t`;

/** Which desktop notification the terminal understands: at most one kind, never two. */
export type NotificationKind = 'osc777' | 'osc9' | 'osc99' | 'bell';

export type Notification = {readonly title: string; readonly body: string};

// Longer texts are cut: a notification is a glance, and a title a tab's width.
const maxTitle = 80;
const maxBody = 160;

// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001F\u007F-\u009F]/g;

/** One line of text for inside an OSC: no control of any kind (ESC, BEL, C1), cut to `max`; `;` too when it separates fields. */
export function oscText(value: string, max: number, semicolons = false): string {
	const text = sanitize(value, max).replace(controls, '');
	return semicolons ? text.replaceAll(';', ',') : text;
}

// Terminals that say who they are in TERM_PROGRAM; tmux and screen put their own name there.
const osc9Programs = new Set(['iTerm.app', 'WezTerm', 'ghostty']);
const multiplexers = new Set(['tmux', 'screen']);

/**
 * The kind from what the environment says, most specific first: kitty, the terminals that name themselves in
 * TERM_PROGRAM (iTerm2, WezTerm, Ghostty) or LC_TERMINAL (iTerm2, also over SSH), Windows Terminal, then foot and
 * urxvt by TERM, then VTE. A TERM_PROGRAM of another terminal (a VTE variable inherited from the desktop does
 * not make it VTE) or nothing known: the bell alone.
 */
export function notificationKind(env: Environment): NotificationKind {
	const term = env['TERM'] ?? '';
	const program = env['TERM_PROGRAM'] ?? '';
	if (term === 'xterm-kitty' || env['KITTY_WINDOW_ID']) return 'osc99';
	if (osc9Programs.has(program) || env['LC_TERMINAL'] === 'iTerm2' || term === 'xterm-ghostty') return 'osc9';
	if (program !== '' && !multiplexers.has(program)) return 'bell';
	if (env['WT_SESSION']) return 'osc9';
	if (term.startsWith('foot') || term.startsWith('rxvt')) return 'osc777';
	if (env['VTE_VERSION']) return 'osc777';
	return 'bell';
}

/** Inside tmux: wrapped for passthrough (the pane's `allow-passthrough on`), every ESC doubled. */
export function tmuxPassthrough(sequence: string): string {
	return `${esc}Ptmux;${sequence.replaceAll(esc, esc + esc)}${st}`;
}

/** Whether the program runs inside tmux. */
export function insideTmux(env: Environment): boolean {
	return Boolean(env['TMUX']);
}

/** The OSC (or two, for kitty) of a notification, not yet wrapped; '' for the bell kind. */
function notificationOsc(kind: NotificationKind, {title, body}: Notification, id: string): string {
	switch (kind) {
		case 'osc777': {
			return `${esc}]777;notify;${oscText(title, maxTitle, true)};${oscText(body, maxBody, true)}${st}`;
		}

		case 'osc9': {
			// One text: the title, then the body. It starts with a letter, never with the digit of ConEmu's 9;N forms.
			return `${esc}]9;${oscText(`${title}: ${body}`, maxTitle + maxBody)}${st}`;
		}

		case 'osc99': {
			// kitty: the title (d=0: more to come), then the body under the same id (d=1: done).
			return `${esc}]99;i=${id}:d=0;${oscText(title, maxTitle)}${st}${esc}]99;i=${id}:d=1:p=body;${oscText(body, maxBody)}${st}`;
		}

		default: {
			return '';
		}
	}
}

/**
 * The bell, then the desktop notification of `kind` (tmux: each OSC wrapped for passthrough; the bell is passed
 * on by tmux as it is, and flags the window). `id` names a kitty notification: [a-zA-Z0-9-_] only.
 */
export function notificationBytes(kind: NotificationKind, notification: Notification, options: {readonly tmux: boolean; readonly id: string}): string {
	const osc = notificationOsc(kind, notification, options.id.replaceAll(/[^\w-]/g, ''));
	if (osc === '') return bell;
	if (!options.tmux) return `${bell}${osc}`;
	// kitty's two OSCs each in a passthrough of its own.
	return bell + osc.split(st).filter(Boolean).map(part => tmuxPassthrough(`${part}${st}`)).join('');
}

/** OSC 2: the window title (inside tmux, the pane's title: no passthrough needed). */
export function titleBytes(text: string): string {
	return `${esc}]2;${oscText(text, maxTitle)}${st}`;
}
