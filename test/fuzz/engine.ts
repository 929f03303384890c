// The fuzzing loop: rounds until the time or the count is up, each input checked by the core in the watched worker
// and every `serverEvery`-th by the built server over stdio; every failure kept.
import { performance } from 'node:perf_hooks';
import { Checker } from './checker';
import { corpusId, loadCorpus } from './corpus';
import { describeChain, generateInput, MAX_CHARACTERS, MUTATORS, type Input } from './mutators';
import type { CheckOutcome, Failure } from './oracle';
import { requestOf, saveRegression, signatureOf } from './regressions';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  /** Send every input to the server (otherwise every `serverEvery`-th). */
  server?: boolean;
  serverEvery?: number;
  /** Where failing inputs are written; undefined writes nothing. */
  out?: string;
  maxInputs?: number;
  /** Mutations that would make an input longer than this are refused (default 8 MiB). */
  maxCharacters?: number;
  /** First round (to resume or to replay one round). */
  startRound?: number;
  hangMs?: number;
  /** See CheckRequest.timeAllowance. */
  timeAllowance?: number;
  log?: (line: string) => void;
}

export interface FailureGroup {
  signature: string;
  count: number;
  /** The smallest failing input seen for this signature. */
  example: { round: number; characters: number; chain: string; seedName: string; failure: Failure; file?: string };
}

export interface FuzzSummary {
  seed: number;
  /** Which seeds the rounds were made from (a hash of their names and bytes): the same seed and corpus, the same inputs. */
  corpus: string;
  seconds: number;
  elapsedMs: number;
  inputs: number;
  serverInputs: number;
  rounds: { first: number; last: number };
  byMutator: Record<string, number>;
  byLevel: Record<string, number>;
  failingInputs: number;
  groups: FailureGroup[];
  slowest: { ms: number; phase: string; round: number; characters: number; chain: string };
  /** Finding codes the inputs produced: how deep the mutations reached. */
  codes: Record<string, number>;
  largestInput: number;
  workerRestarts: number;
  serverRestarts: number;
  /** The largest resident set of the server process, in MB. */
  serverPeakRssMb: number;
  /** Phases over the limit once but not when run again. */
  unconfirmedSlow: number;
  files: string[];
}

/** At most this many files per failure signature per run: the first, then only markedly smaller ones. */
const FILES_PER_SIGNATURE = 3;

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const log = options.log ?? (() => undefined);
  const corpus = loadCorpus();
  const checker = new Checker(corpus, { hangMs: options.hangMs, timeAllowance: options.timeAllowance });
  const generation = { serverEvery: 0, maxCharacters: options.maxCharacters ?? MAX_CHARACTERS };
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const serverEvery = options.server ? 1 : (options.serverEvery ?? 10);
  generation.serverEvery = serverEvery;
  const summary: FuzzSummary = {
    seed: options.seed,
    corpus: corpusId(corpus),
    seconds: options.seconds,
    elapsedMs: 0,
    inputs: 0,
    serverInputs: 0,
    rounds: { first: options.startRound ?? 0, last: -1 },
    byMutator: Object.fromEntries(MUTATORS.map((m) => [m.name, 0])),
    byLevel: {},
    failingInputs: 0,
    groups: [],
    slowest: { ms: 0, phase: '', round: -1, characters: 0, chain: '' },
    codes: {},
    largestInput: 0,
    workerRestarts: 0,
    serverRestarts: 0,
    serverPeakRssMb: 0,
    unconfirmedSlow: 0,
    files: [],
  };
  const groups = new Map<string, FailureGroup & { files: number; smallestSaved: number }>();
  let lastProgress = started;
  try {
    let next = generateInput(corpus, options.seed, options.startRound ?? 0, generation);
    for (
      let round = options.startRound ?? 0;
      performance.now() < deadline && (options.maxInputs === undefined || summary.inputs < options.maxInputs);
      round++
    ) {
      const input = next;
      const checking = checker.check(requestOf(input));
      // The worker checks this input on its thread while this one builds the next.
      next = generateInput(corpus, options.seed, round + 1, generation);
      const outcome = await checking;
      record(summary, input, outcome);
      if (outcome.failures.length) {
        summary.failingInputs++;
        for (const f of outcome.failures) {
          const signature = signatureOf(f);
          let g = groups.get(signature);
          const example = { round, characters: input.text.length, chain: describeChain(input.chain), seedName: input.seedName, failure: f };
          if (!g) groups.set(signature, (g = { signature, count: 0, example, files: 0, smallestSaved: Infinity }));
          g.count++;
          if (input.text.length < g.example.characters) g.example = { ...example, file: g.example.file };
          if (options.out && g.files < FILES_PER_SIGNATURE && input.text.length * 2 <= g.smallestSaved) {
            const file = saveRegression(options.out, input, outcome.failures);
            g.files++;
            g.smallestSaved = input.text.length;
            if (g.example.round === round) g.example.file = file;
            if (!summary.files.includes(file)) summary.files.push(file);
          }
        }
        log(
          `round ${round}: ${outcome.failures.map((f) => `${f.kind} @ ${f.phase}: ${f.message.slice(0, 140)}`).join('; ')}\n    ${input.seedName} → ${describeChain(input.chain).slice(0, 300)}`,
        );
      }
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        log(`… ${summary.inputs} inputs, ${summary.failingInputs} failing, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }
  } finally {
    summary.workerRestarts = Math.max(0, checker.executor.restarts);
    summary.serverRestarts = Math.max(0, checker.server.restarts);
    summary.serverPeakRssMb = checker.server.peakRssMb;
    summary.unconfirmedSlow = checker.unconfirmedSlow;
    await checker.close();
  }
  summary.elapsedMs = performance.now() - started;
  summary.groups = [...groups.values()].map(({ signature, count, example }) => ({ signature, count, example })).sort((a, b) => b.count - a.count);
  return summary;
}

function record(summary: FuzzSummary, input: Input, outcome: CheckOutcome): void {
  summary.inputs++;
  summary.rounds.last = input.round;
  if (input.server) summary.serverInputs++;
  summary.largestInput = Math.max(summary.largestInput, input.text.length);
  for (const step of input.chain) {
    summary.byMutator[step.mutator] = (summary.byMutator[step.mutator] ?? 0) + 1;
    summary.byLevel[step.level] = (summary.byLevel[step.level] ?? 0) + 1;
  }
  for (const code of outcome.codes) summary.codes[code] = (summary.codes[code] ?? 0) + 1;
  for (const [phase, ms] of Object.entries(outcome.timings)) {
    if (ms > summary.slowest.ms) summary.slowest = { ms, phase, round: input.round, characters: input.text.length, chain: describeChain(input.chain) };
  }
}

export function formatSummary(s: FuzzSummary): string {
  const lines: string[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  lines.push(
    `Kubecert fuzz — seed ${s.seed}, corpus ${s.corpus}, ${(s.elapsedMs / 1000).toFixed(1)} s (budget ${s.seconds} s), rounds ${s.rounds.first}–${s.rounds.last}`,
  );
  lines.push(
    `inputs tried: ${n(s.inputs)} (${(s.inputs / (s.elapsedMs / 1000)).toFixed(1)}/s), ${n(s.serverInputs)} also through the server over stdio; largest ${n(s.largestInput)} characters`,
  );
  lines.push(
    `worker restarts ${s.workerRestarts}, server restarts ${s.serverRestarts}, server peak RSS ${s.serverPeakRssMb.toFixed(0)} MB, slow once but not again ${s.unconfirmedSlow}`,
  );
  lines.push(
    `by level: ${Object.entries(s.byLevel)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')}`,
  );
  lines.push('by mutator:');
  const entries = Object.entries(s.byMutator);
  for (let i = 0; i < entries.length; i += 4)
    lines.push(
      '  ' +
        entries
          .slice(i, i + 4)
          .map(([k, v]) => `${k} ${n(v)}`.padEnd(28))
          .join(''),
    );
  lines.push(
    `finding codes reached: ${Object.keys(s.codes).length} — ${Object.entries(s.codes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')}`,
  );
  lines.push(
    `slowest input: ${s.slowest.ms.toFixed(0)} ms in ${s.slowest.phase || '-'} (round ${s.slowest.round}, ${n(s.slowest.characters)} characters: ${s.slowest.chain.slice(0, 200)})`,
  );
  lines.push(`failures: ${n(s.failingInputs)} failing input(s), ${s.groups.length} distinct`);
  for (const g of s.groups) {
    lines.push(`  ×${n(g.count)} ${g.signature}`);
    lines.push(
      `      smallest: round ${g.example.round}, ${n(g.example.characters)} characters, ${g.example.seedName} → ${g.example.chain.slice(0, 240)}${g.example.file ? ` [${g.example.file}]` : ''}`,
    );
  }
  if (s.files.length) lines.push(`regression files written: ${s.files.join(', ')}`);
  return lines.join('\n');
}
