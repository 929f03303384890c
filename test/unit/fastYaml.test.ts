// The fast YAML path against the yaml library: wherever fastParse answers, its documents must be the
// library's (node kinds, values, scalar types and sources, number formats, flow flags, ranges), and it must
// answer for the kubeconfigs and manifests it exists for. Inputs: every fixture, hand-written edge cases,
// and seeded line-level mutations of them (comments at every indent, blank lines, indentation changes,
// quoting, numbers, empty values, document markers, joins and splits).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { fastParse } from '../../server/src/core/syntax/fastYaml';
import { kubeconfig } from '../support/kubeconfig';
import { pki } from '../support/fixtures';

const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ya?ml|kubeconfig|json)$|config$/.test(name) && statSync(full).size < 2_000_000 ? [full] : [];
  });
}

/** The first difference between two YAML trees, or undefined. */
function diff(a: unknown, b: unknown, path: string): string | undefined {
  if (isAlias(a) || isAlias(b)) {
    if (!isAlias(a) || !isAlias(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
    if (a.source !== b.source) return `${path}.source: ${a.source} vs ${b.source}`;
    return ranges(a.range, b.range, path);
  }
  const anchor = (n: unknown) => (n as { anchor?: string } | null)?.anchor;
  if (anchor(a) !== anchor(b)) return `${path}.anchor: ${anchor(a)} vs ${anchor(b)}`;
  if (isScalar(a) || isScalar(b)) {
    if (!isScalar(a) || !isScalar(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
    for (const k of ['value', 'type', 'source', 'format', 'minFractionDigits'] as const)
      if (!Object.is(a[k], b[k])) return `${path}.${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`;
    return ranges(a.range, b.range, path);
  }
  if (isMap(a) || isSeq(a)) {
    if (kind(a) !== kind(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
    const bb = b as typeof a;
    if (Boolean(a.flow) !== Boolean(bb.flow)) return `${path}.flow`;
    if (a.items.length !== bb.items.length) return `${path}: ${a.items.length} vs ${bb.items.length} items`;
    const r = ranges(a.range, bb.range, path);
    if (r) return r;
    for (let i = 0; i < a.items.length; i++) {
      const x = a.items[i] as unknown;
      const y = bb.items[i] as unknown;
      if (isPair(x)) {
        if (!isPair(y)) return `${path}[${i}]: pair vs ${kind(y)}`;
        const d = diff(x.key, y.key, `${path}[${i}].key`) ?? diff(x.value, y.value, `${path}[${i}].value`);
        if (d) return d;
      } else {
        const d = diff(x, y, `${path}[${i}]`);
        if (d) return d;
      }
    }
    return undefined;
  }
  if (a === null && b === null) return undefined;
  return `${path}: ${kind(a)} vs ${kind(b)}`;
}

function kind(n: unknown): string {
  return isScalar(n) ? 'scalar' : isMap(n) ? 'map' : isSeq(n) ? 'seq' : isPair(n) ? 'pair' : isAlias(n) ? 'alias' : String(n);
}

/** range[0] and range[1] are what Kubecert reads (spans); range[2] only feeds a parent's range[1]. */
function ranges(a: unknown, b: unknown, path: string): string | undefined {
  const x = a as number[] | undefined;
  const y = b as number[] | undefined;
  if (x?.[0] !== y?.[0] || x?.[1] !== y?.[1]) return `${path}.range: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  return undefined;
}

/** undefined when both agree (or the fast path declined); otherwise what differs. */
function check(text: string): { fast: boolean; problem?: string } {
  const fast = fastParse(text, 300);
  if (!fast) return { fast: false };
  const lib = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
  if (!Array.isArray(lib)) return { fast: true, problem: 'the library found no documents' };
  const errors = lib.flatMap((d) => d.errors.map((e) => e.message.split('\n')[0]));
  if (errors.length) return { fast: true, problem: `the fast path accepted what the library calls an error: ${errors[0]}` };
  if (lib.length !== fast.length) return { fast: true, problem: `${fast.length} documents vs the library's ${lib.length}` };
  for (let i = 0; i < lib.length; i++) {
    if (fast[i].errors.length) return { fast: true, problem: 'fast document has errors' };
    const d = diff(fast[i].contents, lib[i].contents, `doc${i}`);
    if (d) return { fast: true, problem: d };
  }
  return { fast: true };
}

/** Anchors on blocks and aliases as whole values, as a hand-written kubeconfig shares a cluster's body. */
const ALIASED =
  'clusters:\n- name: c0\n  cluster: &c\n    server: s\n    ca: x\n- name: c1\n  cluster: *c\n- *c\n- name: c2\n  cluster: *c\nusers:\n- name: u\n  user: &u-1_A\n    token: t\nx: *u-1_A\n';

const EDGE_CASES = [
  'apiVersion: v1\nclusters:\n- cluster:\n    server: https://x  # c\n  name: a\n- name: b\ncontexts: []\nkind: Config\nempty:\nq: "x"\nn: 12\n',
  'a:   \nb: # c\nd:\n  - x\n  -   y\ne:\n- z\n---\n- a: 1\n  b: 2\n',
  'a: 1\n\n# c\nb:\n  x: 1\n\n  # d\n\nc: 2 # e\n# f\n',
  'a: 1\n---\n',
  '---\na: 1\n',
  'a:\n',
  'a: \'x\'\nb: "y"\n',
  'a:\n  x: 1\n\nb: 2\n',
  'a:\n  x: 1\n\n# c\nb: 2\n',
  'a:\n  x: 1\n  # c\n\n# d\n\nb: 2\n',
  'a:\n  x: 1\n# c\n  # d\nb: 2\n',
  'a:\n- x: 1\n\n  # c\n- y\nb: 1\n',
  'a:\n  x: 1\n\n\n',
  'a:\n  x: 1\n  # c\n',
  'a:\n  x: 1\n # c\nb: 1\n',
  'a:\n  x:\n    y: 1\n\n  z: 1\n',
  'a: 0x1F\nb: 1.50\nc: true\nd: ~\ne: 123456789012345678901\nf: -1\ng: .inf\nh: 1e3\ni: 0o17\nj: +12\n',
  'k: v\nk: w\n',
  'a: b:c\nd: http://x:80/y\ne: a#b\nf: "a # b"\n',
  'preferences: {}\nextensions: []  # none\n',
  'a: 1\n---\n---\nb: 2\n',
  'x: 1\n---\n# only a comment\n',
  'a: x\n  continued\n',
  'a: "x\n  y"\n',
  '- a\n- b\n',
  '- a: 1\n  b:\n  - c\n',
  'a:\n  - b: 1\n    c: 2\n  - d\n',
  '1: one\ntrue: yes\nnull: x\n',
  "a: 'it''s'\n",
  'a: "\\u0041"\n',
  'a: x\n...\n',
  '%YAML 1.2\n---\na: 1\n',
  'a:\n\tb: 1\n',
  'a: 1\r\nb: 2\r\n',
  'a: &x 1\nb: *x\n',
  'a: |\n  x\n',
  '',
  '# just a comment\n',
  'a: 1\nb: 2',
  '---',
  'a: [1, 2]\n',
  '? a\n: b\n',
  'a:\n  b: 1\n c: 2\n',
  'a:\n    b: 1\n  c: 2\n',
  '- - a\n',
  '-\n  a: 1\n',
  'a: b: c\n',
  'a:b\n',
  'a : 1\nb  :   2   \n',
  'a: ["v1", "v1beta1"]\nb: [x,y ]  # c\nc: [ 1 ]\nd: [a b, 0x1, \'q\']\n',
  'a: [x, ]\nb: ["a" ]\n',
  'a: [[x]]\n',
  'a: [x: y]\n',
  'a: [x\n',
  ALIASED,
  'a: *x\nb: &x\n  c: 1\n',
  'a: &x\n  b: *x\n',
  'a: &x # c\n  b: 1\nc: *x\n',
  'a: &x\n  b: 1\nc: *x  # c\nd: *x  \n',
  'a: &x\n  b: 1\nc: &x\n  d: 2\ne: *x\n',
  'a: &x\n- b\nc: *x\n',
  'a: &x\n  - b\nc: [*x]\n',
  'a: &x.y\n  b: 1\nc: *x.y\n',
  'a: &x\n  b: 1\n---\nc: *x\n',
  '- &x\n  a: 1\n- *x\n',
];

function fixtureTexts(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of ['test/fixtures', 'test/fuzz/corpus', '../shared/fixtures']) for (const f of files(join(ROOT, dir))) out.push([f, readFileSync(f, 'utf8')]);
  return out;
}

function generatedKubeconfig(): string {
  const p = pki();
  return kubeconfig({
    clusters: [
      { name: 'prod', server: 'https://prod.example:6443', caPem: p.ca.pem },
      { name: 'dev', server: 'https://10.0.0.1', caPem: p.otherCa.pem, insecure: true },
    ],
    users: [{ name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem, token: 'abc.def' }],
    contexts: [
      { name: 'prod', cluster: 'prod', user: 'admin', namespace: 'kube-system' },
      { name: 'dev', cluster: 'dev', user: 'admin' },
    ],
    current: 'prod',
  });
}

/** A small seeded generator (mulberry32): the same mutations on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES = [
  '["v1"]',
  '[a, b]',
  '[ 1 , "x" ]',
  '[a,]',
  '[a b]',
  '[#]',
  '[a] b',
  '["a", \'b\']',
  ' [x]  # c',
  '',
  ' ',
  '1',
  '-1',
  '0x10',
  '1.0',
  'true',
  'null',
  '~',
  '"q"',
  "'q'",
  '{}',
  '[]',
  'a b',
  'x # c',
  '"a: b"',
  'a:b',
  '#x',
  '- x',
  '*a',
  '&a x',
  '!t x',
  '|',
  '>-',
  '[a]',
  '"a\\"b"',
  "'a''b'",
  'é',
  'a\tb',
];

function mutate(text: string, random: () => number): string {
  const lines = text.split('\n');
  const pick = () => Math.floor(random() * lines.length);
  const steps = 1 + Math.floor(random() * 3);
  for (let s = 0; s < steps; s++) {
    const i = pick();
    const line = lines[i] ?? '';
    const indent = line.length - line.trimStart().length;
    switch (Math.floor(random() * 10)) {
      case 0:
        lines.splice(i, 0, `${' '.repeat(Math.floor(random() * 8))}# comment`);
        break;
      case 1:
        lines.splice(i, 0, ' '.repeat(Math.floor(random() * 4)));
        break;
      case 2:
        lines[i] = ' '.repeat(Math.max(0, indent + Math.floor(random() * 5) - 2)) + line.trimStart();
        break;
      case 3: {
        const colon = line.indexOf(': ');
        if (colon >= 0) lines[i] = `${line.slice(0, colon + 2)}${VALUES[Math.floor(random() * VALUES.length)]}`;
        else lines[i] = `${line}${VALUES[Math.floor(random() * VALUES.length)]}`;
        break;
      }
      case 4:
        lines.splice(i, 0, '---');
        break;
      case 5:
        lines.splice(i, 1);
        break;
      case 6:
        lines.splice(i, 0, line);
        break;
      case 7:
        lines[i] = `${line}  # trailing`;
        break;
      case 8:
        lines[i] = line.replace(/:$/, ': ').replace(/^(\s*)- /, '$1-   ');
        break;
      default:
        lines[i] = line.slice(0, Math.floor(random() * (line.length + 1)));
    }
  }
  return lines.join('\n');
}

test('the fast path builds what the library builds on the hand-written edge cases', () => {
  for (const text of EDGE_CASES) {
    const r = check(text);
    assert.equal(r.problem, undefined, `${JSON.stringify(text)}: ${r.problem}`);
  }
});

test('the fast path answers for anchors on blocks and aliases as whole values', () => {
  assert.ok(fastParse(ALIASED, 300), 'aliased kubeconfig');
  for (const declined of ['a: *x\nb: &x\n  c: 1\n', 'a: &x\n  b: *x\n', 'a: &x 1\nb: *x\n']) assert.equal(fastParse(declined, 300), undefined, declined);
});

test('the fast path declines nesting deeper than its limit', () => {
  const nested = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' x\n';
  assert.ok(fastParse(nested(10), 10), '10 levels at a limit of 10');
  assert.equal(fastParse(nested(11), 10), undefined, '11 levels at a limit of 10');
  // `- k:` is a sequence and a mapping: two levels, as the library's parser counts them.
  const compact = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- k${i}:`).join('\n') + ' x\n';
  assert.ok(fastParse(compact(5), 10), '5 × (sequence + mapping) at a limit of 10');
  assert.equal(fastParse(compact(6), 10), undefined, '6 × (sequence + mapping) at a limit of 10');
});

test('the fast path answers for generated kubeconfigs and the fixtures, and agrees with the library', () => {
  const inputs: Array<[string, string]> = [['generated', generatedKubeconfig()], ...fixtureTexts()];
  assert.ok(inputs.length >= 5, 'fixtures found');
  const fastOnes: string[] = [];
  for (const [name, text] of inputs) {
    const r = check(text);
    assert.equal(r.problem, undefined, `${name}: ${r.problem}`);
    if (r.fast) fastOnes.push(name);
  }
  assert.ok(fastOnes.includes('generated'), 'a kubeconfig as kubectl writes it takes the fast path');
  assert.ok(
    fastOnes.some((n) => n.endsWith('admin.kubeconfig')),
    'the seed admin.kubeconfig takes the fast path',
  );
});

const MUTATIONS = Number(process.env.KUBECERT_FASTYAML_MUTATIONS ?? 20_000);
const SEED = Number(process.env.KUBECERT_FASTYAML_SEED ?? 20261122);

test(`on ${MUTATIONS} seeded mutations (seed ${SEED}) the fast path agrees with the library whenever it answers`, (t) => {
  const bases = [
    generatedKubeconfig(),
    ALIASED,
    ...EDGE_CASES.slice(0, 20),
    ...fixtureTexts()
      .map(([, t]) => t)
      .filter((t) => t.length < 20_000),
  ];
  const random = rng(SEED);
  let answered = 0;
  const problems: string[] = [];
  for (let n = 0; n < MUTATIONS; n++) {
    const text = mutate(bases[n % bases.length], random);
    const r = check(text);
    if (r.fast) answered++;
    if (r.problem && problems.length < 5) problems.push(`${r.problem}\n--- input ---\n${text.length > 3000 ? `${text.slice(0, 3000)}…` : text}`);
  }
  t.diagnostic(`the fast path answered ${answered} of ${MUTATIONS}`);
  assert.deepEqual(problems, []);
  // The mutations are meant to stay mostly inside the subset; if the fast path declined nearly all of them,
  // this test would prove nothing.
  assert.ok(answered > MUTATIONS / 5, `the fast path answered only ${answered} of ${MUTATIONS}`);
});
