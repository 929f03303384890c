// Kubecert and a real kubectl writing the same KUBECONFIG list at once. KUBECERT_SOAK=1 runs 500 context
// switches; the default run does 40.
//
// What each tool promises, and so what is asserted:
// - Both take `<file>.lock` for every file of the list before writing; kubectl fails at once when it finds
//   one ("open <file>.lock: file exists"), Kubecert waits. Every kubectl failure must be that refusal, and
//   no file may change while Kubecert holds its locks.
// - Kubecert reads under the locks and changes one value: every write differs from what it read in one
//   line only, so every comment and every kubectl write before it survives. Checked per write, and at the
//   end: each context's namespace is the last value kubectl wrote to it.
// - kubectl rewrites whole files (dropping comments, reordering keys), from a model it read *before* taking
//   the lock (client-go's ModifyConfig diffs that stale model against a fresh read and writes every
//   difference back). So a kubectl command can put back a value Kubecert changed after kubectl read the
//   file: that is kubectl's race, counted here ("kubectl reverted"), never Kubecert losing a kubectl write.
// - Nothing is lost: every cluster, user and context is still there with the same data, kubectl parses
//   the result, and no lock or temporary file is left.
// Keys are split so each promise can be checked without a clock: kubectl switches prod/staging/edge and
// sets the namespace of the current one; Kubecert switches the same three and sets namespaces on kind and
// edge-batch, which never become current.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseForEdit } from '../../server/src/core';
import { parseHolder } from '../../client/src/kubeconfig/lock';
import { useContext, useNamespace, type WriteOptions } from '../../client/src/kubeconfig/write';
import { homeConfig, teamConfig } from './harness/kubeconfigs';
import { kubectlPresent, kubectlView, LOCK_REFUSAL, namespaceOf, type KubectlConfig } from './harness/kubectl';

const long = process.env.KUBECERT_SOAK === '1';
const SWITCHES = long ? 500 : 40;
/** Between Kubecert's writes, so kubectl (~50 ms a command) gets between them. */
const PAUSE_MS = 15;
const KUBECTL_CONTEXTS = ['prod', 'staging', 'edge'];
const KUBECERT_NAMESPACED = ['kind', 'edge-batch'];

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The namespaces and current-context as the files say, read while we hold the locks. */
function snapshot(files: string[]): { current?: string; ns: Map<string, string> } {
  const ns = new Map<string, string>();
  let current: string | undefined;
  for (const f of files) {
    const parsed = parseForEdit(readFileSync(f, 'utf8'));
    assert.ok(parsed.ok, `${f} does not parse while locked`);
    current ??= parsed.config.currentContext?.value || undefined;
    for (const c of parsed.config.contexts) if (!ns.has(c.name)) ns.set(c.name, c.fields.get('namespace')?.value ?? '');
  }
  return { current, ns };
}

/** Lines of `after` that are not in `before`, and the reverse: one value changed is one line each way (or one line added). */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

const KUBECTL_LOOP = `
j=0
while [ ! -e "$STOP" ]; do
  j=$((j+1))
  if [ $((j % 2)) -eq 1 ]; then
    set -- use-context "$(echo ${KUBECTL_CONTEXTS.join(' ')} | cut -d' ' -f$(( (j / 2) % 3 + 1 )))"
  else
    set -- set-context --current --namespace "k$j"
  fi
  out=$(kubectl config "$@" 2>&1)
  printf '%s\\t%s\\t%s\\t%s\\n' "$j" "$?" "$*" "$(printf '%s' "$out" | tr '\\n\\t' '  ')" >> "$LOG"
done
`;

test(
  `soak: ${SWITCHES} Kubecert context switches (and ${SWITCHES / 2} namespace switches) while kubectl loops use-context / set-context --current --namespace on the same two files`,
  { skip: !kubectlPresent && 'kubectl not installed', timeout: long ? 600_000 : 120_000 },
  async () => {
    const d = mkdtempSync(join(tmpdir(), 'kubecert-soak-'));
    roots.push(d);
    const team = join(d, 'team.yaml');
    const home = join(d, 'config');
    writeFileSync(team, teamConfig());
    writeFileSync(home, homeConfig());
    const files = [team, home];
    const original = kubectlView(files);
    const log = join(d, 'kubectl.log');
    const stop = join(d, 'stop');
    writeFileSync(log, '');

    const started = process.hrtime.bigint();
    const loop = spawn('bash', ['-c', KUBECTL_LOOP], { env: { ...process.env, KUBECONFIG: files.join(':'), LOG: log, STOP: stop }, stdio: 'ignore' });
    const loopDone = new Promise<void>((resolve) => loop.on('close', () => resolve()));
    // Start once kubectl is running for real.
    while (readFileSync(log, 'utf8') === '') await new Promise((r) => setTimeout(r, 10));

    const kubecert = { switches: 0, namespaces: 0, waits: 0, failures: [] as string[], reverts: 0, foreignWrites: 0 };
    const lastOurs = new Map<string, string>(KUBECERT_NAMESPACED.map((c) => [c, namespaceOf(original, c) ?? '']));
    const history = new Map<string, Set<string>>(KUBECERT_NAMESPACED.map((c) => [c, new Set([namespaceOf(original, c) ?? ''])]));
    let target = '';
    let before = '';
    let written = '';
    const options: WriteOptions = {
      // Long enough that a kubectl starved of CPU while holding its lock does not fail the run; the default is 1 s.
      lockWaitMs: 30_000,
      at: (stage, path) => {
        if (stage === 'lock-busy') kubecert.waits++;
        if (stage === 'locked') {
          for (const f of files) assert.equal(parseHolder(readFileSync(`${f}.lock`, 'utf8'))?.pid, process.pid, 'the locks are ours');
          // What kubectl did since our last write, as the files say under our locks.
          const now = snapshot(files);
          for (const c of KUBECERT_NAMESPACED) {
            const seen = now.ns.get(c) ?? '';
            if (seen === lastOurs.get(c)) continue;
            assert.ok(history.get(c)!.has(seen), `${c}'s namespace is "${seen}", which nobody wrote`);
            kubecert.reverts++;
            lastOurs.set(c, seen);
          }
        }
        if (stage === 'temp-written') {
          written = readFileSync(path, 'utf8');
          target = path.replace(/\/\.([^/]+)\.kubecert-tmp-[^/]+$/, '/$1');
          before = readFileSync(target, 'utf8');
          const diff = lineDiff(before, written);
          assert.ok(diff.added.length === 1 && diff.removed.length <= 1, `one line changed, not ${JSON.stringify(diff)}`);
        }
        if (stage === 'renamed' || stage === 'unlocking') {
          if (target && readFileSync(target, 'utf8') !== written) kubecert.foreignWrites++;
        }
      },
    };
    try {
      for (let i = 1; i <= SWITCHES; i++) {
        target = '';
        const r = useContext(files, KUBECTL_CONTEXTS[i % KUBECTL_CONTEXTS.length], options);
        if (r.ok) kubecert.switches++;
        else kubecert.failures.push(r.error);
        if (i % 2 === 0) {
          target = '';
          const c = KUBECERT_NAMESPACED[(i / 2) % 2];
          const ns = `c${i}`;
          history.get(c)!.add(ns);
          const n = useNamespace(files, c, ns, options);
          if (n.ok) {
            kubecert.namespaces++;
            lastOurs.set(c, ns);
          } else kubecert.failures.push(n.error);
        }
        Atomics.wait(pause, 0, 0, PAUSE_MS);
      }
    } finally {
      // Stop kubectl even when an assertion failed, so no loop outlives the test.
      writeFileSync(stop, '');
      await loopDone;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    // kubectl's side, from its log.
    const runs = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const [j, status, args, out] = l.split('\t');
        return { j: Number(j), status: Number(status), args, out };
      });
    const refused = runs.filter((r) => r.status !== 0);
    for (const r of refused) assert.match(r.out, LOCK_REFUSAL, `kubectl ${r.args} failed for another reason: ${r.out}`);
    const lastKubectl = new Map<string, string>();
    let kubectlNamespaces = 0;
    for (const r of runs) {
      if (r.status !== 0 || !r.args.startsWith('set-context')) continue;
      const m = /Context "([^"]+)" modified\./.exec(r.out);
      assert.ok(m, r.out);
      assert.ok(KUBECTL_CONTEXTS.includes(m[1]), `kubectl set the namespace of ${m[1]}`);
      lastKubectl.set(m[1], `k${r.j}`);
      kubectlNamespaces++;
    }
    const kubectlSwitches = runs.filter((r) => r.status === 0 && r.args.startsWith('use-context')).length;

    // The end state: kubectl reads it, nothing is lost, and every last write is there.
    const final: KubectlConfig = kubectlView(files);
    assert.deepEqual(final.clusters, original.clusters, 'every cluster, byte for byte');
    assert.deepEqual(final.users, original.users, 'every user, byte for byte');
    assert.deepEqual(
      final.contexts?.map((c) => [c.name, c.context.cluster, c.context.user]).sort(),
      original.contexts?.map((c) => [c.name, c.context.cluster, c.context.user]).sort(),
      'every context, with its cluster and user',
    );
    assert.ok(KUBECTL_CONTEXTS.includes(final['current-context'] ?? ''), `current-context ${final['current-context']}`);
    for (const c of KUBECTL_CONTEXTS)
      assert.equal(namespaceOf(final, c) ?? '', lastKubectl.get(c) ?? namespaceOf(original, c) ?? '', `${c}: kubectl's last namespace write survived`);
    for (const c of KUBECERT_NAMESPACED) {
      const ns = namespaceOf(final, c) ?? '';
      assert.ok(history.get(c)!.has(ns), `${c}: "${ns}" is a value Kubecert wrote`);
      if (ns !== lastOurs.get(c)) kubecert.reverts++;
    }
    for (const f of files) assert.ok(parseForEdit(readFileSync(f, 'utf8')).ok);
    assert.deepEqual(readdirSync(d).sort(), ['config', 'kubectl.log', 'stop', 'team.yaml'], 'no lock or temporary file left');
    assert.deepEqual(kubecert.failures, [], 'Kubecert waited for every lock and never failed');
    assert.equal(kubecert.foreignWrites, 0, 'nothing changed a file while Kubecert held the locks');
    const comments = files.filter((f) => /^\s*#/m.test(readFileSync(f, 'utf8'))).length;
    console.log(
      `soak (${SWITCHES} switches, ${seconds.toFixed(1)} s): Kubecert ${kubecert.switches} context + ${kubecert.namespaces} namespace writes, waited ${kubecert.waits} times for a held lock, 0 failures; ` +
        `kubectl ${runs.length} commands: ${kubectlSwitches} use-context + ${kubectlNamespaces} set-context succeeded, ${refused.length} refused by a held lock; ` +
        `kubectl reverted a Kubecert namespace ${kubecert.reverts} times (its stale read); files still carrying comments at the end: ${comments} of 2`,
    );
  },
);
