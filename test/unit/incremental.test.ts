// Reusing a kubeconfig's structure after an edit inside one value, held to parsing the new text from scratch: wherever
// reuseStructure answers, its structure must be structureOf's (every entry, field, span and site), and the analysis
// built on it must find exactly what a fresh analysis finds. Inputs: the fixtures and a generated kubeconfig, with
// hand-written edits that must and must not be reused and seeded random edits in and around every value.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse, analyseInSteps, structureOf, type Analysis, type Structure } from '../../server/src/core/analysis';
import type { TextEdit } from '../../server/src/core/ide/edits';
import { reuseStructure } from '../../server/src/core/syntax/incremental';
import type { Field } from '../../server/src/core/model/kubeconfig';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert } from '../support/pki';
import { LineIndex } from '../../server/src/positions';
import { Random } from '../fuzz/random';

const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const PATH = '/home/someone/.kube/config';

function generated(): string {
  const p = pki();
  const expiredLeaf = p.leaf('CN=old,O=system:masters', p.expiredCa, { notAfter: at('2024-01-01T00:00:00Z') });
  return kubeconfig({
    clusters: [
      { name: 'prod', caPem: p.ca.pem, server: 'https://api.prod.example:6443' },
      { name: 'old', caPem: p.expiredCa.pem, tlsServerName: 'kubernetes.default.svc' },
      { name: 'files', caFile: 'ca.crt' },
    ],
    users: [
      { name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem },
      { name: 'old', certPem: expiredLeaf.pem, keyPem: p.otherKeyPem },
      { name: 'bot', token: 'abcdef0123456789' },
    ],
    contexts: [
      { name: 'prod', cluster: 'prod', user: 'admin', namespace: 'team-a' },
      { name: 'old', cluster: 'old', user: 'old' },
      { name: 'ghost', cluster: 'nowhere', user: 'bot', namespace: 'x' },
    ],
    current: 'prod',
  });
}

const inputs: Array<{ name: string; text: string }> = [
  ...readdirSync(join(ROOT, 'test/fixtures/seed')).map((f) => ({ name: f, text: readFileSync(join(ROOT, 'test/fixtures/seed', f), 'utf8') })),
  { name: 'generated', text: generated() },
];

function apply(text: string, edit: TextEdit): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

/** The edit that writes `newText` over the first occurrence of `old` after `after`. */
function replacing(text: string, old: string, newText: string, after = ''): TextEdit {
  const from = after ? text.indexOf(after) : 0;
  assert.ok(from >= 0, `"${after}" not in the text`);
  const start = text.indexOf(old, from);
  assert.ok(start >= 0, `"${old}" not in the text`);
  return { span: { start, end: start + old.length }, newText };
}

/** The analysis of `text` on a known structure, run to its end. */
function analyseOn(text: string, known: Structure): Analysis {
  const steps = analyseInSteps(text, { now: NOW, path: PATH }, { known });
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** reuseStructure's answer, held to a fresh structure and a fresh analysis of the new text when it answers. */
function check(text: string, edit: TextEdit): Structure | undefined {
  const before = structureOf(text, { path: PATH });
  const after = apply(text, edit);
  const reused = reuseStructure(before, text, edit);
  if (reused) {
    assert.deepStrictEqual(reused, structureOf(after, { path: PATH }), `structure after ${JSON.stringify(edit)}`);
    assert.deepStrictEqual(analyseOn(after, reused).findings, analyse(after, { now: NOW, path: PATH }).findings, `findings after ${JSON.stringify(edit)}`);
  }
  return reused;
}

const text = generated();
const cases: Array<{ name: string; edit: TextEdit; reused: boolean }> = [
  { name: 'one letter of a namespace', edit: replacing(text, 'team-a', 'team-b'), reused: true },
  {
    name: 'a letter typed at the end of a namespace',
    edit: { span: { start: text.indexOf('team-a') + 6, end: text.indexOf('team-a') + 6 }, newText: 'x' },
    reused: true,
  },
  {
    name: 'a letter typed at the start of a namespace',
    edit: { span: { start: text.indexOf('team-a'), end: text.indexOf('team-a') }, newText: 'x' },
    reused: true,
  },
  { name: 'a context pointed at another cluster', edit: replacing(text, 'prod', 'prodx', '    cluster: prod'), reused: true },
  { name: 'current-context changed', edit: replacing(text, 'prod', 'old', 'current-context: prod'), reused: true },
  { name: 'a server URL edited', edit: replacing(text, 'api.prod.example', 'api.staging.example'), reused: true },
  { name: 'a token edited', edit: replacing(text, 'abcdef0123456789', 'abcdef'), reused: true },
  { name: 'a certificate pasted over another', edit: replacing(text, b64(pki().ca.pem), b64(pki().otherCa.pem)), reused: true },
  {
    name: 'a certificate damaged by one character',
    edit: { span: { start: text.indexOf(b64(pki().admin.pem)) + 100, end: text.indexOf(b64(pki().admin.pem)) + 101 }, newText: '%' },
    reused: true,
  },
  { name: 'an entry renamed (names key every lookup)', edit: replacing(text, 'name: prod', 'name: production'), reused: false },
  { name: 'a file reference edited (its site holds the resolved path)', edit: replacing(text, 'ca.crt', 'ca2.crt'), reused: false },
  { name: 'a value that would read as a boolean', edit: replacing(text, 'team-a', 'true'), reused: false },
  { name: 'a value that would read as a number', edit: replacing(text, 'team-a', '1e3'), reused: false },
  { name: 'a value that would read as null', edit: replacing(text, 'team-a', '~'), reused: false },
  { name: 'a comment typed after a value', edit: replacing(text, 'team-a', 'team-a #'), reused: false },
  { name: 'a colon and space (a nested map)', edit: replacing(text, 'team-a', 'team: a'), reused: false },
  { name: 'a line break inside a value', edit: replacing(text, 'team-a', 'team\n-a'), reused: false },
  { name: 'a quote', edit: replacing(text, 'team-a', '"team-a'), reused: false },
  { name: 'a flow indicator', edit: replacing(text, 'team-a', 'team,a'), reused: false },
  { name: 'a value emptied', edit: replacing(text, 'team-a', ''), reused: false },
  { name: 'an edit across a key and its value', edit: replacing(text, 'namespace: team-a', 'namespace: team-b'), reused: false },
  { name: 'a key edited', edit: replacing(text, 'namespace', 'namespaces'), reused: false },
  { name: 'the kind edited', edit: replacing(text, 'kind: Config', 'kind: Configs'), reused: false },
];

for (const c of cases) {
  test(`reuse: ${c.name} → ${c.reused ? 'the structure is reused' : 'parsed again'}`, () => {
    const reused = check(text, c.edit);
    assert.equal(reused !== undefined, c.reused);
  });
}

test('reuse: a quoted value, a JSON kubeconfig, a multi-line plain value and a manifest are parsed again', () => {
  const quoted = text.replace('namespace: team-a', 'namespace: "team-a"');
  assert.equal(check(quoted, replacing(quoted, 'team-a', 'team-b')), undefined);
  const json = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://a.example' } }],
    contexts: [],
    users: [],
  });
  assert.equal(check(json, replacing(json, 'a.example', 'b.example')), undefined);
  const folded = text.replace('namespace: team-a', 'namespace: team\n      a');
  assert.equal(check(folded, replacing(folded, 'team', 'tean')), undefined);
  const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  tls.crt: ${b64(pki().ca.pem)}\n`;
  assert.equal(check(manifest, replacing(manifest, 'name: web', 'name: wab')), undefined);
});

test('reuse: a document with aliases is parsed again (an anchored value is every alias of it too)', () => {
  const aliased = 'apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: &c\n    server: https://one.example\n- name: b\n  cluster: *c\n';
  const edit = replacing(aliased, 'one.example', 'two.example');
  assert.equal(check(aliased, edit), undefined);
  const fresh = structureOf(aliased.replace('one.example', 'two.example'), {});
  assert.deepEqual(
    fresh.kubeconfig?.clusters.map((c) => c.fields.get('server')?.value),
    ['https://two.example', 'https://two.example'],
  );
});

test('reuse: the new value is what the analysis decodes, and the findings follow it', () => {
  const expired = buildCert({
    subject: 'CN=pasted',
    key: pki().rsa(5),
    notBefore: at('2020-01-01T00:00:00Z'),
    notAfter: at('2021-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign'],
  });
  const edit = replacing(text, b64(pki().ca.pem), b64(expired.pem));
  const after = apply(text, edit);
  const reused = check(text, edit)!;
  const site = reused.sites.find((s) => s.where === 'clusters[prod].certificate-authority-data')!;
  assert.equal(site.field.value, b64(expired.pem));
  assert.equal(after.slice(site.field.span.start, site.field.span.end), b64(expired.pem));
  const findings = analyseOn(after, reused).findings.filter((f) => f.where === 'clusters[prod].certificate-authority-data');
  assert.ok(
    findings.some((f) => f.code === 'cert-expired' && f.message.includes('CN=pasted')),
    JSON.stringify(findings.map((f) => f.code)),
  );
});

const PIECES = [
  'a',
  'Z',
  '0',
  '9',
  '-',
  '.',
  '_',
  '/',
  '+',
  '=',
  ':',
  '@',
  '~',
  '%',
  ' ',
  '#',
  '"',
  "'",
  ',',
  '[',
  '{',
  '\n',
  '\t',
  '&',
  '*',
  '!',
  '|',
  '>',
  'true',
  'null',
  '123',
  '0x1F',
  '1e3',
  '- x',
  'a: b',
  '',
];

function fieldsOf(s: Structure): Field[] {
  const config = s.kubeconfig!;
  const out: Field[] = [];
  for (const e of [...config.clusters, ...config.users, ...config.contexts]) {
    out.push(...e.fields.values());
    if (e.nameField) out.push(e.nameField);
  }
  if (config.currentContext) out.push(config.currentContext);
  return out;
}

test('reuse: 3,000 seeded random edits in and around every value agree with a fresh parse', (t) => {
  const rng = new Random(20261202);
  const next = () => rng.next();
  const int = (n: number) => rng.int(n);
  let reused = 0;
  let parsed = 0;
  for (const input of inputs) {
    const before = structureOf(input.text, { path: PATH });
    const fields = fieldsOf(before);
    for (let i = 0; i < 750; i++) {
      const f = fields[int(fields.length)];
      // Mostly inside the value; sometimes reaching past either end of it, or over the key.
      const lo = f.span.start - (next() < 0.1 ? int(4) : 0) - (next() < 0.05 ? f.span.start - f.keySpan.start : 0);
      const hi = f.span.end + (next() < 0.1 ? int(4) : 0);
      const start = Math.max(0, lo + int(Math.max(1, hi - lo + 1)));
      const end = Math.min(input.text.length, start + (next() < 0.4 ? 0 : int(Math.max(1, Math.min(hi, input.text.length) - start + 1))));
      let newText = '';
      for (let k = int(4); k > 0; k--) newText += PIECES[int(PIECES.length)];
      if (check(input.text, { span: { start, end }, newText })) reused++;
      else parsed++;
    }
  }
  // Both paths are exercised: the check above ran on every reused structure.
  assert.ok(reused > 300 && parsed > 300, `reused ${reused}, parsed again ${parsed}`);
  t.diagnostic(`reused ${reused}, parsed again ${parsed}`);
});

test('line index: derived after an edit within one line, it answers as one built from the new text; a line break is rebuilt', () => {
  const rng = new Random(7);
  const int = (n: number) => rng.int(n);
  const sample = generated();
  let derived = 0;
  for (let i = 0; i < 2000; i++) {
    const start = int(sample.length);
    const end = Math.min(sample.length, start + int(8));
    const newText = ['', 'x', 'abc', ':', '\n', 'a\nb', '\r'][int(7)];
    const after = sample.slice(0, start) + newText + sample.slice(end);
    const lines = new LineIndex(sample).edited({ start, end }, newText, after);
    const crosses = sample.slice(start, end).includes('\n') || /[\r\n]/.test(newText);
    assert.equal(lines === undefined, crosses, `edit ${start}-${end} ${JSON.stringify(newText)}`);
    if (!lines) continue;
    derived++;
    const fresh = new LineIndex(after);
    assert.equal(lines.lineCount, fresh.lineCount);
    for (const offset of [0, start, start + newText.length, int(after.length + 1), after.length])
      assert.deepEqual(lines.position(offset), fresh.position(offset));
    for (let k = 0; k < 5; k++) {
      const position = { line: int(fresh.lineCount + 1), character: int(120) };
      assert.equal(lines.offset(position), fresh.offset(position), JSON.stringify(position));
    }
  }
  assert.ok(derived > 1000, `derived ${derived}`);
});

test('line index: positions and offsets with \\n, \\r\\n and \\r, and no final line break', () => {
  for (const text of ['a\nbc\n\nd', 'a\r\nbc\r\n\r\nd\r\n', 'a\rb\r\nc\n', '']) {
    const lines = new LineIndex(text);
    const ends = text.split(/\r\n|\r|\n/);
    ends.forEach((line, n) => {
      const start = lines.offset({ line: n, character: 0 });
      assert.equal(lines.offset({ line: n, character: 1000 }), start + line.length, `${JSON.stringify(text)} line ${n}`);
      assert.deepEqual(lines.position(start + line.length), { line: n, character: line.length });
    });
  }
});
