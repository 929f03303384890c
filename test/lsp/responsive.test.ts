// A large first analysis runs in steps: a hover sent right after didOpen is answered before the diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, b64, buildCert, sharedKey } from '../support/pki';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';

function bigKubeconfig(contexts: number): string {
  const p = pki();
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 7);
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (let i = 0; i < contexts; i++) {
    const ca = buildCert({
      subject: `CN=ca-${i}`,
      key,
      notBefore: at('2025-01-01T00:00:00Z'),
      notAfter: at('2030-01-01T00:00:00Z'),
      ca: true,
      serial: BigInt(i + 1),
    });
    lines.push('- cluster:', `    certificate-authority-data: ${b64(ca.pem)}`, `    server: https://192.0.2.${i % 250}:6443`, `  name: c${i}`);
  }
  lines.push('contexts:');
  for (let i = 0; i < contexts; i++) lines.push('- context:', `    cluster: c${i}`, `    user: u${i}`, `  name: x${i}`);
  lines.push('current-context: x0', 'users:');
  for (let i = 0; i < contexts; i++) lines.push(`- name: u${i}`, '  user:', `    client-certificate-data: ${b64(p.admin.pem)}`);
  return lines.join('\n') + '\n';
}

test('hover is answered while the first analysis of a large kubeconfig is under way', async () => {
  const text = bigKubeconfig(400);
  const client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize();
  const uri = 'file:///kubecert-big/config.yaml';
  const order: string[] = [];
  const diagnostics = client.diagnostics(uri, 1).then((d) => {
    order.push('diagnostics');
    return d;
  });
  void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  // The last cluster's CA: the far end of the document, certainly not decoded yet.
  const line = text.split('\n').findIndex((l) => l.includes('name: c399')) - 2;
  const hover = await client.hover(uri, { line, character: 40 });
  order.push('hover');
  assert.match(hover?.contents.value ?? '', /CN=ca-399/);
  const d = await diagnostics;
  assert.deepEqual(order, ['hover', 'diagnostics']);
  assert.ok(
    d.some((x) => x.code === 'chain-untrusted'),
    'the full analysis still arrives, with its findings',
  );
  await client.shutdown();
});

test('the analysis so far: the site under the cursor is decoded on demand, the rest waits for its turn', async () => {
  const { Workspace } = await import('../../server/src/lsp/workspace');
  const { resolveSettings } = await import('../../shared/settings');
  const { fileHost } = await import('../../server/src/host');
  const text = bigKubeconfig(400);
  const ws = new Workspace(fileHost(), resolveSettings({}), () => NOW);
  const uri = 'file:///kubecert-big/steps.yaml';
  assert.equal(ws.step(uri, 1, text), undefined, 'first step: structure only');
  const offset = text.indexOf('certificate-authority-data', text.indexOf('name: c398')) + 40;
  const before = text.slice(0, offset).split('\n');
  const partial = ws.current(uri, 1, text, { line: before.length - 1, character: before[before.length - 1].length });
  assert.equal(partial.complete, false);
  assert.equal(partial.analysis.findings.length, 0);
  assert.equal(partial.analysis.materials.length, 1, 'only the hovered site is decoded');
  assert.equal(partial.analysis.materials[0].certificates[0].subject.text, 'CN=ca-399');
  let steps = 1;
  let done = ws.step(uri, 1, text);
  while (!done) {
    steps++;
    done = ws.step(uri, 1, text);
  }
  assert.ok(steps > 3, `analysed in ${steps} steps`);
  assert.equal(done.complete, true);
  assert.equal(done.analysis.materials.length, 800);
});
