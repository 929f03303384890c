// A plain LSP client for tests and the benchmark: in-process over paired streams, or a spawned server over stdio.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import type { Diagnostic, PublishDiagnosticsParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Host } from '../../server/src/core';
import { fileHost } from '../../server/src/host';
import { startServer } from '../../server/src/lsp/connection';

export interface Position {
  line: number;
  character: number;
}

export class LspClient {
  private readonly waiters: Array<{ uri: string; version?: number; resolve: (d: PublishDiagnosticsParams) => void }> = [];
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: Array<{ type: number; message: string }> = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly connection: MessageConnection,
    readonly child?: ChildProcess,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
    connection.onNotification('window/showMessage', (p: { type: number; message: string }) => void this.messages.push(p));
    connection.onNotification('window/logMessage', () => undefined);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/configuration', () => [null]);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
  }

  /** Server and client in one process, over two in-memory streams. */
  static inProcess(options: { host?: Host; clock?: () => number } = {}): LspClient {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, { host: options.host ?? fileHost(), clock: options.clock ?? (() => 0) });
    return new LspClient(createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)));
  }

  /** A real server process over stdio. */
  static spawn(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): LspClient {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
    return new LspClient(createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), child);
  }

  async initialize(
    initializationOptions: unknown = {},
    capabilities: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const result = await this.connection.sendRequest('initialize', {
      ...extra,
      // In-process, the server must not watch our pid (a timer that keeps the test alive) nor exit it.
      processId: this.child ? process.pid : null,
      rootUri: extra.rootUri ?? null,
      // As VS Code: code action literals, and edits resolved when an action is picked.
      capabilities: {
        textDocument: {
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } }, resolveSupport: { properties: ['edit'] } },
        },
        ...capabilities,
      },
      initializationOptions,
    });
    void this.connection.sendNotification('initialized', {});
    return result as Record<string, unknown>;
  }

  /** Opens a document and resolves with its first diagnostics. */
  open(uri: string, text: string, languageId = 'yaml'): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const wait = this.diagnostics(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return wait;
  }

  /** Replaces the whole text (or applies one ranged edit) and resolves with the diagnostics of that version. */
  change(uri: string, change: string | { range: { start: Position; end: Position }; text: string }): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const wait = this.diagnostics(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [typeof change === 'string' ? { text: change } : change],
    });
    return wait;
  }

  diagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve: (p) => resolve(p.diagnostics) }));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  hover(uri: string, position: Position): Promise<{ contents: { kind: string; value: string }; range?: unknown } | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  async shutdown(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      // `exit` makes the server call process.exit(): only for a server in its own process.
      if (this.child) void this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.child && this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.child?.kill('SIGKILL');
          resolve();
        }, 2000);
        this.child!.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** Applies LSP text edits to a text (offsets from line/character, UTF-16). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: Position): number => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  if (edit.changes?.[uri]) return edit.changes[uri];
  const out: TextEdit[] = [];
  for (const c of edit.documentChanges ?? []) if ('textDocument' in c && c.textDocument.uri === uri) out.push(...(c.edits as TextEdit[]));
  return out;
}
