// Loaded inside the real extension host by `npm run bench` (not a test: the figure is a measurement, and
// tests never assert on time). Opens a kubeconfig so that VS Code activates Kubecert on its language, then
// writes what the extension measured of its own activation to $KUBECERT_ACTIVATION_OUT.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('no workspace folder');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(folder, 'admin.kubeconfig')));
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension<{ activation?: { loadMs: number; hostMs: number; activateMs: number } }>('kubecert.kubecert');
  if (!ext) throw new Error('Kubecert is not installed');
  const api = await ext.activate();
  if (!api.activation) throw new Error('the extension reported no activation figures');
  const out = process.env.KUBECERT_ACTIVATION_OUT;
  if (!out) throw new Error('KUBECERT_ACTIVATION_OUT is not set');
  writeFileSync(out, JSON.stringify({ ...api.activation, vscode: vscode.version }));
}
