// The one object commands and the status bar share: the language client (when running), settings, output.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { resolveSettings, type Settings } from '../../shared/settings';

export type { Settings };

/** VS Code's `kubecert` section through the one validation the server uses too. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('kubecert');
  const keys = ['kubeconfig', 'warnDays', 'severities', 'now', 'codeLens', 'statusBar', 'maxProblems', 'workspace'];
  return resolveSettings(Object.fromEntries(keys.map((k) => [k, c.get<unknown>(k)])));
}

/** The extension's context (Ctx): what every command and the status bar share, re-read when settings change. */
export interface Ctx {
  extension: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  client?: LanguageClient;
  settings: Settings;
  /** The clock: the `kubecert.now` setting (tests) or the real one. */
  now(): number;
  refreshStatus(): void;
  /** The language client, started if it is not yet (the status bar and the views ask the server). */
  ensureClient(): Promise<LanguageClient | undefined>;
  /** The kubeconfig files kubectl would use: the setting, else KUBECONFIG, else ~/.kube/config. */
  kubeconfigFiles(): string[];
  /** Evaluating the bundle, VS Code's own time between that and activate(), and activate() itself (ms). */
  activation?: { loadMs: number; hostMs: number; activateMs: number };
}
