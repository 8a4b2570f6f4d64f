// The job view's Ink side, loaded only for the TUI or a --once frame.
import {jobLine} from '../../output/text-writer.js';
import type {JobViewState} from '../../state/job-view.js';
import {App} from '../../tui/job/job-app.js';
import {Screen} from '../../tui/job/screen.js';
import type {DetailsWatcher} from '../../watch/details-poller.js';
import type {JobWatcher} from '../../watch/job-watcher.js';
import type {OpenLog} from '../../watch/log-follower.js';
import type {ViewTui} from '../view-driver.js';
import {actionsPort, type JobActions} from '../commands/actions.js';
import {jobTitle} from '../terminal/title-text.js';

export type JobTuiParts = {
	readonly watcher: Pick<JobWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	readonly details: Pick<DetailsWatcher, 'setWanted' | 'pollNow'> | undefined;
	readonly intervalMs: number;
	/** Panels for the PodGroup, pods and events (not with --no-details). */
	readonly withDetails: boolean;
	/** Follows a pod's log in the pods view's log (`l`); without it the log shows the saved ends of failed runs only. */
	readonly openLog?: OpenLog | undefined;
	/** With --actions: the Commands and the deletion the keys send. */
	readonly actions?: JobActions | undefined;
};

export function jobTui({watcher, details, intervalMs, withDetails, openLog, actions}: JobTuiParts): ViewTui<JobViewState> {
	const port = actions && actionsPort(actions);
	return {
		root: ({store, onQuit, source, notices}) => (
			<App
				store={store}
				watcher={watcher}
				details={details}
				intervalMs={intervalMs}
				source={source}
				notices={notices}
				onQuit={onQuit}
				openLog={openLog}
				actions={port}
			/>
		),
		frame: (state, columns, source) => (
			<Screen state={state} intervalMs={intervalMs} columns={columns} rows={200} keys={false} details={withDetails} source={source} />
		),
		record: ({job, namespace, name}) => `${namespace}/${name} ${job ? jobLine(job) : 'not seen (it did not exist while watched)'}`,
		title: ({name, job, missingSince}) => jobTitle(name, job, missingSince !== undefined),
	};
}
