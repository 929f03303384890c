// Re-reading only the documents an edit touches in a stream of manifests, held to parsing the new text from scratch:
// wherever reuseDocuments answers, its structure must be structureOf's (every object, site, span, group and document
// number) and the analysis built on it must find exactly what a fresh analysis finds. Inputs: a generated stream of
// Secrets, Ingresses, webhook configurations, a CSR, a static Pod, a ConfigMap and a List, with hand-written edits and
// seeded random edits inside documents, at their `---` lines and across them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseInSteps, structureOf, type Analysis, type AnalysisOptions, type Progress, type Structure } from '../../server/src/core/analysis';
import type { TextEdit } from '../../server/src/core/ide/edits';
import { reuseDocuments } from '../../server/src/core/syntax/documents';
import { DecodeCache } from '../../server/src/core/x509/decode';
import { NOW, pki } from '../support/fixtures';
import { at, b64, buildCsr } from '../support/pki';
import { Random } from '../fuzz/random';

const PATH = '/srv/manifests/stream.yaml';
const cache = new DecodeCache();
const OPTIONS: AnalysisOptions = { now: NOW, path: PATH, cache };

function stream(): string {
  const p = pki();
  const expired = p.leaf('CN=old.example', p.ca, {
    notBefore: at('2020-01-01T00:00:00Z'),
    notAfter: at('2021-01-01T00:00:00Z'),
    extKeyUsage: ['serverAuth'],
    sans: ['DNS:old.example'],
  });
  const web = p.leaf('CN=web.example', p.ca, { extKeyUsage: ['serverAuth'], sans: ['DNS:web.example', 'DNS:www.web.example'] });
  const csr = buildCsr({ subject: 'CN=jane,O=dev', key: p.rsa(4) });
  const docs: string[] = ['# a stream of manifests'];
  for (let i = 0; i < 6; i++) {
    const leaf = i % 3 === 2 ? expired : web;
    docs.push(
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        `  name: tls-${i}`,
        `  namespace: team-${i}`,
        'type: kubernetes.io/tls',
        'data:',
        `  ca.crt: ${b64(p.ca.pem)}`,
        `  tls.crt: ${b64(leaf.pem)}`,
        `  tls.key: ${b64(i % 2 ? p.adminKeyPem : p.otherKeyPem)}`,
      ].join('\n'),
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: Ingress',
        'metadata:',
        `  name: web-${i}`,
        `  namespace: team-${i}`,
        'spec:',
        '  tls:',
        '  - hosts:',
        `    - ${i === 4 ? 'other.example' : 'web.example'}`,
        `    secretName: tls-${i}`,
        '  rules:',
        '  - host: web.example',
        '    http:',
        '      paths:',
        '      - path: /',
        '        backend:',
        '          service:',
        '            port:',
        '              number: 80',
      ].join('\n'),
    );
    if (i % 2 === 0)
      docs.push(
        [
          'apiVersion: admissionregistration.k8s.io/v1',
          'kind: ValidatingWebhookConfiguration',
          'metadata:',
          `  name: policy-${i}`,
          'webhooks:',
          `- name: validate.policy-${i}.example`,
          '  admissionReviewVersions: ["v1"]',
          '  clientConfig:',
          `    caBundle: ${b64(i === 2 ? p.expiredCa.pem : p.otherCa.pem)}`,
        ].join('\n'),
      );
  }
  docs.push(
    [
      'apiVersion: certificates.k8s.io/v1',
      'kind: CertificateSigningRequest',
      'metadata:',
      '  name: jane',
      'spec:',
      `  request: ${b64(csr.pem)}`,
      '  signerName: kubernetes.io/kube-apiserver-client',
      '  usages:',
      '  - client auth',
    ].join('\n'),
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: kube-apiserver',
      'spec:',
      '  containers:',
      '  - command:',
      '    - kube-apiserver',
      '    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '    - --client-ca-file=ca.crt',
    ].join('\n'),
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: bundle', 'data:', '  note: plain text'].join('\n'),
    [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Secret',
      '  metadata:',
      '    name: listed',
      '  data:',
      `    ca.crt: ${b64(p.otherCa.pem)}`,
    ].join('\n'),
    '',
  );
  return docs[0] + '\n---\n' + docs.slice(1, -1).join('\n---\n') + '\n---\n';
}

function apply(text: string, edit: TextEdit): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

function analyseOn(text: string, known?: Structure, previous?: Progress): Analysis {
  return finished(analyseInSteps(text, OPTIONS, { known, previous }));
}

function finished(steps: Generator<Progress, Analysis, void>): Analysis {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The analysis of `text` and what it decoded, as a server keeps it for the next version. */
function progressOf(text: string, structure: Structure): Progress {
  const steps = analyseInSteps(text, OPTIONS, { known: structure });
  let progress: Progress | undefined;
  for (let r = steps.next(); !r.done; r = steps.next()) progress = r.value;
  return progress!;
}

/** reuseDocuments' answer, held to a fresh structure and a fresh analysis of the new text when it answers. */
function check(text: string, edit: TextEdit, before = structureOf(text, OPTIONS), previous?: Progress): Structure | undefined {
  const after = apply(text, edit);
  const reused = reuseDocuments(before, edit, after, OPTIONS);
  if (reused) {
    const fresh = structureOf(after, OPTIONS);
    assert.deepStrictEqual(reused, fresh, `structure after ${JSON.stringify(edit)}`);
    const expected = analyseOn(after).findings;
    assert.deepStrictEqual(analyseOn(after, reused).findings, expected, `findings after ${JSON.stringify(edit)}`);
    // And with the sites the edit left or moved taken from the analysis before it, as the server does.
    if (previous)
      assert.deepStrictEqual(analyseOn(after, reused, previous).findings, expected, `findings on the previous decoding after ${JSON.stringify(edit)}`);
  }
  return reused;
}

const text = stream();

function replacing(old: string, newText: string, after = ''): TextEdit {
  const from = after ? text.indexOf(after) : 0;
  assert.ok(from >= 0, `"${after}" not in the text`);
  const start = text.indexOf(old, from);
  assert.ok(start >= 0, `"${old}" not in the text`);
  return { span: { start, end: start + old.length }, newText };
}

const insert = (at: string, newText: string, offset = 0): TextEdit => {
  const start = text.indexOf(at) + offset;
  assert.ok(start >= offset, `"${at}" not in the text`);
  return { span: { start, end: start }, newText };
};

test('the generated stream is read on the fast path, one document after another, with findings to keep', () => {
  const s = structureOf(text, OPTIONS);
  assert.equal(s.kind, 'manifests');
  assert.equal(s.documentStarts.length, text.split('\n---\n').length - 1);
  const codes = new Set<string>(analyseOn(text).findings.map((f) => f.code));
  for (const code of ['cert-expired', 'san-mismatch', 'key-mismatch', 'missing-file']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
});

const cases: Array<{ name: string; edit: TextEdit; reused: boolean }> = [
  { name: 'a namespace letter in an Ingress', edit: replacing('team-3', 'team-x', 'name: web-3'), reused: true },
  { name: 'a port number', edit: replacing('number: 80', 'number: 8080', 'name: web-2'), reused: true },
  { name: 'a certificate pasted over a webhook CA', edit: replacing(b64(pki().otherCa.pem), b64(pki().ca.pem), 'name: policy-4'), reused: true },
  { name: 'an Ingress host no longer covered', edit: replacing('- web.example', '- nowhere.example', 'name: web-1'), reused: true },
  { name: "a Secret's name (its Ingress names it)", edit: replacing('name: tls-1', 'name: tls-1b'), reused: true },
  { name: 'a `---` typed on its own line: a document added', edit: insert('spec:\n  tls:', '---\n'), reused: true },
  {
    name: 'a separator removed: two documents become one',
    edit: replacing('\n---\napiVersion: networking.k8s.io/v1', '\napiVersion: networking.k8s.io/v1'),
    reused: true,
  },
  {
    name: 'a whole document pasted after another',
    edit: insert('---\napiVersion: certificates.k8s.io/v1', '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n'),
    reused: true,
  },
  {
    name: 'the static Pod (whose flags the fast path leaves to the library): parsed again',
    edit: replacing('name: kube-apiserver', 'name: apiserver'),
    reused: false,
  },
  { name: 'the first document (the comment before it)', edit: replacing('a stream', 'the stream'), reused: true },
  { name: 'the last document', edit: replacing('name: listed', 'name: listed2'), reused: true },
  { name: 'a kind changed', edit: replacing('kind: Ingress', 'kind: Ingres'), reused: true },
  { name: 'an anchor (outside the fast path): parsed again', edit: replacing('name: web-2', 'name: &a web-2'), reused: false },
  { name: 'a tab: parsed again', edit: replacing('name: web-2', 'name:\tweb-2'), reused: false },
  { name: 'a YAML error: parsed again', edit: replacing('name: web-2', 'name: "web-2'), reused: false },
  { name: 'a kubeconfig typed into a document: parsed again', edit: replacing('kind: ConfigMap', 'kind: Config'), reused: false },
];

for (const c of cases) {
  test(`documents: ${c.name} → ${c.reused ? 'the other documents are reused' : 'parsed again'}`, () => {
    const reused = check(text, c.edit);
    assert.equal(reused !== undefined, c.reused);
  });
}

test('documents: a stream with a YAML error anywhere, and a kubeconfig, are parsed again whole', () => {
  const broken = text.replace('name: web-5', 'name: "web-5');
  assert.equal(check(broken, { span: { start: broken.indexOf('team-1'), end: broken.indexOf('team-1') + 1 }, newText: 'x' }), undefined);
  const config = `apiVersion: v1\nkind: Config\nclusters: []\n---\n${text}`;
  assert.equal(check(config, { span: { start: config.indexOf('team-1'), end: config.indexOf('team-1') + 1 }, newText: 'x' }), undefined);
});

const PIECES = [
  'a',
  'x',
  '0',
  '-',
  '---',
  '---\n',
  '\n---\n',
  '\n',
  ' ',
  ':',
  ': ',
  'a: b',
  '#',
  '"',
  '[',
  '{}',
  '- x',
  '  ',
  'kind: Secret',
  '\t',
  '&a',
  '*a',
  '',
];

test('documents: 3,000 seeded random edits inside documents, at their separators and across them agree with a fresh parse', (t) => {
  const rng = new Random(20261203);
  const int = (n: number) => rng.int(n);
  const before = structureOf(text, OPTIONS);
  const previous = progressOf(text, before);
  const separators = before.documentStarts.filter((s) => s > 0);
  let reused = 0;
  let parsed = 0;
  for (let i = 0; i < 3000; i++) {
    // A third near a `---` line, the rest anywhere.
    const start = rng.next() < 0.33 ? Math.max(0, separators[int(separators.length)] + int(9) - 4) : int(text.length);
    const end = Math.min(text.length, start + (rng.next() < 0.5 ? 0 : int(rng.next() < 0.1 ? 400 : 8)));
    let newText = '';
    for (let k = int(3); k > 0; k--) newText += PIECES[int(PIECES.length)];
    if (check(text, { span: { start, end }, newText }, before, previous)) reused++;
    else parsed++;
  }
  assert.ok(reused > 1000 && parsed > 100, `reused ${reused}, parsed again ${parsed}`);
  t.diagnostic(`reused ${reused}, parsed again ${parsed}`);
});

test('documents: a chain of 300 edits as a person makes them, each on the structure the one before it left', () => {
  const rng = new Random(16);
  const int = (n: number) => rng.int(n);
  let current = text;
  let structure = structureOf(current, OPTIONS);
  let previous = progressOf(current, structure);
  let chained = 0;
  for (let i = 0; i < 300; i++) {
    const starts = [0];
    for (let at = current.indexOf('\n'); at >= 0; at = current.indexOf('\n', at + 1)) starts.push(at + 1);
    const line = starts[int(starts.length - 1)];
    const end = current.indexOf('\n', line);
    const separator = current.startsWith('---\n', line);
    const leaf = /^ *[\w.-]+: \S/.test(current.slice(line, end));
    // A letter typed at the end of a value, a `key: value` line deleted, a `---` typed before a top-level key or deleted.
    const choice = int(3);
    const edit: TextEdit =
      choice === 0 && leaf
        ? { span: { start: end, end }, newText: 'xy'[int(2)] }
        : choice === 1 && leaf
          ? { span: { start: line, end: end + 1 }, newText: '' }
          : separator
            ? { span: { start: line, end: line + 4 }, newText: '' }
            : { span: { start: line, end: line }, newText: /^[a-z]/.test(current.slice(line, line + 1)) ? '---\n' : '' };
    const reused = check(current, edit, structure, previous);
    const next = apply(current, edit);
    const steps = analyseInSteps(next, OPTIONS, { known: reused, previous: reused && previous });
    let progress: Progress | undefined;
    for (let r = steps.next(); !r.done; r = steps.next()) progress = r.value;
    current = next;
    structure = progress!.structure;
    previous = progress!;
    if (reused) chained++;
  }
  assert.ok(chained > 50, `chained ${chained}`);
});
