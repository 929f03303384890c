// What a mutator is. Each takes text and returns new text, or undefined when it has nothing to work on here.
import type { Corpus, Seed } from './corpus';
import type { Random } from './random';

export type Level = 'bytes' | 'yaml' | 'base64' | 'pem' | 'der';

export interface MutationContext {
  rng: Random;
  corpus: Corpus;
  seed: Seed;
  /** Adds a detail to this step of the chain ("depth 100000", "label CERTIFICATE→PRIVATE KEY"). */
  note(detail: string): void;
}

export interface Mutator {
  name: string;
  level: Level;
  /** Relative frequency within its level. */
  weight?: number;
  apply(text: string, ctx: MutationContext): string | undefined;
}

/** Replaces text[start, end) with `by`. */
export function splice(text: string, start: number, end: number, by: string): string {
  return text.slice(0, start) + by + text.slice(end);
}

/** The offsets where each line starts. */
export function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** A random `key: value` line (its bounds, indentation, key and value bounds), if the text has one. */
export function randomPairLine(text: string, rng: Random, keyPattern = /^([ \t]*(?:- )?)([A-Za-z0-9_.<>\-"']+)\s*:(?:[ \t]+|$)/): PairLine | undefined {
  const starts = lineStarts(text);
  for (let attempt = 0; attempt < 12; attempt++) {
    const i = rng.int(starts.length);
    const start = starts[i];
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const m = keyPattern.exec(line);
    if (!m) continue;
    const valueStart = start + m[0].length;
    const valueEnd = line.endsWith('\r') ? end - 1 : end;
    return { start, end, indent: m[1], key: m[2], valueStart, valueEnd: Math.max(valueStart, valueEnd) };
  }
  return undefined;
}

export interface PairLine {
  start: number;
  end: number;
  indent: string;
  key: string;
  valueStart: number;
  valueEnd: number;
}
