// Text → YAML documents with offsets. JSON is YAML, so one parser serves both.
// Nothing here throws: syntax errors and limits become findings.
import { Alias, Composer, isAlias, type CST, isMap, isPair, isScalar, isSeq, Lexer, Parser, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { fastParse } from './fastYaml';
import { finding, type Finding, type Span } from './finding';

export const LIMITS = {
  /** Larger documents are not analysed; the editor stays responsive. */
  maxTextLength: 32 * 1024 * 1024,
  /**
   * Deeper nesting is refused before the YAML composer recurses into it. It recurses once per level, and on
   * Node 20's default stack (~1 MB) overflowed from 700 levels on (flow sequences in block maps, cold code),
   * in a worker with a 1 MB stack from 600; near that edge V8 can even abort the process. 300 keeps half in hand.
   */
  maxDepth: 300,
  /** yaml makes an Error, stack trace and all, per syntax error: 200,000 of them (800 kB of `- !!seq `) took 4 s. Past this, they are counted. */
  maxSyntaxErrors: 1000,
};

export interface ParsedText {
  documents: Document.Parsed[];
  findings: Finding[];
}

export function parseText(text: string): ParsedText {
  const findings: Finding[] = [];
  if (text.length > LIMITS.maxTextLength) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    findings.push(
      finding('input-limit', { start: 0, end: 0 }, '(document)', `This document is ${mb} MB; Kubecert analyses documents up to ${LIMITS.maxTextLength / 1024 / 1024} MB and skipped it.`),
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
        finding('input-limit', { start: at, end: Math.min(at + 1, text.length) }, '(document)', `Nesting deeper than ${LIMITS.maxDepth} levels starts here; Kubecert did not analyse this YAML document.`),
      );
      parser = undefined;
    }
  }
  if (parser) for (const token of parser.end()) compose(token);
  documents.push(...(composer.end() as Iterable<Document.Parsed>));
  if (uncounted !== undefined) {
    const at = Math.min(uncounted, Math.max(0, text.length - 1));
    findings.push(
      finding('input-limit', { start: at, end: Math.min(at + 1, text.length) }, '(document)', `This text has ${errors.toLocaleString('en-US')} YAML errors and warnings; Kubecert lists the first ${LIMITS.maxSyntaxErrors.toLocaleString('en-US')}; the first one it leaves out is here.`),
    );
  }
  return documents;
}

// ---------------------------------------------------------------------------
// Reading the YAML tree. Aliases resolve to their anchors; merge keys (<<) are honoured.

export type YNode = Node | null | undefined;

export function resolve(node: YNode, doc: Document.Parsed, hops = 0): YNode {
  if (isAlias(node) && hops < 32) return resolve((node as Alias).resolve(doc) as YNode, doc, hops + 1);
  return node;
}

export function pairs(node: YNode, doc: Document.Parsed): Pair<Node, YNode>[] {
  const map = resolve(node, doc);
  if (!isMap(map)) return [];
  const out: Pair<Node, YNode>[] = [];
  for (const item of (map as YAMLMap<Node, YNode>).items) {
    if (!isPair(item)) continue;
    if (isMergeKey(item.key)) {
      const src = resolve(item.value, doc);
      const sources = isSeq(src) ? src.items : [src];
      for (const s of sources) out.push(...pairs(s as YNode, doc).filter((p) => !out.some((q) => keyOf(q) === keyOf(p))));
      continue;
    }
    out.push(item as Pair<Node, YNode>);
  }
  return out;
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
  if (!node || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/** The whole `key: value` extent of a pair, from the key's start to the value's end. */
export function pairSpan(p: Pair<Node, YNode>): Span | undefined {
  const k = span(p.key);
  if (!k) return undefined;
  const v = p.value ? span(p.value) : undefined;
  return { start: k.start, end: v ? Math.max(v.end, k.end) : k.end };
}
