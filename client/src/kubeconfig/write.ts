// Writing kubeconfig as kubectl does (its .lock files, its choice of file), and safer:
// only the changed value is rewritten, atomically (temp file, fsync, rename), mode and owner kept,
// symlinks followed, and a file changed since it was read is edited again, never overwritten.
import { closeSync, constants, existsSync, fchownSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setCurrentContext, setNamespace, type EditResult } from '../../../server/src/core/kubeconfigEdit';
import { parseForEdit } from '../../../server/src/core/kubeconfigEdit';

export type WriteResult = { ok: true; file: string; changed: boolean } | { ok: false; error: string };

export class LockHeld extends Error {}

/** kubectl's lock: `<file>.lock` created exclusively, for every file of the list, in sorted order. */
export function lockAll(files: string[]): () => void {
  const held: string[] = [];
  const release = (): void => {
    for (const lock of held.splice(0)) {
      try {
        unlinkSync(lock);
      } catch {
        // already gone
      }
    }
  };
  for (const file of [...new Set(files)].sort()) {
    const lock = `${file}.lock`;
    try {
      closeSync(openSync(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
      held.push(lock);
    } catch (e) {
      release();
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') throw new LockHeld(`${lock} exists: another kubectl (or Kubecert) is writing this kubeconfig. If none is running, delete ${lock}.`);
      if (err.code === 'ENOENT') continue; // the folder does not exist: nothing to lock, as kubectl
      throw new LockHeld(`cannot create ${lock}: ${err.code ?? err.message}`);
    }
  }
  return release;
}

/** Where kubectl's merge reads current-context from: the first file that sets it; else the first existing file; else the last. */
export function currentContextFile(files: string[]): string {
  for (const f of files) {
    if (!existsSync(f)) continue;
    const parsed = parseForEdit(readFileSync(f, 'utf8'));
    if (parsed.ok && parsed.config.currentContext?.value) return f;
  }
  return files.find((f) => existsSync(f)) ?? files[files.length - 1];
}

/** The first file that defines a context (the one kubectl's merge uses). */
export function contextFile(files: string[], name: string): string | undefined {
  for (const f of files) {
    if (!existsSync(f)) continue;
    const parsed = parseForEdit(readFileSync(f, 'utf8'));
    if (parsed.ok && parsed.config.contexts.some((c) => c.name === name)) return f;
  }
  return undefined;
}

export interface WriteHooks {
  /** Called between computing the new text and renaming it into place (tests inject races and kills here). */
  beforeRename?: (tmp: string, target: string) => void;
}

/** Applies `edit` to the file `pick` chooses, under the locks of every file in `files` (the choice is made under the locks too). */
export function editKubeconfig(files: string[], pick: () => string | undefined, edit: (text: string) => EditResult, hooks: WriteHooks = {}): WriteResult {
  let release: () => void;
  try {
    release = lockAll(files);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  try {
    const file = pick();
    if (!file) return { ok: false, error: 'no kubeconfig file to write' };
    return writeAtomically(file, edit, hooks);
  } finally {
    release();
  }
}

function writeAtomically(file: string, edit: (text: string) => EditResult, hooks: WriteHooks): WriteResult {
  let target = file;
  if (existsSync(file)) {
    try {
      target = realpathSync(file);
    } catch (e) {
      return { ok: false, error: `${file}: ${(e as NodeJS.ErrnoException).code === 'ELOOP' ? 'symbolic link loop' : (e as Error).message}` };
    }
  } else if (isDanglingLink(file)) {
    return { ok: false, error: `${file} is a symbolic link to a file that does not exist (or a loop)` };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const exists = existsSync(target);
    let before = '';
    let mode = 0o600;
    let uid: number | undefined;
    let gid: number | undefined;
    if (exists) {
      try {
        before = readFileSync(target, 'utf8');
        const st = statSync(target);
        mode = st.mode & 0o7777;
        uid = st.uid;
        gid = st.gid;
      } catch (e) {
        return { ok: false, error: `${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
      }
    }
    const result = edit(before);
    if (!result.ok) return { ok: false, error: `${file}: ${result.error}; nothing was written` };
    if (exists && result.text === before) return { ok: true, file: target, changed: false };
    const tmp = join(dirname(target), `.${basename(target)}.kubecert-${process.pid}-${Date.now().toString(36)}${attempt}.tmp`);
    let fd: number | undefined;
    try {
      fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
      const buf = Buffer.from(result.text, 'utf8');
      let written = 0;
      while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
      if (uid !== undefined && gid !== undefined && process.getuid?.() === 0) fchownSync(fd, uid, gid);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      hooks.beforeRename?.(tmp, target);
      // Someone without the lock changed the file since we read it: edit the new content instead.
      if ((safeRead(target) ?? '') !== before) {
        unlinkSync(tmp);
        continue;
      }
      renameSync(tmp, target);
      syncDir(dirname(target));
      return { ok: true, file: target, changed: true };
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // not created
      }
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'EROFS' ? 'read-only file system' : (err.code ?? err.message);
      return { ok: false, error: `cannot write ${target}: ${why}; the file is unchanged` };
    }
  }
  return { ok: false, error: `${target} kept changing while Kubecert tried to write it; nothing was written` };
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isDanglingLink(path: string): boolean {
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

/** `kubectl config use-context NAME`, safer. */
export function useContext(files: string[], name: string, hooks?: WriteHooks): WriteResult {
  return editKubeconfig(files, () => currentContextFile(files), (text) => setCurrentContext(text, name), hooks);
}

/** `kubectl config set-context NAME --namespace NS`: the stanza is changed in the file it came from. */
export function useNamespace(files: string[], context: string, namespace: string, hooks?: WriteHooks): WriteResult {
  const result = editKubeconfig(files, () => contextFile(files, context), (text) => setNamespace(text, context, namespace), hooks);
  return result.ok || result.error !== 'no kubeconfig file to write' ? result : { ok: false, error: `no context named "${context}" in ${files.join(', ')}` };
}
