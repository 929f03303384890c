// SIGKILL at every point of a context and namespace switch: the kubeconfig is always the old or the new
// file, byte for byte, and kubectl reads it. What a killed writer can leave behind, and who cleans it:
// - a temporary file or a staged lock beside the kubeconfig (`.<name>.kubecert-…`): kubectl never reads
//   them; the next Kubecert write removes those whose process is gone.
// - `<file>.lock`, when killed while holding it. kubectl (client-go's lockFile, `O_CREATE|O_EXCL`) then
//   refuses every `kubectl config` write with "open <file>.lock: file exists" and never removes a lock,
//   exactly as after a killed kubectl. Kubecert's lock records pid, process start, host and boot, so the
//   next Kubecert write removes a lock whose Kubecert is certainly gone (never one it cannot attribute,
//   such as kubectl's empty lock), after which kubectl writes again.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { useContext, useNamespace } from '../../client/src/kubeconfig/write';
import { parseHolder } from '../../client/src/kubeconfig/lock';
import { runWriter, type Kill, type Run } from './harness/kill';
import { homeConfig, teamConfig } from './harness/kubeconfigs';
import { kubectl, kubectlPresent, kubectlView, LOCK_REFUSAL, namespaceOf } from './harness/kubectl';
import type { Op } from './harness/writer-child';

interface Layout {
  name: string;
  /** Creates the files under `dir`; returns the KUBECONFIG list (as given to the writer). */
  make(dir: string): string[];
  /** The regular files that hold the content, relative to `dir`. */
  contents: string[];
  reps: Op[][];
}

const crlf = (s: string): string => s.replace(/\n/g, '\r\n');

const layouts: Layout[] = [
  {
    name: 'one file',
    make: (d) => (writeFileSync(join(d, 'config'), homeConfig(), { mode: 0o600 }), [join(d, 'config')]),
    contents: ['config'],
    reps: [
      [{ context: 'staging' }, { context: 'staging', namespace: 'payments' }],
      [{ context: 'kind' }, { context: 'kind', namespace: 'monitoring' }],
    ],
  },
  {
    name: 'one file, CRLF, through a symlink',
    make: (d) => {
      mkdirSync(join(d, 'dotfiles'));
      writeFileSync(join(d, 'dotfiles', 'kubeconfig'), crlf(homeConfig()), { mode: 0o640 });
      symlinkSync(join('dotfiles', 'kubeconfig'), join(d, 'config'));
      return [join(d, 'config')];
    },
    contents: ['dotfiles/kubeconfig'],
    reps: [
      [{ context: 'staging' }, { context: 'staging', namespace: 'payments' }],
      [{ context: 'kind' }, { context: 'prod', namespace: 'monitoring' }],
    ],
  },
  {
    name: 'KUBECONFIG of two files',
    make: (d) => {
      writeFileSync(join(d, 'team.yaml'), teamConfig());
      writeFileSync(join(d, 'config'), homeConfig());
      return [join(d, 'team.yaml'), join(d, 'config')];
    },
    contents: ['team.yaml', 'config'],
    reps: [
      [{ context: 'edge' }, { context: 'edge', namespace: 'web' }],
      [{ context: 'edge-batch' }, { context: 'edge-batch', namespace: 'reports' }],
    ],
  },
  {
    name: 'KUBECONFIG of two files in two folders',
    make: (d) => {
      mkdirSync(join(d, 'home'));
      mkdirSync(join(d, 'team'));
      writeFileSync(join(d, 'home', 'config'), homeConfig());
      writeFileSync(join(d, 'team', 'kubeconfig'), teamConfig());
      return [join(d, 'home', 'config'), join(d, 'team', 'kubeconfig')];
    },
    contents: ['home/config', 'team/kubeconfig'],
    reps: [
      [{ context: 'edge-batch' }, { context: 'edge-batch', namespace: 'reports' }],
      [{ context: 'kind' }, { context: 'edge', namespace: 'web' }],
    ],
  },
];

const DELAYS_PER_REP = 8;
const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kubecert-kill-'));
  roots.push(d);
  return d;
}

function apply(files: string[], op: Op): void {
  const r = op.namespace === undefined ? useContext(files, op.context) : useNamespace(files, op.context, op.namespace);
  assert.ok(r.ok && r.changed, `reference run: ${JSON.stringify(r)}`);
}

/** The three states an uninterrupted run passes through (before, after the context switch, after the namespace switch), per content file. */
function states(layout: Layout, ops: Op[]): string[][] {
  const d = scratch();
  const files = layout.make(d);
  const snap = (): string[] => layout.contents.map((f) => readFileSync(join(d, f), 'utf8'));
  const out = [snap()];
  for (const op of ops) {
    apply(files, op);
    out.push(snap());
  }
  return out;
}

interface Tally {
  byStage: Map<string, { pause: number; delay: number }>;
  byState: number[];
  leftLock: number;
  leftAux: number;
  kubectlRefused: number;
  kubectlViews: number;
  trials: number;
}

const tally: Tally = { byStage: new Map(), byState: [0, 0, 0], leftLock: 0, leftAux: 0, kubectlRefused: 0, kubectlViews: 0, trials: 0 };
const viewed = new Set<string>();
const refusalShown = new Set<string>();

/** Everything a trial must hold after the kill; then Kubecert's next write cleans up and kubectl writes again. */
function inspect(layout: Layout, rep: number, ops: Op[], expected: string[][], d: string, files: string[], run: Run, mode: 'pause' | 'delay'): void {
  const where = `${layout.name}, rep ${rep}, ${mode}, landed after ${run.landed} (${run.events.length} stages)`;
  const now = layout.contents.map((f) => readFileSync(join(d, f), 'utf8'));
  const state = expected.findIndex((s) => s.every((text, i) => text === now[i]));
  assert.ok(state >= 0, `${where}: the files are neither the old nor the new content`);
  // Every other byte-level state is one of these three: kubectl reads each of them (once per layout and state).
  const seen = `${layout.name}/${rep}/${state}`;
  if (kubectlPresent && !viewed.has(seen)) {
    viewed.add(seen);
    tally.kubectlViews++;
    const view = kubectlView(files);
    assert.equal(view['current-context'], state === 0 ? originalCurrent(expected) : ops[0].context, `${where}: kubectl's current-context`);
    if (state === 2) assert.equal(namespaceOf(view, ops[1].context), ops[1].namespace, `${where}: kubectl's namespace`);
  }
  // What is left beside the files: only a lock and Kubecert's own short-lived files, all from the killed process.
  const dirs = [...new Set([...files.map((f) => dirname(f)), ...layout.contents.map((c) => dirname(join(d, c)))])];
  const expectedNames = new Set([...files, ...layout.contents.map((c) => join(d, c))]);
  const locks: string[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (expectedNames.has(path) || lstatSync(path).isDirectory()) continue;
      if (files.some((f) => `${f}.lock` === path)) {
        assert.equal(parseHolder(readFileSync(path, 'utf8'))?.pid, run.pid, `${where}: ${name} is the killed writer's lock`);
        locks.push(path);
        continue;
      }
      assert.match(name, new RegExp(`^\\.[^/]+\\.kubecert-(tmp|lock)-[A-Za-z0-9-]*-${run.pid}-[0-9a-f]+$`), `${where}: unexpected file ${relative(d, path)}`);
      tally.leftAux++;
    }
  }
  if (locks.length) tally.leftLock++;
  const current = state === 0 ? originalCurrent(expected) : ops[0].context;
  if (locks.length && kubectlPresent && !refusalShown.has(run.landed)) {
    // kubectl refuses, as it would after a killed kubectl, and changes nothing (shown once per stage).
    refusalShown.add(run.landed);
    const r = kubectl(files, 'use-context', current);
    assert.notEqual(r.status, 0, `${where}: kubectl wrote despite ${locks.join(', ')}`);
    assert.match(r.stderr, LOCK_REFUSAL);
    assert.deepEqual(
      layout.contents.map((f) => readFileSync(join(d, f), 'utf8')),
      now,
    );
    tally.kubectlRefused++;
  }
  // Kubecert's next write removes what its killed predecessor left, and leaves the content as it was.
  const again = useContext(files, current, { lockWaitMs: 0 });
  assert.ok(again.ok, `${where}: the next write: ${!again.ok ? again.error : ''}`);
  assert.deepEqual(
    layout.contents.map((f) => readFileSync(join(d, f), 'utf8')),
    now,
    `${where}: the next write changed nothing`,
  );
  for (const dir of dirs)
    for (const name of readdirSync(dir))
      assert.ok(expectedNames.has(join(dir, name)) || lstatSync(join(dir, name)).isDirectory(), `${where}: ${name} is still there after the next write`);
  if (locks.length && kubectlPresent && refusalShown.has(run.landed) && !refusalShown.has(`${run.landed}/after`)) {
    refusalShown.add(`${run.landed}/after`);
    const r = kubectl(files, 'use-context', current);
    assert.equal(r.status, 0, `${where}: kubectl after Kubecert removed the stale lock: ${r.stderr}`);
  }
  tally.byState[state]++;
}

/** The current-context before the switch: the first file that sets it. */
function originalCurrent(expected: string[][]): string {
  return expected[0].map((t) => /^current-context: (\S+)/m.exec(t)?.[1]).find(Boolean) ?? '';
}

async function trial(layout: Layout, rep: number, expected: string[][], kill: Kill): Promise<void> {
  const d = scratch();
  const files = layout.make(d);
  const ops = layout.reps[rep];
  const run = await runWriter({ files, ops }, kill);
  const mode = 'pauseAt' in kill ? 'pause' : 'delay';
  inspect(layout, rep, ops, expected, d, files, run, mode);
  const t = tally.byStage.get(run.landed) ?? { pause: 0, delay: 0 };
  t[mode]++;
  tally.byStage.set(run.landed, t);
  tally.trials++;
  rmSync(d, { recursive: true, force: true });
}

async function pool(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

test('SIGKILL at every stage of a context and namespace switch leaves the old or the new file, complete, and nothing kubectl trips over', async () => {
  const jobs: (() => Promise<void>)[] = [];
  for (const layout of layouts) {
    for (let rep = 0; rep < layout.reps.length; rep++) {
      const expected = states(layout, layout.reps[rep]);
      // An uninterrupted run of the child: how many stages it passes, and how long it takes.
      const d = scratch();
      const files = layout.make(d);
      const full = await runWriter({ files, ops: layout.reps[rep] }, { never: true });
      assert.deepEqual(
        layout.contents.map((f) => readFileSync(join(d, f), 'utf8')),
        expected[2],
        `${layout.name}: the child writes what the reference run wrote`,
      );
      const stages = full.events.length;
      for (let n = 1; n <= stages; n++) jobs.push(() => trial(layout, rep, expected, { pauseAt: n }));
      // Kills spread over the whole run in equal microsecond steps (a little past its end, too).
      const step = Math.max(1, Math.round(((full.tookUs ?? 2000) * 1.1) / DELAYS_PER_REP));
      for (let i = 0; i < DELAYS_PER_REP; i++) jobs.push(() => trial(layout, rep, expected, { delayUs: i * step }));
    }
  }
  await pool(jobs, 2);
  const order = ['start', 'locking', 'lock-staged', 'locked', 'temp-created', 'temp-written', 'before-rename', 'renamed', 'unlocking', 'done'];
  const rows = [...tally.byStage]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([stage, n]) => `${stage}: ${n.pause + n.delay} (${n.pause} paused, ${n.delay} by delay)`);
  console.log(
    `kill trials: ${tally.trials}; landed after: ${rows.join('; ')}; files found old: ${tally.byState[0]}, after the context switch: ${tally.byState[1]}, new: ${tally.byState[2]}; trials leaving a lock: ${tally.leftLock} (kubectl refused ${tally.kubectlRefused} times, then wrote once Kubecert had removed it), temporary/staged files left: ${tally.leftAux}; kubectl views: ${tally.kubectlViews}`,
  );
  assert.ok(tally.trials >= 200, `${tally.trials} trials`);
  for (const stage of ['locking', 'locked', 'temp-written', 'before-rename', 'renamed', 'unlocking'])
    assert.ok((tally.byStage.get(stage)?.pause ?? 0) >= 8, `stage ${stage} hit ${tally.byStage.get(stage)?.pause ?? 0} times`);
});
