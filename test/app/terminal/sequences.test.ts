import {describe, expect, it} from 'vitest';
import {
	bell,
	notificationBytes,
	notificationKind,
	oscText,
	popTitle,
	pushTitle,
	titleBytes,
	tmuxPassthrough,
} from '../../../source/app/terminal/sequences.js';

const ESC = '\u001B';
const ST = `${ESC}\\`;
const note = {title: 'vcjob train Failed', body: 'Failed: worker-0/main exit 137: out of memory (OOMKilled)'};

describe('notificationKind', () => {
	it.each([
		[{TERM: 'xterm-kitty'}, 'osc99'],
		[{TERM: 'xterm-256color', KITTY_WINDOW_ID: '1'}, 'osc99'],
		[{TERM_PROGRAM: 'iTerm.app'}, 'osc9'],
		[{TERM_PROGRAM: 'tmux', LC_TERMINAL: 'iTerm2'}, 'osc9'],
		[{TERM_PROGRAM: 'WezTerm'}, 'osc9'],
		[{TERM_PROGRAM: 'ghostty'}, 'osc9'],
		[{TERM: 'xterm-ghostty'}, 'osc9'],
		[{WT_SESSION: 'abc'}, 'osc9'],
		[{TERM: 'foot'}, 'osc777'],
		[{TERM: 'foot-extra'}, 'osc777'],
		[{TERM: 'rxvt-unicode-256color'}, 'osc777'],
		[{TERM: 'xterm-256color', VTE_VERSION: '7600'}, 'osc777'],
		[{TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', VTE_VERSION: '7600'}, 'osc777'],
		// Another terminal that names itself: a VTE variable inherited from the desktop does not make it VTE.
		[{TERM_PROGRAM: 'vscode', VTE_VERSION: '7600'}, 'bell'],
		[{TERM: 'xterm-256color'}, 'bell'],
		[{}, 'bell'],
	])('%o → %s', (env, kind) => {
		expect(notificationKind(env)).toBe(kind);
	});
});

describe('notificationBytes', () => {
	it('writes the bell, then one notification of the kind, never two', () => {
		expect(notificationBytes('osc777', note, {tmux: false, id: 'vcjob1'})).toBe(
			`${bell}${ESC}]777;notify;vcjob train Failed;Failed: worker-0/main exit 137: out of memory (OOMKilled)${ST}`,
		);
		expect(notificationBytes('osc9', note, {tmux: false, id: 'vcjob1'})).toBe(
			`${bell}${ESC}]9;vcjob train Failed: Failed: worker-0/main exit 137: out of memory (OOMKilled)${ST}`,
		);
		expect(notificationBytes('osc99', note, {tmux: false, id: 'vcjob1'})).toBe(
			`${bell}${ESC}]99;i=vcjob1:d=0;vcjob train Failed${ST}${ESC}]99;i=vcjob1:d=1:p=body;Failed: worker-0/main exit 137: out of memory (OOMKilled)${ST}`,
		);
		expect(notificationBytes('bell', note, {tmux: false, id: 'vcjob1'})).toBe(bell);
	});

	it('wraps each OSC for tmux passthrough, every ESC doubled; the bell goes as it is', () => {
		expect(notificationBytes('osc777', note, {tmux: true, id: 'vcjob1'})).toBe(
			`${bell}${ESC}Ptmux;${ESC}${ESC}]777;notify;vcjob train Failed;Failed: worker-0/main exit 137: out of memory (OOMKilled)${ESC}${ESC}\\${ST}`,
		);
		expect(notificationBytes('osc99', {title: 't', body: 'b'}, {tmux: true, id: 'n'})).toBe(
			`${bell}${ESC}Ptmux;${ESC}${ESC}]99;i=n:d=0;t${ESC}${ESC}\\${ST}${ESC}Ptmux;${ESC}${ESC}]99;i=n:d=1:p=body;b${ESC}${ESC}\\${ST}`,
		);
		expect(notificationBytes('bell', note, {tmux: true, id: 'vcjob1'})).toBe(bell);
		expect(tmuxPassthrough(`${ESC}]9;x${ST}`)).toBe(`${ESC}Ptmux;${ESC}${ESC}]9;x${ESC}${ESC}\\${ESC}\\`);
	});

	it('lets no control character, escape or field separator of a name through', () => {
		const hostile = {title: `vcjob a${ESC}]52;c;aGk=${bell};b\u009Dc\u202E`, body: `x${ESC}\\;y\r\nz`};
		for (const kind of ['osc777', 'osc9', 'osc99'] as const) {
			const bytes = notificationBytes(kind, hostile, {tmux: false, id: 'i;d\u0007'});
			// Only the sequences' own ESCs and the one bell: nothing of the texts.
			const inner = bytes
				.slice(1)
				.replaceAll(/\u001B\](?:777;notify;|9;|99;i=id:d=[01](?::p=body)?;)/g, '')
				.replaceAll(ST, '');
			expect(inner).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202E]/);
			if (kind === 'osc777') expect(inner.split(';')).toHaveLength(2);
		}
	});

	it('cuts a long name', () => {
		const bytes = notificationBytes('osc777', {title: `vcjob ${'n'.repeat(300)}`, body: 'b'.repeat(500)}, {tmux: false, id: 'x'});
		expect(bytes.length).toBeLessThan(300);
	});
});

describe('titles', () => {
	it('sets the title with OSC 2 ended by ST, and pushes and pops it with XTWINOPS', () => {
		expect(titleBytes('vcjob train: Running 2/4')).toBe(`${ESC}]2;vcjob train: Running 2/4${ST}`);
		expect(titleBytes(`a${ESC}]2;evil${bell}b`)).toBe(`${ESC}]2;ab${ST}`);
		expect(pushTitle).toBe(`${ESC}[22;2t`);
		expect(popTitle).toBe(`${ESC}[23;2t`);
	});

	it('keeps a semicolon where it separates nothing', () => {
		expect(oscText('a;b', 10)).toBe('a;b');
		expect(oscText('a;b', 10, true)).toBe('a,b');
	});
});
