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
   * Nodes that aliases of maps and lists stand for, each alias counted once with what it expands to: 100,000 entries
   * that are one alias of a cluster (2.8 MB of text) would otherwise be 100,000 certificates to decode, check and show.
   */
  maxAliasExpansion: 50_000,
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
  const refused = controlCharacter(text);
  if (refused) findings.push(refused);
  // Go's YAML reader (so kubectl) ends a line at a lone CR as at LF; yaml does not. The same length: every offset holds.
  const source = text.includes('\r') && LONE_CR.test(text) ? text.replace(LONE_CR_ALL, '\n') : text;
  const fast = fastParse(source, LIMITS.maxDepth);
  if (fast) return { documents: fast, findings };
  let documents: Document.Parsed[];
  try {
    documents = parseDocuments(source, findings);
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

/**
 * The nesting limits a text passes, for a text Kubecert otherwise leaves alone (no kubeconfig or certificate in
 * sight): its input-limit findings, or none. Parsed only when it could nest that deep: a block level moves at least
 * one column right or adds an indicator (`- `, `? `) to the line, a flow level opens a bracket, so nesting past the
 * limit needs a line that starts with half the limit's blanks and indicators, or brackets open half the limit deep.
 */
export function nestingLimits(text: string): Finding[] {
  if (text.length > LIMITS.maxTextLength) return [];
  const half = LIMITS.maxDepth >> 1;
  if (!DEEP_LINE.test(text) && flowDepth(text, half) < half) return [];
  return parseText(text).findings.filter((f) => f.code === 'input-limit');
}

const DEEP_LINE = new RegExp(`^[ \\t?:-]{${LIMITS.maxDepth >> 1},}`, 'm');

/** How deep `[` and `{` open (quotes ignored: more is only a parse more), counted up to `enough`. */
function flowDepth(text: string, enough: number): number {
  // Most texts have too few brackets to matter: two searches instead of a loop over every character.
  let n = 0;
  for (const c of ['[', '{']) for (let i = text.indexOf(c); i >= 0 && n < enough; i = text.indexOf(c, i + 1)) n++;
  if (n < enough) return n;
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length && deepest < enough; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return deepest;
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

/**
 * What Go's YAML reader refuses before it parses anything, anywhere in the file (a comment too): C0 and C1 controls
 * but tab, LF, CR and NEL, DEL, U+FFFE/U+FFFF, and (in unicode mode, so only when unpaired) surrogates.
 */
const REFUSED = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/u;

/** The first character kubectl refuses the file for, as a finding there: it reads none of the file. */
function controlCharacter(text: string): Finding | undefined {
  const m = REFUSED.exec(text);
  if (!m) return undefined;
  const c = m[0].charCodeAt(0);
  const what = c >= 0xfffe ? 'noncharacter' : c >= 0xd800 ? 'unpaired surrogate' : 'control character';
  return finding(
    'yaml-syntax',
    { start: m.index, end: m.index + 1 },
    '(document)',
    `The ${what} U+${c.toString(16).toUpperCase().padStart(4, '0')} here makes kubectl refuse the whole file ("control characters are not allowed"); remove it.`,
  );
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
  /** What each alias of a collection expands to (nodes), the nodes counted so far, the aliases counted, where that ran out. */
  sizes: Map<Alias, number>;
  expansion: number;
  counted: Set<Alias>;
  expansionLimitedAt?: Span;
  merged: WeakMap<YAMLMap, Pair<Node, YNode>[]>;
  merging: Set<YAMLMap>;
}

const aliasTables = new WeakMap<Document.Parsed, Aliases>();

function aliasesOf(doc: Document.Parsed): Aliases {
  let table = aliasTables.get(doc);
  if (!table) aliasTables.set(doc, (table = { ...anchorTargets(doc), visits: 0, expansion: 0, counted: new Set(), merged: new WeakMap(), merging: new Set() }));
  return table;
}

/**
 * One walk in document order: an alias names the last node before it with that anchor. On the way back up, each
 * collection's size with its aliases written out (a number, never the nodes: 9⁹ for a billion laughs), kept for
 * anchored nodes only: a stack of counters, one per open collection, instead of a size per node.
 */
function anchorTargets(doc: Document.Parsed): Pick<Aliases, 'targets' | 'recursive' | 'expanded' | 'largest' | 'nodes' | 'sizes'> {
  const targets = new Map<Alias, Node>();
  const recursive: Alias[] = [];
  const anchors = new Map<string, Node>();
  /** Anchored collections being walked: an alias of one of them stands inside what it names. */
  const open = new Set<Node>();
  const anchoredSizes = new Map<Node, number>();
  const aliasSizes = new Map<Alias, number>();
  let nodes = 0;
  let largest: { alias: Alias; size: number } | undefined;
  // The work: nodes to visit, each with whether it is a collection being left (two arrays, no object per node).
  const stack: unknown[] = [doc.contents];
  const leaving: boolean[] = [false];
  const counters: number[] = [0];
  while (stack.length) {
    const node = stack.pop();
    if (leaving.pop()) {
      const size = counters.pop()!;
      counters[counters.length - 1] += size;
      if ((node as Node).anchor) {
        open.delete(node as Node);
        anchoredSizes.set(node as Node, size);
      }
      continue;
    }
    if (isPair(node)) {
      stack.push(node.value, node.key);
      leaving.push(false, false);
    } else if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      if (target && open.has(target)) recursive.push(node);
      const size = (target && !open.has(target) && anchoredSizes.get(target)) || 1;
      counters[counters.length - 1] += size;
      if (target && !open.has(target)) {
        if (isCollection(target)) aliasSizes.set(node, size);
        if (!largest || size > largest.size) largest = { alias: node, size };
      }
    } else if (isScalar(node) || isCollection(node)) {
      nodes++;
      if (node.anchor) anchors.set(node.anchor, node);
      if (isCollection(node)) {
        if (node.anchor) open.add(node);
        stack.push(node);
        leaving.push(true);
        counters.push(1);
        for (let i = node.items.length - 1; i >= 0; i--) {
          stack.push(node.items[i]);
          leaving.push(false);
        }
      } else counters[counters.length - 1] += 1;
    }
  }
  return { targets, recursive, expanded: counters[0], largest: largest?.alias, nodes, sizes: aliasSizes };
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
  if (!spend(doc, 1, node)) return undefined;
  const table = aliasesOf(doc);
  return expand(table, node) ? table.targets.get(node) : undefined;
}

/** Counts what an alias of a map or list stands for, once per alias; false once that budget is spent. */
function expand(table: Aliases, alias: Alias): boolean {
  const size = table.sizes.get(alias);
  if (size === undefined || table.counted.has(alias)) return true;
  if (table.expansionLimitedAt || table.expansion + size > LIMITS.maxAliasExpansion) {
    table.expansionLimitedAt ??= span(alias) ?? { start: 0, end: 0 };
    return false;
  }
  table.expansion += size;
  table.counted.add(alias);
  return true;
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
    if (table.expansionLimitedAt) {
      out.push(
        finding(
          'input-limit',
          table.expansionLimitedAt,
          '(document)',
          `The aliases read in this document stand for more than ${LIMITS.maxAliasExpansion.toLocaleString('en-US')} nodes written out; Kubecert stopped expanding them here and reads what the rest would bring in as absent.`,
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
