// What the cluster model gives out: each object rendered as the API server serves it.

/** An object as served, with what selectors look at. */
export type Rendered = {
	readonly body: Record<string, unknown>;
	readonly labels?: Readonly<Record<string, string>>;
	readonly fields: Readonly<Record<string, string>>;
};
