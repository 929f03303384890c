// When diagnostics are computed and sent: one analysis step per event-loop turn, never an older version after a newer
// one, and the housekeeping a large document's next edit would pay for done once its diagnostics are out.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as features from './features';
import { IdleWork } from './idle';
import type { Workspace } from './workspace';

/** Below this size a document leaves nothing worth doing in idle time. */
const IDLE_WORK_CHARS = 1_000_000;

export class DiagnosticsPublisher {
  /** The latest version scheduled per document. */
  private readonly scheduled = new Map<string, number>();
  /** Analyses scheduled and not yet done: background work (warm-up) waits while this is non-zero. */
  private pending = 0;
  private readonly idle = new IdleWork(0);
  /** False when the client pulls diagnostics instead. */
  push = true;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly workspace: () => Workspace,
  ) {}

  busy(): boolean {
    return this.pending > 0;
  }

  publish(uri: string): void {
    this.idle.cancel();
    const doc = this.documents.get(uri);
    if (!doc || !this.push || this.scheduled.get(uri) === doc.version) return;
    this.scheduled.set(uri, doc.version);
    this.pending++;
    // Three turns later: a request that came with the change (a hover on what was just pasted) is answered first.
    setImmediate(() => setImmediate(() => setImmediate(() => this.step(uri))));
  }

  /** Settings changed: every open document again. */
  publishAll(): void {
    this.scheduled.clear();
    for (const doc of this.documents.all()) this.publish(doc.uri);
  }

  closed(uri: string): void {
    this.scheduled.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
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
    const diagnostics = features.diagnostics(snap, workspace.getSettings().maxProblems);
    const sent = this.connection.sendDiagnostics({ uri, version: snap.version, diagnostics });
    // After the write, not before: a timer due now would run first and hold the diagnostics back.
    if (this.pending === 0 && snap.text.length > IDLE_WORK_CHARS)
      void sent.then(
        () => this.pending === 0 && this.idle.schedule(() => this.settle(uri)),
        () => undefined,
      );
  }

  /** The text flattened (an edited text is a rope until read whole) and the library's line offsets computed. */
  private settle(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    void doc.getText().charCodeAt(0);
    void doc.lineCount;
  }
}
