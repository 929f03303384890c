// How Node runs the server and the CLI: a larger initial V8 heap for a process that builds a few hundred MB of
// short-lived objects while it analyses a large kubeconfig. A fresh process starts with a small old generation and
// grows it collection by collection: a fresh server's first analysis of the 1,000-context benchmark file took 573 ms
// with the defaults and 511 ms with this flag (median of 5; 10 and 100 contexts unchanged: 13 and 62–65 ms; peak RSS
// 119 → 126 MB). A 16 MB young generation gained more at 1,000 contexts (479 ms) but cost 100 contexts 62 → 90 ms
// and 20 MB of RSS, so it is not used. The VS Code client passes these as execArgv; the bins carry them in their
// shebang (test/unit/nodeFlags.test.ts holds the three to the same list).
export const NODE_FLAGS = ['--initial-heap-size=256'];
