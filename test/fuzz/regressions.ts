// Every input that ever failed, kept as test/fuzz/regressions/<sha256-prefix>.yaml with a JSON sidecar that says
// where it came from (seed, round, mutator chain) and how it failed; one too large to keep as text (hundreds of kB of
// nesting or aliases) is a sidecar alone, whose `generate` writes it again. fuzz.test.ts replays each one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChain, type Input, type Step } from './mutators';
import type { CheckRequest, Failure } from './oracle';

export interface RegressionMeta {
  /** sha256 of the UTF-8 text: the replay proves it reads back the very input that failed. */
  sha256: string;
  characters: number;
  seed: number;
  round: number;
  seedName: string;
  chain: string;
  steps: Step[];
  failures: Failure[];
  request: Omit<CheckRequest, 'text'>;
  found: string;
  node: string;
  /** Set while the fix is someone else's work in progress: what is wrong and where. The replay is then a TODO. */
  todo?: string;
  /** The input as a recipe, for one too large to keep as text; `sha256` holds it to the very input that failed or its reproduction. */
  generate?: Part[];
}

/**
 * Text as is; a text repeated; `count` lines, the i-th indented by i × `indent` spaces, with {i} replaced by i; or the
 * base64 of what the inner parts make (read as Latin-1 bytes).
 */
export type Part = string | { repeat: string; times: number } | { line: string; count: number; indent?: number } | { base64: Part[] };

export function generate(parts: Part[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else if ('repeat' in part) out.push(part.repeat.repeat(part.times));
    else if ('base64' in part) out.push(Buffer.from(generate(part.base64), 'latin1').toString('base64'));
    else for (let i = 0; i < part.count; i++) out.push(' '.repeat(i * (part.indent ?? 0)) + part.line.replaceAll('{i}', String(i)) + '\n');
  }
  return out.join('');
}

export interface Regression {
  name: string;
  text: string;
  meta: RegressionMeta;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function requestOf(input: Input): CheckRequest {
  const { text, positions, server, hoverFirst, edit, languageId } = input;
  return { text, positions, server, hoverFirst, edit, languageId };
}

/** Writes the input and its sidecar (once per distinct text); returns the file name. */
export function saveRegression(dir: string, input: Input, failures: Failure[]): string {
  mkdirSync(dir, { recursive: true });
  const hash = sha256(input.text);
  const name = hash.slice(0, 16);
  const file = join(dir, `${name}.yaml`);
  if (!existsSync(file)) {
    const { text: _text, ...request } = requestOf(input);
    void _text;
    const meta: RegressionMeta = {
      sha256: hash,
      characters: input.text.length,
      seed: input.seed,
      round: input.round,
      seedName: input.seedName,
      chain: describeChain(input.chain),
      steps: input.chain,
      failures,
      // Replays always go to the server too: a regression is cheap to check both ways.
      request: { ...request, server: true },
      found: new Date().toISOString(),
      node: process.version,
    };
    writeFileSync(file, input.text, 'utf8');
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(meta, null, 2) + '\n');
  }
  return `${name}.yaml`;
}

export function loadRegressions(dir: string): Regression[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir);
  const generated = files
    .filter((f) => f.endsWith('.json') && !files.includes(f.replace(/\.json$/, '.yaml')))
    .map((f) => {
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionMeta;
      if (!meta.generate) throw new Error(`${f} has neither a .yaml beside it nor a "generate" recipe`);
      return { name: f, text: generate(meta.generate), meta };
    });
  const kept = files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const base = f.slice(0, -'.yaml'.length);
      const text = readFileSync(join(dir, f), 'utf8');
      const sidecar = join(dir, `${base}.json`);
      const meta: RegressionMeta = existsSync(sidecar)
        ? (JSON.parse(readFileSync(sidecar, 'utf8')) as RegressionMeta)
        : // A hand-written regression needs no sidecar: it is checked at its start, middle and end.
          {
            sha256: sha256(text),
            characters: text.length,
            seed: 0,
            round: 0,
            seedName: '(hand-written)',
            chain: '',
            steps: [],
            failures: [],
            request: { positions: [0, Math.floor(text.length / 2), text.length], server: true, hoverFirst: false, languageId: 'yaml' },
            found: '',
            node: '',
          };
      return { name: f, text, meta };
    });
  return [...kept, ...generated].sort((a, b) => a.name.localeCompare(b.name));
}

/** One line per failure kind and place, without the numbers: the same bug found twice has one signature. */
export function signatureOf(f: Failure): string {
  const message = f.message
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/"[^"]{20,}"/g, '"…"')
    .slice(0, 160);
  return `${f.kind} @ ${f.phase}: ${message}`;
}
