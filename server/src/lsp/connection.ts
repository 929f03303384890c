// Every LSP method, wired in one place: a handler reads an analysis from the session, asks features.ts, returns.
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
} from 'vscode-languageserver';
import type { Host } from '../core';
import { probeCluster } from '../probe';
import { URI } from 'vscode-uri';
import {
  CertificatesRequest,
  ContextHealthRequest,
  DecodedCertificateRequest,
  ProbeRequest,
  RenewalStepsRequest,
  SHOW_DECODED_CERTIFICATE,
  SHOW_RENEWAL_STEPS,
  type ResultOf,
} from '../../../shared/protocol';
import * as features from './features';
import * as health from './health';
import { checked } from './params';
import { DiagnosticsPublisher } from './publisher';
import { Session } from './session';
import { warmUpSession } from './warmUp';

/** How long after initialized the workspace index waits before it begins. */
const INDEX_GRACE_MS = 250;

export interface ServerOptions {
  host: Host;
  clock?: () => number;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const session = new Session(options.host, options.clock ?? Date.now);
  const { documents } = session;
  const publisher = new DiagnosticsPublisher(
    connection,
    documents,
    () => session.workspace,
    () => session.cluster,
  );
  const settings = () => session.workspace.getSettings();

  connection.onInitialize((params) => {
    session.initialize(params);
    publisher.push = session.traits.push;
    publisher.onPullChanged = () => void Promise.resolve(connection.languages.diagnostics.refresh()).catch(() => undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.extract', 'refactor.inline'], resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: [' ', ':'] },
        // Commands the VS Code client runs itself are not advertised: its language client would register them a second time.
        executeCommandProvider: {
          commands: [
            ...(session.traits.showsRenewalSteps ? [] : [SHOW_RENEWAL_STEPS]),
            ...(session.traits.showsDecodedCertificate ? [] : [SHOW_DECODED_CERTIFICATE]),
          ],
        },
        ...(session.traits.canPull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'kubecert-language-server' },
    };
  });
  connection.onInitialized(() => {
    warmUpSession(session, () => publisher.busy());
    if (session.traits.configurable) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
    if (session.folders.length && !session.traits.watchesFiles && session.traits.canWatch)
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch(() => undefined);
    // Documents an editor opens with initialized (its restored tabs) arrive in the next moments: they are analysed first.
    setTimeout(indexWorkspace, INDEX_GRACE_MS);
  });
  const indexKey = (): string => {
    const { workspace, warnDays, severities, now } = settings();
    return JSON.stringify({ workspace, warnDays, severities, now });
  };
  // The workspace folders, read in the background once the first documents are served; again when settings change.
  const indexWorkspace = (): void => {
    if (!session.folders.length) return;
    const cluster = session.newCluster(() => publisher.busy());
    // Documents already analysed go in first: their text wins over the disk.
    for (const doc of documents.all()) {
      const snap = session.workspace.peek(doc.uri);
      if (snap?.path && snap.version === doc.version) cluster.opened(snap.path, snap.analysis);
    }
    void cluster.index(session.folders).then(
      (affected) => {
        if (session.cluster !== cluster) return;
        for (const limit of cluster.limits) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: limit });
        publisher.refreshPaths(affected);
      },
      (e: unknown) => connection.console.error(`The workspace index failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  connection.onDidChangeWatchedFiles((p) => {
    const cluster = session.cluster;
    if (!cluster) return;
    const changes = p.changes.flatMap((c) => {
      const uri = URI.parse(c.uri);
      return uri.scheme === 'file' ? [{ path: uri.fsPath, deleted: c.type === FileChangeType.Deleted }] : [];
    });
    void cluster.changed(changes).then(({ affected, reopen }) => {
      publisher.refreshPaths(affected);
      for (const path of reopen) publisher.reanalyse(path);
    });
  });
  connection.onDidChangeConfiguration(async (change) => {
    let raw: unknown = (change.settings as Record<string, unknown> | undefined)?.kubecert;
    if (raw === undefined && session.traits.configurable) raw = await connection.workspace.getConfiguration('kubecert').catch(() => undefined);
    const before = indexKey();
    session.configure(raw);
    publisher.publishAll();
    // VS Code sends its settings once after initialize: the index is read again only when what it depends on changed.
    if (session.cluster && indexKey() !== before) indexWorkspace();
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
    return { kind: 'full', items: snap ? publisher.diagnosticsOf(snap) : [] };
  });
  connection.onHover((p) => {
    const snap = session.hoverOf(p.textDocument.uri, p.position);
    if (!snap) return null;
    const cluster = session.cluster;
    const linked =
      cluster && snap.path && snap.complete
        ? features.linkHover(snap, p.position, cluster.links(snap.path), (path) => cluster.analysis(path), publisher.resolve, cluster.ready)
        : undefined;
    return features.hover(snap, p.position, linked, session.traits.rendersIcons);
  });
  connection.onCodeAction((p) => {
    const snap = session.currentOf(p.textDocument.uri, p.range.start);
    return snap ? features.codeActions(snap, p, options.host, session.traits.resolvesEdits) : [];
  });
  connection.onCodeActionResolve((action) => features.resolveCodeAction(action, (uri, at) => session.currentOf(uri, at), options.host));
  connection.onCodeLens((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap && settings().codeLens ? features.codeLenses(snap, session.traits.rendersIcons) : [];
  });
  connection.onDocumentSymbol((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.documentSymbols(snap) : [];
  });
  connection.onDefinition((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    const links = snap?.path ? (session.cluster?.links(snap.path) ?? []) : [];
    return snap ? features.gotoDefinition(snap, p.position, links, publisher.resolve, (path) => session.located(path)) : null;
  });
  connection.onReferences((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.findReferences(snap, p.position, p.context.includeDeclaration) : [];
  });
  connection.onCompletion((p) => {
    const snap = session.snapshotOf(p.textDocument.uri);
    return snap ? features.complete(snap, p.position) : [];
  });
  connection.onRequest(
    DecodedCertificateRequest.method,
    checked(DecodedCertificateRequest, (p): ResultOf<typeof DecodedCertificateRequest> => {
      const snap = session.snapshotOf(p.uri) ?? health.fileSnapshot(session, p.uri);
      return snap ? features.decodedCertificate(snap, p.position) : null;
    }),
  );
  connection.onRequest(
    RenewalStepsRequest.method,
    checked(RenewalStepsRequest, (p): ResultOf<typeof RenewalStepsRequest> => {
      const snap = session.snapshotOf(p.uri) ?? health.fileSnapshot(session, p.uri);
      return snap ? features.renewal(snap, p.where, p.index) : null;
    }),
  );
  connection.onExecuteCommand((p) => {
    if (p.command === SHOW_DECODED_CERTIFICATE) {
      const [uri, position] = (p.arguments ?? []) as [unknown, unknown];
      const snap = typeof uri === 'string' ? session.snapshotOf(uri) : undefined;
      const decoded = snap && features.isPosition(position) ? features.decodedCertificate(snap, position) : null;
      if (decoded) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: decoded.text });
      return decoded;
    }
    if (p.command !== SHOW_RENEWAL_STEPS) return null;
    const [uri, target] = (p.arguments ?? []) as [string, { where: string; index: number }];
    if (RenewalStepsRequest.invalid({ ...(typeof target === 'object' ? target : {}), uri }) !== undefined) return null;
    const snap = session.snapshotOf(uri);
    const steps = snap ? features.renewal(snap, target.where, target.index) : null;
    // A notification, not window/showMessageRequest: nothing to answer (Neovim would block on a prompt).
    if (steps)
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `${steps.title}:\n${steps.steps.join('\n')}` });
    return steps;
  });
  connection.onRequest(
    ProbeRequest.method,
    checked(ProbeRequest, async (p): Promise<ResultOf<typeof ProbeRequest>> => {
      const snap = session.snapshotOf(p.uri);
      if (!snap) return { server: '', ok: false, error: 'the document is not open', summary: [] };
      return probeCluster(snap.analysis, p.cluster, { now: snap.now, warnDays: settings().warnDays });
    }),
  );

  connection.onRequest(
    ContextHealthRequest.method,
    checked(ContextHealthRequest, (p) => health.contextHealth(session, p?.files)),
  );
  connection.onRequest(
    CertificatesRequest.method,
    checked(CertificatesRequest, (p) => health.certificates(session, p?.files)),
  );

  documents.listen(connection);
  connection.listen();
}
