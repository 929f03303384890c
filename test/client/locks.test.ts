// Kubecert's `.lock`: kubectl's protocol, plus a signature (pid, process start, host, boot) so a lock left
// by a killed Kubecert is removed by the next Kubecert write, and no other lock ever is.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { newNonce, parseHolder, removeStale, signature } from '../../client/src/kubeconfig/lock';
import { useContext, type WriteStage } from '../../client/src/kubeconfig/write';
import { runWriter } from './harness/kill';
import { homeConfig } from './harness/kubeconfigs';
import { kubectl, kubectlPresent, LOCK_REFUSAL } from './harness/kubectl';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function setup(): { d: string; f: string; original: string } {
  const d = mkdtempSync(join(tmpdir(), 'kubecert-lock-'));
  roots.push(d);
  const f = join(d, 'config');
  const original = homeConfig();
  writeFileSync(f, original);
  return { d, f, original };
}

/** A pid that certainly existed and certainly no longer does. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

/** A Kubecert signature with some fields changed. */
function signed(changes: { pid?: number; start?: string; host?: string; boot?: string }): string {
  const h = parseHolder(signature(newNonce()))!;
  const x = { ...h, ...changes };
  return `kubecert pid=${x.pid} start=${x.start} host=${x.host} boot=${x.boot} nonce=${x.nonce}\n`;
}

function counting(): { at: (stage: WriteStage) => void; busy: () => number } {
  let n = 0;
  return { at: (stage) => void (stage === 'lock-busy' && n++), busy: () => n };
}

test('our lock says who holds it, and is gone when the write is done', () => {
  const { d, f } = setup();
  let seen = '';
  const r = useContext([f], 'staging', { at: (stage) => void (stage === 'renamed' && (seen = readFileSync(`${f}.lock`, 'utf8'))) });
  assert.ok(r.ok);
  assert.equal(parseHolder(seen)?.pid, process.pid);
  assert.deepEqual(readdirSync(d), ['config']);
});

const removable: [string, () => string][] = [
  ['its process is gone', () => signed({ pid: deadPid() })],
  ['its pid now belongs to a later process (another start time)', () => signed({ pid: process.pid, start: '1' })],
  ['the machine has rebooted since (another boot id)', () => signed({ boot: '00000000-0000-0000-0000-000000000000' })],
];
for (const [why, lock] of removable) {
  test(`a Kubecert lock is removed when ${why}; the write goes through and kubectl writes again`, () => {
    const { d, f } = setup();
    writeFileSync(`${f}.lock`, lock());
    if (kubectlPresent) assert.match(kubectl([f], 'use-context', 'prod').stderr, LOCK_REFUSAL, 'kubectl refuses while it is there');
    const r = useContext([f], 'staging', { lockWaitMs: 0 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(readFileSync(f, 'utf8'), /^current-context: staging {3}# switched often$/m);
    assert.deepEqual(readdirSync(d), ['config']);
    if (kubectlPresent) assert.equal(kubectl([f], 'use-context', 'prod').status, 0);
  });
}

const kept: [string, () => string, RegExp][] = [
  [
    'kubectl’s empty lock',
    () => '',
    /exists: another kubectl \(or Kubecert\) is writing this kubeconfig; nothing was written\. If none is running, delete .*config\.lock\.$/,
  ],
  [
    'the lock of a Kubecert that still runs',
    () => signed({}),
    /is held by another Kubecert \(pid \d+\) that is still writing; nothing was written\. Try again\.$/,
  ],
  [
    'a Kubecert lock from another host (a shared home folder)',
    () => signed({ host: 'elsewhere', pid: deadPid() }),
    /is held by Kubecert on elsewhere \(pid \d+\); nothing was written\. If it is not running there, delete .*config\.lock\.$/,
  ],
  ['a lock in a format Kubecert does not know', () => 'pid 12345\n', /exists: another kubectl/],
];
for (const [which, lock, message] of kept) {
  test(`${which} is never removed: Kubecert waits, then says whose it is and writes nothing`, () => {
    const { f, original } = setup();
    const text = lock();
    writeFileSync(`${f}.lock`, text);
    const c = counting();
    const r = useContext([f], 'staging', { lockWaitMs: 20, at: c.at });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', message);
    assert.ok(c.busy() > 0);
    assert.equal(readFileSync(`${f}.lock`, 'utf8'), text);
    assert.equal(readFileSync(f, 'utf8'), original);
  });
}

test('a lock released while Kubecert waits: the write goes through after a few retries', async () => {
  const { d, f } = setup();
  writeFileSync(`${f}.lock`, '');
  // Another process (as a kubectl would) removes its lock a moment later.
  const holder = spawn('sh', ['-c', `sleep 0.2; rm -f '${f}.lock'`]);
  const c = counting();
  const r = useContext([f], 'kind', { lockWaitMs: 60_000, at: c.at });
  assert.ok(r.ok, JSON.stringify(r));
  assert.ok(c.busy() > 0);
  assert.match(readFileSync(f, 'utf8'), /^current-context: kind/m);
  await new Promise((resolve) => holder.on('close', resolve));
  assert.deepEqual(readdirSync(d), ['config']);
});

test('a removal that was itself killed (its guard left): the lock is not removed behind the dead remover’s back; the message names both', () => {
  const { d, f, original } = setup();
  const text = signed({ pid: deadPid() });
  writeFileSync(`${f}.lock`, text);
  const guard = join(d, `.config.lock.kubecert-reap-${parseHolder(text)!.nonce}`);
  writeFileSync(guard, signed({ pid: deadPid() }));
  const r = useContext([f], 'staging', { lockWaitMs: 0 });
  assert.equal(r.ok, false);
  assert.equal(
    !r.ok && r.error,
    `${f}.lock was left by a Kubecert process (pid ${parseHolder(text)!.pid}) that no longer runs and could not be removed; nothing was written. Delete ${f}.lock and ${guard}.`,
  );
  assert.equal(readFileSync(f, 'utf8'), original);
  // Once the user deletes the lock, the next write also clears the stale guard.
  rmSync(`${f}.lock`);
  assert.ok(useContext([f], 'staging').ok);
  assert.deepEqual(readdirSync(d), ['config']);
  assert.equal(existsSync(guard), false);
});

test('leftovers of a dead Kubecert beside the file (temporary file, staged lock) are removed by the next write; a live one’s are not', () => {
  const { d, f } = setup();
  const dead = deadPid();
  const host =
    /host=(\S*)/
      .exec(signature('0'))![1]
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 32) || 'host';
  const deadTmp = join(d, `.config.kubecert-tmp-${host}-${dead}-0a1b2c`);
  const deadStaged = join(d, `.config.lock.kubecert-lock-${host}-${dead}-0a1b2c`);
  const liveTmp = join(d, `.config.kubecert-tmp-${host}-${process.pid}-0a1b2c`);
  const otherHost = join(d, `.config.kubecert-tmp-elsewhere-${dead}-0a1b2c`);
  for (const p of [deadTmp, deadStaged, liveTmp, otherHost]) writeFileSync(p, 'client-key-data: secret\n');
  assert.ok(useContext([f], 'staging').ok);
  assert.deepEqual(
    readdirSync(d).sort(),
    ['.config.kubecert-tmp-elsewhere-' + dead + '-0a1b2c', `.config.kubecert-tmp-${host}-${process.pid}-0a1b2c`, 'config'].sort(),
  );
});

// ------------------------------------------------------------------ when Kubecert starts (removeStale)

test('at start, a dead Kubecert’s lock and leftovers are removed without any write; kubectl writes again at once', () => {
  const { d, f, original } = setup();
  const dead = deadPid();
  const host =
    parseHolder(signature('0'))!
      .host.replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 32) || 'host';
  writeFileSync(`${f}.lock`, signed({ pid: dead }));
  writeFileSync(join(d, `.config.kubecert-tmp-${host}-${dead}-0a1b2c`), 'half a kubeconfig');
  if (kubectlPresent) assert.match(kubectl([f], 'use-context', 'prod').stderr, LOCK_REFUSAL, 'kubectl refuses while the lock is there');
  const removed = removeStale([f, f]).sort();
  assert.deepEqual(removed, [join(d, `.config.kubecert-tmp-${host}-${dead}-0a1b2c`), `${f}.lock`].sort());
  assert.deepEqual(readdirSync(d), ['config']);
  assert.equal(readFileSync(f, 'utf8'), original, 'the kubeconfig itself is not touched');
  if (kubectlPresent) assert.equal(kubectl([f], 'use-context', 'prod').status, 0, 'kubectl writes once the stale lock is gone');
  assert.deepEqual(removeStale([f]), [], 'a second start finds nothing');
});

test('at start, no lock Kubecert cannot attribute to a dead Kubecert of this host is removed', () => {
  for (const [which, lock] of kept) {
    const { f } = setup();
    const text = lock();
    writeFileSync(`${f}.lock`, text);
    assert.deepEqual(removeStale([f]), [], which);
    assert.equal(readFileSync(`${f}.lock`, 'utf8'), text, which);
  }
});

test('a writer killed (SIGKILL) while holding the locks of two files: removeStale at the next start removes both locks and its temporary file', async () => {
  const { d, f } = setup();
  const g = join(d, 'team.yaml');
  writeFileSync(g, homeConfig().replace(/^current-context: .*$/m, ''));
  const files = [f, g];
  const full = await runWriter({ files, ops: [{ context: 'kind' }] }, { never: true });
  const at = full.events.findIndex((e) => e.stage === 'temp-written') + 1;
  assert.ok(at > 0, JSON.stringify(full.events));
  writeFileSync(f, homeConfig());
  const run = await runWriter({ files, ops: [{ context: 'kind' }] }, { pauseAt: at });
  assert.equal(run.landed, 'temp-written');
  const left = readdirSync(d).filter((n) => n !== 'config' && n !== 'team.yaml');
  assert.ok(left.includes('config.lock') && left.includes('team.yaml.lock'), left.join(', '));
  assert.ok(
    left.some((n) => n.includes('.kubecert-tmp-')),
    left.join(', '),
  );
  if (kubectlPresent) assert.match(kubectl(files, 'use-context', 'prod').stderr, LOCK_REFUSAL);
  const removed = removeStale(files);
  assert.equal(removed.length, left.length, `${removed.join(', ')} of ${left.join(', ')}`);
  assert.deepEqual(readdirSync(d).sort(), ['config', 'team.yaml']);
  if (kubectlPresent) assert.equal(kubectl(files, 'use-context', 'prod').status, 0);
});
