// Part of the test command (`node scripts/test.mjs fuzz`): a short bounded round with a fixed seed and a fixed number
// of inputs, which must find nothing, and a replay of every input that ever failed, each of which must now pass.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Checker } from './checker';
import { loadCorpus, REGRESSIONS_DIR } from './corpus';
import { formatSummary, fuzz } from './engine';
import { LIMIT_MS } from './oracle';
import { loadRegressions, sha256 } from './regressions';

/** Fixed: the same inputs on every run. */
const SEED = 20261121;
const INPUTS = Number(process.env.KUBECERT_FUZZ_INPUTS ?? 300);
/** Large inputs are the long round's: here they would cost seconds each. */
const MAX_CHARACTERS = 256 * 1024;
/**
 * Time limits here are 3× the issue's 2 s: the test command runs this suite after the others, alone, but its own
 * workers and server share two cores, and the 20,000-entry regressions take 1.2–1.8 s alone on this machine. Hangs
 * and quadratic costs, which these inputs once had (8 s and more), still fail; the 2 s bound itself is what
 * `npm run fuzz` judges.
 */
const TIME_ALLOWANCE = 3;
/** A phase running past its limit has failed already; waiting longer than this only costs suite time. */
const HANG_MS = TIME_ALLOWANCE * LIMIT_MS + 1000;

test(`a bounded round (seed ${SEED}, ${INPUTS} inputs) finds no failure`, { timeout: 180_000 }, async (t) => {
  // Failing inputs go to a scratch folder, never into the source tree during a test run; the seed reproduces them.
  const out = mkdtempSync(join(tmpdir(), 'kubecert-fuzz-'));
  const summary = await fuzz({
    seconds: 170,
    seed: SEED,
    maxInputs: INPUTS,
    maxCharacters: MAX_CHARACTERS,
    serverEvery: 5,
    out,
    hangMs: HANG_MS,
    timeAllowance: TIME_ALLOWANCE,
  });
  const report = formatSummary(summary);
  t.diagnostic(report.split('\n').slice(0, 3).join(' | '));
  assert.equal(summary.inputs, INPUTS, `only ${summary.inputs} of ${INPUTS} inputs in ${(summary.elapsedMs / 1000).toFixed(0)} s\n${report}`);
  assert.equal(
    summary.failingInputs,
    0,
    `${report}\n\nFailing inputs were written to ${out}; reproduce with: npm run fuzz -- --seed ${SEED} --max-inputs ${INPUTS} --max-characters ${MAX_CHARACTERS} --server-every 5`,
  );
});

const regressions = loadRegressions(REGRESSIONS_DIR);
let checker: Checker | undefined;
after(() => checker?.close());

for (const r of regressions) {
  const was = r.meta.failures.map((f) => `${f.kind} @ ${f.phase}`).join(', ') || 'hand-written';
  // A regression whose fix is someone else's work in progress says so in its sidecar ("todo"): it is listed as skipped,
  // with the reason, instead of failing the suite (or waiting out its hangs); KUBECERT_FUZZ_TODO=1 runs it anyway.
  const skip = r.meta.todo && !process.env.KUBECERT_FUZZ_TODO ? `known failure, to be fixed elsewhere: ${r.meta.todo}` : undefined;
  test(`regression ${r.name} (${was}) no longer fails`, { timeout: 60_000, skip, todo: skip ? undefined : r.meta.todo }, async () => {
    assert.equal(sha256(r.text), r.meta.sha256, `${r.name} does not read back as the input that failed (line endings or encoding changed?)`);
    checker ??= new Checker(loadCorpus(), { hangMs: HANG_MS, timeAllowance: TIME_ALLOWANCE });
    const outcome = await checker.check({ text: r.text, ...r.meta.request });
    assert.deepEqual(
      outcome.failures.map((f) => `${f.kind} @ ${f.phase}: ${f.message}${f.stack ? `\n${f.stack}` : ''}`),
      [],
      `${r.name}: ${r.meta.chain || '(hand-written)'}`,
    );
  });
}

test('the regressions folder stays small: inputs too large to keep as text are kept as generate recipes', () => {
  const bytes = readdirSync(REGRESSIONS_DIR).reduce((sum, f) => sum + statSync(join(REGRESSIONS_DIR, f)).size, 0);
  assert.ok(bytes < 300 * 1024, `test/fuzz/regressions holds ${bytes} bytes; keep it under 300 KB (store large inputs as "generate" recipes)`);
});
