// Text edits that change one thing and keep every other byte: comments, order, quoting, line endings.
import type { Field } from '../model/kubeconfig';
import type { Span } from '../findings/finding';

export interface TextEdit {
  span: Span;
  newText: string;
}

export function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just past the line break that ends the line containing `offset`. */
export function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  return i < text.length ? i + 1 : i;
}

const YAML_WORDS = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/** A scalar written so YAML and JSON read back exactly `value`. Plain when that is safe (and the old value was plain). */
export function scalar(value: string, json: boolean, preferPlain = true): string {
  if (!json && preferPlain && /^[A-Za-z0-9_][A-Za-z0-9._\/@+=-]*(:[A-Za-z0-9._\/@+=-]+)*$/.test(value) && !YAML_WORDS.test(value) && !/^[\d.+-]+$/.test(value))
    return value;
  return JSON.stringify(value);
}

/** The new value in the old value's style: plain stays plain when it can, quotes keep their kind. */
export function replaceValue(field: Field, value: string, json: boolean): TextEdit {
  if (!json && field.style === 'single') return { span: field.span, newText: `'${value.replace(/'/g, "''")}'` };
  return { span: field.span, newText: scalar(value, json, field.style !== 'double') };
}

/** Removes a `key: value` pair: whole lines in block style; the pair and one comma in flow style and JSON. */
export function removePair(text: string, field: Field): TextEdit {
  const start = lineStart(text, field.pairSpan.start);
  const before = text.slice(start, field.pairSpan.start);
  if (/^[ \t]*$/.test(before) && !isFlow(text, field)) {
    return { span: { start, end: nextLineStart(text, field.pairSpan.end) }, newText: '' };
  }
  // Flow/JSON: take the following comma (and the space after it), else the preceding one.
  let end = field.pairSpan.end;
  let i = end;
  while (i < text.length && /[ \t]/.test(text[i])) i++;
  if (text[i] === ',') {
    end = i + 1;
    while (end < text.length && /[ \t]/.test(text[end])) end++;
    // A JSON line holding only this pair: drop the whole line.
    if (/^[ \t]*$/.test(before) && (text[end] === '\n' || text[end] === '\r')) return { span: { start, end: nextLineStart(text, end) }, newText: '' };
    return { span: { start: field.pairSpan.start, end }, newText: '' };
  }
  let j = field.pairSpan.start - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  if (text[j] === ',') return { span: { start: j, end: field.pairSpan.end }, newText: '' };
  return { span: { start: field.pairSpan.start, end: field.pairSpan.end }, newText: '' };
}

function isFlow(text: string, field: Field): boolean {
  // A pair is in flow style when the key is quoted JSON-style or the line continues past the value with a comma.
  const after = text.slice(field.pairSpan.end, nextLineStart(text, field.pairSpan.end)).trim();
  return text[field.keySpan.start] === '"' || after.startsWith(',') || after.startsWith('}');
}

/** Replaces a pair's key and value together (embed/extract a certificate). */
export function replacePair(field: Field, key: string, value: string, json: boolean): TextEdit[] {
  return [
    { span: field.keySpan, newText: json ? JSON.stringify(key) : key },
    { span: field.span, newText: scalar(value, json) },
  ];
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
