// kubectl's lock protocol, as client-go's ModifyConfig does it: `<file>.lock` created exclusively for every
// file of the list, in sorted order, before anything is read for writing. kubectl refuses to write while a
// lock exists and never removes one it did not create, so a lock left by a killed writer stops every
// kubectl until someone deletes it. Kubecert's locks say who holds them (pid, process start, host, boot),
// so Kubecert removes a lock left by a Kubecert process that no longer exists, and only that: when it starts
// (removeStale) and whenever it finds a lock held.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export class LockHeld extends Error {
  constructor(
    message: string,
    readonly lock: string,
  ) {
    super(message);
  }
}

export interface LockOptions {
  /** How long to wait for a lock held by someone else (kubectl holds one for milliseconds). Default 1000. */
  waitMs?: number;
  /** Each time a lock is found held and Kubecert waits for it. */
  onBusy?: (lock: string) => void;
  /** A lock's content is written under a private name and about to be linked into place. */
  onStaged?: (lock: string) => void;
}

/** Who holds a Kubecert lock, or left a temporary file. */
export interface Holder {
  pid: number;
  start: string;
  host: string;
  boot: string;
  nonce: string;
}

const host = hostname();
/** The host as it may appear in a file name. */
const hostTag = host.replace(/[^A-Za-z0-9-]/g, '').slice(0, 32) || 'host';
const boot = readOr('/proc/sys/kernel/random/boot_id').trim();

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The kernel's start time of a process (clock ticks since boot), to tell a reused pid from the original. */
function processStart(pid: number): string {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

export function newNonce(): string {
  return randomBytes(6).toString('hex');
}

const ownStart = processStart(process.pid);

export function signature(nonce: string): string {
  return `kubecert pid=${process.pid} start=${ownStart} host=${host} boot=${boot} nonce=${nonce}\n`;
}

export function parseHolder(text: string): Holder | undefined {
  const m = /^kubecert pid=(\d+) start=(\S*) host=(\S*) boot=(\S*) nonce=([0-9a-f]+)\n$/.exec(text);
  return m ? { pid: Number(m[1]), start: m[2], host: m[3], boot: m[4], nonce: m[5] } : undefined;
}

function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** True only when the holder is certainly gone: same host, and rebooted since, or no such process, or its pid now belongs to a later process. */
export function holderGone(h: Holder): boolean {
  if (h.host !== host) return false;
  if (h.boot && boot && h.boot !== boot) return true;
  if (pidGone(h.pid)) return true;
  return h.start !== '' && processStart(h.pid) !== '' && processStart(h.pid) !== h.start;
}

/** A name beside `file` for Kubecert's own short-lived files; it carries host and pid so a leftover can be recognised. */
export function auxName(file: string, kind: 'tmp' | 'lock', nonce: string): string {
  return join(dirname(file), `.${basename(file)}.kubecert-${kind}-${hostTag}-${process.pid}-${nonce}`);
}

function reapGuard(lock: string, nonce: string): string {
  return join(dirname(lock), `.${basename(lock)}.kubecert-reap-${nonce}`);
}

/**
 * Removes what Kubecert processes that no longer exist left beside `file`: temporary files, staged locks,
 * and guards of a removal that was itself interrupted. Never `<file>.lock` itself (see lockAll).
 */
export function sweepLeftovers(file: string): string[] {
  const dir = dirname(file);
  const mine = [`.${basename(file)}.kubecert-`, `.${basename(file)}.lock.kubecert-`];
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const prefix = mine.find((p) => name.startsWith(p));
    if (!prefix) continue;
    const rest = name.slice(prefix.length);
    const aux = /^(?:tmp|lock)-([A-Za-z0-9-]*)-(\d+)-[0-9a-f]+$/.exec(rest);
    const guard = /^reap-([0-9a-f]+)$/.exec(rest);
    let leftover = false;
    if (aux) leftover = aux[1] === hostTag && pidGone(Number(aux[2]));
    else if (guard) {
      const h = parseHolder(readOr(join(dir, name)));
      leftover = h !== undefined && holderGone(h) && parseHolder(readOr(`${file}.lock`))?.nonce !== guard[1];
    }
    if (!leftover) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // gone already
    }
  }
  return removed;
}

function writeNew(path: string, text: string): void {
  const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    unlinkSync(path);
    throw e;
  }
  closeSync(fd);
}

/** What went wrong, in words a user knows. */
export function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    default:
      return err.code ?? err.message;
  }
}

type Attempt = { held: true; nonce: string } | { held: false; busy: boolean };

/** One lock, complete or not at all: the signature is written under a private name, then hard-linked to `<file>.lock` (which fails if it exists). */
function tryLock(lock: string, options: LockOptions): Attempt {
  const nonce = newNonce();
  const staged = auxName(lock, 'lock', nonce);
  try {
    writeNew(staged, signature(nonce));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { held: false, busy: false }; // no folder: nothing to lock, as kubectl
    throw new LockHeld(`cannot create ${lock}: ${why(e)}; nothing was written`, lock);
  }
  try {
    options.onStaged?.(lock);
    linkSync(staged, lock);
    return { held: true, nonce };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return { held: false, busy: true };
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
      throw new LockHeld(`cannot create ${lock}: ${why(e)}; nothing was written`, lock);
    // A file system without hard links: kubectl's own way, exclusive create, then the signature.
    try {
      writeNew(lock, signature(nonce));
      return { held: true, nonce };
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return { held: false, busy: true };
      throw new LockHeld(`cannot create ${lock}: ${why(e2)}; nothing was written`, lock);
    }
  } finally {
    try {
      unlinkSync(staged);
    } catch {
      // already gone
    }
  }
}

/**
 * Removes `lock` if a Kubecert process that no longer exists left it. Reapers of one lock exclude each other
 * with a guard named after that lock's nonce, and the lock is removed only if it still holds the same signature.
 */
function removeIfLeftByDeadKubecert(lock: string): boolean {
  const text = readOr(lock);
  const h = parseHolder(text);
  if (!h || !holderGone(h)) return false;
  const guard = reapGuard(lock, h.nonce);
  try {
    writeNew(guard, signature(newNonce()));
  } catch {
    return false;
  }
  try {
    if (readOr(lock) === text) unlinkSync(lock);
    return true;
  } catch {
    return false;
  } finally {
    try {
      unlinkSync(guard);
    } catch {
      // gone
    }
  }
}

/**
 * What Kubecert does when it starts, so that a lock its killed predecessor left does not stop every kubectl until
 * Kubecert next writes: removes, beside each file, the lock and the temporary and staged files of Kubecert processes
 * that certainly no longer exist. Never a lock it cannot attribute (kubectl's is empty) or one whose holder may run.
 */
export function removeStale(files: string[]): string[] {
  const removed: string[] = [];
  for (const file of new Set(files)) {
    for (const name of sweepLeftovers(file)) removed.push(join(dirname(file), name));
    if (removeIfLeftByDeadKubecert(`${file}.lock`)) removed.push(`${file}.lock`);
  }
  return removed;
}

function heldMessage(lock: string): string {
  const text = readOr(lock);
  const h = parseHolder(text);
  if (h && holderGone(h))
    return `${lock} was left by a Kubecert process (pid ${h.pid}) that no longer runs and could not be removed; nothing was written. Delete ${lock} and ${reapGuard(lock, h.nonce)}.`;
  if (h && h.host !== host) return `${lock} is held by Kubecert on ${h.host} (pid ${h.pid}); nothing was written. If it is not running there, delete ${lock}.`;
  if (h) return `${lock} is held by another Kubecert (pid ${h.pid}) that is still writing; nothing was written. Try again.`;
  return `${lock} exists: another kubectl (or Kubecert) is writing this kubeconfig; nothing was written. If none is running, delete ${lock}.`;
}

const pauseCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

/** Takes every lock (sorted, as kubectl), waiting a little for a lock someone holds; returns the release. */
export function lockAll(files: string[], options: LockOptions = {}): () => void {
  const locks = [...new Set(files)].sort().map((f) => `${f}.lock`);
  const deadline = Date.now() + (options.waitMs ?? 1000);
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    const held: { lock: string; nonce: string }[] = [];
    const release = (): void => {
      for (const { lock, nonce } of held.splice(0).reverse()) {
        // Only our own lock: one that is not ours was never ours to remove.
        if (parseHolder(readOr(lock))?.nonce !== nonce) continue;
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      }
    };
    let busy: string | undefined;
    try {
      for (const lock of locks) {
        const a = tryLock(lock, options);
        if (a.held) held.push({ lock, nonce: a.nonce });
        else if (a.busy) {
          busy = lock;
          break;
        }
      }
    } catch (e) {
      release();
      throw e;
    }
    if (busy === undefined) return release;
    // Waiting while holding none, so a kubectl started meanwhile is not refused because of us.
    release();
    if (removeIfLeftByDeadKubecert(busy)) continue;
    if (Date.now() >= deadline) throw new LockHeld(heldMessage(busy), busy);
    options.onBusy?.(busy);
    sleep(pause);
  }
}
