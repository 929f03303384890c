// `node dist/server.js --stdio`, as other editors start it, runs without the V8 heap flags the bins carry in their
// shebang and the VS Code client passes (shared/nodeFlags.ts): the open of 1,000 contexts took ~20 % longer. V8 reads
// them only when the heap is made, so the server starts itself once more with them; this process stays as a relay of
// signals and of the exit status, and the server ends when it does (their IPC channel closes).
import { spawn, type ChildProcess } from 'node:child_process';
import { NODE_FLAGS } from '../../shared/nodeFlags';

const MARK = 'KUBECERT_RELAUNCHED';

/** Starts the server in a child with the flags when they are missing, else (or should that fail) calls `here`. */
export function runWithFlags(here: () => void): void {
  if (!relaunched(here)) here();
}

function relaunched(here: () => void): boolean {
  if (process.env[MARK] === '1') {
    delete process.env[MARK];
    // The relay went away (killed, even by SIGKILL): so does the server.
    process.on('disconnect', () => process.exit(0));
    return false;
  }
  const given = new Set([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]);
  const missing = NODE_FLAGS.filter((f) => !given.has(f));
  // Only over stdio: with --node-ipc the VS Code client already passes the flags, and its channel is this process's.
  if (missing.length === 0 || !process.argv.includes('--stdio')) return false;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [MARK]: '1' },
    });
  } catch {
    return false;
  }
  child.on('error', here);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
  return true;
}
