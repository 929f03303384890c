// The packaged .vsix installs into code-server with --install-extension and passes the same suite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const codeServer = join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const missing = !existsSync(codeServer)
  ? 'code-server is not installed (scripts/install-e2e.sh installs it)'
  : !existsSync('/usr/bin/chromium')
    ? 'chromium is not installed'
    : '';

test('the .vsix installs into code-server and works', { skip: missing || false, timeout: 600_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kubecert-vsix-'));
  const vsix = join(tmp, 'kubecert.vsix');
  const pack = spawnSync(process.execPath, [join(root, 'scripts/package.mjs'), '--out', vsix], { encoding: 'utf8', cwd: root, timeout: 180_000 });
  assert.equal(pack.status, 0, pack.stderr + pack.stdout);
  const size = statSync(vsix).size;
  assert.ok(size < 1.5 * 1024 * 1024, `the .vsix is ${size} bytes`);

  const ws = join(tmp, 'ws');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), join(ws, 'admin.kubeconfig'));
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'kubecert.now': '2026-11-21T00:00:00Z' }));
  const home = mkdtempSync(join(tmpdir(), 'kubecert-home-'));
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'test/e2e/runInCodeServer.mjs'),
      '--vsix',
      vsix,
      '--tests',
      join(root, 'out/test/e2e/suite/index.js'),
      '--workspace',
      ws,
      '--timeout',
      '300000',
      '--env',
      `HOME=${home}`,
      '--env',
      `KUBECONFIG=${join(home, 'config')}`,
    ],
    { encoding: 'utf8', timeout: 540_000 },
  );
  process.stdout.write(
    r.stdout
      .split('\n')
      .map((l) => `# ${l}`)
      .join('\n') + '\n',
  );
  // The suite ran against the installed copy, not the working tree.
  assert.match(r.stdout, /kubecert extension at \S*extensions\/kubecert\.kubecert-\d+\.\d+\.\d+/);
  assert.equal(r.status, 0, `suite failed against the installed .vsix (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
});
