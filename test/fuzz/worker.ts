// The thread that runs the core's checks. The main thread watches it, so a synchronous hang, a memory blow-up or
// an abort ends this thread, not the fuzzer. (The server is a process of its own: lspServer.ts.)
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { analyse } from '../../server/src/core';
import { DOC_PATH, fuzzHost, loadCorpus } from './corpus';
import { checkCore, FUZZ_NOW, type CheckOutcome, type CheckRequest, type OracleContext } from './oracle';

export type ToWorker = ({ type: 'check' } & Omit<CheckRequest, 'server'> & { id: number }) | { type: 'analyse'; id: number; text: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'phase'; id: number; phase: string }
  | { type: 'done'; id: number; outcome: CheckOutcome }
  | { type: 'analysed'; id: number; result: AnalyseResult };

/** What limits.test.ts needs to know of one analysis. */
export interface AnalyseResult {
  ms: number;
  count: number;
  findings: Array<{ code: string; message: string; start: number; end: number }>;
  threw?: string;
}

const port = parentPort!;
const corpus = loadCorpus();
const host = fuzzHost(corpus);
const send = (m: FromWorker): void => port.postMessage(m);

port.on('message', handle);

function handle(msg: ToWorker): void {
  if (msg.type === 'analyse') {
    const started = performance.now();
    try {
      const a = analyse(msg.text, { now: FUZZ_NOW, path: DOC_PATH, host });
      send({
        type: 'analysed',
        id: msg.id,
        result: {
          ms: performance.now() - started,
          count: a.findings.length,
          // The first twenty, and every limit or syntax error wherever it is.
          findings: a.findings
            .filter((f, i) => i < 20 || f.code === 'input-limit' || f.code === 'yaml-syntax')
            .map((f) => ({ code: f.code, message: f.message, start: f.span.start, end: f.span.end })),
        },
      });
    } catch (e) {
      send({ type: 'analysed', id: msg.id, result: { ms: performance.now() - started, count: 0, findings: [], threw: (e as Error).stack ?? String(e) } });
    }
    return;
  }
  const timings: Record<string, number> = {};
  const ctx: OracleContext = { host, secrets: corpus.secrets, phase: (phase) => send({ type: 'phase', id: msg.id, phase }) };
  const core = checkCore(msg.text, { ...msg, server: false }, ctx, timings);
  const codes = [...new Set(core.analysis?.findings.map((f) => f.code) ?? [])];
  send({ type: 'done', id: msg.id, outcome: { failures: core.failures, timings, findings: core.analysis?.findings.length ?? 0, codes } });
}

send({ type: 'ready' });
