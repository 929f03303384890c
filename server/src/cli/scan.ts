// The folder walk of `kubecert check`: which files of a tree are read, found by content (never by name), bounded.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sniff, SNIFF_BYTES, type FileForm } from '../core';

export const SCAN_LIMITS = {
  /** A file larger than this is not read in a folder scan (a kubeconfig or manifest of that size is no one's). */
  maxFileBytes: 32 * 1024 * 1024,
  /** Files read per run; past it the scan stops. */
  maxFiles: 20_000,
  /** Folder depth below each PATH. */
  maxDepth: 40,
};

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface Found {
  path: string;
  form: FileForm;
  /** The folder given on the command line this file was found under. */
  under: string;
}

export interface Scan {
  files: Found[];
  errors: string[];
  /** One line per limit hit: what was left out, and where first. */
  limits: Array<{ under: string; message: string }>;
}

/** The first bytes of a regular file, or undefined; a pipe, socket or device is never opened for reading. */
function head(path: string): { bytes: Buffer; size: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    const n = buf.length ? readSync(fd, buf, 0, buf.length, 0) : 0;
    return { bytes: buf.subarray(0, n), size: stat.size };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Walks each folder as `find -L` does: symlinked files and folders followed, a folder reached twice (a loop, or two
 * links to one place) walked once, each real file read once; `.git` and `node_modules` skipped. A file is kept when
 * its first bytes are YAML/JSON Kubecert reads, PEM, DER, or binary-install flags.
 */
export function scanFolders(folders: string[], limits = SCAN_LIMITS): Scan {
  const scan: Scan = { files: [], errors: [], limits: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let tooLarge: { count: number; first: string; under: string } | undefined;
  let countHit: string | undefined;
  const walk = (dir: string, under: string, depth: number): void => {
    if (countHit !== undefined) return;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (e) {
      scan.errors.push(`${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return;
    }
    if (seenDirs.has(real) || depth > limits.maxDepth) return;
    seenDirs.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort((a, b) => a.localeCompare(b));
    } catch (e) {
      scan.errors.push(`${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return;
    }
    for (const name of names) {
      if (countHit !== undefined) return;
      const full = join(dir, name);
      let stat;
      try {
        stat = statSync(full); // follows symlinks; a dangling link is skipped
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(full, under, depth + 1);
        continue;
      }
      if (!stat.isFile()) continue;
      let realFile: string;
      try {
        realFile = realpathSync(full);
      } catch {
        continue;
      }
      if (seenFiles.has(realFile)) continue;
      seenFiles.add(realFile);
      const h = head(full);
      if (!h) continue;
      const form = sniff(h.bytes.toString('latin1'));
      if (!form) continue;
      if (h.size > limits.maxFileBytes) {
        if (tooLarge) tooLarge.count++;
        else tooLarge = { count: 1, first: full, under };
        continue;
      }
      if (scan.files.length >= limits.maxFiles) {
        countHit = under;
        return;
      }
      scan.files.push({ path: full, form, under });
    }
  };
  for (const folder of folders) walk(folder, folder, 0);
  if (tooLarge)
    scan.limits.push({
      under: tooLarge.under,
      message: `${tooLarge.count} file${tooLarge.count === 1 ? '' : 's'} over ${limits.maxFileBytes / 1024 / 1024} MB not read (the first: ${tooLarge.first}).`,
    });
  if (countHit !== undefined)
    scan.limits.push({
      under: countHit,
      message: `The scan stopped at ${limits.maxFiles.toLocaleString('en-US')} files; the rest of the tree was not read (--max-files).`,
    });
  return scan;
}
