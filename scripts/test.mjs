// The test command: type-check and compile everything, then run every suite with node's test runner.
// Suites: unit (core), cli, client (kubeconfig writing), lsp (in-process and stdio), security (secrets, exec, network),
// fuzz (a short bounded round, regressions, limits), nvim (real Neovim), e2e (real VS Code in code-server),
// metrics (OpenMetrics read by promtool, kubecert serve scraped by a real Prometheus, npm pack, pre-commit, the Action).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = only.length ? only : ['unit', 'cli', 'client', 'lsp', 'security', 'fuzz', 'nvim', 'e2e', 'metrics'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Like run(), but says whether it passed instead of stopping: every phase runs, and the command fails if any did. */
function phase(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts }).status === 0;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return testFiles(full);
      return name.endsWith('.test.js') ? [full] : [];
    });
}

const started = Date.now();
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']);
console.log(`compiled in ${Date.now() - started} ms`);
const files = suites.flatMap((s) => testFiles(join(root, 'out/test', s)));
if (files.length === 0) {
  console.error(`no test files for ${suites.join(', ')}`);
  process.exit(1);
}
// A test still running after 15 minutes has hung (the slowest, the e2e suites, take about 2): it fails instead of holding CI.
// The fuzz suite judges time (a phase over 3× the 2 s limit fails), so it runs after the others, on a machine of its
// own: beside code-server and Chromium, a 1.5 s analysis of a 20,000-alias input took over 7 s.
const timed = files.filter((f) => f.includes(join('out', 'test', 'fuzz')));
const rest = files.filter((f) => !timed.includes(f));
const node = (list, concurrency) =>
  phase(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=900000', ...list], { env: { ...process.env, KUBECERT_ROOT: root } });
const passed = [rest.length === 0 || node(rest, 2), timed.length === 0 || node(timed, 1)];
if (passed.includes(false)) process.exit(1);
