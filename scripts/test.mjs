// The test command: type-check and compile everything, then run every suite with node's test runner.
// Suites: unit (core), cli, client (kubeconfig writing), lsp (in-process and stdio), security (secrets, exec, network),
// fuzz (a short bounded round, regressions, limits), nvim (real Neovim), e2e (real VS Code in code-server).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = only.length ? only : ['unit', 'cli', 'client', 'lsp', 'security', 'fuzz', 'nvim', 'e2e'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
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
run(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=900000', ...files], { env: { ...process.env, KUBECERT_ROOT: root } });
