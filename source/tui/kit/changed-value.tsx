import {Text} from 'ink';
import type {Highlight} from '../../state/job-view.js';
import {type Style, useTheme} from './theme.js';

export function changeMarker(highlight: Highlight | undefined): string {
	if (!highlight) return ' ';
	if (highlight.direction === 'up') return '↑';
	if (highlight.direction === 'down') return '↓';
	return '*';
}

type Props = {
	readonly text: string;
	readonly highlight?: Highlight | undefined;
	readonly style?: Style | undefined;
};

/**
 * A value that stands out while it is fresh: the theme's "changed" style plus a marker (↑ ↓ *) that is
 * plain text, so it shows without colour too. The marker cell is always there, so nothing shifts.
 */
export function ChangedValue({text, highlight, style}: Props) {
	const theme = useTheme();
	return (
		<Text {...(highlight ? theme.changed : style)}>
			{text}
			{changeMarker(highlight)}
		</Text>
	);
}
