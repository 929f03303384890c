// Kubecert's settings, one type for the VS Code client and the language server: whatever arrives (VS Code's
// `kubecert` section, an editor's initializationOptions) goes through resolveSettings, which fills defaults and validates.
import { CODES, type Code, type Severity } from './codes';

export const DEFAULT_WARN_DAYS = 30;

export interface Settings {
  /** Kubeconfig files for the status bar and context switching, in merge order; empty: KUBECONFIG, else ~/.kube/config. */
  kubeconfig: string[];
  warnDays: number;
  severities: Partial<Record<Code, Severity | 'off'>>;
  /** A fixed clock (tests, reproducible sessions); undefined: the real clock at each analysis. */
  now?: number;
  codeLens: boolean;
  statusBar: boolean;
  /** Diagnostics published per file at most (the most severe first); one more says how many were left out. */
  maxProblems: number;
  /** The background index of the workspace folders: globs it skips (relative to a folder), and how many files it reads at most. */
  workspace: { exclude: string[]; maxFiles: number };
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  kubeconfig: [],
  warnDays: DEFAULT_WARN_DAYS,
  severities: {},
  codeLens: true,
  statusBar: true,
  maxProblems: 1000,
  workspace: { exclude: [], maxFiles: 10_000 },
};

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function resolveSettings(raw: unknown): Settings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const settings: Settings = { ...DEFAULT_SETTINGS, severities: {}, kubeconfig: [], workspace: { ...DEFAULT_SETTINGS.workspace, exclude: [] } };
  if (Array.isArray(o.kubeconfig)) settings.kubeconfig = o.kubeconfig.filter((p): p is string => typeof p === 'string' && p !== '');
  else if (typeof o.kubeconfig === 'string' && o.kubeconfig !== '') settings.kubeconfig = [o.kubeconfig];
  if (typeof o.warnDays === 'number' && Number.isFinite(o.warnDays) && o.warnDays >= 0) settings.warnDays = Math.floor(o.warnDays);
  if (o.severities && typeof o.severities === 'object') {
    for (const [code, sev] of Object.entries(o.severities as Record<string, unknown>)) {
      if (code in CODES && typeof sev === 'string' && SEVERITIES.has(sev)) settings.severities[code as Code] = sev as Severity | 'off';
    }
  }
  const now = typeof o.now === 'number' ? o.now : typeof o.now === 'string' && o.now !== '' ? Date.parse(o.now) : NaN;
  if (!Number.isNaN(now)) settings.now = now;
  if (typeof o.maxProblems === 'number' && Number.isFinite(o.maxProblems) && o.maxProblems >= 1) settings.maxProblems = Math.floor(o.maxProblems);
  const ws = o.workspace && typeof o.workspace === 'object' ? (o.workspace as Record<string, unknown>) : {};
  if (Array.isArray(ws.exclude)) settings.workspace.exclude = ws.exclude.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  if (typeof ws.maxFiles === 'number' && Number.isFinite(ws.maxFiles) && ws.maxFiles >= 0) settings.workspace.maxFiles = Math.floor(ws.maxFiles);
  // A flag arrives as `codeLens: false` from other editors, as `codeLens: { enabled }` from VS Code's settings section.
  settings.codeLens = flag(o.codeLens, settings.codeLens);
  settings.statusBar = flag(o.statusBar, settings.statusBar);
  return settings;
}

function flag(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value && typeof value === 'object' && typeof (value as { enabled?: unknown }).enabled === 'boolean') return (value as { enabled: boolean }).enabled;
  return fallback;
}
