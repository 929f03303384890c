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
    server: https://127.0.0.10:6443  # prod
  name: prod
- cluster:
    server: https://127.0.0.11:6443
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
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const action = actions.find((a) => a.title === 'Set current-context to "prod"');
    assert.ok(action?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(action.edit));
    assert.equal(doc.getText(), CONFIG);
    await diagnosticsOf(doc.uri, (d) => !d.some((x) => x.code === 'unknown-context'));
  });

  test('quick fix: insecure server URL → https, the rest byte for byte', async () => {
    const path = join(workspace(), 'http.kubeconfig');
    writeFileSync(path, CONFIG.replace('https://127.0.0.11:6443', 'http://127.0.0.11:6443'));
    const doc = await open('http.kubeconfig');
    const [diag] = await diagnosticsOf(doc.uri, (d) => d.some((x) => x.code === 'insecure-server-url'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
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

  test('exec plugins and auth-providers never run: open, diagnostics, hover, lenses, actions, context switch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecert-e2e-exec-'));
    const marker = (name: string) => join(dir, `marker-${name}`);
    writeFileSync(join(dir, 'make-marker.sh'), '#!/bin/sh\ntouch "$1"\n', { mode: 0o755 });
    // The commands work: run once each on a control marker, they make it.
    await run('/bin/sh', ['-c', `touch '${marker('control')}'`]);
    await run(join(dir, 'make-marker.sh'), [marker('control-relative')], { cwd: dir });
    assert.ok(existsSync(marker('control')) && existsSync(marker('control-relative')), 'the plugin commands make their markers when run');
    const text = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${/certificate-authority-data: (\S+)/.exec(readFileSync(join(workspace(), 'admin.kubeconfig'), 'utf8'))![1]}
    server: https://127.0.0.10:6443
  name: prod
contexts:
- context: {cluster: prod, user: sh-c}
  name: sh-c
- context: {cluster: prod, user: path}
  name: path
- context: {cluster: prod, user: relative}
  name: relative
- context: {cluster: prod, user: gcp}
  name: gcp
current-context: sh-c
users:
- name: sh-c
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
      args: ["-c", "touch '${marker('sh-c')}'"]
      interactiveMode: Never
- name: path
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: touch
      args: ["${marker('path')}"]
      env: [{name: MARKER, value: "${marker('env')}"}]
- name: relative
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./make-marker.sh
      args: ["${marker('relative')}"]
- name: gcp
  user:
    auth-provider:
      name: gcp
      config:
        cmd-path: /bin/sh
        cmd-args: -c "touch '${marker('gcp')}'"
`;
    const file = join(dir, 'plugins.kubeconfig');
    writeFileSync(file, text);
    const doc = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file)).then((e) => e.document);
    assert.equal(doc.languageId, 'kubeconfig');
    await diagnosticsOf(doc.uri, (d) => d.some((x) => x.code === 'cert-expired'));
    const hovers: vscode.Hover[] = [];
    for (let line = 0; line < doc.lineCount; line++) {
      const position = new vscode.Position(line, Math.min(12, doc.lineAt(line).text.length));
      hovers.push(...(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)));
      await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(position, position));
    }
    assert.ok(hovers.length > 0, 'the hovers answered');
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(shown, /exec \(never run or shown by Kubecert\)/);
    // Never trusted, no HTML: a hover cannot run a command or render markup from a certificate.
    for (const h of hovers)
      for (const c of h.contents) if (typeof c !== 'string') assert.ok(!(c as vscode.MarkdownString).isTrusted && !(c as vscode.MarkdownString).supportHtml);
    await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri);
    await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
    // The status bar and the switch read this file: the extension's own kubeconfig reader runs nothing either.
    await vscode.workspace.getConfiguration('kubecert').update('kubeconfig', [file], vscode.ConfigurationTarget.Global);
    for (const name of ['path', 'relative', 'gcp', 'sh-c']) {
      const r = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('kubecert.switchContext', name);
      assert.ok(r.ok, r.error);
    }
    // Not `kubectl config current-context`: this machine's kubectl (a version dispatcher) runs the exec plugin to ask the server its version.
    assert.match(readFileSync(file, 'utf8'), /^current-context: sh-c$/m);
    // One more round trip through the server: everything asked before has been handled.
    await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(20, 8));
    for (const name of ['sh-c', 'path', 'env', 'relative', 'gcp']) assert.equal(existsSync(marker(name)), false, `the ${name} plugin ran`);
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
  test('the Certificates view: soonest expiry first, the decoded view and renewal steps of a file not open, the fingerprint copied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecert-e2e-view-'));
    const f = join(dir, 'config');
    writeFileSync(f, readFileSync(join(workspace(), 'admin.kubeconfig'), 'utf8'));
    await vscode.workspace.getConfiguration('kubecert').update('kubeconfig', [f], vscode.ConfigurationTarget.Global);
    type Item = { path?: string; uri: string; where: string; index: number; subject: string; severity: string; sha256: string; range: unknown };
    const items = (await vscode.commands.executeCommand<Item[]>('kubecert.certificates.refresh')).filter((c) => c.path === f);
    assert.deepEqual(
      items.map((c) => [c.where, c.severity]),
      [
        ['clusters[kubernetes].certificate-authority-data', 'error'],
        ['users[admin].client-certificate-data', 'warning'],
      ],
    );
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === f), 'the kubeconfig is not open in the editor');
    const decoded = await vscode.commands.executeCommand<{ text: string } | undefined>('kubecert.certificates.showDecoded', { item: items[0] });
    assert.match(decoded?.text ?? '', /Subject: .*CN *= *kubernetes/);
    const steps = await vscode.commands.executeCommand<{ title: string; steps: string[] } | undefined>('kubecert.certificates.showRenewalSteps', {
      item: items[0],
    });
    assert.ok(steps && steps.steps.length > 0, JSON.stringify(steps));
    const copied = await vscode.commands.executeCommand<string>('kubecert.certificates.copyFingerprint', { item: items[1] });
    assert.equal(copied, items[1].sha256);
    assert.equal(await vscode.env.clipboard.readText(), items[1].sha256);
    const filtered = (await vscode.commands.executeCommand<Item[]>('kubecert.certificates.filter', 'expired')).filter((c) => c.path === f);
    assert.deepEqual(
      filtered.map((c) => c.where),
      ['clusters[kubernetes].certificate-authority-data'],
    );
    await vscode.commands.executeCommand('kubecert.certificates.filter', 'all');
    for (const shown of [decoded, steps, items]) assert.doesNotMatch(JSON.stringify(shown), /PRIVATE KEY/);
  });
});
