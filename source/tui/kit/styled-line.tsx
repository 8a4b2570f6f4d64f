import {Text} from 'ink';
import type {Style, Theme} from './theme.js';
import {useTheme} from './theme.js';

/** How a run of text is drawn: a theme style by name. */
export type Tone = 'title' | 'label' | 'muted' | 'ok' | 'warning' | 'error' | 'changed';
export type Segment = {readonly text: string; readonly tone?: Tone | undefined};
/** One line on screen, cut at the width (never wrapped). */
export type Line = readonly Segment[];

export const line = (text: string, tone?: Tone): Line => [{text, tone}];

export function styleOf(theme: Theme, tone: Tone | undefined): Style | undefined {
	return tone === undefined ? undefined : theme[tone];
}

/**
 * Lines made as data (so that a view can count and scroll them before drawing), drawn a Text each and cut at
 * the width: a log line or a message never wraps into the next.
 */
export function StyledLines({lines}: {readonly lines: readonly Line[]}) {
	const theme = useTheme();
	return lines.map((segments, index) => (
		// Lines are positional: the same place shows the next line when the view scrolls.
		// eslint-disable-next-line react/no-array-index-key
		<Text key={index} wrap="truncate-end">
			{segments.map((segment, at) =>
				segment.tone === undefined ? (
					segment.text
				) : (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={at} {...styleOf(theme, segment.tone)}>
						{segment.text}
					</Text>
				),
			)}
		</Text>
	));
}
