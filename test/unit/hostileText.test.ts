/**
 * Text kubectl reads that Kubecert once read differently (lone CR line endings, UTF-16 with a byte-order mark), text
 * kubectl refuses that Kubecert once found healthy (control characters), and aliases whose expansion is bounded by
 * what they stand for. Every input is built here from generated certificates; validity is judged at NOW.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, type Analysis } from '../../server/src/core/analysis';
import { textOfBytes } from '../../server/src/core/syntax/encoding';
import { LIMITS, nestingLimits } from '../../server/src/core/syntax/parse';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { b64 } from '../support/pki';

/** A kubeconfig with an expired CA, a client certificate and a dangling context: several findings at known lines. */
function sample(): string {
  const p = pki();
  return kubeconfig({
    clusters: [{ name: 'prod', caPem: p.expiredCa.pem }],
    users: [{ name: 'admin', certPem: p.admin.pem }],
    contexts: [
      { name: 'prod', cluster: 'prod', user: 'admin' },
      { name: 'gone', cluster: 'nowhere', user: 'admin' },
    ],
    current: 'prod',
  });
}

const run = (text: string): Analysis => analyse(text, { now: NOW });
const shape = (a: Analysis) => ({
  kind: a.kind,
  certificates: a.certificates.map((c) => `${c.site.where}#${c.index}`),
  findings: a.findings.map((f) => `${f.code} ${f.span.start}-${f.span.end}`),
});

test('the sample has findings to compare (the comparisons below could fail)', () => {
  const a = run(sample());
  assert.equal(a.kind, 'kubeconfig');
  assert.ok(a.certificates.length >= 2, shape(a).certificates.join());
  assert.ok(a.findings.some((f) => f.code === 'cert-expired'));
  assert.ok(a.findings.some((f) => f.code === 'unknown-cluster'));
});

test('CR-only line endings read as LF (as Go reads them): the same findings at the same offsets', () => {
  const lf = sample();
  const cr = lf.replace(/\n/g, '\r');
  assert.deepEqual(shape(run(cr)), shape(run(lf)));
  assert.ok(!run(cr).findings.some((f) => f.code === 'yaml-syntax'));
  // Lone CRs mixed with CRLF and LF: still one line break each.
  let i = 0;
  const mixed = lf.replace(/\n/g, () => ['\r', '\r\n', '\n'][i++ % 3]);
  assert.deepEqual(
    run(mixed).findings.map((f) => f.code),
    run(lf).findings.map((f) => f.code),
  );
});

test('a control character kubectl refuses is a yaml-syntax finding at that character, wherever it is', () => {
  const text = sample();
  const places: Array<[string, number]> = [
    ['in a key', text.indexOf('server:') + 3],
    ['in a value', text.indexOf('https://') + 5],
    ['in a comment', text.length],
  ];
  for (const [where, at] of places) {
    for (const ch of ['\0', '\x01', '\x1b', '\x7f', '\x9f', '\ufffe', '\ud800']) {
      const bad = where === 'in a comment' ? `${text}# note ${ch}\n` : text.slice(0, at) + ch + text.slice(at);
      const offset = where === 'in a comment' ? text.length + 7 : at;
      const f = run(bad).findings.filter((x) => x.code === 'yaml-syntax' && /kubectl refuse the whole file/.test(x.message));
      const code = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      assert.equal(f.length, 1, `${code} ${where}: ${run(bad).findings.map((x) => x.code)}`);
      assert.deepEqual(f[0].span, { start: offset, end: offset + 1 }, `${code} ${where}`);
      assert.ok(f[0].message.includes(code), f[0].message);
      assert.equal(f[0].severity, 'error');
    }
  }
});

test('what Go allows is no finding: tab, NEL, non-breaking space, an emoji (a surrogate pair), a BOM', () => {
  const text = sample();
  for (const ch of ['\t', '\x85', '\xa0', '\u{1f512}', '\ufeff', '\ufffd']) {
    const at = text.indexOf('# ') >= 0 ? text.indexOf('# ') : text.length;
    const ok = `${text.slice(0, at)}# x${ch}\n${text.slice(at)}`;
    assert.ok(!run(ok).findings.some((f) => f.code === 'yaml-syntax'), `U+${ch.codePointAt(0)!.toString(16)}`);
  }
});

test('UTF-16 LE and BE with a byte-order mark decode to the UTF-8 text; the mark is dropped as an editor drops it', () => {
  const text = sample();
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  assert.equal(textOfBytes(le), text);
  assert.equal(textOfBytes(be), text);
  assert.equal(textOfBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
  assert.equal(textOfBytes(Buffer.from(text)), text);
  // Without a mark Go reads UTF-8, and so does Kubecert: UTF-16 then holds NULs, which kubectl refuses.
  const unmarked = textOfBytes(Buffer.from(text, 'utf16le'));
  assert.ok(run(unmarked).findings.some((f) => f.code === 'yaml-syntax' && f.message.includes('U+0000')));
});

/** `count` clusters, each a name and the one cluster map (holding a CA) as an alias. */
function aliasedClusters(count: number): string {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c0',
    `  cluster: &c {certificate-authority-data: ${b64(pki().ca.pem)}, server: 'https://192.0.2.1'}`,
  ];
  for (let i = 1; i < count; i++) lines.push(`- name: c${i}`, '  cluster: *c');
  return lines.join('\n') + '\n';
}

test('100,000 aliases of one cluster map: expansion stops at the budget, with an input-limit at the alias where it did', () => {
  const text = aliasedClusters(100_000);
  const a = run(text);
  const limits = a.findings.filter((f) => f.code === 'input-limit');
  assert.equal(limits.length, 1, limits.map((f) => f.message).join(' | '));
  assert.match(limits[0].message, new RegExp(`stand for more than ${LIMITS.maxAliasExpansion.toLocaleString('en-US')} nodes`));
  assert.equal(text.slice(limits[0].span.start, limits[0].span.end), '*c');
  // The map is 5 nodes (itself, two keys, two values): the budget holds 10,000 of them, and the anchor's own.
  assert.equal(a.certificates.length, LIMITS.maxAliasExpansion / 5 + 1);
  assert.equal(a.kubeconfig?.clusters.length, 100_000, 'every entry is still there, by name');
});

test('aliases within the budget are expanded, each counted once however often it is read', () => {
  const text = aliasedClusters(1_000);
  const a = run(text);
  assert.ok(!a.findings.some((f) => f.code === 'input-limit'));
  assert.equal(a.certificates.length, 1_000);
  assert.deepEqual(shape(run(text)), shape(a));
});

test('nesting past the limit in a text with nothing else to analyse is reported; ordinary, shallow and just-deep-enough texts are not', () => {
  const block = Array.from({ length: 1_000 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' x\n';
  const flow = 'a: ' + '['.repeat(5_000) + '\n';
  const compact = '- '.repeat(1_000) + 'x\n';
  for (const deep of [block, flow, compact]) {
    const f = nestingLimits(deep);
    assert.equal(f.length, 1, deep.slice(0, 40));
    assert.equal(f[0].code, 'input-limit');
    assert.match(f[0].message, new RegExp(`Nesting deeper than ${LIMITS.maxDepth} levels`));
  }
  const shallowJson = JSON.stringify(Array.from({ length: 5_000 }, (_, i) => ({ id: i, tags: [i] })));
  const justDeepEnough = 'a: ' + '['.repeat(LIMITS.maxDepth - 1) + ']'.repeat(LIMITS.maxDepth - 1) + '\n';
  for (const ok of ['a: 1\nb: [2, 3]\n', shallowJson, justDeepEnough]) assert.deepEqual(nestingLimits(ok), []);
});
