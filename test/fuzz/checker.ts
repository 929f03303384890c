// One input, every check: the core in the watched worker, then (when asked) the built server over stdio. A phase
// that was only slow is run again before it counts: one slow run on a loaded machine is noise, two are a finding.
import type { Corpus } from './corpus';
import { Executor, type ExecutorOptions } from './executor';
import { ServerUnderTest } from './lspServer';
import type { CheckOutcome, CheckRequest, Failure } from './oracle';

export interface CheckerOptions extends ExecutorOptions {
  /** Every time limit of every check multiplied by this (CheckRequest.timeAllowance); default 1. */
  timeAllowance?: number;
}

export class Checker {
  readonly executor: Executor;
  readonly server: ServerUnderTest;
  /** Slow phases that were fast when run again. */
  unconfirmedSlow = 0;

  constructor(
    private readonly corpus: Corpus,
    private readonly options: CheckerOptions = {},
  ) {
    this.executor = new Executor(options);
    this.server = new ServerUnderTest(corpus);
  }

  async check(asked: CheckRequest): Promise<CheckOutcome> {
    const request: CheckRequest = this.options.timeAllowance ? { ...asked, timeAllowance: this.options.timeAllowance } : asked;
    const outcome = await this.executor.check(request);
    if (onlySlow(outcome.failures)) outcome.failures = this.confirmed(outcome.failures, (await this.executor.check(request)).failures);
    if (request.server) {
      const timings: Record<string, number> = {};
      let failures = await this.server.check(request, this.corpus, timings);
      if (onlySlow(failures)) failures = this.confirmed(failures, await this.server.check(request, this.corpus, {}));
      outcome.failures.push(...failures);
      for (const [phase, ms] of Object.entries(timings)) outcome.timings[phase] = ms;
    }
    return outcome;
  }

  /** The slow failures of the first run whose phase was slow again, and whatever else the second run found. */
  private confirmed(first: Failure[], again: Failure[]): Failure[] {
    const kept = first.filter((f) => again.some((g) => g.phase === f.phase && g.kind === 'slow'));
    this.unconfirmedSlow += first.length - kept.length;
    return [...kept, ...again.filter((g) => g.kind !== 'slow')];
  }

  async close(): Promise<void> {
    await Promise.all([this.executor.close(), this.server.close()]);
  }
}

function onlySlow(failures: Failure[]): boolean {
  return failures.length > 0 && failures.every((f) => f.kind === 'slow');
}
