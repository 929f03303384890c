// The language server's folder walk: which files of the workspace folders are read, found by content (never by name),
// bounded as `kubecert check` bounds its walk (cli/scan.ts), but in slices: the server answers between them.
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sniff, SNIFF_BYTES, type FileForm } from './core';
import { SCAN_LIMITS as CLI_LIMITS } from './cli/walk';
import { DEFAULT_SETTINGS } from '../../shared/settings';

/** The CLI's bounds (file size, depth); the server's file count is the kubecert.workspace.maxFiles setting. */
export const SCAN_LIMITS = { ...CLI_LIMITS, maxFiles: DEFAULT_SETTINGS.workspace.maxFiles };

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface Found {
  path: string;
  form: FileForm;
}

export interface Scan {
  files: Found[];
  /** One line per limit hit: what was left out. */
  limits: string[];
}

export interface ScanOptions {
  maxFiles?: number;
  maxFileBytes?: number;
  /** Awaited between slices of the walk (the server waits there while a document's analysis is scheduled). */
  pause?: () => Promise<void>;
  /** Globs relative to the workspace folder (`**` any folders, `*` and `?` within a name, `{a,b}`); a match is skipped. */
  exclude?: string[];
}

/** The first bytes of a regular file and its size, or undefined; a pipe, socket or device is never opened for reading. */
export async function head(path: string): Promise<{ bytes: Buffer; size: number } | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    const { bytesRead } = buf.length ? await handle.read(buf, 0, buf.length, 0) : { bytesRead: 0 };
    return { bytes: buf.subarray(0, bytesRead), size: st.size };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** A whole regular file, when it is one and within the size bound. */
export async function readBounded(path: string, maxBytes = SCAN_LIMITS.maxFileBytes): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** A glob as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      re += ')';
      depth--;
    } else if (c === ',' && depth > 0) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a name at any depth, as .gitignore and VS Code's files.exclude do.
  const anywhere = !glob.includes('/') ? '(?:.*/)?' : '';
  return new RegExp(`^${anywhere}${re}(?:/.*)?$`);
}

export function excluder(globs: string[] | undefined): (relativePath: string) => boolean {
  const res = (globs ?? []).filter((g) => g.trim() !== '').map(globToRegExp);
  return (p) => res.some((re) => re.test(p));
}

/**
 * Walks each folder as `find -L` does: symlinked files and folders followed, a folder reached twice (a loop, or two
 * links to one place) walked once, each real file read once; `.git`, `node_modules` and excluded paths skipped. A file
 * is kept when its first bytes are YAML/JSON Kubecert reads, PEM, DER, or binary-install flags. The walk runs in slices
 * of a few milliseconds, so requests and an open document's analysis are served between them.
 */
export async function scanFolders(folders: string[], options: ScanOptions = {}): Promise<Scan> {
  const walk = walkFolders(folders, options);
  for (;;) {
    const until = performance.now() + SLICE_MS;
    for (;;) {
      const r = walk.next();
      if (r.done) return r.value;
      if (performance.now() >= until) break;
    }
    await (options.pause?.() ?? new Promise<void>((resolve) => setImmediate(resolve)));
  }
}

/** Time the walk runs before it lets the event loop turn. */
export const SLICE_MS = 8;

/** The walk itself, synchronous, one step per entry looked at. */
function* walkFolders(folders: string[], options: ScanOptions): Generator<void, Scan, void> {
  const maxFiles = options.maxFiles ?? SCAN_LIMITS.maxFiles;
  const maxFileBytes = options.maxFileBytes ?? SCAN_LIMITS.maxFileBytes;
  const excluded = excluder(options.exclude);
  const scan: Scan = { files: [], limits: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let tooLarge: { count: number; first: string } | undefined;
  let stopped = false;
  function* walk(dir: string, root: string, depth: number): Generator<void, void, void> {
    if (stopped || depth > SCAN_LIMITS.maxDepth) return;
    let names: string[];
    try {
      const real = realpathSync(dir);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (stopped) return;
      yield;
      const full = join(dir, name);
      if (excluded(relative(root, full).split(sep).join('/'))) continue;
      let st;
      try {
        st = statSync(full); // follows symlinks; a dangling link is skipped
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) yield* walk(full, root, depth + 1);
        continue;
      }
      if (!st.isFile()) continue;
      let realFile: string;
      try {
        realFile = realpathSync(full);
      } catch {
        continue;
      }
      if (seenFiles.has(realFile)) continue;
      seenFiles.add(realFile);
      const h = headSync(full);
      const form = h && sniff(h.bytes.toString('latin1'));
      if (!h || !form) continue;
      if (h.size > maxFileBytes) {
        if (tooLarge) tooLarge.count++;
        else tooLarge = { count: 1, first: full };
        continue;
      }
      if (scan.files.length >= maxFiles) {
        stopped = true;
        scan.limits.push(`The workspace index stopped at ${maxFiles} files; the rest of the folders was not read (kubecert.workspace.maxFiles).`);
        return;
      }
      scan.files.push({ path: full, form });
    }
  }
  for (const folder of folders) yield* walk(folder, folder, 0);
  if (tooLarge)
    scan.limits.push(
      `${tooLarge.count} file${tooLarge.count === 1 ? '' : 's'} over ${maxFileBytes / 1024 / 1024} MB not read in the workspace index (the first: ${tooLarge.first}).`,
    );
  return scan;
}

/** A whole regular file within the size bound, read at once (the index reads in slices of its own). */
export function readBoundedSync(path: string, maxBytes = SCAN_LIMITS.maxFileBytes): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first bytes of a regular file, or undefined; a pipe, socket or device is never opened for reading. */
function headSync(path: string): { bytes: Buffer; size: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    const n = buf.length ? readSync(fd, buf, 0, buf.length, 0) : 0;
    return { bytes: buf.subarray(0, n), size: st.size };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
