// Text → YAML documents with offsets. JSON is YAML, so one parser serves both.
// Nothing here throws: syntax errors and limits become findings.
import { Alias, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { fastParse } from './fastYaml';
import { finding, type Finding, type Span } from './finding';

export const LIMITS = {
  /** Larger documents are not analysed; the editor stays responsive. */
  maxTextLength: 32 * 1024 * 1024,
  /** Deeper nesting is refused before the YAML parser recurses into it. */
  maxDepth: 1000,
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
  const deep = tooDeep(text);
  if (deep !== undefined) {
    findings.push(
      finding('input-limit', { start: deep, end: deep + 1 }, '(document)', `Nesting deeper than ${LIMITS.maxDepth} levels starts here; Kubecert did not analyse this document.`),
    );
    return { documents: [], findings };
  }
  const fast = fastParse(text, LIMITS.maxDepth);
  if (fast) return { documents: fast, findings };
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
    if (!Array.isArray(documents)) documents = [];
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

const DEEP_BLOCK = new RegExp(`^[ -]{${LIMITS.maxDepth * 2 + 1}}`, 'm');
const BRACKETS = /[[\]{}]/g;

/** Offset where bracket/indent nesting first exceeds the limit, if it does. Regex-driven: a kubeconfig has few brackets. */
function tooDeep(text: string): number | undefined {
  const block = DEEP_BLOCK.exec(text);
  let flow = 0;
  BRACKETS.lastIndex = 0;
  for (let m = BRACKETS.exec(text); m; m = BRACKETS.exec(text)) {
    if (m[0] === '[' || m[0] === '{') {
      if (++flow > LIMITS.maxDepth) return block && block.index < m.index ? block.index : m.index;
    } else if (flow > 0) flow--;
  }
  return block ? block.index : undefined;
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
