// A fast path for the YAML kubeconfigs and manifests are made of: block mappings and sequences of plain or
// simply quoted scalars, `{}` and `[]`, comments and `---`. It builds the very nodes yaml.parseAllDocuments
// builds (the library's own classes, the same values, types and ranges) several times faster, and gives up
// at the first thing outside that subset (anchors, aliases, tags, block scalars, multi-line or escaped
// scalars, flow collections with content, tabs, CR, directives, anything the library would call an error),
// returning undefined so that the caller uses the library. test/unit/fastYaml.test.ts holds the two to the
// same output on every fixture and on thousands of mutated inputs.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, parseDocument, type Node } from 'yaml';

// Nodes are the library's (its prototypes, so `instanceof`, isScalar() and methods work), built without the
// library's constructors, which define the node-type symbol with Object.defineProperty: a tenth of the time.
const NODE_TYPE = Symbol.for('yaml.node.type');
const SCALAR = Symbol.for('yaml.scalar');
const MAP = Symbol.for('yaml.map');
const SEQ = Symbol.for('yaml.seq');
const PAIR = Symbol.for('yaml.pair');

class LightScalar {
  [NODE_TYPE] = SCALAR;
  source = '';
  type: Scalar.Type = 'PLAIN';
  constructor(
    public value: unknown,
    private readonly start: number,
    private readonly end: number,
    private readonly nodeEnd: number,
  ) {}

  /** Made when read: an array kept per scalar would make the whole tree larger for the garbage collector to copy. */
  get range(): [number, number, number] {
    return [this.start, this.end, this.nodeEnd];
  }

  span(): { start: number; end: number } {
    return { start: this.start, end: this.end };
  }
}
Object.setPrototypeOf(LightScalar.prototype, Scalar.prototype);

class LightMap {
  [NODE_TYPE] = MAP;
  items: Pair[] = [];
  range?: [number, number, number];
}
Object.setPrototypeOf(LightMap.prototype, YAMLMap.prototype);

class LightSeq {
  [NODE_TYPE] = SEQ;
  items: Node[] = [];
  range?: [number, number, number];
}
Object.setPrototypeOf(LightSeq.prototype, YAMLSeq.prototype);

class LightPair {
  [NODE_TYPE] = PAIR;
  constructor(
    public key: Node,
    public value: Node,
  ) {}
}
Object.setPrototypeOf(LightPair.prototype, Pair.prototype);

class LightDocument {
  [NODE_TYPE] = Symbol.for('yaml.document');
  commentBefore = null;
  comment = null;
  errors = [];
  warnings = [];
  options: unknown;
  directives: unknown;
  schema: unknown;
  range: [number, number, number];
  constructor(
    template: Document,
    public contents: Node,
    start: number,
    end: number,
  ) {
    this.options = template.options;
    this.directives = template.directives;
    this.schema = template.schema;
    this.range = [start, end, end];
  }
}
Object.setPrototypeOf(LightDocument.prototype, Document.prototype);

const scalar = (value: unknown, start: number, end: number, nodeEnd: number) => new LightScalar(value, start, end, nodeEnd) as unknown as Scalar;

/** Thrown inside this module only, caught by fastParse: the input left the subset. */
class OutsideSubset {}
const OUTSIDE = new OutsideSubset();

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Characters that may not start a plain scalar here (YAML's indicators, quotes handled separately). */
const INDICATOR = new Set('-?:,[]{}#&*!|>\'"%@`\t\r\uFEFF'.split('').map((c) => c.charCodeAt(0)));

/** The text after the last content, parsed as a number, boolean or null by the library (core schema). */
const NON_STRING_CANDIDATE = /^(?:[-+.0-9~].*|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const resolvedScalars = new Map<string, Scalar>();

function plainScalar(source: string, start: number, end: number, nodeEnd: number): Scalar {
  let s: Scalar;
  if (NON_STRING_CANDIDATE.test(source)) {
    let model = resolvedScalars.get(source);
    if (!model) {
      const doc = parseDocument(source);
      if (doc.errors.length || !(doc.contents instanceof Scalar)) throw OUTSIDE;
      model = doc.contents as Scalar;
      if (resolvedScalars.size < 10_000) resolvedScalars.set(source, model);
    }
    s = scalar(model.value, start, end, nodeEnd);
    if (model.format !== undefined) s.format = model.format;
    if (model.minFractionDigits !== undefined) s.minFractionDigits = model.minFractionDigits;
  } else s = scalar(source, start, end, nodeEnd);
  s.source = source;
  return s;
}

/**
 * Keys come from a small vocabulary (name, cluster, user, server, certificate-authority-data, …) repeated on every
 * entry: one string per key kept for the document's life, 13,000 of them at 1,000 contexts, instead of one each.
 */
const keys = new Map<string, string>();
function internedKey(key: string): string {
  const known = keys.get(key);
  if (known !== undefined) return known;
  if (keys.size >= 4096 || key.length > 64) return key;
  // A copy of its own: a slice of a long key would keep the whole document it came from alive in this table.
  const own = [...key].join('');
  keys.set(own, own);
  return own;
}

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset of its newline (or the text's end). */
  end: number;
  indent: number;
  /** Offset of its first non-space character. */
  content: number;
}

class Parser {
  private readonly n: number;
  /** The first `#` at or after the last position asked for (kubeconfigs have few). */
  private hash = -1;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.n = text.length;
  }

  /** The line starting at `start`, or undefined at the end of the text. */
  private line(start: number): Line | undefined {
    if (start >= this.n) return undefined;
    const t = this.text;
    let end = t.indexOf('\n', start);
    if (end < 0) end = this.n;
    let content = start;
    while (content < end && t.charCodeAt(content) === SPACE) content++;
    const c = t.charCodeAt(content);
    if (c === 9 || c === 13) throw OUTSIDE; // tab in indentation, CR line endings
    return { start, end, indent: content - start, content };
  }

  private isBlank(l: Line): boolean {
    return l.content === l.end;
  }

  private isComment(l: Line): boolean {
    return this.text.charCodeAt(l.content) === HASH;
  }

  private isSeparator(l: Line): boolean {
    const t = this.text;
    if (l.indent !== 0) return false;
    if (t.startsWith('---', l.start) && (l.start + 3 === l.end || t.charCodeAt(l.start + 3) === SPACE)) {
      if (t.slice(l.start + 3, l.end).trim() !== '') throw OUTSIDE; // `--- content` or `--- # comment`
      return true;
    }
    if (t.startsWith('...', l.start) || t.charCodeAt(l.start) === 37 /* % */) throw OUTSIDE;
    return false;
  }

  /**
   * The next line with content at or after `start` (commentBefore says whether a comment line came first). A comment line
   * indented deeper than that next content (or than column 0 at the end) is attached by the library to the
   * node before it and stretches that node's range: outside the subset.
   */
  private next(start: number): Line | undefined {
    let comment = -1;
    for (let l = this.line(start); l; l = this.line(l.end + 1)) {
      if (this.isBlank(l)) continue;
      if (this.isComment(l)) {
        if (l.indent > comment) comment = l.indent;
        continue;
      }
      if (comment > l.indent) throw OUTSIDE;
      this.commentBefore = comment >= 0;
      return l;
    }
    if (comment > 0) throw OUTSIDE;
    this.commentBefore = comment >= 0;
    return undefined;
  }

  /** Whether the last next() passed a comment line on its way (a field, not a result object per call). */
  private commentBefore = false;

  parseStream(): Document.Parsed[] {
    const docs: Document.Parsed[] = [];
    let pos = 0;
    let first = true;
    for (;;) {
      const line = this.next(pos);
      if (!line) {
        if (first) throw OUTSIDE; // empty or comment-only text
        return docs;
      }
      let docStart = 0;
      let l: Line | undefined = line;
      if (this.isSeparator(line)) {
        docStart = line.start;
        l = this.next(line.end + 1);
        if (!l || this.isSeparator(l)) {
          // `---` with nothing after it: a document whose contents is an empty scalar.
          if (this.commentBetween(line.end + 1, l ? l.start : this.n)) throw OUTSIDE;
          const at = line.end;
          docs.push(this.document(plainNull(at, at), docStart, at));
          pos = l ? l.start : this.n;
          first = false;
          if (!l) return docs;
          continue;
        }
      } else if (!first) throw OUTSIDE;
      first = false;
      const { node, end } = this.block(l, l.indent);
      const after = this.next(end);
      if (after && !this.isSeparator(after)) throw OUTSIDE;
      docs.push(this.document(node, docStart, (node.range as [number, number, number])[1]));
      if (!after) return docs;
      pos = after.start;
    }
  }

  private commentBetween(from: number, to: number): boolean {
    const i = this.text.indexOf('#', from);
    return i >= 0 && i < to;
  }

  /** One library Document per parse; its options, schema and directives are shared by the light ones. */
  private template?: Document;

  private document(contents: Node, start: number, end: number): Document.Parsed {
    this.template ??= new Document();
    return new LightDocument(this.template, contents, start, end) as unknown as Document.Parsed;
  }

  /** A block node whose first line is `l`, at column `col`. Returns the node and the offset after it. */
  private block(l: Line, col: number): { node: Node; end: number } {
    const t = this.text;
    // Deeper than the caller's limit: the library path says so in a finding.
    if (++this.depth > this.maxDepth) throw OUTSIDE;
    let r: { node: Node; end: number };
    if (t.charCodeAt(l.content) === DASH && this.dashIndicator(l.content, l.end)) r = this.sequence(l, col);
    else if (this.keyEnd(l.content, l.end) >= 0) r = this.mapping(l, l.content, col);
    else throw OUTSIDE;
    this.depth--;
    return r;
  }

  /** Whether the `-` at `at` starts a sequence item. */
  private dashIndicator(at: number, lineEnd: number): boolean {
    return at + 1 === lineEnd || this.text.charCodeAt(at + 1) === SPACE;
  }

  /**
   * If the text from `from` on this line is `key:` followed by a space or the line's end, the offset of
   * that colon; -1 if it is not a plain key.
   */
  private keyEnd(from: number, lineEnd: number): number {
    const t = this.text;
    if (INDICATOR.has(t.charCodeAt(from))) return -1;
    for (let i = from; i < lineEnd; i++) {
      const c = t.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === lineEnd || t.charCodeAt(i + 1) === SPACE) return i;
      } else if (c === HASH && t.charCodeAt(i - 1) === SPACE) return -1;
      else if (c === 9) throw OUTSIDE;
    }
    return -1;
  }

  /** A collection ends where its last item ends (comments that would stretch it are outside the subset). */
  private close(node: YAMLMap | YAMLSeq, start: number, last: Node, after: number): { node: Node; end: number } {
    const end = (last.range as [number, number, number])[2];
    node.range = [start, end, end];
    // Its items without the spare room push left (17 slots for one item): the tree lives until its fields are read.
    (node as { items: unknown[] }).items = node.items.slice();
    return { node, end: after };
  }

  private mapping(first: Line, firstKey: number, col: number): { node: Node; end: number } {
    const t = this.text;
    const map = new LightMap() as unknown as YAMLMap;
    let l: Line | undefined = first;
    let keyAt = firstKey;
    let last: Node | undefined;
    let pos = first.start;
    for (;;) {
      const colon = this.keyEnd(keyAt, l.end);
      if (colon < 0) throw OUTSIDE;
      let keyEnd = colon;
      while (t.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      const keySource = internedKey(t.slice(keyAt, keyEnd));
      if (keySource === '<<') throw OUTSIDE; // merge keys: the library's business
      const key = plainScalar(keySource, keyAt, keyEnd, keyEnd);
      let v = colon + 1;
      while (v < l.end && t.charCodeAt(v) === SPACE) v++;
      let value: Node;
      if (v === l.end || t.charCodeAt(v) === HASH) {
        // Nothing on this line: a nested block, a sequence at the same column, or an empty value.
        const nl = this.next(l.end + 1);
        const nestedComment = this.commentBefore;
        if (
          nl &&
          !this.isSeparator(nl) &&
          (nl.indent > col || (nl.indent === col && t.charCodeAt(nl.content) === DASH && this.dashIndicator(nl.content, nl.end)))
        ) {
          if (nestedComment || (v < l.end && t.charCodeAt(v) === HASH)) throw OUTSIDE; // comments before a nested block: rare, and ranges differ
          const r = this.block(nl, nl.indent);
          value = r.node;
          pos = r.end;
        } else {
          // An empty value takes in comments around it, and the library's ranges then follow rules of their own.
          if (v < l.end || nestedComment) throw OUTSIDE;
          value = plainNull(v, v);
          pos = l.end + 1;
        }
      } else {
        value = this.inlineScalar(v, l.end);
        pos = l.end + 1;
      }
      map.items.push(new LightPair(key, value) as unknown as Pair);
      last = value;
      l = this.next(pos);
      if (!l || l.indent < col || this.isSeparator(l)) break;
      if (l.indent > col) throw OUTSIDE; // continuation of a scalar, or bad indentation
      keyAt = l.content;
    }
    return this.close(map, firstKey, last as Node, pos);
  }

  private sequence(first: Line, col: number): { node: Node; end: number } {
    const t = this.text;
    const seq = new LightSeq() as unknown as YAMLSeq;
    let l: Line | undefined = first;
    let last: Node | undefined;
    let pos = first.start;
    const start = first.content;
    for (;;) {
      const dash = l.content;
      let c = dash + 1;
      while (c < l.end && t.charCodeAt(c) === SPACE) c++;
      if (c === l.end || t.charCodeAt(c) === HASH) throw OUTSIDE; // item on the following lines
      let item: Node;
      const ch = t.charCodeAt(c);
      if (ch === DASH && this.dashIndicator(c, l.end)) throw OUTSIDE; // `- - x`
      if (this.keyEnd(c, l.end) >= 0) {
        // `- key: v` is a mapping inside the sequence: a level of its own, as the library counts it.
        if (++this.depth > this.maxDepth) throw OUTSIDE;
        const r = this.mapping(l, c, c - l.start);
        this.depth--;
        item = r.node;
        pos = r.end;
      } else {
        item = this.inlineScalar(c, l.end);
        pos = l.end + 1;
      }
      seq.items.push(item);
      last = item;
      l = this.next(pos);
      if (!l || l.indent < col || this.isSeparator(l)) break;
      if (l.indent > col) throw OUTSIDE;
      if (!(t.charCodeAt(l.content) === DASH && this.dashIndicator(l.content, l.end))) break;
    }
    return this.close(seq, start, last as Node, pos);
  }

  /** A scalar, `{}` or `[]` from `at` to the end of its line (where a comment may follow). */
  private inlineScalar(at: number, lineEnd: number): Node {
    const t = this.text;
    const c = t.charCodeAt(at);
    const nodeEnd = lineEnd < this.n ? lineEnd + 1 : lineEnd;
    if (c === 34 || c === 39) {
      const close = t.indexOf(String.fromCharCode(c), at + 1);
      if (close < 0 || close >= lineEnd) throw OUTSIDE;
      const inner = t.slice(at + 1, close);
      if (c === 34 ? inner.includes('\\') : t.charCodeAt(close + 1) === 39) throw OUTSIDE; // escapes, ''
      this.onlyComment(close + 1, lineEnd);
      const s = scalar(inner, at, close + 1, nodeEnd);
      s.source = inner;
      s.type = c === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
      return s;
    }
    if (c === 91 && t.charCodeAt(at + 1) !== 93) return this.flowSequence(at, lineEnd, nodeEnd);
    if (c === 123 || c === 91) {
      if (t.charCodeAt(at + 1) !== (c === 123 ? 125 : 93)) throw OUTSIDE;
      this.onlyComment(at + 2, lineEnd);
      const coll = (c === 123 ? new LightMap() : new LightSeq()) as unknown as YAMLMap | YAMLSeq;
      coll.flow = true;
      coll.range = [at, at + 2, nodeEnd];
      return coll;
    }
    if (INDICATOR.has(c)) throw OUTSIDE;
    // Values are mostly long base64 lines: search natively instead of walking characters.
    let end = lineEnd;
    for (let h = this.hashFrom(at + 1); h < lineEnd; h = this.hashFrom(h + 1)) {
      if (t.charCodeAt(h - 1) === SPACE) {
        end = h;
        break;
      }
    }
    while (t.charCodeAt(end - 1) === SPACE) end--;
    const colon = t.indexOf(': ', at);
    if ((colon >= 0 && colon < end) || t.charCodeAt(end - 1) === COLON) throw OUTSIDE; // `a: b: c`
    return plainScalar(t.slice(at, end), at, end, nodeEnd);
  }

  private hashFrom(at: number): number {
    if (this.hash < at) {
      this.hash = this.text.indexOf('#', at);
      if (this.hash < 0) this.hash = this.n;
    }
    return this.hash;
  }

  /**
   * `[a, "b", 1]` on one line: scalars only (plain or simply quoted), no nesting, no trailing comma.
   * Webhook configurations carry `admissionReviewVersions: ["v1"]`.
   */
  private flowSequence(at: number, lineEnd: number, nodeEnd: number): Node {
    const t = this.text;
    const seq = new LightSeq() as unknown as YAMLSeq;
    seq.flow = true;
    let i = at + 1;
    for (;;) {
      while (i < lineEnd && t.charCodeAt(i) === SPACE) i++;
      const c = t.charCodeAt(i);
      let item: Scalar;
      if (c === 34 || c === 39) {
        const close = t.indexOf(String.fromCharCode(c), i + 1);
        if (close < 0 || close >= lineEnd) throw OUTSIDE;
        const inner = t.slice(i + 1, close);
        if (c === 34 ? inner.includes('\\') : t.charCodeAt(close + 1) === 39) throw OUTSIDE;
        item = scalar(inner, i, close + 1, close + 1);
        item.source = inner;
        item.type = c === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
        i = close + 1;
      } else {
        if (i >= lineEnd || INDICATOR.has(c)) throw OUTSIDE;
        let e = i;
        for (; e < lineEnd; e++) {
          const ch = t.charCodeAt(e);
          if (ch === 44 || ch === 93) break; // , ]
          if (
            ch === 91 ||
            ch === 123 ||
            ch === 125 ||
            (ch === HASH && t.charCodeAt(e - 1) === SPACE) ||
            (ch === COLON && (t.charCodeAt(e + 1) === SPACE || t.charCodeAt(e + 1) === 44 || t.charCodeAt(e + 1) === 93))
          )
            throw OUTSIDE;
        }
        let end = e;
        while (t.charCodeAt(end - 1) === SPACE) end--;
        item = plainScalar(t.slice(i, end), i, end, e);
        i = e;
      }
      seq.items.push(item);
      const d = t.charCodeAt(i);
      if (d === 93) break;
      if (d !== 44) throw OUTSIDE; // a space after a quoted item, or the line ended
      i++;
      while (i < lineEnd && t.charCodeAt(i) === SPACE) i++;
      if (t.charCodeAt(i) === 93) throw OUTSIDE; // trailing comma
    }
    this.onlyComment(i + 1, lineEnd);
    seq.range = [at, i + 1, nodeEnd];
    return seq;
  }

  /** After a quoted scalar or `{}`: only spaces and a comment may follow on the line. */
  private onlyComment(from: number, lineEnd: number): void {
    const t = this.text;
    let i = from;
    while (i < lineEnd && t.charCodeAt(i) === SPACE) i++;
    if (i < lineEnd && !(t.charCodeAt(i) === HASH && i > from)) throw OUTSIDE;
  }
}

function plainNull(at: number, nodeEnd: number): Scalar {
  return scalar(null, at, at, nodeEnd);
}

/** The documents of `text` if it lies inside the fast path's subset; undefined if the library must parse it. */
/** A fast-parsed scalar's value range (the first two of `range`) without making the array; undefined for other nodes. */
export function fastScalarSpan(node: unknown): { start: number; end: number } | undefined {
  return node instanceof LightScalar ? node.span() : undefined;
}

/** Whether the fast path built this document: then every map holds pairs only, and no merge key, anchor or alias. */
export function isFastParsed(doc: Document.Parsed): boolean {
  return doc instanceof LightDocument;
}

export function fastParse(text: string, maxDepth: number): Document.Parsed[] | undefined {
  // Tabs, CR line endings and a byte-order mark are rare in kubeconfigs and subtle in YAML: the library's.
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new Parser(text, maxDepth).parseStream();
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    // A RangeError (stack) or anything unforeseen: the library decides, the fast path never fails the caller.
    return undefined;
  }
}
