import {useEffect, useState} from 'react';
import {commandOf, consequences, type ActionVerb} from '../../api/commands.js';

// The keys that act on the job (--actions): offered once the server is known to take Commands (asked once, when
// the view opens), each behind a confirmation line; then what was done, or why not, in that line.

/** What the TUI is given to act with (app/actions.ts makes it). */
export type ActionsPort = {
	/** Whether the server has Volcano's Commands (bus.volcano.sh/v1alpha1). */
	commandsAvailable(): Promise<boolean>;
	/** Sends it; resolves with what was done, in a line; rejects with why not. */
	perform(verb: ActionVerb): Promise<string>;
};

export type JobActionsState = {
	/** The keys are offered: --actions, and the server takes Commands (or has not said yet). */
	readonly offered: boolean;
	/** The verb waiting for `y`. */
	readonly confirming: ActionVerb | undefined;
	/** The confirmation (two lines), or what came of the last action (one); none: nothing to say. */
	readonly lines: readonly string[];
	ask(verb: ActionVerb): void;
	answer(send: boolean): void;
};

// The question and how to answer it come first, so that a narrow terminal cuts the consequence, not the key.
function question(verb: ActionVerb, job: string): readonly string[] {
	const what = verb === 'delete' ? 'Delete' : `${verb[0]!.toUpperCase()}${verb.slice(1)}`;
	const how = verb === 'delete' ? 'Foreground' : commandOf[verb];
	return [`${what} job ${job} (${how})? y sends it, any other key cancels`, consequences[verb]];
}

export function useJobActions(actions: ActionsPort | undefined, job: string): JobActionsState {
	const [available, setAvailable] = useState<boolean>();
	const [confirming, setConfirming] = useState<ActionVerb>();
	const [said, setSaid] = useState<string>();
	useEffect(() => {
		if (!actions) return;
		let live = true;
		actions.commandsAvailable().then(
			yes => {
				if (!live) return;
				setAvailable(yes);
				if (!yes) setSaid("no actions: the server has no bus.volcano.sh API (Volcano's Commands)");
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
				setSaid(verb ? `${verb} cancelled: nothing sent` : undefined);
				return;
			}

			setSaid(`${verb}: sending…`);
			actions.perform(verb).then(
				line => setSaid(line),
				(error: unknown) => setSaid(`${verb} not done: ${error instanceof Error ? error.message : String(error)}`),
			);
		},
	};
}
