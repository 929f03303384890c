// The effective kubeconfig, as kubectl merges it: which files, which contexts, which is current.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseForEdit, type EditError } from '../../../server/src/core';
import { LineIndex } from '../../../shared/positions';

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
  /** The file the context stanza comes from (the first that defines it). */
  file: string;
  server?: string;
}

export interface Merged {
  files: string[];
  contexts: ContextInfo[];
  current?: string;
  /** The file whose current-context won. */
  currentFile?: string;
  errors: string[];
}

/** The setting, else every file of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(setting: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  if (setting && setting.length) return setting;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length) return [...new Set(list)];
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

export function loadMerged(files: string[]): Merged {
  const merged: Merged = { files, contexts: [], errors: [] };
  const clusters = new Map<string, string | undefined>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      // As kubectl: a missing file (or a link to one) is skipped; anything else unreadable is an error, not silence.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      merged.errors.push(
        `${file}: ${code === 'ELOOP' ? 'a loop of symbolic links' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      );
      continue;
    }
    const parsed = parseForEdit(text);
    if (!parsed.ok) {
      merged.errors.push(`${file}: ${editError(text, parsed)}`);
      continue;
    }
    const { config } = parsed;
    // First file wins for every name and for current-context, as in client-go.
    if (merged.current === undefined && config.currentContext?.value) {
      merged.current = config.currentContext.value;
      merged.currentFile = file;
    }
    for (const c of config.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c.fields.get('server')?.value);
    for (const c of config.contexts) {
      if (merged.contexts.some((x) => x.name === c.name)) continue;
      merged.contexts.push({
        name: c.name,
        cluster: c.fields.get('cluster')?.value ?? '',
        user: c.fields.get('user')?.value ?? '',
        namespace: c.fields.get('namespace')?.value ?? '',
        file,
      });
    }
  }
  for (const c of merged.contexts) c.server = clusters.get(c.cluster);
  return merged;
}

/** A refusal as a person reads it: with the line of what is wrong, when it has one. */
export function editError(text: string, e: EditError): string {
  return e.at === undefined ? e.error : `line ${new LineIndex(text).position(e.at).line + 1}: ${e.error}`;
}
