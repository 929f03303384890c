// The certificate view, the timeline and their commands, over the one context object.
import * as vscode from 'vscode';
import type { CertificateItem } from '../../../shared/protocol';
import type { Ctx } from '../context';
import { CertificatesView, reveal } from './certificates';
import type { Filter } from './inventory';
import { TimelinePanel } from './timeline';

export interface Views {
  /** Asks the server again (debounced); the view and an open timeline redraw. */
  refresh(): void;
}

/** A tree node's certificate, or a certificate passed as it is (tests, the timeline). */
function itemOf(arg: unknown): CertificateItem | undefined {
  const a = arg as { item?: CertificateItem; uri?: string; where?: string } | undefined;
  if (a?.item?.uri) return a.item;
  return typeof a?.uri === 'string' && typeof a.where === 'string' ? (a as CertificateItem) : undefined;
}

export function registerViews(ctx: Ctx): Views {
  const view = new CertificatesView(ctx);
  const timeline = new TimelinePanel(reveal);
  const tree = vscode.window.createTreeView('kubecert.certificates', { treeDataProvider: view, showCollapseAll: true });
  const describe = () => {
    tree.description = view.filter === 'all' ? undefined : view.filter;
  };
  let timer: NodeJS.Timeout | undefined;
  const refreshNow = async () => {
    await view.refresh();
    timeline.update(view.result);
  };
  const subscriptions: vscode.Disposable[] = [
    tree,
    timeline,
    tree.onDidChangeVisibility((e) => e.visible && void refreshNow()),
    { dispose: () => timer && clearTimeout(timer) },
    vscode.commands.registerCommand('kubecert.certificates.refresh', async () => {
      await refreshNow();
      return view.shown();
    }),
    vscode.commands.registerCommand('kubecert.certificates.reveal', (arg: unknown) => {
      const item = itemOf(arg);
      return item ? reveal(item) : undefined;
    }),
    vscode.commands.registerCommand('kubecert.certificates.filter', async (arg: unknown) => {
      const choices: Array<{ label: string; value: Filter; description: string }> = [
        { label: 'All', value: 'all', description: 'every certificate, soonest expiry first' },
        { label: 'Expiring', value: 'expiring', description: `expiring within ${view.result.warnDays} days` },
        { label: 'Expired', value: 'expired', description: 'already expired' },
      ];
      const value =
        typeof arg === 'string' && choices.some((c) => c.value === arg)
          ? (arg as Filter)
          : (await vscode.window.showQuickPick(choices, { title: 'Show certificates', placeHolder: `now: ${view.filter}` }))?.value;
      if (!value) return view.shown();
      view.filter = value;
      describe();
      await refreshNow();
      return view.shown();
    }),
    vscode.commands.registerCommand('kubecert.certificates.toggleGrouping', async () => {
      // By file, by cluster, by kind (cluster CA, client, serving, …), or one list.
      const order = ['file', 'cluster', 'kind', 'none'] as const;
      view.grouping = order[(order.indexOf(view.grouping) + 1) % order.length];
      tree.message = view.grouping === 'file' ? undefined : `Grouped by ${view.grouping === 'none' ? 'nothing' : view.grouping}`;
      await refreshNow();
    }),
    vscode.commands.registerCommand('kubecert.certificates.showDecoded', (arg: unknown) => {
      const item = itemOf(arg);
      return item ? vscode.commands.executeCommand('kubecert.showDecodedCertificate', item.uri, item.range.start) : undefined;
    }),
    vscode.commands.registerCommand('kubecert.certificates.showRenewalSteps', (arg: unknown) => {
      const item = itemOf(arg);
      return item ? vscode.commands.executeCommand('kubecert.showRenewalSteps', item.uri, { where: item.where, index: item.index }) : undefined;
    }),
    vscode.commands.registerCommand('kubecert.certificates.copyFingerprint', async (arg: unknown) => {
      const item = itemOf(arg);
      if (!item) return undefined;
      await vscode.env.clipboard.writeText(item.sha256);
      void vscode.window.showInformationMessage(`Copied the SHA-256 fingerprint of ${item.subject || item.where}.`);
      return item.sha256;
    }),
    vscode.commands.registerCommand('kubecert.showTimeline', async () => {
      await view.refresh();
      timeline.show(view.result);
      return { certificates: view.result.certificates.length };
    }),
  ];
  ctx.extension.subscriptions.push(...subscriptions);
  return {
    refresh: () => {
      if (!tree.visible && !timeline.visible) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void refreshNow(), 200);
    },
  };
}
