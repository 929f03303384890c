// The "Certificates" tree view: every certificate the server knows, by file, soonest expiry first, with its verdict.
import * as vscode from 'vscode';
import { CertificatesRequest, type CertificateItem, type CertificatesResult, type ParamsOf, type ResultOf } from '../../../shared/protocol';
import type { Ctx } from '../context';
import { filtered, groupCertificates, roleWords, shortSubject, type Filter, type Group, type Grouping } from './inventory';

interface GroupNode extends Group {
  kind: 'group';
}
type Node = GroupNode | { kind: 'certificate'; item: CertificateItem; group?: string } | { kind: 'message'; text: string };

function icon(severity: CertificateItem['severity']): vscode.ThemeIcon {
  if (severity === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  if (severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (severity === 'information' || severity === 'hint') return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
  return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}

export class CertificatesView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  filter: Filter = 'all';
  grouping: Grouping = 'file';
  result: CertificatesResult = { certificates: [], now: 0, warnDays: 30 };
  private unavailable?: string;
  private asked = 0;

  constructor(private readonly ctx: Ctx) {}

  /** Asks the server again; resolves when the view has the answer. */
  async refresh(): Promise<void> {
    const ask = ++this.asked;
    const client = await this.ctx.ensureClient();
    if (!client?.isRunning()) {
      this.unavailable = 'The Kubecert language server is not running.';
    } else {
      try {
        const result = await client.sendRequest<ResultOf<typeof CertificatesRequest>>(CertificatesRequest.method, <ParamsOf<typeof CertificatesRequest>>{
          files: this.ctx.kubeconfigFiles(),
        });
        if (ask !== this.asked) return;
        this.result = result;
        this.unavailable = undefined;
      } catch (e) {
        this.unavailable = `The certificates could not be listed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (ask === this.asked) this.changed.fire(undefined);
  }

  /** What the view shows, in its order (the e2e suite reads it). */
  shown(): CertificateItem[] {
    return filtered(this.result, this.filter);
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'group') return node.items.map((item) => ({ kind: 'certificate', item, group: node.key }));
    if (node) return [];
    if (this.unavailable) return [{ kind: 'message', text: this.unavailable }];
    const items = this.shown();
    if (items.length === 0)
      return [
        { kind: 'message', text: this.filter === 'all' ? 'No certificates in the kubeconfig files or open documents.' : `No ${this.filter} certificates.` },
      ];
    if (this.grouping === 'none') return items.map((item) => ({ kind: 'certificate', item }));
    return groupCertificates(items, this.grouping).map((g) => ({ kind: 'group', ...g }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'group') {
      const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      t.description = `${node.description}${node.description ? ' · ' : ''}${node.items.length}`;
      if (this.grouping === 'file') {
        t.resourceUri = vscode.Uri.file(node.key);
        t.iconPath = vscode.ThemeIcon.File;
      } else t.iconPath = new vscode.ThemeIcon('symbol-key');
      t.contextValue = 'kubecert.certificateGroup';
      return t;
    }
    const c = node.item;
    const t = new vscode.TreeItem(`${c.ca ? 'CA ' : ''}${shortSubject(c.subject)}`, vscode.TreeItemCollapsibleState.None);
    t.description = `${roleWords(c.role, c.ca)} · ${c.residual === 'expired' ? `expired ${c.notAfter.slice(0, 10)}` : `${c.residual} left`}`;
    // Plain text, not Markdown: a subject cannot render links or markup.
    t.tooltip = [
      c.subject,
      `Issuer: ${c.issuer === c.subject ? '(self-signed)' : c.issuer}`,
      `Valid: ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}`,
      `Where: ${c.where}${c.index > 0 ? ` #${c.index + 1}` : ''}`,
      `SHA-256: ${c.sha256}`,
      ...(c.reasons.length ? ['', ...c.reasons] : []),
    ].join('\n');
    t.iconPath = icon(c.severity);
    t.contextValue = 'kubecert.certificate';
    // One certificate may show under two clusters: the group is part of its id.
    t.id = `${node.group ?? ''}\0${c.uri}#${c.where}#${c.index}`;
    t.accessibilityInformation = { label: `${shortSubject(c.subject)}, ${roleWords(c.role, c.ca)}, ${t.description}, ${c.severity}` };
    t.command = { command: 'kubecert.certificates.reveal', title: 'Reveal', arguments: [c] };
    return t;
  }
}

/** Opens the certificate's file with its value selected. */
export async function reveal(item: Pick<CertificateItem, 'uri' | 'range'>): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(item.uri));
  const { start, end } = item.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  const editor = await vscode.window.showTextDocument(doc, { preview: true });
  // The cursor at the value's start: a 1,500-character base64 line is shown from its key, not scrolled to its end.
  editor.selection = new vscode.Selection(range.end, range.start);
  editor.revealRange(new vscode.Range(range.start, range.start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
