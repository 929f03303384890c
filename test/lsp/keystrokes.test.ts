// Typing into a kubeconfig: each incremental edit gets the diagnostics a fresh open of the same text gets, whether
// the server reused the structure (an edit inside one value) or parsed again; a certificate pasted over another is
// hovered at once, before that version's diagnostics, and the hover describes the new certificate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic, Position } from 'vscode-languageserver';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { LspClient } from '../support/lspClient';
import { Workspace } from '../../server/src/lsp/workspace';
import { resolveSettings } from '../../shared/settings';
import { hover as hoverOf } from '../../server/src/lsp/features';
import { fileHost } from '../../server/src/host';

/** The Markdown a hover shows. */
const hover = (snap: Parameters<typeof hoverOf>[0], position: Position) => {
  const h = hoverOf(snap, position);
  return h && typeof h.contents === 'object' && 'value' in h.contents ? { contents: { value: h.contents.value } } : undefined;
};
import { at, b64, buildCert } from '../support/pki';

const p = pki();
const pasted = buildCert({
  subject: 'CN=pasted-ca',
  key: p.rsa(5),
  notBefore: at('2020-01-01T00:00:00Z'),
  notAfter: at('2021-01-01T00:00:00Z'),
  ca: true,
  keyUsage: ['keyCertSign'],
});
const start = kubeconfig({
  clusters: [
    { name: 'prod', caPem: p.ca.pem },
    { name: 'old', caPem: p.expiredCa.pem },
  ],
  users: [{ name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem }],
  contexts: [
    { name: 'prod', cluster: 'prod', user: 'admin', namespace: 'team-a' },
    { name: 'old', cluster: 'old', user: 'admin' },
  ],
  current: 'prod',
});

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Each step replaces `old` (its first occurrence after `after`) with `by`. */
const steps: Array<{ what: string; old: string; by: string; after?: string }> = [
  { what: 'a namespace letter', old: 'team-a', by: 'team-b' },
  { what: 'a context pointed at a cluster that does not exist', old: 'prod', by: 'prox', after: '    cluster: prod' },
  { what: 'and back', old: 'prox', by: 'prod', after: '    cluster: prox' },
  { what: 'current-context at a context that does not exist', old: 'prod', by: 'nowhere', after: 'current-context: ' },
  { what: 'a certificate pasted over the CA', old: b64(p.ca.pem), by: b64(pasted.pem) },
  { what: 'one character of the client certificate broken', old: b64(p.admin.pem).slice(200, 201), by: '%', after: 'client-certificate-data: ' },
  { what: 'a cluster renamed (parsed again)', old: 'name: old', by: 'name: older' },
  { what: 'a namespace letter after that', old: 'team-b', by: 'team-c' },
];

const sorted = (d: Diagnostic[]) =>
  d.map((x) => `${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character} ${x.code} ${x.message}`).sort();

test('every keystroke gets the diagnostics of a fresh open of the same text', async () => {
  const client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: '2026-11-21T00:00:00Z' });
  const uri = 'file:///kubecert-keys/config';
  let text = start;
  await client.open(uri, text);
  for (const [i, s] of steps.entries()) {
    const from = s.after ? text.indexOf(s.after) : 0;
    const offset = text.indexOf(s.old, from);
    assert.ok(from >= 0 && offset >= 0, s.what);
    const range = { start: positionOf(text, offset), end: positionOf(text, offset + s.old.length) };
    const typed = await client.change(uri, { range, text: s.by });
    text = text.slice(0, offset) + s.by + text.slice(offset + s.old.length);
    const fresh = await client.open(`file:///kubecert-keys/fresh-${i}/config`, text);
    assert.deepEqual(sorted(typed), sorted(fresh), `after ${s.what}`);
  }
  // The steps reached what they should: the pasted CA is expired, the dangling references are reported.
  const last = await client.open('file:///kubecert-keys/last/config', text);
  const codes = new Set(last.map((d) => d.code));
  for (const code of ['cert-expired', 'unknown-context', 'invalid-base64']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
  await client.shutdown();
});

test('a certificate pasted over another is hovered at once, and the hover is about the new one', async () => {
  const client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: '2026-11-21T00:00:00Z' });
  const uri = 'file:///kubecert-paste/config';
  await client.open(uri, start);
  const old = b64(p.ca.pem);
  const offset = start.indexOf(old);
  const order: string[] = [];
  const diagnostics = client
    .change(uri, { range: { start: positionOf(start, offset), end: positionOf(start, offset + old.length) }, text: b64(pasted.pem) })
    .then(() => order.push('diagnostics'));
  const hover = await client.hover(uri, positionOf(start, offset + 40));
  order.push('hover');
  await diagnostics;
  assert.match(hover?.contents.value ?? '', /CN=pasted-ca/);
  assert.doesNotMatch(hover?.contents.value ?? '', /CN=kubernetes/);
  assert.deepEqual(order, ['hover', 'diagnostics']);
  await client.shutdown();
});

/** A workspace that analysed `start` as version 1 and was told of version 2: `newText` written over the cluster's CA. */
function pastedOver(uri: string, newText: string) {
  const workspace = new Workspace(fileHost(), resolveSettings({ now: '2026-11-21T00:00:00Z' }), () => NOW);
  workspace.snapshot(uri, 1, start);
  const old = b64(p.ca.pem);
  const offset = start.indexOf(old);
  workspace.edited(uri, 1, 2, { span: { start: offset, end: offset + old.length }, newText });
  return { workspace, offset, after: start.slice(0, offset) + newText + start.slice(offset + old.length) };
}

test('a hover inside a value just pasted is answered from that value alone, before the new version is analysed; elsewhere from the analysis', () => {
  const uri = 'file:///kubecert-view/config';
  const { workspace, offset, after } = pastedOver(uri, b64(pasted.pem));
  const inside = workspace.forHover(uri, 2, after, positionOf(after, offset + 40));
  assert.equal(inside.complete, false);
  assert.equal(inside.analysis.sites.length, 1, 'only the pasted value');
  assert.match(hover(inside, positionOf(after, offset + 40))?.contents.value ?? '', /CN=pasted-ca/);
  // Outside the pasted value: the version's own analysis (all sites), which the hover started.
  const elsewhere = workspace.forHover(uri, 2, after, positionOf(after, after.indexOf('client-certificate-data: ') + 40));
  assert.ok(elsewhere.analysis.sites.length > 1);
  assert.match(hover(elsewhere, positionOf(after, after.indexOf('client-certificate-data: ') + 40))?.contents.value ?? '', /CN=admin/);
  // Once begun, the analysis answers inside the pasted value too, with the same certificate.
  const begun = workspace.forHover(uri, 2, after, positionOf(after, offset + 40));
  assert.ok(begun.analysis.sites.length > 1);
  assert.match(hover(begun, positionOf(after, offset + 40))?.contents.value ?? '', /CN=pasted-ca/);
});

test('an edit that changes more than one value gets no such shortcut', () => {
  const uri = 'file:///kubecert-view/other';
  const { workspace, offset, after } = pastedOver(uri, `${b64(pasted.pem)}\n    insecure-skip-tls-verify: true`);
  const snap = workspace.forHover(uri, 2, after, positionOf(after, offset + 40));
  assert.ok(snap.analysis.sites.length > 1, 'parsed again');
});
