// Writes that cannot succeed: each gives an error that names the file, says what happened and that nothing
// was changed; the original stays byte for byte and no temporary or lock file is left. The tests run as
// root, which ignores permission bits, so read-only is made the ways that stop root too (a read-only bind
// mount, the immutable flag) and, for permission bits, by running the writer as the unprivileged user 65534.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadMerged } from '../../client/src/kubeconfig/load';
import { useContext, useNamespace, type WriteResult } from '../../client/src/kubeconfig/write';
import { runWriter } from './harness/kill';
import { homeConfig, teamConfig } from './harness/kubeconfigs';
import { kubectl, kubectlPresent } from './harness/kubectl';
import { Mounts } from './harness/mounts';

const can = Mounts.probe();
const asRoot = process.getuid?.() === 0;
const mounts = new Mounts();
const roots: string[] = [];
after(() => {
  mounts.undo();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const NOBODY = 65534;
const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kubecert-fail-'));
  roots.push(d);
  return d;
}

function failed(r: WriteResult | unknown): string {
  const w = r as WriteResult;
  assert.equal(w.ok, false, `the write should have failed: ${JSON.stringify(r)}`);
  return !w.ok ? w.error : '';
}

/** The folder holds exactly these names: no temporary file, no lock. */
function onlyThese(dir: string, names: string[]): void {
  assert.deepEqual(readdirSync(dir).sort(), [...names].sort(), `left in ${dir}`);
}

test(
  'a read-only file (read-only bind mount): clear error, original byte for byte',
  { skip: (can.mount && `cannot mount here: ${can.mount}`) || (!asRoot && 'needs root to mount') },
  () => {
    const d = scratch();
    const f = join(d, 'config');
    const original = homeConfig();
    writeFileSync(f, original);
    mounts.readOnly(f);
    const error = failed(useContext([f], 'staging'));
    assert.match(error, new RegExp(`^${f} cannot be written \\(read-only file system\\); nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    onlyThese(d, ['config']);
    mounts.undo();
  },
);

test(
  'a read-only file (chattr +i, which stops root): clear error, original byte for byte',
  { skip: (can.chattr && `no immutable flag here: ${can.chattr}`) || (!asRoot && 'needs root for chattr +i') },
  () => {
    const d = scratch();
    const f = join(d, 'config');
    const original = homeConfig();
    writeFileSync(f, original);
    mounts.immutableFile(f);
    const error = failed(useNamespace([f], 'prod', 'web'));
    assert.match(error, new RegExp(`^${f} cannot be written \\(permission denied\\); nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    onlyThese(d, ['config']);
    mounts.undo();
  },
);

test(
  'a read-only file (mode 0444, writer run as an unprivileged user who owns the folder): refused, as kubectl refuses it',
  { skip: (can.setpriv && `cannot drop privileges here: ${can.setpriv}`) || (!asRoot && 'needs root to switch user') },
  async () => {
    const d = scratch();
    chmodSync(d, 0o755);
    const home = join(d, 'home');
    mkdirSync(home);
    const f = join(home, 'config');
    const original = homeConfig();
    writeFileSync(f, original);
    chmodSync(f, 0o444);
    chownSync(f, NOBODY, NOBODY);
    chownSync(home, NOBODY, NOBODY);
    // Renaming over a file needs only the folder's permission: without a check, a rename would replace a file its owner made read-only.
    const run = await runWriter({ files: [f], ops: [{ context: 'staging' }] }, { never: true }, asNobody);
    const error = failed(run.results[0]);
    assert.match(error, new RegExp(`^${f} cannot be written \\(permission denied\\); nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    onlyThese(home, ['config']);
  },
);

test(
  'a read-only folder (writer run as an unprivileged user): the lock cannot be made, clear error, original byte for byte',
  { skip: (can.setpriv && `cannot drop privileges here: ${can.setpriv}`) || (!asRoot && 'needs root to switch user') },
  async () => {
    const d = scratch();
    chmodSync(d, 0o755);
    const home = join(d, 'home');
    mkdirSync(home);
    const f = join(home, 'config');
    const original = homeConfig();
    writeFileSync(f, original);
    chownSync(f, NOBODY, NOBODY);
    chownSync(home, NOBODY, NOBODY);
    chmodSync(home, 0o555);
    const run = await runWriter({ files: [f], ops: [{ context: 'staging' }, { context: 'prod', namespace: 'web' }] }, { never: true }, asNobody);
    for (const r of run.results) assert.match(failed(r), new RegExp(`^cannot create ${f}\\.lock: permission denied; nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    onlyThese(home, ['config']);
  },
);

test(
  'a read-only folder (read-only bind mount, as root): clear error, original byte for byte',
  { skip: (can.mount && `cannot mount here: ${can.mount}`) || (!asRoot && 'needs root to mount') },
  () => {
    const d = scratch();
    const home = join(d, 'home');
    mkdirSync(home);
    const f = join(home, 'config');
    const original = homeConfig();
    writeFileSync(f, original);
    mounts.readOnly(home);
    assert.match(failed(useContext([f], 'staging')), new RegExp(`^cannot create ${f}\\.lock: read-only file system; nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    onlyThese(home, ['config']);
    mounts.undo();
  },
);

/** Fills a small tmpfs with 4 KiB files until it refuses one; returns them. */
function fill(dir: string): string[] {
  const fillers: string[] = [];
  for (let i = 0; ; i++) {
    const p = join(dir, `filler-${i}`);
    try {
      writeFileSync(p, Buffer.alloc(4096, 1));
      fillers.push(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      rmSync(p, { force: true });
      return fillers;
    }
  }
}

test(
  'a full disk (64 KiB tmpfs): whether the lock or the new file does not fit, clear error, original byte for byte',
  { skip: (can.mount && `cannot mount here: ${can.mount}`) || (!asRoot && 'needs root to mount') },
  () => {
    const d = scratch();
    const disk = join(d, 'disk');
    mkdirSync(disk);
    mounts.tmpfs(disk, '64k');
    const f = join(disk, 'config');
    // Several CI users make it span more pages than the one left free below.
    const original = homeConfig() + Array.from({ length: 40 }, (_, i) => `- name: ci-${i}\n  user:\n    token: ci-not-a-real-token-${i}\n`).join('');
    assert.ok(original.length > 4096, 'the kubeconfig needs more than the one page left below');
    writeFileSync(f, original);
    const fillers = fill(disk);
    const names = (): string[] => readdirSync(disk).filter((n) => !n.startsWith('filler-'));
    // Nothing left at all: not even the lock's one line fits.
    assert.match(failed(useContext([f], 'staging')), new RegExp(`^cannot create ${f}\\.lock: no space left on the device; nothing was written$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    assert.deepEqual(names(), ['config']);
    // One page left: the lock fits, the new kubeconfig does not.
    rmSync(fillers.pop()!);
    assert.match(failed(useNamespace([f], 'staging', 'payments')), new RegExp(`^cannot write ${f}: no space left on the device; the file is unchanged$`));
    assert.equal(readFileSync(f, 'utf8'), original);
    assert.deepEqual(names(), ['config']);
    // Room again: the same switch goes through.
    for (const p of fillers.splice(0, 4)) rmSync(p);
    const ok = useNamespace([f], 'staging', 'payments');
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.equal(readFileSync(f, 'utf8'), original.replace('    cluster: staging\n', '    cluster: staging\n    namespace: payments\n'));
    mounts.undo();
  },
);

test('a file replaced (renamed over) between read and rename by one without the context: clear error, the replacement kept byte for byte', () => {
  const d = scratch();
  const f = join(d, 'config');
  writeFileSync(f, homeConfig());
  const replacement = teamConfig();
  const r = useContext([f], 'kind', {
    beforeRename: () => {
      writeFileSync(join(d, 'new'), replacement);
      renameSync(join(d, 'new'), f);
    },
  });
  assert.equal(failed(r), `no context named "kind" in ${f} (the file was changed by another program while Kubecert was writing it); nothing was written`);
  assert.equal(readFileSync(f, 'utf8'), replacement);
  onlyThese(d, ['config']);
});

test('a file replaced on every attempt (a program writing without the lock): gives up with a clear error, the last replacement kept', () => {
  const d = scratch();
  const f = join(d, 'config');
  writeFileSync(f, homeConfig());
  let n = 0;
  let last = '';
  const r = useContext([f], 'staging', {
    beforeRename: () => {
      last = homeConfig().replace('# ~/.kube/config', `# rewritten ${++n}`);
      writeFileSync(join(d, 'new'), last);
      renameSync(join(d, 'new'), f);
    },
  });
  assert.match(
    failed(r),
    new RegExp(`^${f} kept changing while Kubecert tried to write it \\(another program writes it without taking ${f}\\.lock\\); nothing was written$`),
  );
  assert.equal(readFileSync(f, 'utf8'), last);
  onlyThese(d, ['config']);
});

test('a file replaced once by one that has the context: edited again on the replacement, which is never overwritten with the old content', () => {
  const d = scratch();
  const f = join(d, 'config');
  writeFileSync(f, homeConfig());
  const replacement = homeConfig().replace('# ~/.kube/config — managed by hand', '# replaced by the cloud CLI');
  let once = false;
  const r = useContext([f], 'kind', {
    beforeRename: () => {
      if (once) return;
      once = true;
      writeFileSync(join(d, 'new'), replacement);
      renameSync(join(d, 'new'), f);
    },
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(readFileSync(f, 'utf8'), replacement.replace('current-context: prod   #', 'current-context: kind   #'));
  onlyThese(d, ['config']);
});

test('a file replaced between the picker (load) and the write by one without the chosen context: clear error, replacement byte for byte', () => {
  const d = scratch();
  const f = join(d, 'config');
  writeFileSync(f, homeConfig());
  const picked = loadMerged([f]).contexts.find((c) => c.name === 'kind');
  assert.ok(picked);
  const replacement = teamConfig();
  writeFileSync(join(d, 'new'), replacement);
  renameSync(join(d, 'new'), f);
  assert.equal(failed(useContext([f], picked.name)), `no context named "kind" in ${f}; nothing was written`);
  assert.equal(failed(useNamespace([f], picked.name, 'web')), `no context named "kind" in ${f}; nothing was written`);
  assert.equal(readFileSync(f, 'utf8'), replacement);
  onlyThese(d, ['config']);
});

test('a symlink loop (KUBECONFIG=a, a → b → a): clear error naming the loop, nothing written, nothing left; kubectl refuses it too', () => {
  const d = scratch();
  const a = join(d, 'a');
  const b = join(d, 'b');
  symlinkSync(b, a);
  symlinkSync(a, b);
  for (const r of [useContext([a], 'prod'), useNamespace([a], 'prod', 'web')]) {
    assert.match(
      failed(r),
      new RegExp(`^${a} is a loop of symbolic links \\(${a} → ${b} → ${a}\\), so neither kubectl nor Kubecert can read it; nothing was written$`),
    );
  }
  onlyThese(d, ['a', 'b']);
  assert.deepEqual(loadMerged([a]).errors, [`${a}: a loop of symbolic links`]);
  if (kubectlPresent) {
    const k = kubectl([a], 'use-context', 'prod');
    assert.notEqual(k.status, 0);
    assert.match(k.stderr, /too many levels of symbolic links/);
  }
});

test('a symlink loop in a KUBECONFIG list: refused as kubectl refuses the list; the other file byte for byte', () => {
  const d = scratch();
  const a = join(d, 'a');
  const b = join(d, 'b');
  const good = join(d, 'config');
  const original = homeConfig();
  writeFileSync(good, original);
  symlinkSync(b, a);
  symlinkSync(a, b);
  assert.match(failed(useContext([good, a], 'staging')), new RegExp(`^${a} is a loop of symbolic links`));
  assert.match(failed(useNamespace([a, good], 'staging', 'web')), new RegExp(`^${a} is a loop of symbolic links`));
  assert.equal(readFileSync(good, 'utf8'), original);
  onlyThese(d, ['a', 'b', 'config']);
});
