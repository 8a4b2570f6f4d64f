// The shells `vcjob-watch completion SHELL` writes a script for; pure data, read by `--help` on every start.

export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/** The subcommand as `--help` lists it: `completion bash|zsh|fish`. */
export const completionUsage = `completion ${shells.join('|')}`;
