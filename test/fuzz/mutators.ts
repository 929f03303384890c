// Every mutator, and how a round turns (seed, round) into one input: a seed and a short chain of mutations.
import type { Corpus } from './corpus';
import type { Level, MutationContext, Mutator } from './mutation';
import { byteMutators } from './mutators/bytes';
import { derMutators } from './mutators/der';
import { base64Mutators, pemMutators } from './mutators/encoding';
import { strictMutators } from './mutators/strict';
import { yamlMutators } from './mutators/yaml';
import { Random } from './random';

export { Random } from './random';
export type { Level, Mutator } from './mutation';

export const MUTATORS: Mutator[] = [...byteMutators, ...yamlMutators, ...base64Mutators, ...pemMutators, ...derMutators, ...strictMutators];

/** How often each level is chosen: the encodings hold the certificates, so they get the larger share. */
const LEVEL_WEIGHTS: Array<readonly [number, Level]> = [
  [15, 'bytes'],
  [30, 'yaml'],
  [15, 'base64'],
  [15, 'pem'],
  [25, 'der'],
];

/** Past this size a step is refused: the size limits themselves are tested on purpose (limits.test.ts), not by accident. */
export const MAX_CHARACTERS = 8 * 1024 * 1024;

export interface Step {
  mutator: string;
  level: Level;
  detail: string[];
}

export interface Input {
  seed: number;
  round: number;
  seedName: string;
  chain: Step[];
  text: string;
  /** Offsets to hover and ask for code actions at. */
  positions: number[];
  /** Send it to the server too. */
  server: boolean;
  /** Send the hover before the diagnostics arrive (the analysis-under-way path). */
  hoverFirst: boolean;
  /** Edit the document once after it is open (an incremental change). */
  edit?: { offset: number; deleteCount: number; insert: string };
  languageId: string;
}

export function generateInput(corpus: Corpus, seed: number, round: number, opts: { serverEvery: number; maxCharacters?: number }): Input {
  const maxCharacters = opts.maxCharacters ?? MAX_CHARACTERS;
  const rng = Random.of(seed, round);
  const seedDoc = rng.pick(corpus.seeds);
  let text = seedDoc.text;
  const chain: Step[] = [];
  const length = rng.weighted([
    [40, 1],
    [30, 2],
    [18, 3],
    [8, 4],
    [4, 6],
  ] as const);
  for (let i = 0; i < length; i++) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const level = rng.weighted(LEVEL_WEIGHTS);
      const candidates = MUTATORS.filter((m) => m.level === level);
      const mutator = rng.weighted(candidates.map((m) => [m.weight ?? 1, m] as const));
      const step: Step = { mutator: mutator.name, level, detail: [] };
      const ctx: MutationContext = { rng: rng.fork(`${i}/${attempt}`), corpus, seed: seedDoc, note: (d) => void step.detail.push(d) };
      let next: string | undefined;
      try {
        next = mutator.apply(text, ctx);
      } catch (e) {
        // A mutator's own bug must not look like Kubecert's: note it and try another.
        step.detail.push(`mutator failed: ${(e as Error).message}`);
        next = undefined;
      }
      if (next === undefined || next === text || next.length > maxCharacters) continue;
      text = next;
      chain.push(step);
      break;
    }
  }
  const positions = Array.from({ length: 3 }, () => positionIn(text, rng));
  const editAt = positionIn(text, rng);
  return {
    seed,
    round,
    seedName: seedDoc.name,
    chain,
    text,
    positions,
    server: opts.serverEvery > 0 && round % opts.serverEvery === 0,
    hoverFirst: rng.chance(0.5),
    edit: rng.chance(0.3) ? { offset: editAt, deleteCount: rng.int(3), insert: rng.pick(['', 'x', '\n', ' ', '-----', '=', ': ']) } : undefined,
    languageId: rng.pick(['yaml', 'kubeconfig', 'json']),
  };
}

/** Mostly inside a value worth hovering (base64, a name), sometimes anywhere, sometimes at the ends. */
function positionIn(text: string, rng: Random): number {
  const r = rng.next();
  if (r < 0.05) return 0;
  if (r < 0.1) return text.length;
  if (r < 0.6) {
    const interesting = [...text.slice(0, 2_000_000).matchAll(/[A-Za-z0-9+/]{40,}|name: |cluster: |user: |current-context: |token: /g)];
    if (interesting.length) {
      const m = rng.pick(interesting);
      return m.index! + rng.int(m[0].length + 1);
    }
  }
  return rng.int(text.length + 1);
}

export function describeChain(chain: Step[]): string {
  return chain.map((s) => (s.detail.length ? `${s.mutator}(${s.detail.join(', ')})` : s.mutator)).join(' → ') || '(seed as is)';
}
