// How healthy a context's certificates are: its cluster CA and its user's client certificate.
import { readFileSync } from 'node:fs';
import { analyse } from '../../../server/src/core/analysis';
import { findEntry } from '../../../server/src/core/kubeconfig';
import { fileHost } from '../../../server/src/host';
import type { Health } from '../statusBar';

export interface ContextHealth {
  health: Health;
  expires?: number;
}

/** Reads the files in order and judges the named context's CA and client certificate at `now`. */
export function contextHealth(files: string[], context: string, now: number, warnDays: number): ContextHealth {
  let clusterName: string | undefined;
  let userName: string | undefined;
  const expiries: number[] = [];
  const host = fileHost();
  const analyses = files.map((f) => {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      // a missing file of the list contributes nothing, as in kubectl
    }
    return analyse(text, { now, path: f, host, warnDays });
  });
  for (const a of analyses) {
    const cfg = a.kubeconfig;
    if (!cfg) continue;
    const ctx = findEntry(cfg.contexts, context);
    if (ctx && clusterName === undefined) {
      clusterName = ctx.fields.get('cluster')?.value;
      userName = ctx.fields.get('user')?.value;
    }
  }
  for (const a of analyses) {
    const cfg = a.kubeconfig;
    if (!cfg) continue;
    const cluster = clusterName !== undefined ? findEntry(cfg.clusters, clusterName) : undefined;
    const user = userName !== undefined ? findEntry(cfg.users, userName) : undefined;
    for (const m of a.materials) {
      if ((cluster && m.site.group === `clusters/${cluster.index}`) || (user && m.site.group === `users/${user.index}`)) expiries.push(...m.certificates.map((c) => c.notAfter));
    }
  }
  if (expiries.length === 0) return { health: 'unknown' };
  const soonest = Math.min(...expiries);
  return { health: soonest < now ? 'expired' : soonest - now < warnDays * 86_400_000 ? 'expiring' : 'ok', expires: soonest };
}
