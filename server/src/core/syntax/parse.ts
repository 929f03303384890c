// Text → YAML documents with offsets. JSON is YAML, so one parser serves both.
// Nothing here throws: syntax errors and limits become findings.
import { Composer, type CST, Lexer, Parser, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq } from './yamlNodes';
import { fastParse, fastScalarSpan, isFastParsed } from './fastYaml';
import { finding, type Finding, type Span } from '../findings/finding';

export const LIMITS = {
  /**
   * Larger texts are not analysed: V8 holds no longer string (2^29 - 24 characters). The server and the CLI pass a
   * lower limit, what their heap can hold (textLimit in server/src/host.ts); the analysis takes ~8 bytes per character.
   */
  maxTextLength: 512 * 1024 * 1024,
  /**
   * Deeper nesting is refused before the YAML composer recurses into it. It recurses once per level, and on
   * Node 20's default stack (~1 MB) overflowed from 700 levels on (flow sequences in block maps, cold code),
   * in a worker with a 1 MB stack from 600; near that edge V8 can even abort the process. 300 keeps half in hand.
   */
  maxDepth: 300,
  /**
   * Aliases followed and pairs copied by merge keys (`<<`) per document, or as many as it has nodes if that is more:
   * reading expands an alias bomb (a List whose items are aliases of Lists, merge keys nine times over) that far.
   */
  maxAliasVisits: 10_000,
  /**
   * Nodes a document would have with its aliases written out. Kubecert never writes them out; past this, as Go's
   * YAML decoder does past 4,000,000 with over 10% of them from aliases, it says the document is an alias bomb.
   */
  maxExpandedNodes: 4_000_000,
  /** yaml makes an Error, stack trace and all, per syntax error: 200,000 of them (800 kB of `- !!seq `) took 4 s. Past this, they are counted. */
  maxSyntaxErrors: 1000,
};

export interface ParsedText {
  documents: Document.Parsed[];
  findings: Finding[];
}

export function parseText(text: string, maxTextLength = LIMITS.maxTextLength): ParsedText {
  const findings: Finding[] = [];
  if (text.length > maxTextLength) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    findings.push(
      finding(
        'input-limit',
        { start: 0, end: 0 },
        '(document)',
        `This document is ${mb} MB; Kubecert analyses documents up to ${Math.floor(maxTextLength / 1024 / 1024)} MB here (what this process's memory holds) and skipped it: nothing in it was analysed.`,
      ),
    );
    return { documents: [], findings };
  }
  const fast = fastParse(text, LIMITS.maxDepth);
  if (fast) return { documents: fast, findings };
  let documents: Document.Parsed[];
  try {
    documents = parseDocuments(text, findings);
  } catch (e) {
    findings.push(finding('yaml-syntax', { start: 0, end: 0 }, '(document)', `The YAML parser failed: ${(e as Error).message}`));
    return { documents: [], findings };
  }
  for (const doc of documents) {
    for (const err of doc.errors) {
      const start = Math.min(err.pos[0], text.length);
      const end = Math.min(Math.max(err.pos[1], start + 1), text.length);
      findings.push(finding('yaml-syntax', { start, end }, '(document)', cleanMessage(err.message)));
    }
  }
  return { documents, findings };
}

function cleanMessage(message: string): string {
  return message.split('\n')[0];
}

/**
 * Where the collection that nests past the limit starts (its bracket, or its line), if one does. The top-level
 * collection is level 0; the parser's stack also holds the document and the token being read.
 */
function tooDeep(text: string, stack: CST.Token[]): number | undefined {
  if (stack.length <= LIMITS.maxDepth + 1) return undefined;
  let open = 0;
  let newest: CST.Token | undefined;
  for (let i = stack.length - 1; i >= 0; i--) {
    const t = stack[i];
    if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
    open++;
    newest ??= t;
  }
  if (!newest || open <= LIMITS.maxDepth + 1) return undefined;
  return newest.type === 'flow-collection' ? newest.offset : text.lastIndexOf('\n', newest.offset - 1) + 1;
}

/**
 * yaml's parseAllDocuments, with the parser's stack (one entry per open collection, exactly what the composer
 * will recurse through) watched: a document nested deeper than the limit is dropped where it passes it, and
 * parsing resumes at the next `---`, so the documents before and after it are still analysed.
 */
function parseDocuments(text: string, findings: Finding[]): Document.Parsed[] {
  const composer = new Composer({ merge: true, uniqueKeys: false, prettyErrors: false });
  const documents: Document.Parsed[] = [];
  let errors = 0;
  let uncounted: number | undefined;
  const count = (at: number): boolean => {
    if (++errors <= LIMITS.maxSyntaxErrors) return true;
    uncounted ??= at;
    return false;
  };
  // The composer reports through this property (looked up at each call); stream-level error tokens are counted in compose().
  const internals = composer as unknown as { onError: (source: CST.Token | [number, number], code: string, message: string, warning?: boolean) => void };
  const report = internals.onError;
  internals.onError = (source, code, message, warning) => {
    if (count(Array.isArray(source) ? source[0] : source.offset)) report(source, code, message, warning);
  };
  const compose = (token: CST.Token): void => {
    if (token.type !== 'error' || count(token.offset)) documents.push(...(composer.next(token) as Iterable<Document.Parsed>));
  };
  let parser: Parser | undefined = new Parser();
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (!parser) {
      if (lexeme !== '---') {
        // The parser's own accounting: the three control lexemes stand for no text.
        if (lexeme !== '\x02' && lexeme !== '\x18' && lexeme !== '\x1f') offset += lexeme.length;
        continue;
      }
      parser = new Parser();
      parser.offset = offset;
    }
    for (const token of parser.next(lexeme)) compose(token);
    const at = tooDeep(text, parser.stack);
    if (at !== undefined) {
      offset = parser.offset;
      findings.push(
        finding(
          'input-limit',
          { start: at, end: Math.min(at + 1, text.length) },
          '(document)',
          `Nesting deeper than ${LIMITS.maxDepth} levels starts here; Kubecert did not analyse this YAML document.`,
        ),
      );
      parser = undefined;
    }
  }
  if (parser) for (const token of parser.end()) compose(token);
  documents.push(...(composer.end() as Iterable<Document.Parsed>));
  if (uncounted !== undefined) {
    const at = Math.min(uncounted, Math.max(0, text.length - 1));
    findings.push(
      finding(
        'input-limit',
        { start: at, end: Math.min(at + 1, text.length) },
        '(document)',
        `This text has ${errors.toLocaleString('en-US')} YAML errors and warnings; Kubecert lists the first ${LIMITS.maxSyntaxErrors.toLocaleString('en-US')}; the first one it leaves out is here.`,
      ),
    );
  }
  return documents;
}

// ---------------------------------------------------------------------------
// Reading the YAML tree. Aliases resolve to their anchors; merge keys (<<) are honoured.

export type YNode = Node | null | undefined;

/** What reading one document has followed: yaml's Alias.resolve() walks the whole document per call; this table is built once. */
interface Aliases {
  targets: Map<Alias, Node>;
  /** Aliases that stand inside the node they name (`&a [*a]`): Go's YAML decoder, so kubectl, refuses the document. */
  recursive: Alias[];
  /** Nodes with every alias written out, and the alias that writes out the most. */
  expanded: number;
  largest?: Alias;
  nodes: number;
  visits: number;
  /** Where the budget ran out. */
  limitedAt?: Span;
  merged: WeakMap<YAMLMap, Pair<Node, YNode>[]>;
  merging: Set<YAMLMap>;
}

const aliasTables = new WeakMap<Document.Parsed, Aliases>();

function aliasesOf(doc: Document.Parsed): Aliases {
  let table = aliasTables.get(doc);
  if (!table) aliasTables.set(doc, (table = { ...anchorTargets(doc), visits: 0, merged: new WeakMap(), merging: new Set() }));
  return table;
}

/**
 * One walk in document order: an alias names the last node before it with that anchor. On the way back up, each
 * collection's size with its aliases written out (a number, never the nodes: 9⁹ for a billion laughs).
 */
function anchorTargets(doc: Document.Parsed): Pick<Aliases, 'targets' | 'recursive' | 'expanded' | 'largest' | 'nodes'> {
  const targets = new Map<Alias, Node>();
  const recursive: Alias[] = [];
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  const sizes = new Map<unknown, number>();
  let nodes = 0;
  let largest: { alias: Alias; size: number } | undefined;
  const sizeOf = (n: unknown): number => (isPair(n) ? sizeOf(n.key) + sizeOf(n.value) : n === null || n === undefined ? 0 : (sizes.get(n) ?? 1));
  const stack: Array<{ node: unknown; leave?: boolean }> = [{ node: doc.contents }];
  while (stack.length) {
    const { node, leave } = stack.pop()!;
    if (leave) {
      open.delete(node as Node);
      if (isCollection(node))
        sizes.set(
          node,
          node.items.reduce((sum: number, item) => sum + sizeOf(item), 1),
        );
      continue;
    }
    if (isPair(node)) {
      stack.push({ node: node.value }, { node: node.key });
    } else if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) continue;
      targets.set(node, target);
      if (open.has(target)) recursive.push(node);
      else {
        const size = sizeOf(target);
        sizes.set(node, size);
        if (!largest || size > largest.size) largest = { alias: node, size };
      }
    } else if (isScalar(node) || isCollection(node)) {
      nodes++;
      if (node.anchor) anchors.set(node.anchor, node);
      if (isCollection(node)) {
        open.add(node);
        stack.push({ node, leave: true });
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
      }
    }
  }
  return { targets, recursive, expanded: sizeOf(doc.contents), largest: largest?.alias, nodes };
}

/** Counts `n` visits against the document's budget; false once it is spent. */
function spend(doc: Document.Parsed, n: number, at: YNode): boolean {
  const table = aliasesOf(doc);
  table.visits += n;
  if (table.visits <= Math.max(LIMITS.maxAliasVisits, table.nodes)) return true;
  table.limitedAt ??= span(at) ?? { start: 0, end: 0 };
  return false;
}

export function resolve(node: YNode, doc: Document.Parsed): YNode {
  if (!isAlias(node)) return node;
  return spend(doc, 1, node) ? aliasesOf(doc).targets.get(node) : undefined;
}

export function pairs(node: YNode, doc: Document.Parsed): Pair<Node, YNode>[] {
  const map = resolve(node, doc);
  if (!isMap(map)) return [];
  const items = (map as YAMLMap<Node, YNode>).items;
  // The fast path gives up on merge keys and builds maps of pairs only: nothing to look for (a scan of every map, twice).
  if (isFastParsed(doc)) return items;
  if (!hasMergeKey(items)) return items.every((item) => isPair(item)) ? items : items.filter((item) => isPair(item));
  return merged(map as YAMLMap<Node, YNode>, doc);
}

function hasMergeKey(items: unknown[]): boolean {
  for (const item of items) if (isPair(item) && isMergeKey(item.key)) return true;
  return false;
}

/** A map's pairs with its merge keys' pairs in (its own keys win), once per map: a merge bomb costs its size, not its expansion. */
function merged(map: YAMLMap<Node, YNode>, doc: Document.Parsed): Pair<Node, YNode>[] {
  const table = aliasesOf(doc);
  const known = table.merged.get(map);
  if (known) return known;
  // A merge key that reaches its own map (`&m {<<: *m}`) adds nothing the second time round.
  if (table.merging.has(map)) return [];
  table.merging.add(map);
  const out: Pair<Node, YNode>[] = [];
  const keys = new Set<string | undefined>();
  for (const item of map.items) {
    if (!isPair(item)) continue;
    if (!isMergeKey(item.key)) {
      out.push(item);
      keys.add(keyOf(item));
      continue;
    }
    const src = resolve(item.value, doc);
    for (const s of isSeq(src) ? src.items : [src]) {
      const from = pairs(s as YNode, doc);
      if (!spend(doc, from.length, item.key as Node)) break;
      for (const p of from) {
        const k = keyOf(p);
        if (keys.has(k)) continue;
        keys.add(k);
        out.push(p);
      }
    }
  }
  table.merging.delete(map);
  table.merged.set(map, out);
  return out;
}

/** An alias bomb, a budget spent, aliases inside what they name: what the documents' aliases did. */
export function aliasFindings(documents: Document.Parsed[], text: string): Finding[] {
  const out: Finding[] = [];
  // No `*`, no alias: the common case costs one search.
  if (!text.includes('*')) return out;
  for (const doc of documents) {
    const table = aliasesOf(doc);
    const fromAliases = table.expanded - table.nodes;
    if (table.expanded > LIMITS.maxExpandedNodes && fromAliases > table.expanded / 10 && table.largest) {
      out.push(
        finding(
          'input-limit',
          span(table.largest) ?? { start: 0, end: 0 },
          '(document)',
          `With its aliases written out this document would have ${approximately(table.expanded)} nodes (an alias bomb); Kubecert reads each alias once and expands none. kubectl refuses it ("excessive aliasing").`,
        ),
      );
    }
    if (table.limitedAt) {
      const budget = Math.max(LIMITS.maxAliasVisits, table.nodes).toLocaleString('en-US');
      out.push(
        finding(
          'input-limit',
          table.limitedAt,
          '(document)',
          `Reading this document follows aliases and merge keys more than ${budget} times (an alias bomb); Kubecert stopped following them here and reads what the rest would bring in as absent.`,
        ),
      );
    }
    for (const alias of table.recursive.slice(0, 10)) {
      const s = span(alias);
      if (s)
        out.push(
          finding(
            'yaml-syntax',
            s,
            '(document)',
            `The alias *${alias.source} stands inside the node it names; kubectl refuses a document that contains itself.`,
          ),
        );
    }
  }
  return out;
}

function approximately(n: number): string {
  if (!Number.isFinite(n)) return 'more than 10^308';
  return n < 1e15 ? Math.round(n).toLocaleString('en-US') : `about 10^${Math.floor(Math.log10(n))}`;
}

/** `<<`: yaml gives a merge key as a Symbol when merge is on. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');
}

export function keyOf(pair: Pair<Node, YNode>): string | undefined {
  const k = pair.key;
  return isScalar(k) && k.value !== null && k.value !== undefined && typeof k.value !== 'symbol' ? String(k.value) : undefined;
}

/** The last pair with that key (YAML decoders keep the last duplicate). */
export function pair(node: YNode, key: string, doc: Document.Parsed): Pair<Node, YNode> | undefined {
  let found: Pair<Node, YNode> | undefined;
  for (const p of pairs(node, doc)) if (keyOf(p) === key) found = p;
  return found;
}

export function get(node: YNode, key: string, doc: Document.Parsed): YNode {
  const p = pair(node, key, doc);
  return p ? resolve(p.value, doc) : undefined;
}

export function items(node: YNode, doc: Document.Parsed): YNode[] {
  const s = resolve(node, doc);
  if (!isSeq(s)) return [];
  return s.items.map((i) => resolve(i as YNode, doc));
}

/** A scalar's text as Go's YAML decoder would give it to a string field. */
export function scalarText(node: YNode, doc: Document.Parsed): string | undefined {
  const n = resolve(node, doc);
  if (!isScalar(n)) return undefined;
  if (n.value === null || n.value === undefined) return '';
  if (typeof n.value === 'string') return n.value;
  return n.source ?? String(n.value);
}

export function span(node: YNode): Span | undefined {
  // A fast-parsed scalar makes its range array only when asked (fastYaml.ts): its offsets directly, then.
  const fast = fastScalarSpan(node);
  if (fast) return fast;
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** The whole `key: value` extent of a pair, from the key's start to the value's end. */
export function pairSpan(p: Pair<Node, YNode>): Span | undefined {
  const k = span(p.key);
  if (!k) return undefined;
  const v = p.value ? span(p.value) : undefined;
  return { start: k.start, end: v ? Math.max(v.end, k.end) : k.end };
}
