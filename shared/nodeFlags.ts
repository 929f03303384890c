// How Node runs the server and the CLI: V8 heap sizes for a process that builds a few hundred MB of short-lived
// objects while it analyses a large kubeconfig. With the defaults a fresh process starts with a small old generation
// and a young one that grows from 1 MB, and the first analysis of the 1,000-context benchmark file spent ~125 ms in
// 13 scavenges (--trace-gc). Medians of fresh servers over stdio, open → diagnostics (peak RSS):
//   defaults                      10: 13 ms (64 MB)  100: 62 ms (67 MB)  1,000: 573 ms (119 MB)
//   256 MB initial heap           10: 13 ms (64 MB)  100: 64 ms (68 MB)  1,000: 504 ms (122 MB)  5,000: 1.92 s (248 MB)
//   and an 8 MB young generation  10: 11 ms (72 MB)  100: 56 ms (76 MB)  1,000: 443 ms (107 MB)  5,000: 1.77 s (232 MB)
// A 16 MB young generation (V8's own maximum) cost 100 contexts 62 → 90 ms. The VS Code client passes these as
// execArgv; the bins carry them in their shebang (test/unit/nodeFlags.test.ts holds the three to the same list).
export const NODE_FLAGS = ['--initial-heap-size=256', '--min-semi-space-size=8', '--max-semi-space-size=8'];
