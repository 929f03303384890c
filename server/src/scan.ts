// The language server's folder walk: which files of the workspace folders are read, found by content (never by name),
// bounded as `kubecert check` bounds its walk. Asynchronous, so the server answers requests while it runs.
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sniff, SNIFF_BYTES, type FileForm } from './core';

export const SCAN_LIMITS = {
  /** A file larger than this is not read (a kubeconfig or manifest of that size is no one's). */
  maxFileBytes: 32 * 1024 * 1024,
  /** Files kept per scan; past it the scan stops. */
  maxFiles: 10_000,
  /** Folder depth below each workspace folder. */
  maxDepth: 40,
};

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
 * is kept when its first bytes are YAML/JSON Kubecert reads, PEM, DER, or binary-install flags.
 */
export async function scanFolders(folders: string[], options: ScanOptions = {}): Promise<Scan> {
  const maxFiles = options.maxFiles ?? SCAN_LIMITS.maxFiles;
  const maxFileBytes = options.maxFileBytes ?? SCAN_LIMITS.maxFileBytes;
  const excluded = excluder(options.exclude);
  const scan: Scan = { files: [], limits: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let tooLarge: { count: number; first: string } | undefined;
  let stopped = false;
  const walk = async (dir: string, root: string, depth: number): Promise<void> => {
    if (stopped || depth > SCAN_LIMITS.maxDepth) return;
    let real: string;
    let names: string[];
    try {
      real = await realpath(dir);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (stopped) return;
      const full = join(dir, name);
      if (excluded(relative(root, full).split(sep).join('/'))) continue;
      let st;
      try {
        st = await stat(full); // follows symlinks; a dangling link is skipped
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) await walk(full, root, depth + 1);
        continue;
      }
      if (!st.isFile()) continue;
      let realFile: string;
      try {
        realFile = await realpath(full);
      } catch {
        continue;
      }
      if (seenFiles.has(realFile)) continue;
      seenFiles.add(realFile);
      const h = await head(full);
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
  };
  for (const folder of folders) await walk(folder, folder, 0);
  if (tooLarge)
    scan.limits.push(
      `${tooLarge.count} file${tooLarge.count === 1 ? '' : 's'} over ${maxFileBytes / 1024 / 1024} MB not read in the workspace index (the first: ${tooLarge.first}).`,
    );
  return scan;
}
