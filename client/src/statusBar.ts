// The status bar item is state plus one pure render function.
import { shownServer } from '../../server/src/core';

export type Health = 'ok' | 'expiring' | 'expired' | 'unknown';

export interface StatusState {
  context?: string;
  namespace?: string;
  cluster?: string;
  server?: string;
  user?: string;
  /** The soonest expiry among the context's client certificate and CA (ms), if any. */
  expires?: number;
  health: Health;
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

export function renderStatus(s: StatusState, now: number): StatusView {
  if (s.error) return { text: '$(warning) kube: error', tooltip: s.error, background: 'statusBarItem.errorBackground' };
  if (!s.context) return { text: '$(server-environment) no context', tooltip: `No current context${s.source ? ` in ${s.source}` : ''}. Click to choose one.` };
  const icon = s.health === 'expired' ? '$(error)' : s.health === 'expiring' ? '$(warning)' : '$(server-environment)';
  const text = `${icon} ${s.context} · ${s.namespace || 'default'}`;
  const lines = [
    `Context: ${s.context}`,
    `Cluster: ${s.cluster ?? '(none)'}${s.server ? ` (${shownServer(s.server)})` : ''}`,
    `User: ${s.user ?? '(none)'}`,
    `Namespace: ${s.namespace || 'default'}`,
  ];
  if (s.expires !== undefined) {
    const days = Math.floor((s.expires - now) / 86_400_000);
    lines.push(
      s.expires < now
        ? `Certificate expired ${new Date(s.expires).toISOString().slice(0, 10)}`
        : `Certificates valid until ${new Date(s.expires).toISOString().slice(0, 10)} (${days} days)`,
    );
  }
  if (s.source) lines.push(`From: ${s.source}`);
  lines.push('', 'Click to switch context');
  return {
    text,
    tooltip: lines.join('\n'),
    background: s.health === 'expired' ? 'statusBarItem.errorBackground' : s.health === 'expiring' ? 'statusBarItem.warningBackground' : undefined,
  };
}
