// The seed kubeconfig through the language server, in-process: diagnostics, hover, lens, outline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { NOW } from '../support/fixtures';
import { LspClient } from '../support/lspClient';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const path = join(root, 'test/fixtures/seed/admin.kubeconfig');
const uri = pathToFileURL(path).toString();
const text = readFileSync(path, 'utf8');
let client: LspClient;

before(async () => {
  client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize();
});
after(() => client.shutdown());

test('diagnostics on open: expired CA, broken chain, superuser, on the right lines', async () => {
  const diags = await client.open(uri, text);
  const byCode = new Map(diags.map((d) => [d.code, d]));
  assert.deepEqual([...byCode.keys()].sort(), ['cert-expired', 'chain-untrusted', 'superuser-group']);
  assert.equal(byCode.get('cert-expired')!.range.start.line, 3);
  assert.equal(byCode.get('cert-expired')!.severity, 1);
  assert.equal(byCode.get('superuser-group')!.range.start.line, 18);
  assert.equal(byCode.get('chain-untrusted')!.relatedInformation?.[0].location.range.start.line, 3);
});

test('hover on the client certificate: user, group and what system:masters means', async () => {
  const h = await client.hover(uri, { line: 18, character: 40 });
  assert.ok(h);
  const md = h.contents.value;
  assert.match(md, /User: `admin`/);
  assert.match(md, /Groups: `system:masters`/);
  assert.match(md, /Superuser/);
  assert.match(md, /bypass/);
  assert.match(md, /OU: System: ignored by Kubernetes/);
  assert.match(md, /expires in 1 year/);
  assert.match(md, /SHA-256: `24:2A:E5/);
});

test('hover on the key name too, and on the CA: expired, pathlen', async () => {
  const onKey = await client.hover(uri, { line: 18, character: 6 });
  assert.match(onKey!.contents.value, /admin/);
  const ca = await client.hover(uri, { line: 3, character: 40 });
  assert.match(ca!.contents.value, /expired 3 years 8 months ago/);
  assert.match(ca!.contents.value, /CA: yes, path length 2/);
});

test('a context name hover summarises cluster, CA and user', async () => {
  const h = await client.hover(uri, { line: 10, character: 10 });
  assert.match(h!.contents.value, /Context "kubernetes"/);
  assert.match(h!.contents.value, /192\.0\.2\.10/);
  assert.match(h!.contents.value, /This is the current context/);
});

test('code lens above each certificate', async () => {
  const lenses = await client.request<Array<{ range: { start: { line: number } }; command: { title: string } }>>('textDocument/codeLens', {
    textDocument: { uri },
  });
  const titles = lenses.map((l) => l.command.title);
  assert.ok(
    titles.some((t) => t.includes('CN=admin · O=system:masters · expires 2028-03-09')),
    titles.join('\n'),
  );
  assert.ok(titles.some((t) => t.includes('EXPIRED 2023-03-11')));
});

test('outline, definition, references, completion', async () => {
  const symbols = await client.request<Array<{ name: string; children: Array<{ name: string; detail: string }> }>>('textDocument/documentSymbol', {
    textDocument: { uri },
  });
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['clusters', 'users', 'contexts'],
  );
  assert.match(symbols[0].children[0].detail, /expired/);
  const def = await client.request<{ range: { start: { line: number } } }>('textDocument/definition', {
    textDocument: { uri },
    position: { line: 8, character: 14 },
  });
  assert.equal(def.range.start.line, 5); // clusters[kubernetes].name
  const refs = await client.request<unknown[]>('textDocument/references', {
    textDocument: { uri },
    position: { line: 5, character: 9 },
    context: { includeDeclaration: true },
  });
  assert.equal(refs.length, 2);
  const items = await client.request<Array<{ label: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 12 } });
  assert.deepEqual(
    items.map((i) => i.label),
    ['admin'],
  );
});

test('decoded certificate view, never a key', async () => {
  const r = await client.request<{ text: string; pem: string } | null>('kubecert/decodedCertificate', { uri, position: { line: 18, character: 40 } });
  assert.ok(r);
  assert.match(r.text, /Subject: CN=admin,OU=System,O=system:masters/);
  assert.match(r.text, /TLS Web|serverAuth, clientAuth/);
  assert.match(r.pem, /^-----BEGIN CERTIFICATE-----/);
});
