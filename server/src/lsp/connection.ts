// Every LSP method, wired in one place. Handlers live in features.ts; state in Workspace.
import {
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentContentChangeEvent,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Host } from '../core';
import { groupMaterials } from '../core';
import { checkServed } from '../core';
import { shownServer } from '../core';
import { probeServer } from '../probe';
import { DecodedCertificateRequest, ProbeRequest, RenewalStepsRequest, SHOW_RENEWAL_STEPS, type ParamsOf, type ResultOf } from '../../../shared/protocol';
import * as features from './features';
import { resolveSettings } from './settings';
import { IdleWork } from './idle';
import { WARM_UP_NOW, warmUp } from './warmUp';
import { Workspace } from './workspace';

export interface ServerOptions {
  host: Host;
  clock?: () => number;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  let workspace = new Workspace(options.host, resolveSettings({}), options.clock ?? Date.now);
  // TextDocument, telling the workspace what each edit was: one change inside one value lets it reuse the structure.
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update(document, changes, version) {
      const change = changes.length === 1 && TextDocumentContentChangeEvent.isIncremental(changes[0]) ? changes[0] : undefined;
      const edit = change
        ? { span: { start: document.offsetAt(change.range.start), end: document.offsetAt(change.range.end) }, newText: change.text }
        : undefined;
      workspace.edited(document.uri, document.version, version, edit);
      return TextDocument.update(document, changes, version);
    },
  });
  let canPull = false;
  /** Push unless the client chose pull only (initializationOptions.diagnosticMode: 'pull'). */
  let push = true;
  /** What initialize said; later configuration changes override it key by key (a fixed clock stays fixed). */
  let initialSettings: Record<string, unknown> = {};
  let configurable = false;
  /** The latest version scheduled per document: an older analysis is never published after a newer edit. */
  const scheduled = new Map<string, number>();

  const snapshotOf = (uri: string) => {
    const doc = documents.get(uri);
    return doc ? workspace.snapshot(uri, doc.version, doc.getText()) : undefined;
  };

  /** Analyses scheduled and not yet done: background work (warm-up) waits while this is non-zero. */
  let pending = 0;

  /** Large documents only: a small one leaves nothing worth doing in idle time. */
  const idle = new IdleWork(0);
  const IDLE_WORK_CHARS = 1_000_000;
  /**
   * What the next edit of a large document would otherwise pay for, done once its diagnostics are out: the text
   * flattened (an edited text is a rope until read whole, and the next edit's substring copies it: ~15 ms for 4 MB)
   * and the text-document library's line offsets (a character loop, ~25 ms for 4 MB, on the first edit).
   */
  const settle = (uri: string): void => {
    const doc = documents.get(uri);
    if (!doc) return;
    void doc.getText().charCodeAt(0);
    void doc.lineCount;
  };

  const publish = (uri: string): void => {
    idle.cancel();
    const doc = documents.get(uri);
    if (!doc || !push) return;
    if (scheduled.get(uri) === doc.version) return;
    scheduled.set(uri, doc.version);
    pending++;
    // One step of the analysis per turn of the event loop: requests are answered in between.
    const step = (): void => {
      const current = documents.get(uri);
      if (!current || scheduled.get(uri) !== current.version) {
        pending--;
        return;
      }
      const snap = workspace.step(uri, current.version, current.getText());
      if (!snap) {
        setImmediate(step);
        return;
      }
      pending--;
      const sent = connection.sendDiagnostics({ uri, version: snap.version, diagnostics: features.diagnostics(snap, workspace.getSettings().maxProblems) });
      // Once the diagnostics are written (the writer waits a turn of the event loop), not before: a timer due now
      // would run first and hold them back by the whole of the housekeeping.
      if (pending === 0 && snap.text.length > IDLE_WORK_CHARS)
        void sent.then(
          () => pending === 0 && idle.schedule(() => settle(uri)),
          () => undefined,
        );
    };
    // The first step three turns of the event loop later: a request that arrived with the change (a hover on what was
    // just pasted) is handled on the next turn and its answer written on the one after (vscode-jsonrpc writes through
    // setImmediate), so it goes out before the new version's analysis begins instead of after its first step.
    setImmediate(() => setImmediate(() => setImmediate(step)));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    initialSettings = (init.settings ?? init) as Record<string, unknown>;
    workspace = new Workspace(options.host, resolveSettings(initialSettings), options.clock ?? Date.now);
    canPull = Boolean(params.capabilities.textDocument?.diagnostic) && init.diagnosticMode !== 'push';
    push = !(canPull && init.diagnosticMode === 'pull');
    configurable = Boolean(params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) || Boolean(params.capabilities.workspace?.configuration);
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
        executeCommandProvider: { commands: init.clientShowsRenewalSteps ? [] : [SHOW_RENEWAL_STEPS] },
        ...(canPull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'kubecert-language-server' },
    };
  });

  connection.onInitialized(() => {
    // The same path a keystroke takes (analysis, positions, diagnostics, JSON), on a scratch workspace.
    // Every other round on a fresh workspace (empty decode cache) with a new sample: the open path; in between, one
    // letter typed into that sample: the keystroke path, structure reused.
    // Judged at a moment inside the sample certificates' validity, whatever clock the user set: the common path.
    const scratchWorkspace = () => new Workspace(options.host, { ...workspace.getSettings(), now: WARM_UP_NOW }, () => WARM_UP_NOW);
    let scratch = scratchWorkspace();
    warmUp(
      () => pending > 0,
      (text, round, edit) => {
        if (round % 2 === 0) scratch = scratchWorkspace();
        if (edit) scratch.edited('kubecert-warm-up:/sample', round - 1, round, edit);
        void JSON.stringify(features.diagnostics(scratch.snapshot('kubecert-warm-up:/sample', round, text)));
      },
      () => workspace.analysed(),
    );
    if (configurable) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
  });

  connection.onDidChangeConfiguration(async (change) => {
    let raw: unknown = (change.settings as Record<string, unknown> | undefined)?.kubecert;
    if (raw === undefined && configurable) raw = await connection.workspace.getConfiguration('kubecert').catch(() => undefined);
    if (raw && typeof raw === 'object') workspace.setSettings(resolveSettings({ ...initialSettings, ...(raw as Record<string, unknown>) }));
    scheduled.clear();
    for (const doc of documents.all()) publish(doc.uri);
    if (canPull) void Promise.resolve(connection.languages.diagnostics.refresh()).catch(() => undefined);
  });

  // TextDocuments fires onDidChangeContent on open too: one publish per version.
  documents.onDidChangeContent((e) => publish(e.document.uri));
  documents.onDidClose((e) => {
    workspace.forget(e.document.uri);
    scheduled.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on((params) => {
    const snap = snapshotOf(params.textDocument.uri);
    return { kind: 'full', items: snap ? features.diagnostics(snap, workspace.getSettings().maxProblems) : [] };
  });
  // Hovers and code actions do not wait for a large analysis: they read what is known, decoding the site under the cursor.
  const currentOf = (uri: string, position: { line: number; character: number }) => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    // Our LineIndex, built once per version: TextDocument.offsetAt would index a large document again.
    return workspace.current(uri, doc.version, doc.getText(), position);
  };
  connection.onHover((p) => {
    const doc = documents.get(p.textDocument.uri);
    const snap = doc && workspace.forHover(doc.uri, doc.version, doc.getText(), p.position);
    return snap ? features.hover(snap, p.position) : null;
  });
  connection.onCodeAction((p) => {
    const snap = currentOf(p.textDocument.uri, p.range.start);
    return snap ? features.codeActions(snap, p, options.host) : [];
  });
  connection.onCodeLens((p) => {
    const snap = snapshotOf(p.textDocument.uri);
    return snap && workspace.getSettings().codeLens ? features.codeLenses(snap) : [];
  });
  connection.onDocumentSymbol((p) => {
    const snap = snapshotOf(p.textDocument.uri);
    return snap ? features.documentSymbols(snap) : [];
  });
  connection.onDefinition((p) => {
    const snap = snapshotOf(p.textDocument.uri);
    return snap ? features.gotoDefinition(snap, p.position) : null;
  });
  connection.onReferences((p) => {
    const snap = snapshotOf(p.textDocument.uri);
    return snap ? features.findReferences(snap, p.position, p.context.includeDeclaration) : [];
  });
  connection.onCompletion((p) => {
    const snap = snapshotOf(p.textDocument.uri);
    return snap ? features.complete(snap, p.position) : [];
  });
  connection.onRequest(DecodedCertificateRequest.method, (p: ParamsOf<typeof DecodedCertificateRequest>): ResultOf<typeof DecodedCertificateRequest> => {
    const snap = snapshotOf(p.uri);
    return snap ? features.decodedCertificate(snap, p.position) : null;
  });
  connection.onRequest(RenewalStepsRequest.method, (p: ParamsOf<typeof RenewalStepsRequest>): ResultOf<typeof RenewalStepsRequest> => {
    const snap = snapshotOf(p.uri);
    return snap ? features.renewal(snap, p.where, p.index) : null;
  });
  connection.onExecuteCommand((p) => {
    if (p.command !== SHOW_RENEWAL_STEPS) return null;
    const [uri, target] = (p.arguments ?? []) as [string, { where: string; index: number }];
    const snap = typeof uri === 'string' ? snapshotOf(uri) : undefined;
    const steps = snap && target ? features.renewal(snap, target.where, target.index) : null;
    // A notification, not window/showMessageRequest: nothing to answer (Neovim would block on a prompt).
    if (steps)
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `${steps.title}:\n${steps.steps.join('\n')}` });
    return steps;
  });
  connection.onRequest(ProbeRequest.method, async (p: ParamsOf<typeof ProbeRequest>): Promise<ResultOf<typeof ProbeRequest>> => {
    const snap = snapshotOf(p.uri);
    const cluster = snap?.analysis.kubeconfig?.clusters.find((c) => c.name === p.cluster);
    const server = cluster?.fields.get('server')?.value;
    if (!snap || !cluster || !server) return { server: shownServer(server ?? ''), ok: false, error: `no cluster "${p.cluster}" in this document`, summary: [] };
    const served = await probeServer({ url: server, serverName: cluster.fields.get('tls-server-name')?.value });
    // The answer names the server as hovers do: credentials written into the URL are never repeated.
    if ('error' in served) return { server: shownServer(server), ok: false, error: served.error, summary: [] };
    const leaf = served.certificates[0];
    const findings = checkServed(
      {
        kubeconfig: snap.analysis.kubeconfig,
        objects: [],
        materials: snap.analysis.materials,
        groups: groupMaterials(snap.analysis.materials),
        now: snap.now,
        warnDays: workspace.getSettings().warnDays,
      },
      { [cluster.name]: served },
    );
    return {
      server: shownServer(server),
      ok: findings.length === 0,
      summary: [
        `Serving certificate: ${leaf.subject.text}`,
        `Issuer: ${leaf.issuer.text}`,
        `Valid until ${new Date(leaf.notAfter).toISOString()}`,
        `Names: ${leaf.sans.join(', ') || '(none)'}`,
        ...findings.map((f) => `${f.code}: ${f.message}`),
      ],
    };
  });

  documents.listen(connection);
  connection.listen();
}
