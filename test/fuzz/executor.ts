// Runs checks in a worker thread under a watchdog. Each phase the worker reports starts a timer; a phase that
// outlives it (a synchronous hang) or a worker that dies (out of memory, an abort, an uncaught error) becomes a
// failure of that input, and the next input gets a fresh worker.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { LIMIT_MS, limitMs, type CheckOutcome, type CheckRequest, type Failure } from './oracle';
import type { AnalyseResult, FromWorker, ToWorker } from './worker';

export interface ExecutorOptions {
  /** How long one phase may run before the worker is presumed hung (default: 4× the 2 s limit; at least twice an input's own limit). */
  hangMs?: number;
  /** Heap limit of the worker, in MB: a memory bomb ends the worker instead of the machine. */
  heapMb?: number;
}

interface Pending {
  id: number;
  phase: string;
  phaseStarted: number;
  characters: number;
  timer?: NodeJS.Timeout;
  settle(result: { outcome?: CheckOutcome; analysed?: AnalyseResult; failure?: Failure }): void;
}

export class Executor {
  private worker?: Worker;
  private ready?: Promise<void>;
  private pending?: Pending;
  private nextId = 0;
  /** Workers started after the first (each follows a hang or a crash). */
  restarts = -1;
  private readonly hangMs: number;
  private readonly heapMb: number;

  constructor(options: ExecutorOptions = {}) {
    this.hangMs = options.hangMs ?? 4 * LIMIT_MS;
    this.heapMb = options.heapMb ?? 2048;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.restarts++;
    // The language server runs on a main thread with V8's default stack (984 KB); a 1 MB worker stack leaves 832 KB
    // to JavaScript, so what fits here fits there.
    const worker = new Worker(join(__dirname, 'worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, stackSizeMb: 1 },
      stdout: true,
      stderr: true,
    });
    // Nothing the core might print belongs on the fuzzer's output.
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: FromWorker): void => {
        if (m.type === 'ready') {
          worker.off('message', onReady);
          resolve();
        }
      };
      worker.on('message', onReady);
      worker.once('error', reject);
    });
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e: Error) => this.die(worker, `the worker died: ${e.message}`, e.stack));
    worker.on('exit', (code) => this.die(worker, `the worker exited with code ${code}`));
    return this.ready;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending;
    if (!p || m.type === 'ready' || m.id !== p.id) return;
    if (m.type === 'phase') {
      p.phase = m.phase;
      p.phaseStarted = performance.now();
      this.arm(p);
    } else if (m.type === 'done') p.settle({ outcome: m.outcome });
    else p.settle({ analysed: m.result });
  }

  private arm(p: Pending): void {
    clearTimeout(p.timer);
    const budget = Math.max(this.hangMs, 2 * limitMs(p.characters));
    p.timer = setTimeout(() => {
      const ms = performance.now() - p.phaseStarted;
      p.settle({
        failure: { kind: 'hang', phase: p.phase, message: `no result ${ms.toFixed(0)} ms into ${p.phase}: the thread was blocked and was stopped`, ms },
      });
      void this.kill();
    }, budget);
  }

  private die(worker: Worker, message: string, stack?: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.ready = undefined;
    const p = this.pending;
    if (p) p.settle({ failure: { kind: 'crash', phase: p.phase, message, stack } });
  }

  private async kill(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
  }

  private async run(message: ToWorker, characters: number): Promise<{ outcome?: CheckOutcome; analysed?: AnalyseResult; failure?: Failure }> {
    await this.start();
    return new Promise((resolve) => {
      const p: Pending = {
        id: message.id,
        phase: message.type === 'analyse' ? 'core.analyse' : 'start',
        phaseStarted: performance.now(),
        characters,
        settle: (r) => {
          if (this.pending !== p) return;
          clearTimeout(p.timer);
          this.pending = undefined;
          resolve(r);
        },
      };
      this.pending = p;
      this.arm(p);
      this.worker!.postMessage(message);
    });
  }

  /** The core's checks of one input (the server's are lspServer.ts's). */
  async check(request: CheckRequest): Promise<CheckOutcome> {
    const { positions, hoverFirst, edit, languageId, text, timeAllowance } = request;
    const r = await this.run({ type: 'check', id: ++this.nextId, text, positions, hoverFirst, edit, languageId, timeAllowance }, text.length);
    if (r.outcome) return r.outcome;
    return { failures: [r.failure!], timings: { [r.failure!.phase]: r.failure!.ms ?? 0 }, findings: 0, codes: [] };
  }

  /** One bare analysis in the worker: what it found and how long it took (limits.test.ts). */
  async analyse(text: string): Promise<AnalyseResult | { failure: Failure }> {
    const r = await this.run({ type: 'analyse', id: ++this.nextId, text }, text.length);
    return r.analysed ?? { failure: r.failure! };
  }

  async close(): Promise<void> {
    await this.kill();
  }
}
