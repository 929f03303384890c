// The fuzzer's command line: node out/test/fuzz/run.js --seconds N --seed S [--server] [--out dir]
//   --seconds N        run rounds until N seconds have passed (default 60)
//   --seed S           the round generator's seed (default: from the clock, printed so the run can be repeated)
//   --server           send every input to the built server (dist/server.js) too (default: every --server-every-th, 10)
//   --max-characters N refuse mutations past N characters (default 8 MiB)
//   --out DIR          where failing inputs go (default test/fuzz/regressions; --no-out writes nothing)
//   --max-inputs N     stop after N inputs
//   --round R          start at round R (with --max-inputs 1: replay exactly one round)
//   --print-round R    print the input of round R (its chain on stderr) and exit
//   --replay FILE      check one file (a regression's .yaml or generated .json, or any document) against core and server
//   --minimise FILE    shrink a failing regression while it fails the same way; writes the result beside it
//   --budget S         seconds --minimise may take (default 120)
//   --json             print the summary as JSON
//   --write-corpus     rebuild test/fuzz/corpus/ from test/support/pki.ts and exit
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CORPUS_DIR, loadCorpus, REGRESSIONS_DIR, ROOT } from './corpus';
import { writeCorpus } from './corpusGen';
import { formatSummary, fuzz } from './engine';
import { Checker } from './checker';
import { minimise } from './minimise';
import { describeChain, generateInput } from './mutators';
import { LIMIT_MS } from './oracle';
import { loadRegressions, saveRegression } from './regressions';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function numberOption(args: string[], name: string, fallback?: number): number | undefined {
  const v = option(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} needs a number, not "${v}"`);
  return n;
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      readFileSync(__filename, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('//'))
        .map((l) => l.slice(3))
        .join('\n') + '\n',
    );
    return 0;
  }
  if (args.includes('--write-corpus')) {
    const files = writeCorpus(CORPUS_DIR);
    process.stdout.write(`wrote ${files.length} files to ${CORPUS_DIR}\n`);
    return 0;
  }
  const seed = numberOption(args, '--seed') ?? Date.now() % 1_000_000_000;
  const printRound = numberOption(args, '--print-round');
  if (printRound !== undefined) {
    const input = generateInput(loadCorpus(), seed, printRound, { serverEvery: 1 });
    process.stderr.write(`seed ${seed} round ${printRound}: ${input.seedName} → ${describeChain(input.chain)}\n`);
    process.stdout.write(input.text);
    return 0;
  }
  const replay = option(args, '--replay');
  if (replay) {
    const path = isAbsolute(replay) ? replay : resolve(process.cwd(), replay);
    const regression = loadRegressions(dirname(path)).find((r) => join(dirname(path), r.name) === path);
    const text = regression?.text ?? readFileSync(path, 'utf8');
    const request = regression?.meta.request ?? {
      positions: [0, Math.floor(text.length / 2), text.length],
      server: true,
      hoverFirst: false,
      languageId: 'yaml',
    };
    const checker = new Checker(loadCorpus());
    try {
      const outcome = await checker.check({ text, ...request });
      process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
      return outcome.failures.length ? 1 : 0;
    } finally {
      await checker.close();
    }
  }
  const toMinimise = option(args, '--minimise');
  if (toMinimise) {
    const path = isAbsolute(toMinimise) ? toMinimise : resolve(process.cwd(), toMinimise);
    const dir = dirname(path);
    const regression = loadRegressions(dir).find((r) => join(dir, r.name) === path);
    if (!regression) throw new Error(`${path} is not a .yaml file in a regressions folder`);
    const checker = new Checker(loadCorpus(), { hangMs: LIMIT_MS + 1000 });
    try {
      const request = { text: regression.text, ...regression.meta.request, edit: undefined };
      const r = await minimise(checker, request, { budgetMs: numberOption(args, '--budget', 120)! * 1000, log: (l) => process.stderr.write(l + '\n') });
      if (r.signatures.length === 0) {
        process.stdout.write(`${regression.name} no longer fails: nothing to minimise\n`);
        return 0;
      }
      const outcome = await checker.check({ ...request, text: r.text, positions: request.positions.map((p) => Math.min(p, r.text.length)) });
      const { meta } = regression;
      const file = saveRegression(
        dir,
        {
          ...request,
          text: r.text,
          positions: request.positions.map((p) => Math.min(p, r.text.length)),
          seed: meta.seed,
          round: meta.round,
          seedName: meta.seedName,
          chain: [...meta.steps, { mutator: 'minimise', level: 'bytes', detail: [`from ${regression.name}`, `${r.tries} tries`] }],
        },
        outcome.failures,
      );
      process.stdout.write(`${regression.text.length} → ${r.text.length} characters in ${r.tries} tries: ${file}\n${r.signatures.join('\n')}\n`);
      return 0;
    } finally {
      await checker.close();
    }
  }
  const out = args.includes('--no-out') ? undefined : (option(args, '--out') ?? REGRESSIONS_DIR);
  const summary = await fuzz({
    seconds: numberOption(args, '--seconds', 60)!,
    seed,
    server: args.includes('--server'),
    serverEvery: numberOption(args, '--server-every', 10),
    out: out && !isAbsolute(out) ? join(process.cwd(), out) : out,
    maxInputs: numberOption(args, '--max-inputs'),
    maxCharacters: numberOption(args, '--max-characters'),
    startRound: numberOption(args, '--round'),
    log: args.includes('--json') ? undefined : (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write((args.includes('--json') ? JSON.stringify(summary, null, 2) : formatSummary(summary)) + '\n');
  return summary.failingInputs > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${(e as Error).stack ?? String(e)}\n(root ${ROOT})\n`);
    process.exitCode = 2;
  },
);
