// Runs the mocha suite in test/e2e/suite inside a real VS Code (code-server in headless Chromium).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

test('the extension suite passes in a real VS Code', { skip: missing || false, timeout: 600_000 }, () => {
  const ws = mkdtempSync(join(tmpdir(), 'kubecert-ws-'));
  copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), join(ws, 'admin.kubeconfig'));
  mkdirSync(join(ws, '.vscode'));
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'kubecert.now': '2026-11-21T00:00:00Z' }));
  const home = mkdtempSync(join(tmpdir(), 'kubecert-home-'));
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'test/e2e/runInCodeServer.mjs'),
      '--extension',
      root,
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
  assert.equal(r.status, 0, `suite failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
});
