// The server's state: open documents, the workspace of their analyses, what the client can do, the settings.
// Every handler reads a document's analysis through one of three doors: finished, hover, current-so-far.
import { TextDocumentContentChangeEvent, TextDocuments, type InitializeParams } from 'vscode-languageserver';
import type { Host } from '../core';
import { resolveSettings } from '../../../shared/settings';
import { rootedHost } from '../host';
import type { Position } from '../positions';
import { OpenDocument } from './document';
import { Workspace, type Snapshot } from './workspace';
import { ClusterIndex } from './cluster';
import { URI } from 'vscode-uri';
import { existsSync } from 'node:fs';

export interface ClientTraits {
  /** The client pulls diagnostics (textDocument/diagnostic). */
  canPull: boolean;
  /** Diagnostics are pushed unless the client chose pull only (initializationOptions.diagnosticMode: 'pull'). */
  push: boolean;
  /** The client answers workspace/configuration or registers for configuration changes. */
  configurable: boolean;
  /** The VS Code client shows renewal steps itself. */
  showsRenewalSteps: boolean;
  /** The VS Code client opens the decoded view of a lens itself. */
  showsDecodedCertificate: boolean;
  /** The client draws VS Code's $(icon) syntax (initializationOptions.clientRendersIcons); others get words. */
  rendersIcons: boolean;
  /** The client asks for a code action's edit when the user picks it (codeAction/resolve): key material waits until then. */
  resolvesEdits: boolean;
  /** The client watches the workspace's files itself (VS Code); else the server registers a watcher when it can. */
  watchesFiles: boolean;
  /** The client accepts a dynamic registration of workspace/didChangeWatchedFiles. */
  canWatch: boolean;
}

export class Session {
  workspace: Workspace;
  traits: ClientTraits = {
    canPull: false,
    push: true,
    configurable: false,
    showsRenewalSteps: false,
    showsDecodedCertificate: false,
    rendersIcons: false,
    resolvesEdits: false,
    watchesFiles: false,
    canWatch: false,
  };
  /** The workspace folders the index reads (file paths). */
  folders: string[] = [];
  cluster?: ClusterIndex;
  /** The host analyses read files through: absolute paths are looked up under the first workspace folder first. */
  private analysisHost: Host;
  /** What initialize said; later configuration changes override it key by key (a fixed clock stays fixed). */
  private initialSettings: Record<string, unknown> = {};
  readonly documents: TextDocuments<OpenDocument>;

  constructor(
    readonly host: Host,
    private readonly clock: () => number,
  ) {
    this.analysisHost = host;
    this.workspace = new Workspace(host, resolveSettings({}), clock);
    // Each edit is told to the workspace: one change inside one value lets it reuse the document's structure.
    this.documents = new TextDocuments<OpenDocument>({
      create: (uri, languageId, version, content) => {
        this.workspace.languages.set(uri, languageId);
        return OpenDocument.create(uri, languageId, version, content);
      },
      update: (document, changes, version) => {
        const change = changes.length === 1 && TextDocumentContentChangeEvent.isIncremental(changes[0]) ? changes[0] : undefined;
        const edit = change
          ? { span: { start: document.offsetAt(change.range.start), end: document.offsetAt(change.range.end) }, newText: change.text }
          : undefined;
        this.workspace.edited(document.uri, document.version, version, edit);
        return OpenDocument.update(document, changes, version);
      },
    });
  }

  initialize(params: InitializeParams): void {
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    this.initialSettings = (init.settings ?? init) as Record<string, unknown>;
    const canPull = Boolean(params.capabilities.textDocument?.diagnostic) && init.diagnosticMode !== 'push';
    this.traits = {
      canPull,
      push: !(canPull && init.diagnosticMode === 'pull'),
      configurable:
        Boolean(params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) || Boolean(params.capabilities.workspace?.configuration),
      showsRenewalSteps: Boolean(init.clientShowsRenewalSteps),
      showsDecodedCertificate: Boolean(init.clientShowsDecodedCertificate),
      rendersIcons: init.clientRendersIcons === true,
      resolvesEdits: Boolean(params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit')),
      watchesFiles: Boolean(init.clientWatchesFiles),
      canWatch: Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration),
    };
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = uris.flatMap((u) => {
      const parsed = URI.parse(u);
      return parsed.scheme === 'file' ? [parsed.fsPath] : [];
    });
    this.analysisHost = rootedHost(this.host, this.folders[0]);
    this.workspace = new Workspace(this.analysisHost, resolveSettings(this.initialSettings), this.clock);
  }

  /** Where a path written in a file is: under the first workspace folder when it is there (as the analyses read it). */
  located(path: string): string {
    const root = this.folders[0]?.replace(/\/+$/, '');
    return root && path.startsWith('/') && !path.startsWith(root + '/') && existsSync(root + path) ? root + path : path;
  }

  /** A new index of the workspace folders, with the current settings and clock; the old one stops. */
  newCluster(busy: () => boolean): ClusterIndex {
    this.cluster?.stop();
    const settings = this.workspace.getSettings();
    this.cluster = new ClusterIndex({ host: this.analysisHost, root: this.folders[0], settings, now: this.workspace.now(), busy });
    return this.cluster;
  }

  configure(raw: unknown): void {
    if (raw && typeof raw === 'object') this.workspace.setSettings(resolveSettings({ ...this.initialSettings, ...(raw as Record<string, unknown>) }));
  }

  /** The finished analysis of the document's current version. */
  snapshotOf(uri: string): Snapshot | undefined {
    const doc = this.documents.get(uri);
    return doc ? this.workspace.snapshot(uri, doc.version, doc.getText()) : undefined;
  }

  /** What is known now, the site under the cursor decoded on the spot: code actions do not wait for a large analysis. */
  currentOf(uri: string, position: Position): Snapshot | undefined {
    const doc = this.documents.get(uri);
    return doc ? this.workspace.current(uri, doc.version, doc.getText(), position) : undefined;
  }

  /** Like currentOf, and a value just pasted is decoded before the new version's analysis begins. */
  hoverOf(uri: string, position: Position): Snapshot | undefined {
    const doc = this.documents.get(uri);
    return doc ? this.workspace.forHover(uri, doc.version, doc.getText(), position) : undefined;
  }
}
