// The built server and CLI as separate processes, with the guard preloaded and everything they say kept:
// every notification and server→client request, and stderr.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { NODE_FLAGS } from '../../../shared/nodeFlags';

export const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../../..');
export const GUARD = join(__dirname, 'guard.js');

export interface GuardRecord {
  kind: string;
  what: string;
  allowed: boolean;
  pid: number;
}

export function guardRecords(logFile: string): GuardRecord[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GuardRecord);
}

export function guardEnv(logFile: string, loopback = false): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    KUBECERT_GUARD_LOG: logFile,
    KUBECERT_GUARD_LOOPBACK: loopback ? '1' : '0',
    NODE_OPTIONS: '',
  };
}

export class ServerProcess {
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];
  stderr = '';
  private readonly waiters: Array<{ uri: string; version: number; resolve: (d: Diagnostic[]) => void }> = [];
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  private versions = new Map<string, number>();

  constructor(env: NodeJS.ProcessEnv, cwd: string) {
    const server = join(ROOT, 'dist/server.js');
    assert.ok(existsSync(server), 'dist/server.js is missing: run `npm run build` first');
    // The bins' heap flags: without them the server would relaunch itself (server/src/relaunch.ts), a process the guard refuses.
    this.child = spawn(process.execPath, [...NODE_FLAGS, '--require', GUARD, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env, cwd });
    this.child.stderr!.on('data', (d: Buffer) => void (this.stderr += d.toString('utf8')));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      if (method !== 'textDocument/publishDiagnostics') return;
      const p = params as PublishDiagnosticsParams;
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && p.version === w.version) {
          this.waiters.splice(i, 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.onRequest((method: string, params: unknown) => {
      this.serverRequests.push({ method, params });
      return method === 'workspace/configuration' ? [null] : null;
    });
    this.connection.listen();
  }

  async initialize(initializationOptions: unknown): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: {
          diagnostic: {},
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } }, disabledSupport: true },
        },
        workspace: { configuration: true },
      },
      initializationOptions,
    });
    void this.connection.sendNotification('initialized', {});
  }

  open(uri: string, text: string, languageId = 'yaml'): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const wait = new Promise<Diagnostic[]>((resolve, reject) => {
      this.waiters.push({ uri, version: 1, resolve });
      this.child.once('exit', (code) => reject(new Error(`the server exited (${code}) before publishing diagnostics: ${this.stderr.slice(0, 2000)}`)));
    });
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return wait;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** shutdown, exit; resolves with the exit code once the process is gone (SIGKILL after 5 s). */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) return resolve(this.child.exitCode);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    try {
      await this.connection.sendRequest('shutdown');
      void this.connection.sendNotification('exit');
    } catch {
      this.child.kill('SIGKILL');
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node --require guard bin/kubecert.js …`, the way a user runs it. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): CliRun {
  const r = spawnSync(process.execPath, ['--require', GUARD, join(ROOT, 'bin/kubecert.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, `cannot run the CLI: ${r.error?.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same with spawn, for runs that talk to listeners in this process (spawnSync would block them). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', GUARD, join(ROOT, 'bin/kubecert.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
