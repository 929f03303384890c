// An edit inside one plain value leaves a kubeconfig's structure as it was: the same entries, fields and sites, that
// value changed and every later offset moved. Reusing the structure skips parsing and modelling the whole document on
// such a keystroke (a namespace letter, a pasted certificate); any other edit (a line break, a key, a quote, a name, a
// file path, a value that would read as a number or a boolean) is parsed again from the text.
import type { Structure } from '../analysis';
import type { TextEdit } from '../ide/edits';
import type { Span } from '../findings/finding';
import type { Entry, Field, Kubeconfig } from '../model/kubeconfig';
import { entryAt } from '../model/locate';
import { parseText } from './parse';
import type { Site } from '../model/sites';
import { isMap, isScalar } from './yamlNodes';

/** Values that name a file: their site holds the path resolved, so a new path is a new structure. */
const FILE_KEYS = new Set(['certificate-authority', 'client-certificate', 'client-key']);

/** Characters a plain value may gain here: none can start a comment, a flow collection, a quote or a new line. */
const PLAIN_SAFE = /^[A-Za-z0-9+/=._:@~%-]*$/;

/**
 * The structure of `beforeText` with `edit` applied, when the edit stays inside one plain scalar value of a kubeconfig
 * entry (or current-context) and leaves it a plain string; otherwise undefined. The new text itself is not read: a
 * large one is a rope until something reads it whole, and a keystroke need not pay for flattening it.
 */
export function reuseStructure(before: Structure, beforeText: string, edit: TextEdit): Structure | undefined {
  const config = before.kubeconfig;
  const changed = valueEdit(before, beforeText, edit);
  if (!config || !changed) return undefined;
  const { field, value, delta } = changed;

  const move = (span: Span): Span =>
    span.end < edit.span.start
      ? span
      : { start: span.start > edit.span.start ? span.start + delta : span.start, end: span.end >= edit.span.end ? span.end + delta : span.end };
  const moved = new Map<Field, Field>();
  const moveField = (f: Field | undefined): Field | undefined => {
    if (!f || f.pairSpan.end < edit.span.start) return f;
    let out = moved.get(f);
    if (!out) {
      // Every property written out: one object shape for all copies (a spread costs several times more here).
      out = {
        key: f.key,
        value: f === field ? value : f.value,
        isScalar: f.isScalar,
        span: move(f.span),
        keySpan: move(f.keySpan),
        pairSpan: move(f.pairSpan),
        style: f.style,
      };
      moved.set(f, out);
    }
    return out;
  };
  const moveEntry = (e: Entry): Entry => {
    if (e.span.end < edit.span.start) return e;
    const fields = e.fields.map((f) => moveField(f)!);
    return { kind: e.kind, name: e.name, nameField: moveField(e.nameField), index: e.index, span: move(e.span), fields, bodyField: moveField(e.bodyField) };
  };
  const kubeconfig: Kubeconfig = {
    ...config,
    clusters: config.clusters.map(moveEntry),
    users: config.users.map(moveEntry),
    contexts: config.contexts.map(moveEntry),
    currentContext: moveField(config.currentContext),
    lists: { clusters: moveField(config.lists.clusters), users: moveField(config.lists.users), contexts: moveField(config.lists.contexts) },
    root: move(config.root),
  };
  const sites = before.sites.map((s): Site => {
    const f = moved.get(s.field);
    return f ? { ...s, field: f } : s;
  });
  const documentStarts = before.documentStarts.map((start) => (start > edit.span.start ? start + delta : start));
  return { kind: before.kind, kubeconfig, objects: before.objects, linked: before.linked, sites, findings: before.findings, documentStarts };
}

/**
 * The certificate site whose value `edit` changed, as it stands in the new text (its new value and span), when
 * reuseStructure would reuse the structure: what a hover there needs before the new version is analysed.
 */
export function editedSite(before: Structure, beforeText: string, edit: TextEdit): Site | undefined {
  const changed = valueEdit(before, beforeText, edit);
  const site = changed && before.sites.find((s) => s.field === changed.field);
  if (!changed || !site) return undefined;
  const { field, value, delta } = changed;
  return {
    ...site,
    field: {
      ...field,
      value,
      span: { start: field.span.start, end: field.span.end + delta },
      pairSpan: { start: field.pairSpan.start, end: field.pairSpan.end + delta },
    },
  };
}

/** The field whose plain value `edit` changes, and to what, when the edit changes nothing else about the document. */
function valueEdit(before: Structure, beforeText: string, edit: TextEdit): { field: Field; value: string; delta: number } | undefined {
  const config = before.kubeconfig;
  if (before.kind !== 'kubeconfig' || !config || before.objects.length > 0 || before.findings.length > 0) return undefined;
  if (!PLAIN_SAFE.test(edit.newText)) return undefined;
  // An alias stands for its anchor's value in another entry too: with any, the whole document is read again.
  if (beforeText.includes('*')) return undefined;
  const field = fieldAround(config, edit.span);
  if (!field || !field.isScalar || field.style !== 'plain' || FILE_KEYS.has(field.key) || field.value === '') return undefined;
  // The old value must be its own source text (one line, nothing folded or normalised): then the edit of the text is
  // an edit of this value alone.
  if (beforeText.slice(field.span.start, field.span.end) !== field.value) return undefined;
  const delta = edit.newText.length - (edit.span.end - edit.span.start);
  const value = field.value.slice(0, edit.span.start - field.span.start) + edit.newText + field.value.slice(edit.span.end - field.span.start);
  if (value === '' || !PLAIN_SAFE.test(value) || !readsAsPlainString(value)) return undefined;
  return { field, value, delta };
}

/** The body field or current-context whose value holds the whole edit. */
function fieldAround(config: Kubeconfig, span: Span): Field | undefined {
  const holds = (f: Field | undefined): f is Field => f !== undefined && f.span.start <= span.start && span.end <= f.span.end;
  if (holds(config.currentContext)) return config.currentContext;
  const entry = entryAt(config, span.start);
  if (!entry) return undefined;
  for (const f of entry.fields.values()) if (holds(f)) return f;
  return undefined;
}

/** Whether YAML reads `value` after a key as this very string, as a plain scalar, without complaint. */
function readsAsPlainString(value: string): boolean {
  const parsed = parseText(`k: ${value}\n`);
  const root =
    parsed.documents.length === 1 && parsed.findings.length === 0 && parsed.documents[0].errors.length === 0 ? parsed.documents[0].contents : undefined;
  if (!isMap(root) || root.items.length !== 1) return false;
  const scalar = root.items[0].value;
  return isScalar(scalar) && scalar.type === 'PLAIN' && scalar.value === value;
}
