// The core's window on the file system: reads only the regular files a document names, never more than 1 MiB + 1 byte.
import type { Host } from './core';
import { readRegularFile } from './readFile';

const LIMIT = 1024 * 1024;

export function fileHost(): Host {
  return {
    // A larger file is still given to the core (its first 1 MiB + 1 byte and its real size): the core says it is too large.
    readFile: (path: string) => readRegularFile(path, LIMIT, { truncate: true }),
  };
}
