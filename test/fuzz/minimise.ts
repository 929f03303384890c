// Shrinks a failing input while it keeps failing the same way: whole lines first (delta debugging), then long
// tokens halved. What a report quotes, and what a regression keeps, should be the smallest input that still fails.
import { performance } from 'node:perf_hooks';
import type { CheckOutcome, CheckRequest } from './oracle';
import { signatureOf } from './regressions';

export interface MinimiseOptions {
  /** Stop after this long, with the smallest input so far. */
  budgetMs: number;
  /** Only failures with these signatures count as "still failing" (default: those of the original). */
  signatures?: string[];
  log?: (line: string) => void;
}

export async function minimise(
  checker: { check(request: CheckRequest): Promise<CheckOutcome> },
  request: CheckRequest,
  options: MinimiseOptions,
): Promise<{ text: string; tries: number; signatures: string[] }> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  let tries = 0;
  const check = async (text: string) => {
    tries++;
    const positions = request.positions.map((p) => Math.min(p, text.length));
    return checker.check({ ...request, text, positions });
  };
  const first = await check(request.text);
  const wanted = options.signatures ?? first.failures.map(signatureOf);
  if (wanted.length === 0) return { text: request.text, tries, signatures: [] };
  const stillFails = async (text: string): Promise<boolean> => (await check(text)).failures.some((f) => wanted.includes(signatureOf(f)));
  const timeLeft = () => performance.now() - started < options.budgetMs;

  // 1. Lines, in chunks that halve (ddmin without the complement step: enough for inputs of a few thousand lines).
  let lines = request.text.split('\n');
  for (let chunk = Math.max(1, Math.floor(lines.length / 2)); chunk >= 1 && timeLeft(); chunk = Math.floor(chunk / 2)) {
    for (let i = 0; i < lines.length && timeLeft();) {
      const candidate = [...lines.slice(0, i), ...lines.slice(i + chunk)];
      if (candidate.length < lines.length && (await stillFails(candidate.join('\n')))) {
        lines = candidate;
        log(`  ${lines.length} lines`);
      } else i += chunk;
    }
    if (chunk === 1) break;
  }
  // 2. Long runs of the same character or long tokens, halved while it still fails.
  let text = lines.join('\n');
  for (let pass = 0; pass < 20 && timeLeft(); pass++) {
    const long = [...text.matchAll(/(.)\1{63,}|[A-Za-z0-9+/=]{128,}/g)].sort((a, b) => b[0].length - a[0].length)[0];
    if (!long) break;
    const half = long[0].slice(0, Math.floor(long[0].length / 2));
    const candidate = text.slice(0, long.index!) + half + text.slice(long.index! + long[0].length);
    if (await stillFails(candidate)) {
      text = candidate;
      log(`  ${text.length} characters`);
    } else break;
  }
  return { text, tries, signatures: wanted };
}
