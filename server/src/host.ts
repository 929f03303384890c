// The core's window on the file system: reads only the regular files a document names, never more than 1 MiB + 1 byte.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { LIMITS, type Host } from './core';

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

/** Heap bytes an analysis may take per character of text: 20,000 contexts (81 M characters) peaked at ~830 MB. */
const HEAP_PER_CHARACTER = 12;

/** The longest text this process analyses: what its heap limit holds (about 340 MB under Node's default limit here). */
export function textLimit(): number {
  return Math.min(LIMITS.maxTextLength, Math.floor(getHeapStatistics().heap_size_limit / HEAP_PER_CHARACTER));
}
