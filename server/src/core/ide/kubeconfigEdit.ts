// What to change in a kubeconfig's text to switch context or namespace: one value, every other byte kept.
// Pure: the writer (locks, atomic rename) lives with its caller.
import { lineEnding, lineStart, nextLineStart, replaceValue, scalar, type TextEdit } from './edits';
import { findEntry, isKubeconfig, readKubeconfig, type Kubeconfig } from '../model/kubeconfig';
import { parseText } from '../syntax/parse';

/** A refusal; `at` is the offset of what is wrong, when it has a place (the caller names its line). */
export type EditError = { ok: false; error: string; at?: number };
export type EditResult = { ok: true; edits: TextEdit[]; text: string } | EditError;

/** Parses a kubeconfig for editing; refuses anything with a syntax error. */
export function parseForEdit(text: string): { ok: true; config: Kubeconfig } | EditError {
  const parsed = parseText(text);
  const syntax = parsed.findings.find((f) => f.code === 'yaml-syntax' || f.code === 'input-limit');
  if (syntax) return { ok: false, error: syntax.message, at: syntax.span.start };
  const index = parsed.documents.findIndex((d) => isKubeconfig(d));
  if (parsed.documents.length === 0 || text.trim() === '') return { ok: true, config: readKubeconfig(parseText('{}').documents[0], 0, '{}') };
  if (index < 0) return { ok: false, error: 'not a kubeconfig (no kind: Config, clusters, users or contexts)' };
  return { ok: true, config: readKubeconfig(parsed.documents[index], index, text) };
}

function apply(text: string, edits: TextEdit[]): EditResult {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { ok: true, edits, text: out };
}

export function setCurrentContext(text: string, name: string): EditResult {
  if (text.trim() === '')
    return apply(text, [{ span: { start: 0, end: text.length }, newText: `apiVersion: v1\nkind: Config\ncurrent-context: ${scalar(name, false)}\n` }]);
  const parsed = parseForEdit(text);
  if (!parsed.ok) return parsed;
  const { config } = parsed;
  if (config.currentContext) return apply(text, [replaceValue(config.currentContext, name, config.json)]);
  return apply(text, [insertTopLevel(text, config, 'current-context', name)]);
}

export function setNamespace(text: string, contextName: string, namespace: string): EditResult {
  const parsed = parseForEdit(text);
  if (!parsed.ok) return parsed;
  const { config } = parsed;
  const context = findEntry(config.contexts, contextName);
  if (!context) return { ok: false, error: `no context named "${contextName}" in this file` };
  const existing = context.fields.get('namespace');
  if (existing) return apply(text, [replaceValue(existing, namespace, config.json)]);
  const anchor = context.fields.get('cluster') ?? context.fields.get('user') ?? [...context.fields.values()][0];
  if (
    anchor &&
    !config.json &&
    text[anchor.keySpan.start - 1] !== '{' &&
    !/[{,]\s*$/.test(text.slice(lineStart(text, anchor.keySpan.start), anchor.keySpan.start))
  ) {
    const pad = text.slice(lineStart(text, anchor.keySpan.start), anchor.keySpan.start);
    const at = nextLineStart(text, anchor.pairSpan.end);
    const nl = lineEnding(text);
    const needsBreak = at === text.length && !/[\r\n]$/.test(text);
    return apply(text, [
      { span: { start: at, end: at }, newText: `${needsBreak ? nl : ''}${' '.repeat(pad.length)}namespace: ${scalar(namespace, false)}${nl}` },
    ]);
  }
  if (anchor) {
    // Flow style / JSON: put the pair before the first key of the context body.
    const q = config.json || text[anchor.keySpan.start] === '"' ? JSON.stringify('namespace') : 'namespace';
    return apply(text, [{ span: { start: anchor.keySpan.start, end: anchor.keySpan.start }, newText: `${q}: ${JSON.stringify(namespace)}, ` }]);
  }
  return { ok: false, error: `context "${contextName}" has no body to put a namespace in` };
}

/** A new top-level key, where kubectl would put it (before `kind:` / after `contexts:`), or first in a JSON object. */
function insertTopLevel(text: string, config: Kubeconfig, key: string, value: string): TextEdit {
  if (config.json || text[config.root.start] === '{') {
    const at = config.root.start + 1;
    const empty = /^\s*}/.test(text.slice(at));
    return { span: { start: at, end: at }, newText: `${JSON.stringify(key)}: ${JSON.stringify(value)}${empty ? '' : ','}` };
  }
  const nl = lineEnding(text);
  const m = /^kind\s*:/m.exec(text);
  if (m) return { span: { start: m.index, end: m.index }, newText: `${key}: ${scalar(value, false)}${nl}` };
  const end = text.length;
  return { span: { start: end, end }, newText: `${/[\r\n]$/.test(text) ? '' : nl}${key}: ${scalar(value, false)}${nl}` };
}
