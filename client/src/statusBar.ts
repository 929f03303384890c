// The status bar item is state plus one pure render function.
import { shownServer } from '../../server/src/core';
import type { Verdict } from '../../shared/protocol';

/** The server's verdict for the context, or unknown while it is asked (or when the server is not running). */
export type Health = Verdict | 'unknown';

export interface StatusState {
  context?: string;
  namespace?: string;
  cluster?: string;
  server?: string;
  user?: string;
  health: Health;
  /** The credential and why, in words: "client certificate of alice: key does not match". */
  reasons?: string[];
  /** What authenticates the user when it is not a certificate: "token", "exec plugin — not run", "no credentials". */
  auth?: string;
  /** Why there is no verdict (the server is not running). */
  unknownWhy?: string;
  /** The file the current context comes from. */
  source?: string;
  error?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** A ThemeColor id for the background, or undefined. */
  background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
}

/** The codicon for a verdict, in the status bar, the context picker and the certificate view alike. */
export function verdictIcon(h: Health): string {
  return h === 'error'
    ? '$(error)'
    : h === 'warning'
      ? '$(warning)'
      : h === 'information' || h === 'hint'
        ? '$(info)'
        : h === 'ok'
          ? '$(pass)'
          : '$(circle-outline)';
}

/** One line for a context's verdict: its reasons, or that it is healthy, and what authenticates the user. */
export function verdictWords(s: Pick<StatusState, 'health' | 'reasons' | 'auth' | 'unknownWhy'>): string {
  if (s.health === 'unknown') return s.unknownWhy ?? 'checking…';
  const reasons = s.reasons ?? [];
  const head = reasons.length ? reasons.join('; ') : 'healthy';
  return s.auth ? `${head} · authenticates with: ${s.auth}` : head;
}

export function renderStatus(s: StatusState): StatusView {
  if (s.error) return { text: '$(warning) kube: error', tooltip: s.error, background: 'statusBarItem.errorBackground' };
  if (!s.context) return { text: '$(server-environment) no context', tooltip: `No current context${s.source ? ` in ${s.source}` : ''}. Click to choose one.` };
  const icon = s.health === 'error' ? '$(error)' : s.health === 'warning' ? '$(warning)' : '$(server-environment)';
  const text = `${icon} ${s.context} · ${s.namespace || 'default'}`;
  const lines = [
    `Context: ${s.context}`,
    `Cluster: ${s.cluster ?? '(none)'}${s.server ? ` (${shownServer(s.server)})` : ''}`,
    `User: ${s.user ?? '(none)'}`,
    `Namespace: ${s.namespace || 'default'}`,
  ];
  if (s.health === 'unknown') lines.push(`Health: ${s.unknownWhy ?? 'checking…'}`);
  else if (!s.reasons?.length) lines.push('Health: ok');
  else lines.push(`Health: ${s.health}`, ...s.reasons.map((r) => `  • ${r}`));
  if (s.auth) lines.push(`Authenticates with: ${s.auth}`);
  if (s.source) lines.push(`From: ${s.source}`);
  lines.push('', 'Click to switch context');
  return {
    text,
    tooltip: lines.join('\n'),
    background: s.health === 'error' ? 'statusBarItem.errorBackground' : s.health === 'warning' ? 'statusBarItem.warningBackground' : undefined,
  };
}
