// Activation: status bar and commands at once (cheap); the language server only when a YAML, JSON or kubeconfig document is open.
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createCommands, DECODED_SCHEME, DecodedContentProvider } from './commands';
import { readSettings, type Ctx } from './context';
import { kubeconfigFiles, loadMerged } from './kubeconfig/load';
import { askVerdicts } from './kubeconfig/verdicts';
import { removeStale } from './kubeconfig/lock';
import { NODE_FLAGS } from '../../shared/nodeFlags';
import { renderStatus, type StatusState } from './statusBar';
import { registerViews } from './views/register';

const SERVED_LANGUAGES = ['kubeconfig', 'yaml', 'json', 'jsonc', 'pem'];
/** Files the background index could read: a workspace holding one starts the server without an open document. */
const CLUSTER_FILES = '**/*.{yaml,yml,json,conf,kubeconfig,pem,crt,cer,key,csr,service}';

export async function activate(extension: vscode.ExtensionContext): Promise<Ctx> {
  const activateStart = performance.now();
  const { __kubecertLoadStart: loadStart, __kubecertLoadEnd: loadEnd } = globalThis as { __kubecertLoadStart?: number; __kubecertLoadEnd?: number };
  const output = vscode.window.createOutputChannel('Kubecert');
  const item = vscode.window.createStatusBarItem('kubecert.context', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Kubecert: kube context';
  item.command = 'kubecert.switchContext';
  let watched: string[] = [];

  const ctx: Ctx = {
    extension,
    output,
    settings: readSettings(),
    now: () => ctx.settings.now ?? Date.now(),
    refreshStatus: () => refresh(),
    ensureClient: async () => {
      await start();
      return ctx.client;
    },
    kubeconfigFiles: () => kubeconfigFiles(ctx.settings.kubeconfig, process.env),
  };

  const show = (state: StatusState): void => {
    const view = renderStatus(state);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    item.show();
  };
  // The last verdict shown: kept while the server is asked again, so the item does not flicker on every change.
  let shown: StatusState | undefined;
  let asked = 0;
  const refresh = (): void => {
    views.refresh();
    if (!ctx.settings.statusBar) {
      item.hide();
      return;
    }
    const files = ctx.kubeconfigFiles();
    watch(files);
    let state: StatusState;
    const merged = loadMerged(files);
    const current = merged.contexts.find((c) => c.name === merged.current);
    if (merged.errors.length && merged.contexts.length === 0) state = { health: 'unknown', error: merged.errors.join('\n') };
    else if (!current) state = { health: 'unknown', context: merged.current, source: merged.currentFile };
    else {
      state = {
        context: current.name,
        namespace: current.namespace,
        cluster: current.cluster,
        server: current.server,
        user: current.user,
        source: current.file,
        health: 'unknown',
      };
      if (shown?.context === current.name) state = { ...state, health: shown.health, reasons: shown.reasons, auth: shown.auth, unknownWhy: shown.unknownWhy };
    }
    shown = state;
    show(state);
    void vscode.commands.executeCommand('setContext', 'kubecert.context', state.context ?? '');
    if (!current) return;
    // The verdict is the server's, over every finding of the context's cluster, user and context stanzas.
    const ask = ++asked;
    void askVerdicts(ctx, files).then((v) => {
      if (ask !== asked) return;
      const verdict = v.byContext.get(current.name);
      shown = verdict
        ? { ...state, health: verdict.severity, reasons: verdict.reasons.map((r) => r.message), auth: verdict.authWords, unknownWhy: undefined }
        : { ...state, health: 'unknown', unknownWhy: v.unavailable ?? 'unknown' };
      show(shown);
      void vscode.commands.executeCommand('setContext', 'kubecert.health', shown.health);
    });
  };

  // Follows `kubectl config use-context` run elsewhere: stat polling survives kubectl's rename-free rewrites and our atomic renames.
  const onFileChange = (): void => refresh();
  const watch = (files: string[]): void => {
    if (files.join('\0') === watched.join('\0')) return;
    for (const f of watched) unwatchFile(f, onFileChange);
    watched = files;
    for (const f of files) watchFile(f, { interval: 400 }, onFileChange);
  };
  extension.subscriptions.push({ dispose: () => watched.forEach((f) => unwatchFile(f, onFileChange)) }, item, output);

  const views = registerViews(ctx);
  // A kubeconfig of the list edited in the editor changes its verdict before it is saved.
  let pending: NodeJS.Timeout | undefined;
  extension.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics(() => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(refresh, 300);
    }),
    { dispose: () => pending && clearTimeout(pending) },
  );
  for (const [name, run] of Object.entries(createCommands(ctx))) extension.subscriptions.push(vscode.commands.registerCommand(name, run));
  extension.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, new DecodedContentProvider()));

  extension.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('kubecert')) return;
      ctx.settings = readSettings();
      refresh();
    }),
  );

  // One client, however many documents open at once while it starts.
  let starting: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (starting ??= startClient(ctx).then(
      (client) => {
        ctx.client = client;
        extension.subscriptions.push({ dispose: () => void client.stop() });
      },
      (e: unknown) => output.appendLine(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`),
    ));
  const startIfNeeded = (doc: vscode.TextDocument): Promise<void> | undefined => {
    if (starting || !SERVED_LANGUAGES.includes(doc.languageId) || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) return starting;
    return start();
  };
  extension.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => void startIfNeeded(d)));
  // The server starts in the background: activation returns without waiting for it.
  for (const d of vscode.workspace.textDocuments) void startIfNeeded(d);
  // A workspace folder is indexed as one cluster: its cross-file problems show without opening a file.
  const startForWorkspace = (): void => {
    if (starting || !vscode.workspace.workspaceFolders?.some((f) => f.uri.scheme === 'file')) return;
    void Promise.resolve(vscode.workspace.findFiles(CLUSTER_FILES, '**/node_modules/**', 1)).then(
      (found) => {
        if (found.length) void start();
      },
      () => undefined,
    );
  };
  setImmediate(startForWorkspace);
  extension.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(startForWorkspace));

  // The status bar reads and checks kubeconfig right after activation, not during it.
  setImmediate(refresh);
  // What a killed Kubecert left (its lock stops every kubectl) goes now, not at our next write. Untrusted: only kubectl's own list.
  setImmediate(() => {
    const removed = removeStale(kubeconfigFiles(vscode.workspace.isTrusted ? ctx.settings.kubeconfig : undefined, process.env));
    if (removed.length) output.appendLine(`Removed what a Kubecert process that no longer runs left behind: ${removed.join(', ')}`);
  });
  // What VS Code calls an extension's activation time: loading its code and calling activate(). The time VS Code
  // itself takes between the two (hostMs) is reported, not counted.
  ctx.activation = {
    loadMs: loadStart === undefined || loadEnd === undefined ? NaN : loadEnd - loadStart,
    hostMs: loadEnd === undefined ? NaN : activateStart - loadEnd,
    activateMs: performance.now() - activateStart,
  };
  return ctx;
}

function loadLanguageClient(): typeof import('./languageClient') {
  // A path esbuild cannot resolve at build time, so the library stays in dist/languageClient.js; the
  // compiled tests (out/) load the module beside this one the same way.
  const file = join(__dirname, 'languageClient.js');
  return require(file) as typeof import('./languageClient');
}

async function startClient(ctx: Ctx): Promise<LanguageClient> {
  // Loaded on demand from its own bundle: activation never pays for the client library.
  const { LanguageClient, TransportKind } = loadLanguageClient();
  const module = ctx.extension.asAbsolutePath('dist/server.js');
  const serverSettings = () => ({
    warnDays: ctx.settings.warnDays,
    severities: ctx.settings.severities,
    codeLens: ctx.settings.codeLens,
    maxProblems: ctx.settings.maxProblems,
    now: ctx.settings.now,
    workspace: ctx.settings.workspace,
  });
  const client = new LanguageClient(
    'kubecert',
    'Kubecert',
    {
      run: { module, transport: TransportKind.ipc, options: { execArgv: NODE_FLAGS } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: NODE_FLAGS } },
    },
    {
      documentSelector: SERVED_LANGUAGES.flatMap((language) => [
        { language, scheme: 'file' },
        { language, scheme: 'untitled' },
      ]),
      outputChannel: ctx.output,
      // VS Code draws $(icon) in lens titles and hovers, and runs the renewal and decoded-certificate commands itself.
      initializationOptions: {
        settings: serverSettings(),
        diagnosticMode: 'push',
        clientShowsRenewalSteps: true,
        clientShowsDecodedCertificate: true,
        clientRendersIcons: true,
        clientWatchesFiles: true,
      },
      // The server's workspace index follows files changed outside the editor.
      synchronize: { configurationSection: 'kubecert', fileEvents: vscode.workspace.createFileSystemWatcher('**/*') },
      middleware: {
        // The server writes theme icons ($(error)) into hovers for this client; a MarkdownString draws them only when asked.
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          for (const c of hover?.contents ?? []) if (c instanceof vscode.MarkdownString) c.supportThemeIcons = true;
          return hover;
        },
        workspace: {
          configuration: (params, token, next) => {
            const result = next(params, token);
            return Array.isArray(result) ? result.map((r, i) => (params.items[i].section === 'kubecert' ? { ...(r ?? {}), ...serverSettings() } : r)) : result;
          },
        },
      },
    },
  );
  await client.start();
  return client;
}

export async function deactivate(): Promise<void> {
  // The client is stopped through its disposable in subscriptions; nothing else holds resources.
}
