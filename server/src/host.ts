// The core's window on the file system: reads only the regular files a document names, never more than 1 MiB + 1 byte.
import { getHeapStatistics } from 'node:v8';
import { LIMITS, type Host } from './core';
import { readRegularFile } from './readFile';

const LIMIT = 1024 * 1024;

export function fileHost(): Host {
  return {
    // A larger file is still given to the core (its first 1 MiB + 1 byte and its real size): the core says it is too large.
    readFile: (path: string) => readRegularFile(path, LIMIT, { truncate: true }),
  };
}

/** Heap bytes an analysis may take per character of text: 20,000 contexts (81 M characters) peaked at ~830 MB. */
const HEAP_PER_CHARACTER = 12;

/** The longest text this process analyses: what its heap limit holds (about 340 MB under Node's default limit here). */
export function textLimit(): number {
  return Math.min(LIMITS.maxTextLength, Math.floor(getHeapStatistics().heap_size_limit / HEAP_PER_CHARACTER));
}

/**
 * A host that looks up an absolute path under `root` first (a node's /etc copied into a workspace folder or a backup),
 * then as written: as `kubecert check --root` does.
 */
export function rootedHost(host: Host, root: string | undefined): Host {
  if (!root) return host;
  const base = root.replace(/\/+$/, '');
  return {
    readFile(path: string) {
      if (path.startsWith('/') && !path.startsWith(base + '/')) {
        const under = host.readFile(base + path);
        if (!('error' in under) || under.error !== 'no such file') return under;
      }
      return host.readFile(path);
    },
  };
}
