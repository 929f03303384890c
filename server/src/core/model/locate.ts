// What is at an offset: a certificate site, a kubeconfig entry name or reference, or current-context.
import type { Analysis } from '../analysis';
import type { Material } from '../x509/decode';
import type { Span } from '../findings/finding';
import { findEntry, type Entry, type Field, type Kubeconfig } from './kubeconfig';
import type { Site } from './sites';
import type { ManifestObject } from './manifests';

export type Target =
  | { kind: 'material'; material: Material; span: Span }
  | { kind: 'entry'; entry: Entry; span: Span }
  | { kind: 'reference'; entry?: Entry; refKind: 'cluster' | 'user' | 'context'; name: string; field: Field; span: Span }
  | { kind: 'token'; field: Field; span: Span; entry: Entry }
  /** An Ingress tls entry's host or secretName. */
  | { kind: 'ingress'; object: ManifestObject; secretName?: Field; host?: Field; span: Span };

export function inside(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

export function locate(analysis: Analysis, offset: number): Target | undefined {
  for (const material of analysis.materials) {
    const f = material.site.field;
    if (inside(f.span, offset) || inside(f.keySpan, offset)) return { kind: 'material', material, span: inside(f.span, offset) ? f.span : f.keySpan };
  }
  for (const object of analysis.objects) {
    for (const tls of object.ingressTls ?? []) {
      if (tls.secretName && inside(tls.secretName.span, offset)) return { kind: 'ingress', object, secretName: tls.secretName, span: tls.secretName.span };
      const host = tls.hosts.find((h) => inside(h.span, offset));
      if (host) return { kind: 'ingress', object, secretName: tls.secretName, host, span: host.span };
    }
  }
  const config = analysis.kubeconfig;
  if (!config) return undefined;
  const current = config.currentContext;
  if (current && (inside(current.span, offset) || inside(current.keySpan, offset)))
    return { kind: 'reference', refKind: 'context', name: current.value, entry: findEntry(config.contexts, current.value), field: current, span: current.span };
  for (const context of config.contexts) {
    for (const refKind of ['cluster', 'user'] as const) {
      const f = context.fields.get(refKind);
      if (f && inside(f.span, offset)) {
        const list = refKind === 'cluster' ? config.clusters : config.users;
        return { kind: 'reference', refKind, name: f.value, entry: findEntry(list, f.value), field: f, span: f.span };
      }
    }
  }
  for (const entry of [...config.clusters, ...config.users, ...config.contexts]) {
    if (entry.nameField && inside(entry.nameField.span, offset)) return { kind: 'entry', entry, span: entry.nameField.span };
    const token = entry.kind === 'user' ? entry.fields.get('token') : undefined;
    if (token && (inside(token.span, offset) || inside(token.keySpan, offset))) return { kind: 'token', field: token, span: token.span, entry };
  }
  return undefined;
}

/** Items in the order of their spans, built once per array: list items and sites never overlap one another. */
const ordered = new WeakMap<object, { starts: number[]; items: unknown[] }>();

function inOrder<T>(key: object, items: () => T[], spanOf: (item: T) => Span): { starts: number[]; items: T[] } {
  let index = ordered.get(key) as { starts: number[]; items: T[] } | undefined;
  if (!index) {
    const sorted = items().sort((a, b) => spanOf(a).start - spanOf(b).start);
    index = { starts: sorted.map((item) => spanOf(item).start), items: sorted };
    ordered.set(key, index);
  }
  return index;
}

/** Index of the last item starting at or before `offset`, or -1. */
function lastStartingBy(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The cluster, user or context whose list item holds `offset`: a binary search, so per-diagnostic lookups stay cheap. */
export function entryAt(config: Kubeconfig, offset: number): Entry | undefined {
  const index = inOrder(
    config,
    () => [...config.clusters, ...config.users, ...config.contexts],
    (e) => e.span,
  );
  const entry = index.items[lastStartingBy(index.starts, offset)];
  return entry && inside(entry.span, offset) ? entry : undefined;
}

/** The site whose value overlaps `span`. */
export function siteAt(sites: Site[], span: Span): Site | undefined {
  const index = inOrder(
    sites,
    () => [...sites],
    (s) => s.field.span,
  );
  for (let i = Math.max(0, lastStartingBy(index.starts, span.start)); i < index.items.length && index.starts[i] <= span.end; i++) {
    const site = index.items[i];
    if (site.field.span.start <= span.end && span.start <= site.field.span.end) return site;
  }
  return undefined;
}
