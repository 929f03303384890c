// How healthy each context's certificates are: its cluster CA and its user's client certificate.
import { readFileSync } from 'node:fs';
import { analyse, type Analysis } from '../../../server/src/core';
import { fileHost } from '../../../server/src/host';
import type { Health } from '../statusBar';

export interface ContextHealth {
  health: Health;
  expires?: number;
}

/** Analyses every file once and judges each context (first definition wins, as kubectl merges) at `now`. */
export function contextsHealth(files: string[], now: number, warnDays: number): Map<string, ContextHealth> {
  const host = fileHost();
  const analyses: Analysis[] = files.map((f) => {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      // a missing file of the list contributes nothing, as in kubectl
    }
    return analyse(text, { now, path: f, host, warnDays });
  });
  // Expiries of each cluster and user name, from the first file that defines it.
  const expiries = { clusters: new Map<string, number[]>(), users: new Map<string, number[]>() };
  for (const a of analyses) {
    const cfg = a.kubeconfig;
    if (!cfg) continue;
    for (const [kind, entries] of [
      ['clusters', cfg.clusters],
      ['users', cfg.users],
    ] as const) {
      for (const e of entries) {
        if (expiries[kind].has(e.name)) continue;
        expiries[kind].set(
          e.name,
          a.materials.filter((m) => m.site.group === `${kind}/${e.index}`).flatMap((m) => m.certificates.map((c) => c.notAfter)),
        );
      }
    }
  }
  const out = new Map<string, ContextHealth>();
  for (const a of analyses) {
    for (const ctx of a.kubeconfig?.contexts ?? []) {
      if (out.has(ctx.name)) continue;
      const all = [
        ...(expiries.clusters.get(ctx.fields.get('cluster')?.value ?? '') ?? []),
        ...(expiries.users.get(ctx.fields.get('user')?.value ?? '') ?? []),
      ];
      if (all.length === 0) {
        out.set(ctx.name, { health: 'unknown' });
        continue;
      }
      const soonest = Math.min(...all);
      out.set(ctx.name, { health: soonest < now ? 'expired' : soonest - now < warnDays * 86_400_000 ? 'expiring' : 'ok', expires: soonest });
    }
  }
  return out;
}

export function contextHealth(files: string[], context: string, now: number, warnDays: number): ContextHealth {
  return contextsHealth(files, now, warnDays).get(context) ?? { health: 'unknown' };
}

export function healthIcon(h: Health): string {
  return h === 'expired' ? '$(error)' : h === 'expiring' ? '$(warning)' : h === 'ok' ? '$(pass)' : '$(circle-outline)';
}
