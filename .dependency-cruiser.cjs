// The layout's rules (docs/architecture.md), checked by `npm test`: imports go one way along the pipeline,
// entry → cli → app → {tui, output} → state → watch → api → model → common, and app → connect → api; React and
// Ink only in the TUI; the simulator only through its index. Type-only imports count as imports.
const layers = ['common', 'model', 'api', 'watch', 'state', 'output', 'tui', 'app', 'cli'];
// What each folder may not import: every folder above it (connect sits beside api, under app).
const above = {
	common: ['model', 'api', 'watch', 'state', 'output', 'tui', 'connect', 'app', 'cli', 'simulator'],
	model: ['api', 'watch', 'state', 'output', 'tui', 'connect', 'app', 'cli', 'simulator'],
	api: ['watch', 'state', 'output', 'tui', 'connect', 'app', 'cli', 'simulator'],
	connect: ['watch', 'state', 'output', 'tui', 'app', 'cli', 'simulator'],
	watch: ['state', 'output', 'tui', 'connect', 'app', 'cli', 'simulator'],
	state: ['output', 'tui', 'connect', 'app', 'cli', 'simulator'],
	output: ['tui', 'connect', 'app', 'cli', 'simulator'],
	tui: ['output', 'connect', 'app', 'cli', 'simulator'],
	app: ['cli'],
};

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			comment: 'A cycle, type-only imports included, means two modules are one: merge them or move what they share down.',
			severity: 'error',
			from: {},
			to: {circular: true},
		},
		...Object.entries(above).map(([layer, forbidden]) => ({
			name: `${layer}-imports-down-only`,
			comment: `source/${layer}/ may not import from ${forbidden.join(', ')}: imports go one way along the pipeline.`,
			severity: 'error',
			from: {path: `^source/${layer}/`},
			to: {path: `^source/(${forbidden.join('|')})/`},
		})),
		{
			name: 'react-and-ink-only-in-the-tui',
			comment: 'Text and JSON output never load React or Ink: only source/tui/ and the TUI runners of source/app/ import them.',
			severity: 'error',
			from: {path: '^source/', pathNot: ['^source/tui/', '^source/app/.*tui\\.tsx$']},
			to: {path: 'node_modules/(react|react-dom|ink|ink-spinner|ink-testing-library|@alcalzone/ink-table)/', dependencyTypesNot: ['type-only']},
		},
		{
			name: 'undici-only-where-requests-are-made',
			comment: 'undici costs ~30 MB of RSS: loaded only by the API client and the connection set-up, and only when needed.',
			severity: 'error',
			from: {path: '^source/', pathNot: ['^source/api/', '^source/connect/', '^source/simulator/']},
			to: {path: 'node_modules/undici/', dependencyTypesNot: ['type-only']},
		},
		{
			name: 'yaml-only-for-kubeconfig',
			comment: 'The YAML parser is for kubeconfig files, and for the job file of `submit -f`.',
			severity: 'error',
			from: {path: '^source/', pathNot: ['^source/connect/kubeconfig/', '^source/app/commands/submit-file\\.ts$']},
			to: {path: 'node_modules/yaml/'},
		},
		{
			name: 'simulator-through-its-index',
			comment: 'Outside the simulator, source/ reaches it only through source/simulator/index.ts.',
			severity: 'error',
			from: {path: '^source/', pathNot: '^source/simulator/'},
			to: {path: '^source/simulator/', pathNot: '^source/simulator/index\\.ts$'},
		},
		{
			name: 'simulator-stands-alone',
			comment: 'The simulator is a server of its own: it may share the model, nothing else of the program.',
			severity: 'error',
			from: {path: '^source/simulator/'},
			to: {path: `^source/(${layers.filter(layer => !['model', 'common'].includes(layer)).join('|')}|connect)/`},
		},
	],
	options: {
		// TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc reads the same syntax,
		// type-only imports included.
		parser: 'swc',
		// swc sees type-only imports without it (a cycle through one is still a cycle); with it, dependency-cruiser
		// asks for TypeScript's JavaScript API, which TypeScript 7 does not ship.
		tsPreCompilationDeps: false,
		tsConfig: {fileName: 'tsconfig.json'},
		doNotFollow: {path: 'node_modules'},
		// Ink and React are ES modules reached through package.json "exports": without these, they resolve to
		// nothing and the rule that keeps them in the TUI could not see them.
		enhancedResolveOptions: {
			extensions: ['.ts', '.tsx', '.js', '.mjs'],
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default'],
			mainFields: ['module', 'main'],
		},
	},
};
