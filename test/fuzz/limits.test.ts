// The limits that must hold whatever the input: a 50 MB file, 100,000 levels of nesting and alias bombs each get a
// clear diagnostic saying what was limited, memory stays bounded, and the server keeps answering. The core runs in
// the fuzzer's watched worker (a stack overflow, a hang or a heap past 512 MB fails the test instead of ending the
// test process); the server is the built one (dist/server.js) over stdio, its resident set read from /proc.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { LIMITS, parseText } from '../../server/src/core';
import { NODE_FLAGS } from '../../shared/nodeFlags';
import { NOW } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { Checker } from './checker';
import { loadCorpus, ROOT } from './corpus';
import { LIMIT_MS, limitMs } from './oracle';
import type { AnalyseResult } from './worker';

const MB = 1024 * 1024;
const seed = readFileSync(join(ROOT, 'test/fixtures/seed/admin.kubeconfig'), 'utf8');
const b64 = /client-certificate-data: (\S+)/.exec(seed)![1];
const STACK_OVERFLOW = /call stack|stack size|too much recursion/i;
/** As fuzz.test.ts: the test command's allowance on the time bounds, for inputs whose bound is the size-scaled one. */
const TIME_ALLOWANCE = 3;
/** The server's resident set may grow by this much over its size before the input (the 50 MB text arrives as 50 MB of JSON). */
const RSS_GROWTH_MB = 400;

const checker = new Checker(loadCorpus(), { hangMs: LIMIT_MS + 1000, heapMb: 512 });
after(() => checker.close());

async function analysed(text: string): Promise<AnalyseResult> {
  const r = await checker.executor.analyse(text);
  if ('failure' in r) assert.fail(`${r.failure.kind} in ${r.failure.phase}: ${r.failure.message}${r.failure.stack ? '\n' + r.failure.stack : ''}`);
  assert.equal(r.threw, undefined, `the core threw:\n${r.threw}`);
  assert.ok(!r.findings.some((f) => STACK_OVERFLOW.test(f.message)), `a stack overflow reached the user: ${describe(r)}`);
  return r;
}

function describe(r: AnalyseResult): string {
  return `${r.count} finding(s) in ${r.ms.toFixed(0)} ms: ${r.findings
    .slice(0, 3)
    .map((f) => `${f.code}: ${f.message}`)
    .join(' | ')}`;
}

function limited(r: AnalyseResult, says: RegExp): AnalyseResult['findings'][number] {
  const f = r.findings.find((x) => x.code === 'input-limit' && says.test(x.message));
  assert.ok(f, `no input-limit finding that matches ${says}: ${describe(r)}`);
  return f;
}

/**
 * The built server over stdio: the input (open → diagnostics, hover, code action, lenses, symbols, each within its
 * limit, no error, no secret), then a small kubeconfig, whose hover must come within 2 s. Returns the server's RSS.
 */
async function serverAnswers(text: string, timeAllowance = 1): Promise<{ rssMb: number; peakMb: number; grewMb: number }> {
  const before = checker.server.memory();
  const positions = [0, Math.floor(text.length / 2), text.length];
  const outcome = await checker.check({ text, positions, server: true, hoverFirst: true, languageId: 'yaml', timeAllowance });
  assert.deepEqual(
    outcome.failures.map((f) => `${f.kind} @ ${f.phase}: ${f.message}`),
    [],
  );
  const memory = checker.server.memory();
  const small = await checker.check({
    text: seed,
    positions: [seed.indexOf('client-certificate-data') + 40],
    server: true,
    hoverFirst: false,
    languageId: 'yaml',
  });
  assert.deepEqual(
    small.failures.map((f) => `${f.kind} @ ${f.phase}: ${f.message}`),
    [],
    'a small kubeconfig afterwards',
  );
  assert.ok(small.timings['server.hover'] < LIMIT_MS, `the hover on a small kubeconfig afterwards took ${small.timings['server.hover']} ms`);
  assert.ok(memory, 'the server is running (and /proc/<pid>/status readable)');
  const grewMb = memory.peakMb - (before?.rssMb ?? memory.peakMb);
  assert.ok(grewMb < RSS_GROWTH_MB, `the server's resident set grew by ${grewMb.toFixed(0)} MB`);
  return { ...memory, grewMb };
}

// ---------------------------------------------------------------------------------------------------------------
// 50 MB

function fiftyMegabyteKubeconfig(): string {
  const user = seed.slice(seed.indexOf('- name: admin'));
  const parts = [seed];
  let length = seed.length;
  for (let i = 0; length < 50 * MB; i++) {
    const u = user.replace('name: admin', `name: admin-${i}`);
    parts.push(u);
    length += u.length;
  }
  return parts.join('');
}

test(
  'a 50 MB kubeconfig past the limit a small heap allows: an input-limit finding with its size and the limit; memory bounded; the server answers on',
  { timeout: 120_000 },
  async (t) => {
    const text = fiftyMegabyteKubeconfig();
    assert.ok(text.length >= 50 * MB);
    const started = performance.now();
    const refused = parseText(text, 32 * MB);
    const coreMs = performance.now() - started;
    assert.ok(coreMs < LIMIT_MS, `the core took ${coreMs.toFixed(0)} ms to refuse it`);
    assert.equal(refused.documents.length, 0);
    assert.deepEqual(
      refused.findings.map((f) => [f.code, f.span.start, f.span.end]),
      [['input-limit', 0, 0]],
      'one finding, at the top',
    );
    const f = refused.findings[0];
    assert.match(f.message, new RegExp(`${(text.length / MB).toFixed(1).replace('.', '\\.')} MB`), 'the message says how large the document is');
    assert.match(f.message, /up to 32 MB/, 'and what the limit is');
    assert.match(f.message, /nothing in it was analysed/, 'and what was analysed');

    // A client of its own: what it measures is the 50 MB document itself, not the fuzzer's per-size limits. A 384 MB heap
    // holds texts up to ~33 MB (server/src/host.ts textLimit).
    const client = LspClient.spawn(process.execPath, [...NODE_FLAGS, '--max-old-space-size=384', join(ROOT, 'dist/server.js'), '--stdio'], {
      ...process.env,
      NODE_OPTIONS: '',
    });
    try {
      await client.initialize({ now: new Date(NOW).toISOString() });
      const rss = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${client.child!.pid}/status`, 'utf8'))![1]) / 1024;
      const idle = rss();
      const opened = performance.now();
      const diagnostics = await client.open('file:///kubecert-limits/fifty.kubeconfig', text);
      const openMs = performance.now() - opened;
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['input-limit'],
      );
      assert.match(diagnostics[0].message, /up to 3\d MB here/, "the limit is what this server's heap holds");
      const asked = performance.now();
      assert.equal(
        await client.hover('file:///kubecert-limits/fifty.kubeconfig', { line: 3, character: 40 }),
        null,
        'the large document has no hover, and no hang',
      );
      const bigHoverMs = performance.now() - asked;
      const small = 'file:///kubecert-limits/small.kubeconfig';
      await client.open(small, seed);
      const hovered = performance.now();
      const hover = await client.hover(small, { line: 18, character: 40 });
      const smallHoverMs = performance.now() - hovered;
      assert.match(hover?.contents.value ?? '', /User: `admin`/);
      assert.ok(smallHoverMs < LIMIT_MS, `a hover on a small document took ${smallHoverMs.toFixed(0)} ms`);
      const peak = rss();
      t.diagnostic(
        `core ${coreMs.toFixed(0)} ms; server: open → diagnostics ${openMs.toFixed(0)} ms, hover on it ${bigHoverMs.toFixed(0)} ms, hover on a small one ${smallHoverMs.toFixed(0)} ms; peak RSS ${peak.toFixed(0)} MB (${idle.toFixed(0)} MB idle)`,
      );
      assert.ok(openMs < 10_000, `diagnostics of the 50 MB document took ${openMs.toFixed(0)} ms`);
      assert.ok(peak - idle < RSS_GROWTH_MB, `the server's resident set grew by ${(peak - idle).toFixed(0)} MB for a 50 MB document`);
    } finally {
      await client.shutdown();
    }
  },
);

test('the same 50 MB kubeconfig under the default heap: analysed, every user, the server answering hovers meanwhile', { timeout: 300_000 }, async (t) => {
  const text = fiftyMegabyteKubeconfig();
  const users = text.split('\n- name: admin-').length - 1;
  const client = LspClient.spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'dist/server.js'), '--stdio'], { ...process.env, NODE_OPTIONS: '' });
  try {
    await client.initialize({ now: new Date(NOW).toISOString() });
    const uri = 'file:///kubecert-limits/fifty.kubeconfig';
    const opened = performance.now();
    const diagnostics = client.open(uri, text);
    // Asked while the document is analysed: answered from what is known so far.
    const hover = await client.hover(uri, { line: 18, character: 40 });
    const codes = new Set((await diagnostics).map((d) => d.code));
    const openMs = performance.now() - opened;
    assert.equal(codes.has('input-limit'), false, `analysed, not refused: ${[...codes].join(', ')}`);
    assert.ok(codes.has('cert-expired') && codes.has('superuser-group'), [...codes].join(', '));
    assert.match(hover?.contents.value ?? '', /User: `admin`/);
    const last = await client.hover(uri, { line: text.slice(0, text.lastIndexOf('client-certificate-data')).split('\n').length - 1, character: 40 });
    assert.match(last?.contents.value ?? '', new RegExp(`User: \`admin\``), 'the last user too');
    const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${client.child!.pid}/status`, 'utf8'))![1]) / 1024;
    t.diagnostic(`${users} users: open → diagnostics ${openMs.toFixed(0)} ms; peak RSS ${peak.toFixed(0)} MB`);
    assert.ok(peak < 2048, `peak RSS ${peak.toFixed(0)} MB`);
  } finally {
    await client.shutdown();
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 100,000 levels of nesting

const LEVELS = 100_000;
const kubeconfigWith = (value: string): string => `apiVersion: v1\nkind: Config\nclusters:\n- name: deep\n  cluster: ${value}\n`;

const nesting: Array<[string, string]> = [
  ['flow sequences [[[[…', kubeconfigWith('['.repeat(LEVELS) + ']'.repeat(LEVELS))],
  ['flow mappings {a: {a: …', kubeconfigWith('{a: '.repeat(LEVELS) + '1' + '}'.repeat(LEVELS))],
  ['JSON [{"a": [{"a": …', kubeconfigWith('[{"a": '.repeat(LEVELS / 2) + '1' + '}]'.repeat(LEVELS / 2))],
  ['unclosed flow sequences [[[[ (no closing bracket)', kubeconfigWith('['.repeat(LEVELS))],
  ['compact block sequences - - - …', kubeconfigWith('\n' + '- '.repeat(LEVELS) + 'x')],
  ['compact explicit keys ? ? ? …', kubeconfigWith('\n' + '? '.repeat(LEVELS) + 'x')],
  ['block sequences of explicit keys - ? - ? …', kubeconfigWith('\n' + '- ? '.repeat(LEVELS / 2) + 'x')],
  // By indentation, depth costs its square in bytes: 100,000 levels would be 5 GB. 5,000 levels (12.5 MB) is as deep as fits.
  ['block mappings, one more space per level (5,000 levels)', Array.from({ length: 5_000 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' x\n'],
];

for (const [name, text] of nesting) {
  test(`100,000 levels of ${name}: an input-limit finding, never a stack overflow; the server answers on`, { timeout: 60_000 }, async (t) => {
    const r = await analysed(text);
    assert.ok(r.ms < LIMIT_MS, `took ${r.ms.toFixed(0)} ms`);
    const f = limited(r, new RegExp(`Nesting deeper than ${LIMITS.maxDepth} levels`));
    assert.ok(f.start > 0 && f.start < 100_000, `at offset ${f.start}, where the limit was passed, not at the end`);
    const memory = await serverAnswers(text);
    t.diagnostic(
      `${(text.length / MB).toFixed(2)} MB; core ${r.ms.toFixed(0)} ms: ${f.message}; server RSS ${memory.rssMb.toFixed(0)} MB (+${memory.grewMb.toFixed(0)} MB)`,
    );
  });
}

/** Constructs that cost the YAML composer the most stack per level (measured), each `n` deep. */
const costly: Array<[string, (n: number) => string]> = [
  [
    'flow sequences in block maps, one per line',
    (n) => 'a:' + Array.from({ length: n }, (_, i) => `\n${' '.repeat(i + 1)}k${i}: !!seq &a${i} [`).join('') + ' x\n',
  ],
  ['flow mappings in block maps, one per line', (n) => 'a:' + Array.from({ length: n }, (_, i) => `\n${' '.repeat(i + 1)}k${i}: {b: `).join('') + ' x\n'],
  ['block maps, one more space per level', (n) => 'a:' + Array.from({ length: n }, (_, i) => `\n${' '.repeat(i + 1)}k${i}:`).join('') + ' x\n'],
  ['sequences of maps', (n) => 'a:' + Array.from({ length: n }, (_, i) => `\n${' '.repeat(2 * i + 1)}- k${i}:`).join('') + ' x\n'],
  ['JSON', (n) => '[{"a": '.repeat(n) + '1' + '}]'.repeat(n)],
];

/** The largest n for which `make(n)` is still within the nesting limit. */
function deepestAllowed(make: (n: number) => string): number {
  let lo = 1;
  let hi = 4 * LIMITS.maxDepth;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (parseText(make(mid)).findings.some((f) => f.code === 'input-limit')) hi = mid;
    else lo = mid;
  }
  return lo;
}

for (const [name, make] of costly) {
  test(`as deep as the limit allows, ${name}: parsed without a stack overflow, in the worker and in a fresh server`, { timeout: 60_000 }, async (t) => {
    const n = deepestAllowed(make);
    const text = make(n);
    const r = await analysed(text);
    assert.ok(!r.findings.some((f) => f.code === 'input-limit'), describe(r));
    // A fresh process runs the parser as interpreted code, whose frames are the largest.
    await checker.server.stop();
    await serverAnswers(text);
    t.diagnostic(`${n} levels: ${r.count} finding(s) in ${r.ms.toFixed(0)} ms`);
  });
}

test('a document nested too deep is dropped alone: the documents around it are analysed', { timeout: 60_000 }, async () => {
  const ca = /certificate-authority-data: (\S+)/.exec(seed)![1];
  const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: third}\ndata:\n  ca.crt: ${ca}\n`;
  const text = `${seed}---\na: ${'['.repeat(LEVELS)}\n---\n${secret}`;
  const r = await analysed(text);
  limited(r, /Nesting deeper/);
  assert.ok(
    r.findings.some((f) => f.code === 'superuser-group' && f.start < seed.length),
    `the first document is analysed: ${describe(r)}`,
  );
  assert.ok(
    r.findings.some((f) => f.code === 'cert-expired' && f.start > text.lastIndexOf('---')),
    `the third document is analysed: ${describe(r)}`,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Alias bombs

function billionLaughs(): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++)
    lines.push(
      `x-l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  lines.push('clusters: *l9', 'users: *l9', 'contexts: *l9', 'current-context: *l9', 'preferences: *l9');
  return lines.join('\n') + '\n';
}

function mergeKeyBomb(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', `x-m0: &m0 {client-certificate-data: ${b64}}`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `x-m${i}: &m${i} {<<: [${Array(9)
        .fill(`*m${i - 1}`)
        .join(', ')}], k${i}: v}`,
    );
  lines.push('users:', '- name: bomb', `  user: *m${levels}`);
  return lines.join('\n') + '\n';
}

/** A List of Lists of Lists of Lists, each of `width` aliases of the one below, down to a Secret: width⁴ Secrets. */
function listBomb(width: number): string {
  const items = (alias: string) => `[${Array(width).fill(alias).join(', ')}]`;
  return [
    `x-secret: &s {apiVersion: v1, kind: Secret, metadata: {name: web}, data: {tls.crt: ${b64}}}`,
    `x-l1: &l1 {kind: List, items: ${items('*s')}}`,
    `x-l2: &l2 {kind: List, items: ${items('*l1')}}`,
    `x-l3: &l3 {kind: List, items: ${items('*l2')}}`,
    'kind: List',
    `items: ${items('*l3')}`,
  ].join('\n');
}

function manyAliases(count: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'users:', '- name: u0', `  user: &body {client-certificate-data: ${b64}}`];
  for (let i = 1; i < count; i++) lines.push(`- name: u${i}`, '  user: *body');
  return lines.join('\n') + '\n';
}

const bombs: Array<{ name: string; text: string; says?: RegExp }> = [
  {
    name: 'billion laughs (9 levels of 9 aliases) as a kubeconfig',
    text: billionLaughs(),
    says: /aliases written out this document would have [\d,]{14,} nodes \(an alias bomb\)/,
  },
  { name: 'a merge-key bomb (<<: nine aliases of the level below, 12 levels)', text: mergeKeyBomb(12), says: /aliases written out .* nodes \(an alias bomb\)/ },
  {
    name: 'a List of Lists of Lists of Lists, 100 aliases each (10⁸ Secrets)',
    text: listBomb(100),
    // Its first alias of a List already stands for more than the expansion budget (the visit budget stops it too, later).
    says: new RegExp(`aliases read in this document stand for more than ${LIMITS.maxAliasExpansion.toLocaleString('en-US')} nodes`),
  },
  { name: '10,000 users that are all one alias', text: manyAliases(10_000) },
  { name: 'a merge key that merges its own map (&s {<<: *s})', text: 'apiVersion: v1\nkind: Config\nusers:\n- name: loop\n  user: &s {<<: *s}\n' },
];

for (const bomb of bombs) {
  test(
    `${bomb.name}: ${bomb.says ? 'an input-limit finding' : 'analysed'} within 2 s, memory bounded; the server answers on`,
    { timeout: 60_000 },
    async (t) => {
      const r = await analysed(bomb.text);
      assert.ok(r.ms < LIMIT_MS, `took ${r.ms.toFixed(0)} ms`);
      const f = bomb.says ? limited(r, bomb.says) : undefined;
      const memory = await serverAnswers(bomb.text);
      t.diagnostic(
        `${bomb.text.length} characters; core ${r.ms.toFixed(0)} ms, ${r.count} findings${f ? `: ${f.message}` : ''}; server RSS ${memory.rssMb.toFixed(0)} MB (+${memory.grewMb.toFixed(0)} MB)`,
      );
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Aliases that stand for whole entries: no bomb by Go's measure (kubectl reads the file), but 100,000 certificates

/**
 * `count` clusters, each a name and the one cluster map holding a CA, as an alias: 2.8 MB at 100,000. Block style, as a
 * person shares a cluster's body (the fast path reads it); in flow style (`&c {…}`) yaml's own parse of the whole text
 * is most of the time, a cost of size rather than aliases: the unit test holds that verdict.
 */
function aliasedClusters(count: number): string {
  const ca = /certificate-authority-data: (\S+)/.exec(seed)![1];
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c0',
    '  cluster: &c',
    `    certificate-authority-data: ${ca}`,
    '    server: https://192.0.2.1',
  ];
  for (let i = 1; i < count; i++) lines.push(`- name: c${i}`, '  cluster: *c');
  lines.push('current-context: c0');
  return lines.join('\n') + '\n';
}

test(
  '100,000 aliases of one cluster map: an input-limit within the bound, in the core and in the server, which publishes it',
  { timeout: 180_000 },
  async (t) => {
    const text = aliasedClusters(100_000);
    // The fuzz suite's bound for its size, with the test command's allowance (fuzz.test.ts).
    const bound = limitMs(text.length) * TIME_ALLOWANCE;
    const says = new RegExp(`stand for more than ${LIMITS.maxAliasExpansion.toLocaleString('en-US')} nodes`);
    const r = await analysed(text);
    assert.ok(r.ms < bound, `the core took ${r.ms.toFixed(0)} ms (bound ${bound.toFixed(0)} ms for ${(text.length / MB).toFixed(1)} MB)`);
    limited(r, says);
    const memory = await serverAnswers(text, TIME_ALLOWANCE);

    // A client of its own: the diagnostics themselves, the lenses, and an edit.
    const client = LspClient.spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { ...process.env, NODE_OPTIONS: '' });
    try {
      await client.initialize({ now: new Date(NOW).toISOString() });
      const uri = 'file:///kubecert-limits/aliases.kubeconfig';
      const opened = performance.now();
      const diagnostics = await client.open(uri, text);
      const openMs = performance.now() - opened;
      const limit = diagnostics.find((d) => d.code === 'input-limit');
      assert.ok(limit && says.test(limit.message), `the server published no input-limit: ${diagnostics.length} diagnostics`);
      const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as unknown[];
      const budgetEntries = LIMITS.maxAliasExpansion / 5 + 1;
      assert.ok(lenses.length <= budgetEntries, `${lenses.length} CodeLenses`);
      const edited = performance.now();
      const line = text.split('\n').indexOf('- name: c1');
      const again = await client.change(uri, { range: { start: { line, character: 8 }, end: { line, character: 9 } }, text: 'x' });
      const editMs = performance.now() - edited;
      assert.ok(
        again.some((d) => d.code === 'input-limit'),
        'the input-limit is published again after an edit',
      );
      t.diagnostic(
        `${(text.length / MB).toFixed(2)} MB; core ${r.ms.toFixed(0)} ms, ${r.count} findings; server: open → diagnostics ${openMs.toFixed(0)} ms, an edit → diagnostics ${editMs.toFixed(0)} ms, ${lenses.length} lenses, RSS ${memory.rssMb.toFixed(0)} MB (+${memory.grewMb.toFixed(0)} MB)`,
      );
      assert.ok(
        openMs < bound && editMs < bound,
        `the server took ${openMs.toFixed(0)} ms to open and ${editMs.toFixed(0)} ms after an edit (bound ${bound.toFixed(0)} ms)`,
      );
    } finally {
      await client.shutdown();
    }
  },
);

test('a text nested too deep with nothing else in it: the server publishes the input-limit the CLI prints', { timeout: 60_000 }, async () => {
  const client = LspClient.spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { ...process.env, NODE_OPTIONS: '' });
  try {
    await client.initialize({ now: new Date(NOW).toISOString() });
    for (const [name, text] of nesting) {
      const diagnostics = await client.open(
        `file:///kubecert-limits/deep-${encodeURIComponent(name)}.yaml`,
        text.replace(/kind: Config\nclusters:\n- name: deep\n  cluster:/, 'k:'),
      );
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['input-limit'],
        name,
      );
      assert.match(diagnostics[0].message, new RegExp(`Nesting deeper than ${LIMITS.maxDepth} levels`));
    }
    // Any other YAML still gets nothing.
    assert.deepEqual(await client.open('file:///kubecert-limits/plain.yaml', 'a: 1\nb: [2, {c: 3}]\n'), []);
  } finally {
    await client.shutdown();
  }
});
