// The kubeconfig model: clusters, users, contexts and current-context, each value with its offsets.
import type { Document, Node, Pair } from 'yaml';
import { isMap, isScalar } from '../syntax/yamlNodes';
import { get, items, keyOf, pair, pairs, resolve, scalarText, span, type YNode } from '../syntax/parse';
import { exact } from '../base/exact';
import type { Span } from '../findings/finding';

/** One `key: value` with the offsets of both. */
export interface Field {
  key: string;
  /** Scalar text; '' for a non-scalar value (see `isScalar`). */
  value: string;
  isScalar: boolean;
  /** The value's range (the key's range when the value is empty). */
  span: Span;
  keySpan: Span;
  /** From the key's start to the value's end. */
  pairSpan: Span;
  /** Block scalar (`|`, `>`), quoted or plain: fixes must keep the style. */
  style: 'plain' | 'single' | 'double' | 'block' | 'other';
}

/**
 * An entry's fields by key, read as a Map reads them (a repeated key: the last one's field, at the first one's place).
 * An entry has a handful, kept in one array of exactly their number (lighter than a Map per entry; see bench/README.md).
 * Past 8 fields, an index too, so that a hostile entry with thousands of keys is not scanned per lookup.
 */
export class FieldMap {
  private readonly list: Field[];
  private readonly index?: Map<string, number>;

  constructor(fields: readonly Field[]) {
    const list: Field[] = [];
    const index = fields.length > 8 ? new Map<string, number>() : undefined;
    for (const f of fields) {
      const at = index ? index.get(f.key) : list.findIndex((g) => g.key === f.key);
      if (at === undefined || at < 0) {
        index?.set(f.key, list.length);
        list.push(f);
      } else list[at] = f;
    }
    this.list = exact(list);
    this.index = index;
  }

  get(key: string): Field | undefined {
    if (this.index) {
      const at = this.index.get(key);
      return at === undefined ? undefined : this.list[at];
    }
    for (const f of this.list) if (f.key === key) return f;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.list.length;
  }

  values(): IterableIterator<Field> {
    return this.list.values();
  }

  /** The same fields, each passed through `f` (offsets moved by an edit). */
  map(f: (field: Field) => Field): FieldMap {
    return new FieldMap(this.list.map(f));
  }

  *[Symbol.iterator](): IterableIterator<[string, Field]> {
    for (const f of this.list) yield [f.key, f];
  }
}

export type EntryKind = 'cluster' | 'user' | 'context';

export interface Entry {
  kind: EntryKind;
  name: string;
  /** The `name:` field, when present. */
  nameField?: Field;
  index: number;
  /** The list item. */
  span: Span;
  /** The inner `cluster:` / `user:` / `context:` map's fields by key. */
  fields: FieldMap;
  /** The inner map's pair, when present. */
  bodyField?: Field;
}

export interface Kubeconfig {
  /** Index of the document within the text. */
  document: number;
  clusters: Entry[];
  users: Entry[];
  contexts: Entry[];
  currentContext?: Field;
  /** The `clusters:` / `users:` / `contexts:` pairs, for inserting entries. */
  lists: Partial<Record<'clusters' | 'users' | 'contexts', Field>>;
  /** The top-level map, for inserting a missing key. */
  root: Span;
  json: boolean;
}

export function fieldOf(p: Pair<Node, YNode> | undefined, doc: Document.Parsed): Field | undefined {
  if (!p) return undefined;
  const key = keyOf(p);
  const keySpan = span(p.key);
  if (key === undefined || !keySpan) return undefined;
  const value = resolve(p.value, doc);
  const ownValueSpan = p.value ? span(p.value) : undefined;
  const valueSpan = ownValueSpan || { start: keySpan.end, end: keySpan.end };
  const text = scalarText(value, doc);
  let style: Field['style'] = 'other';
  if (isScalar(value)) {
    const t = value.type;
    style =
      t === 'PLAIN'
        ? 'plain'
        : t === 'QUOTE_DOUBLE'
          ? 'double'
          : t === 'QUOTE_SINGLE'
            ? 'single'
            : t === 'BLOCK_LITERAL' || t === 'BLOCK_FOLDED'
              ? 'block'
              : 'other';
  }
  return {
    key,
    value: text ?? '',
    isScalar: text !== undefined,
    span: valueSpan,
    keySpan,
    // pairSpan(p), from the spans already at hand (three objects fewer per field, 13,000 fields a keystroke).
    pairSpan: { start: keySpan.start, end: ownValueSpan ? Math.max(ownValueSpan.end, keySpan.end) : keySpan.end },
    style,
  };
}

const LISTS = { clusters: 'cluster', users: 'user', contexts: 'context' } as const;

/** Whether a document is a kubeconfig: `kind: Config`, or clusters/users/contexts at the top level without another kind. */
export function isKubeconfig(doc: Document.Parsed): boolean {
  const root = doc.contents;
  if (!isMap(root)) return false;
  const kind = scalarText(get(root, 'kind', doc), doc);
  if (kind !== undefined) return kind === 'Config';
  return ['clusters', 'users', 'contexts', 'current-context'].some((k) => pair(root, k, doc) !== undefined);
}

export function readKubeconfig(doc: Document.Parsed, index: number, text: string): Kubeconfig {
  const root = doc.contents as YNode;
  const rootSpan = span(root) ?? { start: 0, end: text.length };
  const config: Kubeconfig = {
    document: index,
    clusters: [],
    users: [],
    contexts: [],
    lists: {},
    root: rootSpan,
    json: text.slice(rootSpan.start, rootSpan.start + 1) === '{',
  };
  for (const [list, kind] of Object.entries(LISTS) as [keyof typeof LISTS, EntryKind][]) {
    const listPair = pair(root, list, doc);
    config.lists[list] = fieldOf(listPair, doc);
    const entries = config[list];
    items(listPair?.value, doc).forEach((item, i) => {
      const itemSpan = span(item);
      if (!itemSpan) return;
      // Both keys from one pass over the item's pairs (the last of a repeated key, as pair() finds it).
      let namePair: Pair<Node, YNode> | undefined;
      let bodyPair: Pair<Node, YNode> | undefined;
      for (const p of pairs(item, doc)) {
        const key = keyOf(p);
        if (key === 'name') namePair = p;
        else if (key === kind) bodyPair = p;
      }
      const nameField = fieldOf(namePair, doc);
      const list: Field[] = [];
      for (const p of pairs(bodyPair?.value, doc)) {
        const f = fieldOf(p, doc);
        if (f) list.push(f);
      }
      const fields = new FieldMap(list);
      entries.push({
        kind,
        name: nameField?.value ?? '',
        nameField,
        index: i,
        span: itemSpan,
        fields,
        bodyField: fieldOf(bodyPair, doc),
      });
    });
  }
  config.currentContext = fieldOf(pair(root, 'current-context', doc), doc);
  return config;
}

export function entryWhere(entry: Entry, field?: string): string {
  const list = entry.kind === 'cluster' ? 'clusters' : entry.kind === 'user' ? 'users' : 'contexts';
  const id = entry.name !== '' ? entry.name : `#${entry.index}`;
  return field ? `${list}[${id}].${field}` : `${list}[${id}]`;
}

const byName = new WeakMap<Entry[], Map<string, Entry>>();

/** The first entry with that name (kubectl's merge keeps the first); indexed once per list, so lookups stay O(1). */
export function findEntry(entries: Entry[], name: string): Entry | undefined {
  let index = byName.get(entries);
  if (!index || index.size > entries.length) {
    index = new Map();
    for (const e of entries) if (!index.has(e.name)) index.set(e.name, e);
    byName.set(entries, index);
  }
  return index.get(name);
}

/** The context `current-context` names, if it exists. */
export function currentContext(config: Kubeconfig): Entry | undefined {
  return config.currentContext ? findEntry(config.contexts, config.currentContext.value) : undefined;
}
