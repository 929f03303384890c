// Writing kubeconfig as kubectl does (its .lock files, its choice of file), and safer:
// only the changed value is rewritten, atomically (temp file, fsync, rename), mode and owner kept,
// symlinks followed, and a file changed since it was read is edited again, never overwritten.
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseForEdit, setCurrentContext, setNamespace, type EditResult } from '../../../server/src/core';
import type { Kubeconfig } from '../../../server/src/core';
import { editError } from './load';
import { auxName, lockAll, newNonce, sweepLeftovers, why } from './lock';

export type WriteResult = { ok: true; file: string; changed: boolean } | { ok: false; error: string };

/** The points of a write, in order; tests pause or kill the writer at each. */
export type WriteStage = 'locking' | 'lock-staged' | 'lock-busy' | 'locked' | 'temp-created' | 'temp-written' | 'before-rename' | 'renamed' | 'unlocking';

export interface WriteOptions {
  /** How long to wait for a `.lock` someone else holds; default 1000 ms. */
  lockWaitMs?: number;
  /** Called at each stage of the write (tests inject kills and races here). */
  at?: (stage: WriteStage, path: string) => void;
  /** Called between writing the temporary file and checking the target is unchanged (tests inject races here). */
  beforeRename?: (tmp: string, target: string) => void;
}

/** An existing file of the list, read and parsed under the locks. */
export interface Loaded {
  file: string;
  config: Kubeconfig;
}

/** Where kubectl's merge reads current-context from: the first file that sets it; else the first existing file; else the last. */
export function currentContextFile(files: string[], loaded: Loaded[]): string {
  return loaded.find((l) => l.config.currentContext?.value)?.file ?? loaded[0]?.file ?? files[files.length - 1];
}

/** The first file that defines a context (the one kubectl's merge uses). */
export function contextFile(loaded: Loaded[], name: string): string | undefined {
  return loaded.find((l) => l.config.contexts.some((c) => c.name === name))?.file;
}

/** `a → b → a`: where a chain of symbolic links leads (stops at a repeat or after a few hops). */
function linkChain(file: string): string {
  const seen = [file];
  let at = file;
  for (let hop = 0; hop < 8; hop++) {
    let next: string;
    try {
      next = resolve(dirname(at), readlinkSync(at));
    } catch {
      break;
    }
    seen.push(next);
    if (seen.indexOf(next) < seen.length - 1) break;
    at = next;
  }
  return seen.join(' → ');
}

/**
 * Reads every existing file of the list. As kubectl: a missing file (or a link to one) is skipped; any other
 * file that cannot be read or parsed stops the write, since kubectl would refuse the whole list too.
 */
function readList(files: string[]): { ok: true; loaded: Loaded[] } | { ok: false; error: string } {
  const loaded: Loaded[] = [];
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).isDirectory()) return { ok: false, error: `${file} is a folder, not a kubeconfig file; nothing was written` };
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'ELOOP')
        return {
          ok: false,
          error: `${file} is a loop of symbolic links (${linkChain(file)}), so neither kubectl nor Kubecert can read it; nothing was written`,
        };
      return { ok: false, error: `cannot read ${file}: ${why(e)}; nothing was written` };
    }
    const parsed = parseForEdit(text);
    if (!parsed.ok) return { ok: false, error: `${file}: ${editError(text, parsed)}; kubectl cannot read it either; nothing was written` };
    loaded.push({ file, config: parsed.config });
  }
  return { ok: true, loaded };
}

/** Which file of the list to edit, decided on the content read under the locks; or why there is none. */
export type Pick = (loaded: Loaded[]) => { file: string } | { error: string };

const CHANGED = ' (the file was changed by another program while Kubecert was writing it)';

/**
 * Applies `edit` to the file `pick` chooses, under the locks of every file in `files`. When a file changes
 * between reading and renaming (someone writing without the lock), everything is read, chosen and edited again.
 */
export function editKubeconfig(files: string[], pick: Pick, edit: (text: string) => EditResult, options: WriteOptions = {}): WriteResult {
  const at = options.at ?? ((): void => undefined);
  at('locking', files[0]);
  let release: () => void;
  try {
    release = lockAll(files, { waitMs: options.lockWaitMs, onBusy: (lock) => at('lock-busy', lock), onStaged: (lock) => at('lock-staged', lock) });
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  try {
    at('locked', files[0]);
    for (const f of files) sweepLeftovers(f);
    let file = files[0];
    for (let attempt = 0; attempt < 5; attempt++) {
      const note = attempt > 0 ? CHANGED : '';
      const list = readList(files);
      if (!list.ok) return list;
      const picked = pick(list.loaded);
      if ('error' in picked) return { ok: false, error: `${picked.error}${note}; nothing was written` };
      file = picked.file;
      const r = writeOnce(file, edit, note, options);
      if (r !== 'changed') return r;
    }
    return {
      ok: false,
      error: `${file} kept changing while Kubecert tried to write it (another program writes it without taking ${file}.lock); nothing was written`,
    };
  } finally {
    at('unlocking', files[0]);
    release();
  }
}

/** One read-edit-rename of `file`; 'changed' when the file changed before the rename (nothing written then). */
function writeOnce(file: string, edit: (text: string) => EditResult, note: string, options: WriteOptions): WriteResult | 'changed' {
  const at = options.at ?? ((): void => undefined);
  let target = file;
  if (isLink(file)) {
    try {
      target = realpathSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP')
        return { ok: false, error: `${file} is a loop of symbolic links (${linkChain(file)}); nothing was written` };
      return { ok: false, error: `${file} is a symbolic link to a file that does not exist (${linkChain(file)}); nothing was written` };
    }
    sweepLeftovers(target);
  }
  let exists = true;
  let before = '';
  let mode = 0o600;
  let owner: { uid: number; gid: number } | undefined;
  try {
    before = readFileSync(target, 'utf8');
    const st = statSync(target);
    mode = st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, error: `cannot read ${target}: ${why(e)}; nothing was written` };
    exists = false;
  }
  if (exists) {
    // kubectl writes in place and so fails on a file it may not write; a rename would not notice.
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      return { ok: false, error: `${target} cannot be written (${why(e)}); nothing was written` };
    }
  }
  const result = edit(before);
  if (!result.ok) return { ok: false, error: `${file}: ${editError(before, result)}${note}; nothing was written` };
  if (exists && result.text === before) return { ok: true, file: target, changed: false };
  const tmp = auxName(target, 'tmp', newNonce());
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (e) {
    return { ok: false, error: `cannot create a temporary file in ${dirname(target)}: ${why(e)}; ${target} is unchanged` };
  }
  try {
    at('temp-created', tmp);
    // Owner first: a chown clears set-id bits, which the chmod then restores exactly (no umask either).
    if (owner && process.getuid?.() === 0) fchownSync(fd, owner.uid, owner.gid);
    fchmodSync(fd, mode);
    const buf = Buffer.from(result.text, 'utf8');
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    at('temp-written', tmp);
    options.beforeRename?.(tmp, target);
    if ((safeRead(target) ?? '') !== before) {
      unlinkSync(tmp);
      return 'changed';
    }
    at('before-rename', tmp);
    renameSync(tmp, target);
    at('renamed', target);
    syncDir(dirname(target));
    return { ok: true, file: target, changed: true };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // not there
    }
    return { ok: false, error: `cannot write ${target}: ${why(e)}; the file is unchanged` };
  }
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

/** `kubectl config use-context NAME`, safer; like kubectl, only a context that exists (checked under the locks). */
export function useContext(files: string[], name: string, options?: WriteOptions): WriteResult {
  const pick: Pick = (loaded) =>
    contextFile(loaded, name) ? { file: currentContextFile(files, loaded) } : { error: `no context named "${name}" in ${files.join(', ')}` };
  return editKubeconfig(files, pick, (text) => setCurrentContext(text, name), options);
}

/** `kubectl config set-context NAME --namespace NS`: the stanza is changed in the file it came from. */
export function useNamespace(files: string[], context: string, namespace: string, options?: WriteOptions): WriteResult {
  const pick: Pick = (loaded) => {
    const file = contextFile(loaded, context);
    return file ? { file } : { error: `no context named "${context}" in ${files.join(', ')}` };
  };
  return editKubeconfig(files, pick, (text) => setNamespace(text, context, namespace), options);
}
