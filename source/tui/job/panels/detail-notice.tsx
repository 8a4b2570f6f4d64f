import {Text} from 'ink';
import type {DetailView} from '../../../state/details-state.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly view: DetailView<unknown>;
	/** "list pods", "list events", "get podgroups": what the request asks for, in RBAC words. */
	readonly verb: string;
	readonly resource: string;
	readonly namespace: string;
};

/** Why a details panel has nothing (yet), or why what it shows may be old; null when all is well. */
export function DetailNotice({view, verb, resource, namespace}: Props) {
	const theme = useTheme();
	switch (view.status) {
		case 'idle': {
			return <Text {...theme.muted}>loading…</Text>;
		}

		case 'refused': {
			const {error} = view;
			const text =
				error.category === 'forbidden'
					? `no permission to ${verb} ${resource} in ${namespace}`
					: error.category === 'bad-endpoint'
						? `${resource} are not served at this address (${error.summary})`
						: error.summary;
			return (
				<Text wrap="truncate-end" {...theme.warning}>
					{text}
				</Text>
			);
		}

		case 'error': {
			return (
				<Text wrap="truncate-end" {...theme.warning}>
					{view.value === undefined ? '' : 'stale: '}
					{view.error.summary} (retrying)
				</Text>
			);
		}

		default: {
			return null;
		}
	}
}

/** Whether a notice line takes a row above the content. */
export function hasNotice(view: DetailView<unknown>): boolean {
	return view.status === 'idle' || view.status === 'refused' || view.status === 'error';
}
