// Reading a file someone named, bounded: only regular files, never more than the limit + 1 byte, whatever the path is.
// The CLI's paths (given or found in a folder) and the core's file references (host.ts) both come through here.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type ReadResult = { bytes: Uint8Array; size: number } | { error: string; size?: number };

/**
 * The bytes of `path` when it is a regular file of at most `limit` bytes. A device (/dev/zero), a fifo or a socket
 * (/dev/stdin with a pipe open) is refused before any byte is read; a file whose size is over the limit too (with
 * `truncate`, its first limit + 1 bytes and its real size instead), and one that grows past it while read (its stat
 * said less, as /proc files say 0) stops at limit + 1 bytes.
 */
export function readRegularFile(path: string, limit: number, { truncate = false } = {}): ReadResult {
  let fd: number | undefined;
  try {
    // Non-blocking: opening a named pipe must not wait for a writer (it would hang the server and the CLI).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    const kind = notRegular(stat);
    if (kind) return { error: kind };
    if (stat.size > limit && !truncate) return { error: tooLarge(stat.size, limit), size: stat.size };
    // A size of 0 may be a /proc file with content: read it in chunks, never past limit + 1 bytes.
    const bytes = stat.size > 0 ? readUpTo(fd, Math.min(stat.size, limit + 1)) : readChunks(fd, limit + 1);
    const read = bytes.length;
    if (truncate) return { bytes, size: Math.max(stat.size, read) };
    if (read > limit) return { error: `it grew past ${unitSize(limit)} while read; Kubecert reads files up to ${unitSize(limit)}` };
    return { bytes, size: read };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { error: ERRORS[err.code ?? ''] ?? err.code ?? err.message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readUpTo(fd: number, size: number): Uint8Array {
  const buf = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, buf, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, read);
}

function readChunks(fd: number, max: number): Uint8Array {
  const chunks: Buffer[] = [];
  let read = 0;
  while (read < max) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, max - read));
    const n = readSync(fd, chunk, 0, chunk.length, read);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    read += n;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
  // What open() says of a socket.
  ENXIO: 'it is a socket, not a regular file; Kubecert never reads one',
};

function notRegular(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'it is a folder';
  const what = stat.isFIFO()
    ? 'a pipe'
    : stat.isCharacterDevice()
      ? 'a character device'
      : stat.isBlockDevice()
        ? 'a block device'
        : stat.isSocket()
          ? 'a socket'
          : 'not a file';
  return `it is ${what}, not a regular file; Kubecert never reads one`;
}

const UNITS: Array<[number, string]> = [
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

/** "32 MiB", "1.5 GiB": a size at a glance. */
function unitSize(bytes: number): string {
  for (const [size, unit] of UNITS) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} bytes`;
}

/** "1 GiB (1,073,741,824 bytes)": the real size, at a glance and exactly. */
export function sizeInWords(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  return bytes >= 1024 ? `${unitSize(bytes)} (${exact})` : exact;
}

function tooLarge(bytes: number, limit: number): string {
  return `it is ${sizeInWords(bytes)}; Kubecert reads files up to ${unitSize(limit)}`;
}
