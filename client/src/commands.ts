// Commands, each a small factory over the shared context; re-registered state lives in Ctx.
import * as vscode from 'vscode';
import { DecodedCertificateRequest, ProbeRequest, RenewalStepsRequest, type ParamsOf, type ResultOf } from '../../shared/protocol';
import { shownServer } from '../../server/src/core';
import type { Ctx } from './context';
import { loadMerged } from './kubeconfig/load';
import { askVerdicts } from './kubeconfig/verdicts';
import { verdictIcon, verdictWords } from './statusBar';
import { useContext, useNamespace } from './kubeconfig/write';

type Command = (...args: unknown[]) => unknown;

function requireClient(ctx: Ctx): NonNullable<Ctx['client']> | undefined {
  if (ctx.client?.isRunning()) return ctx.client;
  void vscode.window.showWarningMessage('The Kubecert language server is not running. Open a kubeconfig or run "Kubecert: Restart Server".');
  return undefined;
}

function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Kubecert does not ${action} in an untrusted workspace.`);
  return false;
}

function files(ctx: Ctx): string[] {
  return ctx.kubeconfigFiles();
}

/** Where the cursor is, or the arguments a lens passed. */
function target(args: unknown[]): { uri: string; position: vscode.Position } | undefined {
  const [uri, pos] = args as [string | undefined, { line: number; character: number } | undefined];
  if (typeof uri === 'string' && pos) return { uri, position: new vscode.Position(pos.line, pos.character) };
  const editor = vscode.window.activeTextEditor;
  return editor ? { uri: editor.document.uri.toString(), position: editor.selection.active } : undefined;
}

async function decoded(ctx: Ctx, args: unknown[]) {
  const client = requireClient(ctx);
  const t = target(args);
  if (!client || !t) return undefined;
  const result = await client.sendRequest<ResultOf<typeof DecodedCertificateRequest>>(DecodedCertificateRequest.method, <
    ParamsOf<typeof DecodedCertificateRequest>
  >{ uri: t.uri, position: { line: t.position.line, character: t.position.character } });
  if (!result) void vscode.window.showInformationMessage('No certificate under the cursor.');
  return result ?? undefined;
}

export const DECODED_SCHEME = 'kubecert-decoded';
const decodedTexts = new Map<string, string>();

export class DecodedContentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    return decodedTexts.get(uri.toString()) ?? '';
  }
}

async function showText(title: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${title.replace(/[^\w.[\]-]+/g, '_')}.txt` });
  decodedTexts.set(uri.toString(), text);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

async function pickContext(ctx: Ctx, list: string[]): Promise<string | undefined> {
  const merged = loadMerged(list);
  if (merged.errors.length) void vscode.window.showWarningMessage(merged.errors.join('\n'));
  if (merged.contexts.length === 0) {
    void vscode.window.showInformationMessage(`No contexts in ${list.join(', ')}.`);
    return undefined;
  }
  // The server's verdicts, the same the status bar shows: a person sees which context will fail before switching.
  const verdicts = await askVerdicts(ctx, list);
  const items = merged.contexts.map((c) => {
    const v = verdicts.byContext.get(c.name);
    const health = v?.severity ?? 'unknown';
    return {
      label: `${c.name === merged.current ? '$(check) ' : ''}${c.name}`,
      description: `${verdictIcon(health)} ${c.cluster} · ${c.user}${c.namespace ? ` · ${c.namespace}` : ''}`,
      detail: `${verdictWords({ health, reasons: v?.reasons.map((r) => r.message), auth: v?.authWords, unknownWhy: verdicts.unavailable })} · ${shownServer(c.server ?? '')}`,
      name: c.name,
    };
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Switch kube context',
    placeHolder: `current: ${merged.current ?? '(none)'}`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.name;
}

async function pickNamespace(context: string, current: string, known: string[]): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick();
  qp.title = `Namespace for context ${context}`;
  qp.placeholder = 'Type a namespace or pick one';
  qp.items = known.map((n) => ({ label: n, description: n === (current || 'default') ? 'current' : undefined }));
  const chosen = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? (qp.value || undefined)));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return chosen;
}

export function createCommands(ctx: Ctx): Record<string, Command> {
  return {
    'kubecert.switchContext': async (...args) => {
      const list = files(ctx);
      // Called with a name (tests, keybindings): no picker.
      const name = typeof args[0] === 'string' ? args[0] : await pickContext(ctx, list);
      if (!name || !requireTrust('write kubeconfig')) return undefined;
      const r = useContext(list, name);
      if (!r.ok) void vscode.window.showErrorMessage(`Kubecert: ${r.error}`);
      ctx.refreshStatus();
      return r;
    },
    'kubecert.switchNamespace': async (...args) => {
      const list = files(ctx);
      const merged = loadMerged(list);
      const current = merged.contexts.find((c) => c.name === merged.current);
      if (!current) {
        void vscode.window.showInformationMessage('No current context to set a namespace on.');
        return undefined;
      }
      const known = [...new Set(['default', 'kube-system', ...merged.contexts.map((c) => c.namespace).filter(Boolean)])];
      const chosen = typeof args[0] === 'string' ? args[0] : await pickNamespace(current.name, current.namespace, known);
      if (!chosen || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(chosen)) {
        if (chosen) void vscode.window.showErrorMessage(`"${chosen}" is not a valid namespace name.`);
        return undefined;
      }
      if (!requireTrust('write kubeconfig')) return undefined;
      const r = useNamespace(list, current.name, chosen);
      if (!r.ok) void vscode.window.showErrorMessage(`Kubecert: ${r.error}`);
      ctx.refreshStatus();
      return r;
    },
    'kubecert.showDecodedCertificate': async (...args) => {
      const r = await decoded(ctx, args);
      if (r) await showText(r.where, r.text);
      return r;
    },
    'kubecert.copyCertificatePem': async (...args) => {
      const r = await decoded(ctx, args);
      if (r?.pem) {
        await vscode.env.clipboard.writeText(r.pem);
        void vscode.window.showInformationMessage(`Copied the certificate(s) of ${r.where} as PEM.`);
      }
      return r?.pem;
    },
    'kubecert.saveCertificate': async (...args) => {
      const r = await decoded(ctx, args);
      if (!r?.pem) return undefined;
      const uri = await vscode.window.showSaveDialog({ filters: { Certificates: ['crt', 'pem'] }, saveLabel: 'Save certificate' });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(r.pem, 'utf8'));
      return uri.toString();
    },
    'kubecert.checkServerCertificate': async (...args) => {
      const client = requireClient(ctx);
      const editor = vscode.window.activeTextEditor;
      if (!client || !editor || !requireTrust('contact servers')) return undefined;
      const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri)) ?? [];
      const clusters = symbols.find((s) => s.name === 'clusters')?.children ?? [];
      const name =
        typeof args[0] === 'string' ? args[0] : (await vscode.window.showQuickPick(clusters.map((c) => ({ label: c.name, description: c.detail }))))?.label;
      if (!name) return undefined;
      const server = clusters.find((c) => c.name === name)?.detail.split(' · ')[0] ?? name;
      const ok = await vscode.window.showWarningMessage(
        `Connect to ${server} to read its certificate? A TLS handshake only: no credentials are sent.`,
        { modal: true },
        'Connect',
      );
      if (ok !== 'Connect') return undefined;
      const result = await client.sendRequest<ResultOf<typeof ProbeRequest>>(ProbeRequest.method, <ParamsOf<typeof ProbeRequest>>{
        uri: editor.document.uri.toString(),
        cluster: name,
      });
      await showText(`probe-${name}`, [`Probe of ${result.server}`, '', ...(result.error ? [`Failed: ${result.error}`] : result.summary)].join('\n'));
      return result;
    },
    'kubecert.showRenewalSteps': async (...args) => {
      const client = requireClient(ctx);
      const [uri, where] = args as [string, { where: string; index: number }];
      if (!client || typeof uri !== 'string' || !where) return undefined;
      const steps = await client.sendRequest<ResultOf<typeof RenewalStepsRequest>>(RenewalStepsRequest.method, <ParamsOf<typeof RenewalStepsRequest>>{
        uri,
        where: where.where,
        index: where.index,
      });
      if (steps) await showText(`renew-${where.where}`, [`# ${steps.title}`, '', ...steps.steps.map((s, i) => `${i + 1}. ${s}`)].join('\n'));
      return steps;
    },
    'kubecert.restartServer': async () => {
      if (!ctx.client) return undefined;
      await ctx.client.restart();
      return true;
    },
    'kubecert.showOutput': () => ctx.output.show(),
  };
}
