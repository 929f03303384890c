// The real language server (`node dist/server.js --stdio`), as an editor runs it, given each input: open →
// diagnostics, a hover, code actions, code lenses and symbols, sometimes an edit, then close. Every request must be
// answered, in time and without an error; nothing it returns may show private-key material. A crash, a request left
// unanswered or a memory blow-up is the input's failure, and the next input gets a fresh server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LineIndex } from '../../server/src/positions';
import { NODE_FLAGS } from '../../shared/nodeFlags';
import { DOC_PATH, leakedSecret, ROOT, type Corpus } from './corpus';
import { errorOf, FUZZ_NOW, limitMs, UNANSWERED_MS, type CheckRequest, type Failure } from './oracle';

/** Above this resident set the server has not bounded its memory (inputs are at most 8 MB). */
export const SERVER_RSS_LIMIT_MB = 1024;

interface Waiter {
  uri: string;
  version: number;
  resolve(d: Diagnostic[]): void;
}

export class ServerUnderTest {
  private child?: ChildProcess;
  private connection?: MessageConnection;
  private ready?: Promise<void>;
  private waiters: Waiter[] = [];
  private stderr = '';
  private exited?: string;
  private onExit?: (why: string) => void;
  private documents = 0;
  /** Where relative file references of the inputs resolve (the fuzz host's files, written out). */
  private readonly folder: string;
  /** Servers started after the first (each after a failure that left the last one unfit). */
  restarts = -1;
  /** The largest resident set any server reached (VmHWM), in MB. */
  peakRssMb = 0;

  constructor(corpus: Corpus) {
    this.folder = mkdtempSync(join(tmpdir(), 'kubecert-fuzz-server-'));
    const base = dirname(DOC_PATH);
    for (const [path, bytes] of Object.entries(corpus.host)) {
      if (!path.startsWith(base + '/')) continue;
      const file = join(this.folder, path.slice(base.length + 1));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const server = join(ROOT, 'dist/server.js');
    if (!existsSync(server)) throw new Error(`${server} is missing: run \`npm run build\` first`);
    this.restarts++;
    // With the bins' heap flags: without them the server relaunches itself (server/src/relaunch.ts), and this pid, whose
    // memory is read and which is killed on a hang, would be the relay.
    const child = spawn(process.execPath, [...NODE_FLAGS, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    this.child = child;
    this.stderr = '';
    this.exited = undefined;
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.exited = `the server exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-8).join(' | ')}` : ''}`;
      this.onExit?.(this.exited);
    });
    // A write to a server that just died must not end the fuzzer.
    child.stdin!.on('error', () => undefined);
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && p.version === w.version) {
          this.waiters.splice(i, 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    connection.onNotification(() => undefined);
    connection.onRequest(() => null);
    connection.onError(() => undefined);
    connection.listen();
    this.connection = connection;
    this.ready = (async () => {
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } } } } },
        initializationOptions: { now: new Date(FUZZ_NOW).toISOString() },
      });
      void connection.sendNotification('initialized', {}).catch(() => undefined);
    })();
    return this.ready;
  }

  /** Ends this server; the next check starts another. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    this.connection?.dispose();
    this.connection = undefined;
    this.waiters = [];
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The server's resident set now and at its peak, in MB (Linux; undefined elsewhere). */
  memory(): { rssMb: number; peakMb: number } | undefined {
    const pid = this.child?.pid;
    if (!pid) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    } catch {
      return undefined;
    }
  }

  /** One input through the server. */
  async check(request: CheckRequest, corpus: Corpus, timings: Record<string, number>, phase: (name: string) => void = () => undefined): Promise<Failure[]> {
    const failures: Failure[] = [];
    try {
      await this.start();
    } catch (e) {
      await this.stop();
      return [{ kind: 'crash', phase: 'server.start', ...errorOf(e) }];
    }
    const connection = this.connection!;
    const { text } = request;
    const limit = limitMs(text.length) * (request.timeAllowance ?? 1);
    let fit = true;
    const died = new Promise<{ died: string }>((resolve) => {
      if (this.exited) resolve({ died: this.exited });
      this.onExit = (why) => resolve({ died: why });
    });

    /** Waits for one answer: a slow one is a failure, none at all (or a dead server) ends the check. */
    const ask = async <T>(name: string, what: Promise<T>): Promise<T | undefined> => {
      if (!fit) return undefined;
      phase(name);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), Math.max(UNANSWERED_MS, 2 * limit))));
      const r = await Promise.race([
        what.then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        timeout,
        died,
      ]).finally(() => clearTimeout(timer));
      const ms = performance.now() - started;
      timings[name] = Math.max(timings[name] ?? 0, ms);
      if ('died' in r) {
        failures.push({ kind: 'crash', phase: name, message: r.died, ms });
        fit = false;
        return undefined;
      }
      if ('timeout' in r) {
        failures.push({ kind: 'unanswered', phase: name, message: `no answer within ${ms.toFixed(0)} ms`, ms });
        fit = false;
        return undefined;
      }
      if (ms > limit)
        failures.push({
          kind: 'slow',
          phase: name,
          message: `answered after ${ms.toFixed(0)} ms (limit ${limit.toFixed(0)} ms for ${text.length} characters)`,
          ms,
        });
      if ('error' in r) {
        failures.push({ kind: 'server-error', phase: name, ...errorOf(r.error) });
        return undefined;
      }
      return r.value;
    };
    const shows = (where: string, value: unknown): void => {
      if (value === undefined || value === null) return;
      const leak = leakedSecret(typeof value === 'string' ? value : JSON.stringify(value), corpus.secrets, text);
      if (leak) failures.push({ kind: 'secret', phase: where, message: `${where} shows material of ${leak.key}: "${leak.needle}"` });
    };
    // A write to a server that has just died rejects; the death itself is reported by ask().
    const notify = (method: string, params: unknown): void => void connection.sendNotification(method, params).catch(() => undefined);
    const diagnosticsOf = (uri: string, version: number) => new Promise<Diagnostic[]>((resolve) => this.waiters.push({ uri, version, resolve }));

    const uri = `file://${this.folder}/doc-${++this.documents}.${request.languageId === 'json' ? 'json' : 'yaml'}`;
    const lines = new LineIndex(text);
    const position = (offset: number) => lines.position(Math.min(offset, text.length));
    const [hoverAt, actionFrom, actionTo] = request.positions;
    try {
      phase('server.open');
      const opened = diagnosticsOf(uri, 1);
      notify('textDocument/didOpen', { textDocument: { uri, languageId: request.languageId, version: 1, text } });
      const hover = async () =>
        shows('server.hover', await ask('server.hover', connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(hoverAt) })));
      if (request.hoverFirst) await hover();
      const diagnostics = await ask('server.diagnostics', opened);
      shows('server.diagnostics', diagnostics);
      if (!request.hoverFirst) await hover();
      shows('server.decoded', await ask('server.decoded', connection.sendRequest('kubecert/decodedCertificate', { uri, position: position(hoverAt) })));
      const start = Math.min(actionFrom, actionTo);
      const end = Math.max(actionFrom, actionTo);
      const inRange = (diagnostics ?? []).filter((d) => lines.offset(d.range.end) >= start && lines.offset(d.range.start) <= end);
      const actions = await ask(
        'server.codeAction',
        connection.sendRequest('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: position(start), end: position(end) },
          context: { diagnostics: inRange.length ? inRange : (diagnostics ?? []).slice(0, 20) },
        }),
      );
      shows('server.codeAction', fileContents(actions, uri));
      shows('server.codeLens', await ask('server.codeLens', connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })));
      shows('server.symbols', await ask('server.symbols', connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })));
      if (request.edit && fit) {
        const { offset, deleteCount, insert } = request.edit;
        const changed = diagnosticsOf(uri, 2);
        notify('textDocument/didChange', {
          textDocument: { uri, version: 2 },
          contentChanges: [{ range: { start: position(offset), end: position(offset + deleteCount) }, text: insert }],
        });
        shows('server.change', await ask('server.change', changed));
      }
      if (fit) notify('textDocument/didClose', { textDocument: { uri } });
    } catch (e) {
      // The connection itself failed (the server's pipe closed under a write).
      failures.push({ kind: 'crash', phase: 'server', ...errorOf(e) });
      fit = false;
    } finally {
      this.onExit = undefined;
      this.waiters = this.waiters.filter((w) => w.uri !== uri);
    }
    const memory = this.memory();
    if (memory) {
      this.peakRssMb = Math.max(this.peakRssMb, memory.peakMb);
      if (memory.peakMb > SERVER_RSS_LIMIT_MB) {
        failures.push({
          kind: 'memory',
          phase: 'server',
          message: `the server's resident set reached ${memory.peakMb.toFixed(0)} MB (limit ${SERVER_RSS_LIMIT_MB} MB)`,
        });
        fit = false;
      }
    }
    if (!fit) await this.stop();
    return failures;
  }
}

/** What code actions would put in files other than the document: new files' content, edits elsewhere, and every title. */
function fileContents(actions: unknown, uri: string): unknown {
  if (!Array.isArray(actions)) return actions;
  return actions.map(
    (a: { title?: string; edit?: { changes?: Record<string, unknown>; documentChanges?: Array<{ textDocument?: { uri: string } }> }; command?: unknown }) => ({
      title: a.title,
      command: a.command,
      elsewhere: [
        ...Object.entries(a.edit?.changes ?? {}).filter(([u]) => u !== uri),
        ...(a.edit?.documentChanges ?? []).filter((c) => c.textDocument?.uri !== uri),
      ],
    }),
  );
}
