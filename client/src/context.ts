// The one object commands and the status bar share: the language client (when running), settings, output.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface Settings {
  kubeconfig: string[];
  warnDays: number;
  statusBar: boolean;
  codeLens: boolean;
  severities: Record<string, string>;
  now?: string;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('kubecert');
  const paths = c.get<unknown>('kubeconfig');
  const list = Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && p !== '') : typeof paths === 'string' && paths ? [paths] : [];
  const warnDays = c.get<number>('warnDays');
  return {
    kubeconfig: list,
    warnDays: typeof warnDays === 'number' && warnDays >= 0 ? warnDays : 30,
    statusBar: c.get<boolean>('statusBar.enabled') !== false,
    codeLens: c.get<boolean>('codeLens.enabled') !== false,
    severities: (c.get<Record<string, string>>('severities') ?? {}) as Record<string, string>,
    now: c.get<string>('now') || undefined,
  };
}

export interface Ctx {
  extension: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  client?: LanguageClient;
  settings: Settings;
  /** The clock: the `kubecert.now` setting (tests) or the real one. */
  now(): number;
  refreshStatus(): void;
  /** How long activation took, measured in the extension host: evaluating the bundle, and activate() itself. */
  /** Evaluating the bundle, VS Code's own time between that and activate(), and activate() itself (ms). */
  activation?: { loadMs: number; hostMs: number; activateMs: number };
}
