// When diagnostics are computed and sent: one analysis step per event-loop turn, never an older version after a newer
// one, and the housekeeping a large document's next edit would pay for done once its diagnostics are out and the
// requests that follow them (a hover as soon as the squiggles appear) are answered.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { OpenDocument } from './document';
import * as features from './features';
import { IdleWork } from './idle';
import type { Workspace, Snapshot } from './workspace';
import type { ClusterIndex } from './cluster';
import { URI } from 'vscode-uri';

/** Below this size a document leaves nothing worth doing in idle time. */
const IDLE_WORK_CHARS = 1_000_000;
/** Quiet after diagnostics before the housekeeping: the requests a user sends on seeing them come first. */
const IDLE_DELAY_MS = 150;

export class DiagnosticsPublisher {
  /** The latest version scheduled per document. */
  private readonly scheduled = new Map<string, number>();
  /** Analyses scheduled and not yet done: background work (warm-up) waits while this is non-zero. */
  private pending = 0;
  private readonly idle = new IdleWork(IDLE_DELAY_MS);
  /** False when the client pulls diagnostics instead. */
  push = true;
  /** Called when the client pulls: its open documents' cross-file findings changed. */
  onPullChanged: () => void = () => undefined;
  /** Files not open whose cross-file diagnostics were published non-empty (they must be withdrawn when they go). */
  private readonly closedShown = new Set<string>();
  /** The version of each open document whose analysis the workspace index holds. */
  private readonly indexed = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<OpenDocument>,
    private readonly workspace: () => Workspace,
    private readonly cluster: () => ClusterIndex | undefined = () => undefined,
  ) {}

  /** When the last diagnostics were written: background work waits IDLE_DELAY_MS after them, for the requests they prompt. */
  private publishedAt = -Infinity;

  busy(): boolean {
    return this.pending > 0 || performance.now() - this.publishedAt < IDLE_DELAY_MS;
  }

  publish(uri: string): void {
    this.idle.cancel();
    const doc = this.documents.get(uri);
    if (!doc || this.scheduled.get(uri) === doc.version) return;
    this.scheduled.set(uri, doc.version);
    this.pending++;
    // Three turns later: a request that came with the change (a hover on what was just pasted) is answered first.
    setImmediate(() => setImmediate(() => setImmediate(() => this.step(uri))));
  }

  /** Settings changed: every open document again. */
  publishAll(): void {
    this.scheduled.clear();
    this.indexed.clear();
    for (const doc of this.documents.all()) this.publish(doc.uri);
  }

  closed(uri: string): void {
    this.scheduled.delete(uri);
    this.indexed.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    const path = pathOf(uri);
    const cluster = this.cluster();
    if (path && cluster) void cluster.closed(path).then((affected) => this.refreshPaths([...affected, path]));
  }

  /** What the index changed: each path's diagnostics again (an open one's from its analysis, a closed one's cross-file). */
  refreshPaths(paths: Iterable<string>): void {
    let openChanged = false;
    for (const path of paths) {
      const doc = this.openAt(path);
      if (doc) {
        openChanged = true;
        this.resend(doc.uri, doc.version);
      } else this.publishClosed(path);
    }
    if (openChanged && !this.push) this.onPullChanged();
  }

  /** An open document that reads a file changed on disk: its analysis again, from its text. */
  reanalyse(path: string): void {
    const doc = this.openAt(path);
    if (!doc) return;
    this.workspace().invalidate(doc.uri);
    this.scheduled.delete(doc.uri);
    this.indexed.delete(doc.uri);
    this.publish(doc.uri);
  }

  /** The diagnostics of an open document's analysis, sent again with the cross-file findings as they are now. */
  private resend(uri: string, version: number): void {
    const snap = this.workspace().peek(uri);
    // Not analysed yet: its scheduled analysis will send them.
    if (!this.push || !snap || snap.version !== version || this.indexed.get(uri) !== version) return;
    void this.connection.sendDiagnostics({ uri, version, diagnostics: this.diagnosticsOf(snap) });
  }

  private publishClosed(path: string): void {
    const cluster = this.cluster();
    if (!cluster || !this.push) return;
    const findings = cluster.crossFindings(path);
    const lines = cluster.lines(path);
    const uri = URI.file(path).toString();
    if (findings.length === 0 || !lines) {
      if (this.closedShown.delete(path)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    this.closedShown.add(path);
    const diagnostics = features.diagnosticsAt({ uri, lines, path }, findings, this.workspace().getSettings().maxProblems, this.resolve);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  /** A snapshot's diagnostics with its cross-file findings. */
  diagnosticsOf(snap: Snapshot): ReturnType<typeof features.diagnostics> {
    const cluster = this.cluster();
    const cross = cluster && snap.path ? cluster.crossFindings(snap.path) : [];
    return features.diagnostics(snap, this.workspace().getSettings().maxProblems, cross, this.resolve);
  }

  /** Positions in another file: the open document's, else the index's copy of the disk file. */
  readonly resolve = (path: string): features.Place | undefined => {
    const doc = this.openAt(path);
    const snap = doc && this.workspace().peek(doc.uri);
    if (snap) return { uri: snap.uri, lines: snap.lines, path };
    const lines = this.cluster()?.lines(path);
    return lines ? { uri: URI.file(path).toString(), lines, path } : undefined;
  };

  private openAt(path: string): OpenDocument | undefined {
    for (const doc of this.documents.all()) if (pathOf(doc.uri) === path) return doc;
    return undefined;
  }

  /** The index takes this version's analysis; the files it affects get their diagnostics again. */
  private index(snap: Snapshot): void {
    const cluster = this.cluster();
    if (!cluster || !snap.path || this.indexed.get(snap.uri) === snap.version) return;
    this.indexed.set(snap.uri, snap.version);
    const affected = cluster.opened(snap.path, snap.analysis).filter((p) => p !== snap.path);
    this.refreshPaths(affected);
  }

  private step(uri: string): void {
    const current = this.documents.get(uri);
    if (!current || this.scheduled.get(uri) !== current.version) {
      this.pending--;
      return;
    }
    const workspace = this.workspace();
    const snap = workspace.step(uri, current.version, current.getText());
    if (!snap) {
      setImmediate(() => this.step(uri));
      return;
    }
    this.pending--;
    this.index(snap);
    if (!this.push) return;
    const diagnostics = this.diagnosticsOf(snap);
    const sent = this.connection.sendDiagnostics({ uri, version: snap.version, diagnostics });
    this.publishedAt = performance.now();
    // After the write, not before: a timer due now would run first and hold the diagnostics back.
    if (this.pending === 0 && snap.text.length > IDLE_WORK_CHARS)
      void sent.then(
        () => this.pending === 0 && this.idle.schedule(() => this.settle(uri)),
        () => undefined,
      );
  }

  /** The text flattened (an edited text is a rope until read whole) and its line index made (derived after most edits). */
  private settle(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    void doc.getText().charCodeAt(0);
    void doc.lineCount;
  }
}

function pathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}
