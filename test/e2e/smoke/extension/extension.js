// Minimal extension for the e2e smoke test (plain CommonJS, no build step).
'use strict';
const vscode = require('vscode');

function activate(context) {
  console.log('[kubecert-e2e-smoke] activated');
  context.subscriptions.push(
    vscode.commands.registerCommand('kubecertSmoke.hello', (name) => {
      const folders = (vscode.workspace.workspaceFolders || []).map((f) => f.uri.fsPath);
      if (name === undefined) {
        // invoked from the command palette (ui-smoke.mjs): visible effect, not awaited
        vscode.window.showInformationMessage('Kubecert smoke: hello world');
      }
      return {
        greeting: `hello ${name || 'world'}`,
        pid: process.pid,
        workspaceFolders: folders,
        env: {
          KUBECERT_E2E_MARKER: process.env.KUBECERT_E2E_MARKER,
          HOME: process.env.HOME,
          KUBECONFIG: process.env.KUBECONFIG,
        },
      };
    }),
  );
  return { ping: () => 'pong' };
}

function deactivate() {}

module.exports = { activate, deactivate };
