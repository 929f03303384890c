// Which files `kubecert check` reads: the paths given (folders searched), else the kubeconfig kubectl would use.
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const CANDIDATE = /(\.ya?ml|\.json|\.kubeconfig|\.conf|^config|^kubeconfig.*)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** kubectl's choice: every file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigs(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const list = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .filter((p) => p !== '')
    .map((p) => resolve(cwd, p));
  if (list.length > 0) return [...new Set(list)];
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

export interface Expanded {
  files: string[];
  errors: string[];
}

export function expandPaths(paths: string[], skipMissing = false): Expanded {
  const out: Expanded = { files: [], errors: [] };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch (e) {
      if (skipMissing && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      out.errors.push(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
      continue;
    }
    if (stat.isDirectory()) walk(p, out, 0);
    else out.files.push(p);
  }
  return out;
}

function walk(dir: string, out: Expanded, depth: number): void {
  if (depth > 20) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    out.errors.push(`${dir}: ${(e as Error).message}`);
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(full, out, depth + 1);
    } else if (e.isFile() && CANDIDATE.test(e.name)) out.files.push(full);
  }
}
