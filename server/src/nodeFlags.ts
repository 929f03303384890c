// How Node runs the server and the CLI: V8 heap sizes for a process that builds a few hundred MB of short-lived
// objects while it analyses a large kubeconfig. A fresh process starts with a 1 MB young generation and a small old
// one, and grew them collection by collection: on the 1,000-context benchmark file the first analysis took 543 ms
// with the defaults and 473 ms with these (median of 5 fresh servers; peak RSS 120 → 116 MB). Larger young
// generations measured slower. The VS Code client passes them as execArgv; the bins carry them in their shebang
// (test/unit/nodeFlags.test.ts holds the three to the same list).
export const NODE_FLAGS = ['--min-semi-space-size=16', '--initial-heap-size=256'];
