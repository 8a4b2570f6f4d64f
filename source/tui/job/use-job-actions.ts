import {useEffect, useState} from 'react';
import {commandOf, consequences, type ActionVerb} from '../../api/commands.js';

// The keys that act on the job (--actions): offered once the server is known to take Commands (asked once, when
// the view opens), each behind a confirmation line; then what was done, or why not, in that line.

/** What the TUI is given to act with (app/commands/actions.ts makes it). */
export type ActionsPort = {
	/** Whether the server has Volcano's Commands (bus.volcano.sh/v1alpha1). */
	commandsAvailable(): Promise<boolean>;
	/** Sends it; resolves with what was done, in a line; rejects with why not. */
	perform(verb: ActionVerb): Promise<string>;
};

/** A line of the actions: the question (ask), what came of it (done, failed), or a note. */
export type ActionLine = {readonly text: string; readonly tone: 'ask' | 'done' | 'failed' | 'note'};

export type JobActionsState = {
	/** The keys are offered: --actions, and the server takes Commands (or has not said yet). */
	readonly offered: boolean;
	/** The verb waiting for `y`. */
	readonly confirming: ActionVerb | undefined;
	/** The confirmation (two lines), or what came of the last action (one); none: nothing to say. */
	readonly lines: readonly ActionLine[];
	ask(verb: ActionVerb): void;
	answer(send: boolean): void;
};

// The question and how to answer it come first, so that a narrow terminal cuts the consequence, not the key.
function question(verb: ActionVerb, job: string): readonly ActionLine[] {
	const what = verb === 'delete' ? 'Delete' : `${verb[0]!.toUpperCase()}${verb.slice(1)}`;
	const how = verb === 'delete' ? 'Foreground' : commandOf[verb];
	return [
		{text: `${what} job ${job} (${how})? y sends it, any other key cancels`, tone: 'ask'},
		{text: consequences[verb], tone: 'note'},
	];
}

export function useJobActions(actions: ActionsPort | undefined, job: string): JobActionsState {
	const [available, setAvailable] = useState<boolean>();
	const [confirming, setConfirming] = useState<ActionVerb>();
	const [said, setSaid] = useState<ActionLine>();
	useEffect(() => {
		if (!actions) return;
		let live = true;
		actions.commandsAvailable().then(
			yes => {
				if (!live) return;
				setAvailable(yes);
				if (!yes) setSaid({text: "no actions: the server has no bus.volcano.sh API (Volcano's Commands)", tone: 'note'});
			},
			() => {},
		);
		return () => {
			live = false;
		};
	}, [actions]);

	return {
		offered: actions !== undefined && available !== false,
		confirming,
		lines: confirming ? question(confirming, job) : said === undefined ? [] : [said],
		ask(verb) {
			setConfirming(verb);
		},
		answer(send) {
			const verb = confirming;
			setConfirming(undefined);
			if (!send || !verb || !actions) {
				setSaid(verb ? {text: `${verb} cancelled: nothing sent`, tone: 'note'} : undefined);
				return;
			}

			setSaid({text: `${verb}: sending…`, tone: 'note'});
			actions.perform(verb).then(
				line => setSaid({text: line, tone: 'done'}),
				(error: unknown) => setSaid({text: `${verb} not done: ${error instanceof Error ? error.message : String(error)}`, tone: 'failed'}),
			);
		},
	};
}
