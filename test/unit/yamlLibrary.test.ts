// The two places Kubecert leans on the `yaml` library's internals (pinned to an exact version in package.json): the fast
// path builds nodes the library's own functions must recognise, and parse.ts counts errors through Composer.onError.
// Each assumption is stated here, so that an upgrade that breaks one fails this test instead of the analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Composer, Document, Pair, Scalar, YAMLMap, YAMLSeq, isCollection, isDocument, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { fastParse } from '../../server/src/core/syntax/fastYaml';
import { parseText } from '../../server/src/core/syntax/parse';

const TEXT = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: "https://x"\n  name: a\ncontexts: []\nprefs: {}\nempty:\n';

/** Every node of a document, with its kind as the library names it. */
function nodes(doc: Document.Parsed): { kind: string; node: unknown }[] {
  const out: { kind: string; node: unknown }[] = [];
  const walk = (n: unknown): void => {
    if (isPair(n)) {
      out.push({ kind: 'pair', node: n });
      walk(n.key);
      walk(n.value);
    } else if (isMap(n) || isSeq(n)) {
      out.push({ kind: isMap(n) ? 'map' : 'seq', node: n });
      for (const item of n.items) walk(item);
    } else if (isScalar(n)) out.push({ kind: 'scalar', node: n });
  };
  walk(doc.contents);
  return out;
}

test('the library marks its nodes with the node-type symbols the fast path and yamlNodes.ts use', () => {
  const [doc] = parseAllDocuments(TEXT) as Document.Parsed[];
  const type = (n: unknown) => (n as Record<symbol, unknown>)[Symbol.for('yaml.node.type')];
  assert.equal(type(doc), Symbol.for('yaml.document'));
  const expected: Record<string, symbol> = {
    map: Symbol.for('yaml.map'),
    seq: Symbol.for('yaml.seq'),
    pair: Symbol.for('yaml.pair'),
    scalar: Symbol.for('yaml.scalar'),
  };
  const seen = new Set<string>();
  for (const { kind, node } of nodes(doc)) {
    assert.equal(type(node), expected[kind], kind);
    seen.add(kind);
  }
  assert.deepEqual([...seen].sort(), ['map', 'pair', 'scalar', 'seq']);
  const alias = (parseAllDocuments('a: &x 1\nb: *x\n') as Document.Parsed[])[0].get('b', true);
  assert.equal(type(alias), Symbol.for('yaml.alias'));
});

test('every node class the fast path builds is recognised by the library as the class it stands for', () => {
  const fast = fastParse(TEXT, 300);
  assert.ok(fast, 'the fast path answers for this text');
  const [doc] = fast;
  assert.ok(isDocument(doc));
  const classes: Record<string, { of: unknown; is: (n: unknown) => boolean }> = {
    map: { of: YAMLMap, is: isMap },
    seq: { of: YAMLSeq, is: isSeq },
    pair: { of: Pair, is: isPair },
    scalar: { of: Scalar, is: isScalar },
  };
  const seen = new Set<string>();
  for (const { kind, node } of nodes(doc)) {
    const c = classes[kind];
    assert.ok(node instanceof (c.of as new (...a: never[]) => object), `${kind} is an instance of the library's class`);
    assert.ok(c.is(node), `${kind} passes the library's is${kind}`);
    if (kind !== 'pair') assert.ok(isNode(node), `${kind} is a node`);
    if (kind === 'map' || kind === 'seq') assert.ok(isCollection(node));
    seen.add(kind);
  }
  assert.deepEqual([...seen].sort(), ['map', 'pair', 'scalar', 'seq']);
});

test('what the core reads of a node has the same shape on library and fast-path nodes', () => {
  const [lib] = parseAllDocuments(TEXT, { merge: true, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
  const [fast] = fastParse(TEXT, 300)!;
  const a = nodes(lib);
  const b = nodes(fast);
  assert.equal(a.length, b.length);
  const shape = (n: unknown): Record<string, string> => {
    const o = n as Record<string, unknown>;
    const keys = isScalar(n) ? ['value', 'type', 'source', 'range'] : isPair(n) ? ['key', 'value'] : ['items', 'flow', 'range'];
    return Object.fromEntries(keys.map((k) => [k, Array.isArray(o[k]) ? `array(${(o[k] as unknown[]).length > 0 ? 'n' : 0})` : typeof o[k]]));
  };
  for (let i = 0; i < a.length; i++) {
    const s = shape(a[i].node);
    const t = shape(b[i].node);
    // flow is set only on flow collections by both.
    assert.deepEqual(t, s, `${a[i].kind} #${i}`);
  }
  for (const key of ['contents', 'errors', 'warnings', 'range'] as const) assert.equal(typeof fast[key], typeof lib[key], `document.${key}`);
});

test('Composer reports errors through an onError property that parse.ts can wrap', () => {
  const composer = new Composer({ prettyErrors: false });
  const onError = (composer as unknown as { onError?: unknown }).onError;
  assert.equal(typeof onError, 'function');
  // Through the wrapper: a syntax error becomes a finding, and the error budget counts what the wrapper sees.
  const parsed = parseText('a: [1, 2\nb: }\n');
  assert.ok(
    parsed.findings.some((f) => f.code === 'yaml-syntax'),
    JSON.stringify(parsed.findings.map((f) => f.code)),
  );
});
