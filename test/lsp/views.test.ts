// kubecert/contextHealth and kubecert/certificates, in-process: the kubeconfig list read from disk (an open document's
// text wins), the verdicts the status bar and the context picker show, every certificate for the tree view.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { URI } from 'vscode-uri';
import type { CertificatesResult, ContextHealthResult, DecodedCertificateResult } from '../../shared/protocol';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';

const dir = mkdtempSync(join(tmpdir(), 'kubecert-views-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('context verdicts and the certificate list over a KUBECONFIG list; an open document wins over the disk', async () => {
  const f = pki();
  const expiring = f.leaf('CN=carol', f.ca, { notAfter: new Date(NOW + 10 * 86_400_000) });
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, 'apiVersion: v1\nkind: Config\ncurrent-context: prod\ncontexts:\n- context: {cluster: prod, user: carol}\n  name: prod\n');
  const bText = kubeconfig({
    clusters: [{ name: 'prod', caPem: f.ca.pem }],
    users: [
      { name: 'carol', certPem: expiring.pem, keyPem: f.adminKeyPem },
      { name: 'alice', certPem: f.admin.pem, keyPem: f.otherKeyPem },
      { name: 'bot', token: 'not-a-real-token' },
    ],
    contexts: [
      { name: 'mismatch', cluster: 'prod', user: 'alice' },
      { name: 'robot', cluster: 'prod', user: 'bot' },
    ],
  });
  writeFileSync(b, bText);
  const client = LspClient.inProcess({ clock: () => NOW });
  try {
    await client.initialize({ settings: { warnDays: 30 } });
    const files = [join(dir, 'missing'), a, b];
    const health = await client.request<ContextHealthResult>('kubecert/contextHealth', { files });
    assert.deepEqual(health.errors, []);
    assert.deepEqual(
      health.contexts.map((c) => [c.context, c.severity, c.reasons.map((r) => r.message), c.authWords ?? null]),
      [
        ['prod', 'warning', ['client certificate of carol: expires 2026-12-01'], null],
        ['mismatch', 'error', ['client certificate of alice: key does not match'], null],
        ['robot', 'ok', [], 'token'],
      ],
    );

    const list = await client.request<CertificatesResult>('kubecert/certificates', { files });
    assert.equal(list.now, NOW);
    assert.equal(list.warnDays, 30);
    assert.deepEqual(
      list.certificates.map((c) => [c.path, c.where, c.severity, c.residual, c.source]),
      [
        [b, 'clusters[prod].certificate-authority-data', 'ok', '8y 1mo', 'kubeconfig'],
        [b, 'users[carol].client-certificate-data', 'warning', '10d', 'kubeconfig'],
        [b, 'users[alice].client-certificate-data', 'error', '6mo', 'kubeconfig'],
      ],
    );
    assert.equal(list.certificates[0].sha256.length > 60, true);
    // Never a key: neither its PEM nor its base64 is in the answer.
    const json = JSON.stringify(list) + JSON.stringify(health);
    assert.ok(!json.includes('PRIVATE KEY') && !json.includes(b64(f.otherKeyPem).slice(40, 100)) && !json.includes(b64(f.adminKeyPem).slice(40, 100)));

    // Editing b in the editor (not saved) changes the verdict; a manifest opened is listed too.
    const bUri = URI.file(b).toString();
    await client.open(bUri, bText.replace(b64(f.otherKeyPem), b64(f.adminKeyPem)));
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata: {name: web}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(f.leaf('CN=web', f.ca, { extKeyUsage: ['serverAuth'] }).pem)}\n`;
    await client.open('file:///kubecert-views/secret.yaml', manifest);
    const edited = await client.request<ContextHealthResult>('kubecert/contextHealth', { files });
    assert.equal(edited.contexts.find((c) => c.context === 'mismatch')?.severity, 'ok');
    const withDoc = await client.request<CertificatesResult>('kubecert/certificates', { files });
    assert.deepEqual(
      withDoc.certificates.filter((c) => c.source === 'document').map((c) => [c.uri, c.where, c.role]),
      [['file:///kubecert-views/secret.yaml', 'Secret[web].data[tls.crt]', 'serving-certificate']],
    );
    // Bad input: not a list of paths is InvalidParams with the reason, as for every custom request.
    await assert.rejects(client.request<ContextHealthResult>('kubecert/contextHealth', { files: 'nope' }), /files must be a list of strings/);
  } finally {
    await client.shutdown();
  }
});

test('the decoded view of a certificate in a kubeconfig the editor has not opened', async () => {
  const f = pki();
  const path = join(dir, 'closed');
  writeFileSync(path, kubeconfig({ clusters: [{ name: 'prod', caPem: f.ca.pem }] }));
  const client = LspClient.inProcess({ clock: () => NOW });
  try {
    await client.initialize();
    const r = await client.request<DecodedCertificateResult | null>('kubecert/decodedCertificate', {
      uri: URI.file(path).toString(),
      position: { line: 3, character: 30 },
    });
    assert.match(r?.text ?? '', /Subject: CN *= *kubernetes/);
  } finally {
    await client.shutdown();
  }
});

test('a kubeconfig changed on disk is judged again at once', async () => {
  const f = pki();
  const path = join(dir, 'changing');
  const spec = (keyPem: string) =>
    kubeconfig({
      clusters: [{ name: 'prod', caPem: f.ca.pem }],
      users: [{ name: 'alice', certPem: f.admin.pem, keyPem }],
      contexts: [{ name: 'prod', cluster: 'prod', user: 'alice' }],
    });
  writeFileSync(path, spec(f.adminKeyPem));
  const client = LspClient.inProcess({ clock: () => NOW });
  try {
    await client.initialize();
    const before = await client.request<ContextHealthResult>('kubecert/contextHealth', { files: [path] });
    assert.equal(before.contexts[0].severity, 'ok');
    writeFileSync(path, spec(f.otherKeyPem));
    const after = await client.request<ContextHealthResult>('kubecert/contextHealth', { files: [path] });
    assert.equal(after.contexts[0].severity, 'error');
  } finally {
    await client.shutdown();
  }
});
