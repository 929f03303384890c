// A child process that switches context and namespace through the product's writer (compiled
// client/src/kubeconfig/write.js), so a test can SIGKILL it at a chosen point. The job comes in
// KUBECERT_TEST_JOB; each stage of each write is reported on stdout as "<n> <stage> <path>"; with
// `pauseAt: n` the child stops for good at the n-th stage (the parent kills it there); with `waitForGo`
// it reports "ready" and starts when a byte arrives on stdin (the parent kills it after a delay).
import { readSync, writeSync } from 'node:fs';
import { useContext, useNamespace, type WriteStage } from '../../../client/src/kubeconfig/write';

export type Op = { context: string; namespace?: string };
export interface Job {
  files: string[];
  ops: Op[];
  pauseAt?: number;
  waitForGo?: boolean;
}

const job = JSON.parse(process.env.KUBECERT_TEST_JOB ?? '{}') as Job;
const say = (line: string): void => void writeSync(1, `${line}\n`);
let n = 0;
const at = (stage: WriteStage, path: string): void => {
  n++;
  say(`${n} ${stage} ${path}`);
  if (n === job.pauseAt) {
    say('paused');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
};

if (job.waitForGo) {
  say('ready');
  readSync(0, Buffer.alloc(1));
}
const started = process.hrtime.bigint();
for (const op of job.ops) {
  const r = op.namespace === undefined ? useContext(job.files, op.context, { at }) : useNamespace(job.files, op.context, op.namespace, { at });
  say(`result ${JSON.stringify(r)}`);
}
say(`done ${(process.hrtime.bigint() - started) / 1000n}`);
