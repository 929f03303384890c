// The workspace folders as one cluster, in-process: the background index, cross-file diagnostics on open and closed
// files, withdrawn within one update when the other file is fixed (an edit, a change on disk), definition and hover.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { URI } from 'vscode-uri';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { NOW } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { ca, haNode, ingressSplit, leaf, secretYaml, webhookTree, type Tree } from '../support/trees';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(tree: Tree): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-cluster-'));
  dirs.push(dir);
  for (const [rel, content] of tree) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

const uriOf = (dir: string, rel: string): string => URI.file(join(dir, rel)).toString();
const codes = (d: Diagnostic[]): string[] => d.map((x) => String(x.code)).sort();

async function start(dir: string, init: Record<string, unknown> = {}, capabilities: Record<string, unknown> = {}): Promise<LspClient> {
  const client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: NOW, ...init }, capabilities, { workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'tree' }] });
  return client;
}

/** The diagnostics last published for `uri` once they satisfy `ok` (already, or at a later publish). */
async function until(client: LspClient, uri: string, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  for (;;) {
    const last = [...client.published].reverse().find((p: PublishDiagnosticsParams) => p.uri === uri);
    if (last && ok(last.diagnostics)) return last.diagnostics;
    await client.diagnostics(uri);
  }
}

/** The next publish for `uri` after this moment. */
const next = (client: LspClient, uri: string): Promise<Diagnostic[]> => client.diagnostics(uri);
const hasSan = (d: Diagnostic[]): boolean => d.some((x) => x.code === 'san-mismatch');

test('Secret/Ingress split: san-mismatch on the closed ingress.yaml, withdrawn by one edit of the open secret.yaml, back by another', async () => {
  const tree = ingressSplit('b.example.com');
  const dir = write(tree);
  const client = await start(dir);
  try {
    const ingress = uriOf(dir, 'ingress.yaml');
    const secret = uriOf(dir, 'secret.yaml');
    const found = await until(client, ingress, hasSan);
    const san = found.find((d) => d.code === 'san-mismatch')!;
    assert.equal(san.range.start.line, 8, 'at the tls hosts line');
    assert.ok(
      san.relatedInformation?.some((r) => r.location.uri === secret),
      JSON.stringify(san.relatedInformation),
    );

    const opened = await client.open(secret, String(tree.get('secret.yaml')));
    assert.deepEqual(codes(opened), []);
    const right = leaf('CN=b.example.com', ca('CN=web-ca', 10), 12, 'server', ['DNS:b.example.com']);
    const withdrawn = next(client, ingress);
    await client.change(secret, secretYaml('web-tls', 'web', right));
    assert.deepEqual(codes(await withdrawn), [], 'the next publish of ingress.yaml has no san-mismatch');

    const back = next(client, ingress);
    await client.change(secret, String(tree.get('secret.yaml')));
    assert.deepEqual(codes(await back), ['san-mismatch']);

    // Definition from secretName to the Secret; its hover says what it points at.
    const ingressText = String(tree.get('ingress.yaml'));
    await client.open(ingress, ingressText);
    const line = ingressText.split('\n').findIndex((l) => l.includes('secretName'));
    const position = { line, character: ingressText.split('\n')[line].indexOf('web-tls') + 2 };
    const def = await client.request<{ uri: string; range: { start: { line: number } } } | null>('textDocument/definition', {
      textDocument: { uri: ingress },
      position,
    });
    assert.equal(def?.uri, secret);
    assert.equal(def?.range.start.line, 0);
    const hover = await client.hover(ingress, position);
    assert.match(hover?.contents.value ?? '', /Points at \(secret\)/);
    assert.match(hover?.contents.value ?? '', /CN=a\.example\.com/);
  } finally {
    await client.shutdown();
  }
});

test('HA: shaolin’s apiserver.crt on wudang → san-mismatch on kubelet.conf and kube-apiserver.yaml, withdrawn after a change on disk', async () => {
  const dir = write(haNode('wudang', 'shaolin'));
  const client = await start(dir);
  try {
    const kubelet = uriOf(dir, 'etc/kubernetes/kubelet.conf');
    const pod = uriOf(dir, 'etc/kubernetes/manifests/kube-apiserver.yaml');
    const crt = uriOf(dir, 'etc/kubernetes/pki/apiserver.crt');
    await until(client, kubelet, hasSan);
    const podDiags = await until(client, pod, hasSan);
    assert.match(podDiags.find((d) => d.code === 'san-mismatch')!.message, /advertises 10\.24\.138\.208/);

    // Open kubelet.conf: its own findings and the cross-file one, related information at apiserver.crt.
    const text = String(haNode('wudang', 'shaolin').get('etc/kubernetes/kubelet.conf'));
    const opened = await client.open(kubelet, text);
    const san = opened.find((d) => d.code === 'san-mismatch');
    assert.ok(san, JSON.stringify(opened));
    assert.equal(text.split('\n')[san.range.start.line].trim(), 'server: https://10.24.138.208:6443');
    assert.ok(san.relatedInformation?.some((r) => r.location.uri === crt));

    // The right certificate written to disk and reported: both withdrawn at their next publish.
    const fixed = haNode('wudang', 'wudang');
    const kubeletNext = next(client, kubelet);
    const podNext = next(client, pod);
    writeFileSync(join(dir, 'etc/kubernetes/pki/apiserver.crt'), fixed.get('etc/kubernetes/pki/apiserver.crt')!);
    writeFileSync(join(dir, 'etc/kubernetes/pki/apiserver.key'), fixed.get('etc/kubernetes/pki/apiserver.key')!);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: crt, type: 2 },
        { uri: uriOf(dir, 'etc/kubernetes/pki/apiserver.key'), type: 2 },
      ],
    });
    assert.equal(hasSan(await kubeletNext), false);
    assert.equal(hasSan(await podNext), false);
  } finally {
    await client.shutdown();
  }
});

test('a loose .crt opened as pem: hover with its subject, a lens, go to definition from a flag’s path; keys never shown', async () => {
  const tree = haNode('wudang');
  const dir = write(tree);
  const client = await start(dir);
  try {
    const crt = uriOf(dir, 'etc/kubernetes/pki/apiserver.crt');
    await client.open(crt, String(tree.get('etc/kubernetes/pki/apiserver.crt')), 'pem');
    const hover = await client.hover(crt, { line: 2, character: 4 });
    assert.match(hover?.contents.value ?? '', /CN=kube-apiserver/);
    const lenses = await client.request<Array<{ command: { title: string } }>>('textDocument/codeLens', { textDocument: { uri: crt } });
    assert.equal(lenses.length, 1);
    assert.match(lenses[0].command.title, /CN=kube-apiserver/);

    const keyUri = uriOf(dir, 'etc/kubernetes/pki/apiserver.key');
    const keyText = String(tree.get('etc/kubernetes/pki/apiserver.key'));
    await client.open(keyUri, keyText, 'pem');
    const keyHover = await client.hover(keyUri, { line: 1, character: 4 });
    const body = keyText.split('\n')[1];
    assert.ok(keyHover, 'a key has a hover');
    assert.ok(!keyHover.contents.value.includes(body.slice(0, 24)), 'no key bytes in the hover');

    // Diagnostics in a pem document: a .crt that holds a key is not-a-certificate, and the key is not quoted.
    const wrong = uriOf(dir, 'etc/kubernetes/pki/wrong.crt');
    const diags = await client.open(wrong, keyText, 'pem');
    assert.ok(codes(diags).includes('not-a-certificate'), JSON.stringify(codes(diags)));
    assert.ok(!JSON.stringify(diags).includes(body.slice(0, 24)));

    const podText = String(tree.get('etc/kubernetes/manifests/kube-apiserver.yaml'));
    const pod = uriOf(dir, 'etc/kubernetes/manifests/kube-apiserver.yaml');
    await client.open(pod, podText);
    const line = podText.split('\n').findIndex((l) => l.includes('--tls-cert-file'));
    const def = await client.request<{ uri: string } | null>('textDocument/definition', {
      textDocument: { uri: pod },
      position: { line, character: podText.split('\n')[line].indexOf('/etc') + 3 },
    });
    assert.equal(def?.uri, crt);
  } finally {
    await client.shutdown();
  }
});

test('kubecert.workspace.exclude and maxFiles bound the index; the server registers a watcher when the client allows it', async () => {
  const dir = write(ingressSplit('b.example.com'));
  const registrations: unknown[] = [];
  const client = LspClient.inProcess({ clock: () => NOW });
  client.connection.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string }> }) => {
    registrations.push(...p.registrations.map((r) => r.method));
    return null;
  });
  try {
    await client.initialize(
      { now: NOW, workspace: { exclude: ['secret.yaml'] } },
      { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      { workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'tree' }] },
    );
    // With the Secret excluded nothing joins the Ingress: a round trip after the index shows no publish for it.
    const ingress = uriOf(dir, 'ingress.yaml');
    const opened = await client.open(ingress, String(ingressSplit('b.example.com').get('ingress.yaml')));
    assert.deepEqual(codes(opened), []);
    const hover = await waitForHover(client, ingress, { line: 9, character: 17 }, /No file of the workspace holds this Secret/);
    assert.ok(hover);
    assert.ok(registrations.includes('workspace/didChangeWatchedFiles'), JSON.stringify(registrations));
  } finally {
    await client.shutdown();
  }
  // A client that watches files itself (VS Code) gets no registration.
  const own: unknown[] = [];
  const vscodeLike = LspClient.inProcess({ clock: () => NOW });
  vscodeLike.connection.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string }> }) => {
    own.push(...p.registrations.map((r) => r.method));
    return null;
  });
  try {
    await vscodeLike.initialize(
      { now: NOW, clientWatchesFiles: true, workspace: { maxFiles: 1 } },
      { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      { workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'tree' }] },
    );
    // maxFiles 1: ingress.yaml is read, secret.yaml is not (and the limit is said once); nothing joins them.
    const ingress = uriOf(dir, 'ingress.yaml');
    await vscodeLike.open(ingress, String(ingressSplit('b.example.com').get('ingress.yaml')));
    assert.ok(await waitForHover(vscodeLike, ingress, { line: 9, character: 17 }, /No file of the workspace holds this Secret/));
    assert.deepEqual(
      vscodeLike.messages.map((m) => m.message),
      ['The workspace index stopped at 1 files; the rest of the folders was not read (kubecert.workspace.maxFiles).'],
    );
    assert.ok(!own.includes('workspace/didChangeWatchedFiles'));
  } finally {
    await vscodeLike.shutdown();
  }
});

/** Hovers until the index is ready (the hover says so only then); each try is a round trip, not a sleep. */
async function waitForHover(client: LspClient, uri: string, position: { line: number; character: number }, re: RegExp): Promise<string | undefined> {
  for (let i = 0; i < 20_000; i++) {
    const h = await client.hover(uri, position);
    if (h && re.test(h.contents.value)) return h.contents.value;
    await new Promise((r) => setImmediate(r));
  }
  return undefined;
}

test('go to definition from a webhook’s service to the Service, and from a kubeconfig’s certificate-authority: to the file', async () => {
  const tree = webhookTree('right');
  const caPem = ca('CN=kubeconfig-ca', 40).pem;
  const config = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://192.0.2.1:6443
    certificate-authority: pki/ca.crt
`;
  tree.set('pki/ca.crt', caPem);
  tree.set('kubeconfig.yaml', config);
  const dir = write(tree);
  const client = await start(dir);
  try {
    const webhook = uriOf(dir, 'webhook.yaml');
    const text = String(tree.get('webhook.yaml'));
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.trim() === 'name: hook' && l.startsWith('      '));
    await client.open(webhook, text);
    // The index links the webhook to the Service once it has read service.yaml: each try is a round trip.
    let def: { uri: string } | null = null;
    for (let i = 0; i < 20_000 && def?.uri !== uriOf(dir, 'service.yaml'); i++) {
      def = await client.request<{ uri: string } | null>('textDocument/definition', {
        textDocument: { uri: webhook },
        position: { line, character: lines[line].indexOf('hook') + 1 },
      });
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(def?.uri, uriOf(dir, 'service.yaml'));

    const kubeconfig = uriOf(dir, 'kubeconfig.yaml');
    await client.open(kubeconfig, config);
    const caLine = config.split('\n').findIndex((l) => l.includes('certificate-authority:'));
    const toCa = await client.request<{ uri: string } | null>('textDocument/definition', {
      textDocument: { uri: kubeconfig },
      position: { line: caLine, character: config.split('\n')[caLine].indexOf('pki/') + 2 },
    });
    assert.equal(toCa?.uri, uriOf(dir, 'pki/ca.crt'));
  } finally {
    await client.shutdown();
  }
});

test('a settings change the index depends on reads the workspace again: excluding the Secret withdraws the Ingress finding', async () => {
  const dir = write(ingressSplit('b.example.com'));
  const client = await start(dir);
  try {
    const ingress = uriOf(dir, 'ingress.yaml');
    await until(client, ingress, hasSan);
    const withdrawn = next(client, ingress);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { kubecert: { now: NOW, workspace: { exclude: ['secret.yaml'] } } },
    });
    assert.deepEqual(codes(await withdrawn), []);
  } finally {
    await client.shutdown();
  }
});
