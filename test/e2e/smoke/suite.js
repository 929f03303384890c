// Smoke suite for test/e2e/runInCodeServer.mjs.
//
// Runs inside the (remote) extension host of code-server, like any
// `extensionTestsPath` module: VS Code requires it and calls run(); a rejected
// promise = failed suite (exit code 1), resolved = passed (exit code 0).
// Plain `assert`, no mocha, no build step.
//
// SMOKE_FAIL=1 (in the environment of runInCodeServer.mjs, or --env SMOKE_FAIL=1)
// makes it fail on purpose, to prove failures propagate to the exit code.
'use strict';
const assert = require('assert');
const path = require('path');
const vscode = require('vscode');

const EXTENSION_ID = 'kubecert-test.kubecert-e2e-smoke';

async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`  ✔ ${name} (${Date.now() - t0}ms)`);
  } catch (err) {
    console.log(`  ✘ ${name}: ${err && err.stack ? err.stack : err}`);
    throw err;
  }
}

async function run() {
  console.log('kubecert e2e smoke suite');
  console.log(`  vscode ${vscode.version}, node ${process.version}, pid ${process.pid}`);

  await test('extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    const api = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.strictEqual(api.ping(), 'pong');
    console.log(`    loaded from ${ext.extensionPath}`);
  });

  await test('command is registered and executes', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('kubecertSmoke.hello'), 'command kubecertSmoke.hello not registered');
    const result = await vscode.commands.executeCommand('kubecertSmoke.hello', 'e2e');
    assert.strictEqual(result.greeting, 'hello e2e');
  });

  await test('workspace folder is open', async () => {
    const folders = vscode.workspace.workspaceFolders || [];
    assert.strictEqual(folders.length, 1, `expected 1 workspace folder, got ${folders.length}`);
    assert.strictEqual(path.basename(folders[0].uri.fsPath), 'workspace');
    const files = await vscode.workspace.findFiles('*.yaml');
    assert.ok(
      files.some((f) => f.path.endsWith('/kubeconfig.yaml')),
      'kubeconfig.yaml not found in workspace',
    );
  });

  await test('environment variables reach the extension host', async () => {
    const result = await vscode.commands.executeCommand('kubecertSmoke.hello', 'env');
    // runInCodeServer.mjs --env KUBECERT_E2E_MARKER=... (see package script / README)
    if (process.env.SMOKE_EXPECT_MARKER) {
      assert.strictEqual(result.env.KUBECERT_E2E_MARKER, process.env.SMOKE_EXPECT_MARKER);
    }
    if (process.env.SMOKE_EXPECT_KUBECONFIG) {
      assert.strictEqual(result.env.KUBECONFIG, process.env.SMOKE_EXPECT_KUBECONFIG);
    }
    console.log(`    env seen by the extension: ${JSON.stringify(result.env)}`);
  });

  await test('a document can be opened and shown', async () => {
    const [file] = await vscode.workspace.findFiles('kubeconfig.yaml');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    assert.match(editor.document.getText(), /kind: Config/);
    assert.strictEqual(doc.languageId, 'yaml');
  });

  if (process.env.SMOKE_FAIL === '1') {
    await test('deliberate failure (SMOKE_FAIL=1)', async () => {
      assert.strictEqual(1 + 1, 3, 'SMOKE_FAIL=1: this failure is deliberate');
    });
  }
  console.log('kubecert e2e smoke suite: all passed');
}

module.exports = { run };
