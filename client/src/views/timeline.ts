// "Kubecert: Show Certificate Timeline": one webview panel, drawn by timelineHtml, redrawn when the certificates change;
// a click on a bar reveals the certificate in its file.
import * as vscode from 'vscode';
import type { CertificateItem, CertificatesResult } from '../../../shared/protocol';
import { timelineHtml } from './timelineHtml';

/** One panel, shown again when asked twice, redrawn when the certificates change. */
export class TimelinePanel {
  private panel?: vscode.WebviewPanel;
  private result?: CertificatesResult;

  constructor(private readonly onReveal: (item: CertificateItem) => unknown) {}

  get visible(): boolean {
    return this.panel !== undefined;
  }

  show(result: CertificatesResult): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('kubecert.timeline', 'Certificate Timeline', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: { type?: string; id?: number }) => {
        const item = m?.type === 'reveal' && typeof m.id === 'number' ? this.result?.certificates[m.id] : undefined;
        if (item) void this.onReveal(item);
      });
    } else this.panel.reveal();
    this.update(result);
    return this.panel;
  }

  update(result: CertificatesResult): void {
    if (!this.panel) return;
    this.result = result;
    this.panel.webview.html = timelineHtml(result);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
