// Who may read a file: its permission bits and owner, for the core's check that a key is never copied somewhere
// more people can read it (the embed refactor). Beside host.ts, outside the core, as every file system access.
import { statSync } from 'node:fs';
import type { FileAccess } from './core';

export function fileAccess(path: string): FileAccess | undefined {
  try {
    const { mode, uid, gid } = statSync(path);
    return { mode: mode & 0o7777, uid, gid };
  } catch {
    return undefined;
  }
}
