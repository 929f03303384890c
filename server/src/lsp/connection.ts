// Every LSP method, wired in one place: a handler reads an analysis from the session, asks features.ts, returns.
import { DidChangeConfigurationNotification, MessageType, ShowMessageNotification, TextDocumentSyncKind, type Connection } from 'vscode-languageserver';
import type { Host } from '../core';
import { probeCluster } from '../probe';
import { DecodedCertificateRequest, ProbeRequest, RenewalStepsRequest, SHOW_RENEWAL_STEPS, type ParamsOf, type ResultOf } from '../../../shared/protocol';
import * as features from './features';
import { DiagnosticsPublisher } from './publisher';
import { Session } from './session';
import { warmUpSession } from './warmUp';

export interface ServerOptions {
  host: Host;
  clock?: () => number;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const session = new Session(options.host, options.clock ?? Date.now);
  const { documents } = session;
  const publisher = new DiagnosticsPublisher(connection, documents, () => session.workspace);
  const settings = () => session.workspace.getSettings();

  connection.onInitialize((params) => {
    session.initialize(params);
    publisher.push = session.traits.push;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.extract', 'refactor.inline'] },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: [' ', ':'] },
        executeCommandProvider: { commands: session.traits.showsRenewalSteps ? [] : [SHOW_RENEWAL_STEPS] },
        ...(session.traits.canPull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'kubecert-language-server' },
    };
  });
  connection.onInitialized(() => {
    warmUpSession(session, () => publisher.busy());
    if (session.traits.configurable) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
  });
  connection.onDidChangeConfiguration(async (change) => {
    let raw: unknown = (change.settings as Record<string, unknown> | undefined)?.kubecert;
    if (raw === undefined && session.traits.configurable) raw = await connection.workspace.getConfiguration('kubecert').catch(() => undefined);
    session.configure(raw);
    publisher.publishAll();
    if (session.traits.canPull) void Promise.resolve(connection.languages.diagnostics.refresh()).catch(() => undefined);
  });

  // TextDocuments fires onDidChangeContent on open too: one publish per version.
  documents.onDidChangeContent((e) => publisher.publish(e.document.uri));
  documents.onDidClose((e) => {
    session.workspace.forget(e.document.uri);
    publisher.closed(e.document.uri);
  });

  connection.languages.diagnostics.on((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return { kind: 'full', items: snap ? features.diagnostics(snap, settings().maxProblems) : [] };
  });
  connection.onHover((p) => {
    const snap = session.hoverOf(p.textDocument.uri, p.position);
    return snap ? features.hover(snap, p.position) : null;
  });
  connection.onCodeAction((p) => {
    const snap = session.currentOf(p.textDocument.uri, p.range.start);
    return snap ? features.codeActions(snap, p, options.host) : [];
  });
  connection.onCodeLens((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap && settings().codeLens ? features.codeLenses(snap) : [];
  });
  connection.onDocumentSymbol((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.documentSymbols(snap) : [];
  });
  connection.onDefinition((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.gotoDefinition(snap, p.position) : null;
  });
  connection.onReferences((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.findReferences(snap, p.position, p.context.includeDeclaration) : [];
  });
  connection.onCompletion((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.complete(snap, p.position) : [];
  });
  connection.onRequest(DecodedCertificateRequest.method, (p: ParamsOf<typeof DecodedCertificateRequest>): ResultOf<typeof DecodedCertificateRequest> => {
    const snap = session.snapshotOf(p.uri);
    return snap ? features.decodedCertificate(snap, p.position) : null;
  });
  connection.onRequest(RenewalStepsRequest.method, (p: ParamsOf<typeof RenewalStepsRequest>): ResultOf<typeof RenewalStepsRequest> => {
    const snap = session.snapshotOf(p.uri);
    return snap ? features.renewal(snap, p.where, p.index) : null;
  });
  connection.onExecuteCommand((p) => {
    if (p.command !== SHOW_RENEWAL_STEPS) return null;
    const [uri, target] = (p.arguments ?? []) as [string, { where: string; index: number }];
    const snap = typeof uri === 'string' ? session.snapshotOf(uri) : undefined;
    const steps = snap && target ? features.renewal(snap, target.where, target.index) : null;
    // A notification, not window/showMessageRequest: nothing to answer (Neovim would block on a prompt).
    if (steps)
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `${steps.title}:\n${steps.steps.join('\n')}` });
    return steps;
  });
  connection.onRequest(ProbeRequest.method, async (p: ParamsOf<typeof ProbeRequest>): Promise<ResultOf<typeof ProbeRequest>> => {
    const snap = session.snapshotOf(p.uri);
    if (!snap) return { server: '', ok: false, error: 'the document is not open', summary: [] };
    return probeCluster(snap.analysis, p.cluster, { now: snap.now, warnDays: settings().warnDays });
  });

  documents.listen(connection);
  connection.listen();
}
