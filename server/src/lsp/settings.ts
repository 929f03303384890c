// Settings: one function takes whatever the client sent, fills defaults and validates.
import { CODES, type Code, type Severity } from '../core';
import { DEFAULT_WARN_DAYS } from '../core';

export interface Settings {
  warnDays: number;
  severities: Partial<Record<Code, Severity | 'off'>>;
  /** A fixed clock (tests, reproducible sessions); undefined: the real clock at each analysis. */
  now?: number;
  codeLens: boolean;
  /** Diagnostics published per file at most (the most severe first); one more says how many were left out. */
  maxProblems: number;
}

export const DEFAULT_SETTINGS: Settings = { warnDays: DEFAULT_WARN_DAYS, severities: {}, codeLens: true, maxProblems: 1000 };

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function resolveSettings(raw: unknown): Settings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const settings: Settings = { ...DEFAULT_SETTINGS, severities: {} };
  if (typeof o.warnDays === 'number' && Number.isFinite(o.warnDays) && o.warnDays >= 0) settings.warnDays = Math.floor(o.warnDays);
  if (o.severities && typeof o.severities === 'object') {
    for (const [code, sev] of Object.entries(o.severities as Record<string, unknown>)) {
      if (code in CODES && typeof sev === 'string' && SEVERITIES.has(sev)) settings.severities[code as Code] = sev as Severity | 'off';
    }
  }
  if (typeof o.now === 'string' && o.now !== '') {
    const t = Date.parse(o.now);
    if (!Number.isNaN(t)) settings.now = t;
  }
  if (typeof o.codeLens === 'boolean') settings.codeLens = o.codeLens;
  if (typeof o.maxProblems === 'number' && Number.isFinite(o.maxProblems) && o.maxProblems >= 1) settings.maxProblems = Math.floor(o.maxProblems);
  // VS Code sends the section as written in settings: `kubecert.codeLens.enabled`.
  const lens = o.codeLens as Record<string, unknown> | undefined;
  if (lens && typeof lens === 'object' && typeof lens.enabled === 'boolean') settings.codeLens = lens.enabled;
  return settings;
}
