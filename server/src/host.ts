// The core's window on the file system: reads only the regular files a document names, never more than 1 MiB + 1 byte.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Host } from './core';

const LIMIT = 1024 * 1024 + 1;

export function fileHost(): Host {
  return {
    readFile(path: string) {
      let fd: number | undefined;
      try {
        // Non-blocking: opening a named pipe must not wait for a writer (it would hang the server and the CLI).
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        const stat = fstatSync(fd);
        if (stat.isDirectory()) return { error: 'it is a folder' };
        if (!stat.isFile()) return { error: 'it is not a regular file (a pipe, socket or device is never read)' };
        const size = Math.min(stat.size || LIMIT, LIMIT);
        const buf = Buffer.alloc(size);
        let read = 0;
        while (read < size) {
          const n = readSync(fd, buf, read, size - read, read);
          if (n === 0) break;
          read += n;
        }
        return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, read) };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        return { error: err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : (err.code ?? err.message) };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
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
