// Inside a real VS Code (code-server): activation, diagnostics, hover, quick fixes, context switching.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const run = promisify(execFile);
const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

async function diagnosticsOf(uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (predicate(now)) return now;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching diagnostics for ${uri.fsPath}: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.code))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const d = vscode.languages.getDiagnostics(uri);
      if (predicate(d)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(d);
      }
    });
  });
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(join(workspace(), name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Real kubectl reads what Kubecert wrote; asynchronous so the extension host stays responsive. */
async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['config', ...args], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 });
  return stdout.trim();
}

const CONFIG = `# my clusters
apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443  # prod
  name: prod
- cluster:
    server: https://192.0.2.11:6443
  name: staging
contexts:
- context:
    cluster: prod
    user: alice
  name: prod
- context:
    cluster: staging
    user: alice
  name: staging
current-context: prod
kind: Config
users:
- name: alice
  user:
    token: not-a-real-token
`;

suite('Kubecert in VS Code', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension('kubecert.kubecert');
    assert.ok(ext, 'extension is installed');
    await ext.activate();
    assert.ok(ext.isActive);
    console.log(`kubecert extension at ${ext.extensionPath}`);
  });

  test('diagnostics on the seed kubeconfig: expired CA, superuser, broken chain', async () => {
    const doc = await open('admin.kubeconfig');
    assert.equal(doc.languageId, 'kubeconfig');
    const diags = await diagnosticsOf(doc.uri, (d) => d.length >= 3);
    const codes = diags.map((d) => `${d.code}@${d.range.start.line}`).sort();
    assert.deepEqual(codes, ['cert-expired@3', 'chain-untrusted@18', 'superuser-group@18']);
  });

  test('hover on the client certificate names the user, the group and what it means', async () => {
    const doc = await open('admin.kubeconfig');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(18, 40));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /admin/);
    assert.match(text, /system:masters/);
    assert.match(text, /Superuser/);
    for (const h of hovers) for (const c of h.contents) if (typeof c !== 'string') assert.notEqual((c as vscode.MarkdownString).isTrusted, true);
  });

  test('quick fix: unknown context → set current-context to an existing one', async () => {
    const path = join(workspace(), 'fixable.kubeconfig');
    writeFileSync(path, CONFIG.replace('current-context: prod', 'current-context: prd'));
    const doc = await open('fixable.kubeconfig');
    const [diag] = await diagnosticsOf(doc.uri, (d) => d.some((x) => x.code === 'unknown-context'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const action = actions.find((a) => a.title === 'Set current-context to "prod"');
    assert.ok(action?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(action.edit));
    assert.equal(doc.getText(), CONFIG);
    await diagnosticsOf(doc.uri, (d) => !d.some((x) => x.code === 'unknown-context'));
  });

  test('quick fix: insecure server URL → https, the rest byte for byte', async () => {
    const path = join(workspace(), 'http.kubeconfig');
    writeFileSync(path, CONFIG.replace('https://192.0.2.11:6443', 'http://192.0.2.11:6443'));
    const doc = await open('http.kubeconfig');
    const [diag] = await diagnosticsOf(doc.uri, (d) => d.some((x) => x.code === 'insecure-server-url'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const action = actions.find((a) => a.title === 'Use https://');
    assert.ok(action?.edit);
    assert.ok(await vscode.workspace.applyEdit(action.edit));
    assert.equal(doc.getText(), CONFIG);
  });

  test('switch context and namespace in a single file; kubectl agrees; comments kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecert-e2e-'));
    const f = join(dir, 'config');
    writeFileSync(f, CONFIG);
    await vscode.workspace.getConfiguration('kubecert').update('kubeconfig', [f], vscode.ConfigurationTarget.Global);
    const r = await vscode.commands.executeCommand<{ ok: boolean }>('kubecert.switchContext', 'staging');
    assert.ok(r.ok);
    assert.equal(readFileSync(f, 'utf8'), CONFIG.replace('current-context: prod', 'current-context: staging'));
    assert.equal(await kubectl(f, 'current-context'), 'staging');
    const n = await vscode.commands.executeCommand<{ ok: boolean }>('kubecert.switchNamespace', 'web');
    assert.ok(n.ok);
    assert.equal(await kubectl(f, 'view', '--minify', '-o', 'jsonpath={..namespace}'), 'web');
  });

  test('a KUBECONFIG list, a symlink and a held lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecert-e2e-'));
    const a = join(dir, 'a');
    const real = join(dir, 'b-real');
    const b = join(dir, 'b');
    writeFileSync(a, 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: prod, user: alice}\n  name: other\n');
    writeFileSync(real, CONFIG);
    symlinkSync(real, b);
    await vscode.workspace.getConfiguration('kubecert').update('kubeconfig', [a, b], vscode.ConfigurationTarget.Global);
    const r = await vscode.commands.executeCommand<{ ok: boolean }>('kubecert.switchContext', 'other');
    assert.ok(r.ok);
    assert.match(readFileSync(real, 'utf8'), /current-context: other/);
    assert.equal(await kubectl(`${a}:${b}`, 'current-context'), 'other');
    writeFileSync(`${a}.lock`, '');
    const held = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('kubecert.switchContext', 'staging');
    assert.equal(held.ok, false);
    assert.match(held.error ?? '', /a\.lock/);
    assert.ok(existsSync(`${a}.lock`));
    assert.equal(await kubectl(`${a}:${b}`, 'current-context'), 'other');
  });
});
