// A string flag that may also be given alone: `--notify` means `--notify=finish`. meow would take the next word
// as its value (`vcjob-watch --notify myjob` would watch no job), so the bare form is written out before meow
// parses the command line: here, and nowhere else.

/** Flags given without a value, and the value they then mean. */
const bareMeanings: Readonly<Record<string, string>> = {'--notify': '--notify=finish'};

/** The command line with every bare such flag given its value; nothing after `--` is touched. */
export function expandBareFlags(argv: readonly string[]): string[] {
	const end = argv.indexOf('--');
	return argv.map((argument, index) => (end !== -1 && index > end ? argument : (bareMeanings[argument] ?? argument)));
}
