// Runs the writer child and kills it with SIGKILL: at a stage it paused at, or a number of microseconds
// after it started writing. Returns the stages it reported, the last being where the kill landed.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Job } from './writer-child';

let bundled: string | undefined;
/**
 * The child, with the compiled writer and its dependencies in one file, as the extension ships them:
 * a node process that loads one file instead of ~80 starts ~30 ms sooner, which is most of a trial.
 */
function child(): string {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-child-'));
  chmodSync(dir, 0o755); // readable by the unprivileged user some tests run it as
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  bundled = join(dir, 'writer-child.js');
  buildSync({ entryPoints: [join(__dirname, 'writer-child.js')], bundle: true, platform: 'node', format: 'cjs', outfile: bundled, logLevel: 'warning' });
  return bundled;
}

export interface Event {
  n: number;
  stage: string;
  path: string;
}

export interface Run {
  events: Event[];
  /** The last stage reported before the kill, 'start' if none, 'done' if the child finished first. */
  landed: string;
  results: unknown[];
  killed: boolean;
  /** Microseconds the child took, when it finished. */
  tookUs?: number;
  pid: number;
}

export type Kill = { pauseAt: number } | { delayUs: number } | { never: true };

/** `as`: a command that runs the child as someone else, e.g. setpriv to an unprivileged user. */
export function runWriter(job: Omit<Job, 'pauseAt' | 'waitForGo'>, kill: Kill, as: string[] = []): Promise<Run> {
  const full: Job = { ...job, ...('pauseAt' in kill ? { pauseAt: kill.pauseAt } : {}), ...('delayUs' in kill ? { waitForGo: true } : {}) };
  const argv = [...as, process.execPath, child()];
  const p = spawn(argv[0], argv.slice(1), { env: { ...process.env, KUBECERT_TEST_JOB: JSON.stringify(full) }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let killed = false;
  const killNow = (): void => {
    killed = true;
    p.kill('SIGKILL');
  };
  p.stdout.setEncoding('utf8');
  p.stdout.on('data', (chunk: string) => {
    out += chunk;
    if (killed) return;
    if ('pauseAt' in kill && /^paused$/m.test(out)) killNow();
    if ('delayUs' in kill && /^ready$/m.test(out)) {
      p.stdin.write('g');
      const until = process.hrtime.bigint() + BigInt(Math.round(kill.delayUs * 1000));
      while (process.hrtime.bigint() < until) {
        // spin: timers are milliseconds, the writer's stages are microseconds apart
      }
      killNow();
    }
  });
  return new Promise((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code, signal) => {
      const lines = out.split('\n');
      const events = lines.flatMap((l) => {
        const m = /^(\d+) (\S+) (.*)$/.exec(l);
        return m ? [{ n: Number(m[1]), stage: m[2], path: m[3] }] : [];
      });
      const results = lines.filter((l) => l.startsWith('result ')).map((l) => JSON.parse(l.slice(7)) as unknown);
      const done = /^done (\d+)$/m.exec(out);
      if (!done && signal !== 'SIGKILL') return reject(new Error(`writer child exited ${code ?? signal} without finishing:\n${out}`));
      resolve({
        events,
        landed: done ? 'done' : (events[events.length - 1]?.stage ?? 'start'),
        results,
        killed: signal === 'SIGKILL',
        tookUs: done ? Number(done[1]) : undefined,
        pid: p.pid ?? -1,
      });
    });
  });
}
