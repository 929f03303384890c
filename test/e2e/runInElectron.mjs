#!/usr/bin/env node
// The same suite in a desktop VS Code, for machines that have one. @vscode/test-electron cannot
// download VS Code where its host is unreachable, so the executable is given by path:
//   VSCODE_PATH=/usr/share/code/code node test/e2e/runInElectron.mjs [workspace]
// The test command uses test/e2e/runInCodeServer.mjs instead.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const vscodeExecutablePath = process.env.VSCODE_PATH;
if (!vscodeExecutablePath) {
  console.error('Set VSCODE_PATH to a desktop VS Code executable (this machine cannot download one).');
  process.exit(2);
}
let workspace = process.argv[2];
if (!workspace) {
  workspace = mkdtempSync(join(tmpdir(), 'kubecert-ws-'));
  copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), join(workspace, 'admin.kubeconfig'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'kubecert.now': '2026-11-21T00:00:00Z' }));
}
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/e2e/suite/index.js'),
    launchArgs: [workspace, '--disable-extensions'],
  });
} catch (e) {
  console.error(`suite failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
