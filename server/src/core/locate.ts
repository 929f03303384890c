// What is at an offset: a certificate site, a kubeconfig entry name or reference, or current-context.
import type { Analysis } from './analysis';
import type { Material } from './decode';
import type { Span } from './finding';
import { findEntry, type Entry, type Field } from './kubeconfig';

export type Target =
  | { kind: 'material'; material: Material; span: Span }
  | { kind: 'entry'; entry: Entry; span: Span }
  | { kind: 'reference'; entry?: Entry; refKind: 'cluster' | 'user' | 'context'; name: string; field: Field; span: Span }
  | { kind: 'token'; field: Field; span: Span; entry: Entry };

export function inside(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

export function locate(analysis: Analysis, offset: number): Target | undefined {
  for (const material of analysis.materials) {
    const f = material.site.field;
    if (inside(f.span, offset) || inside(f.keySpan, offset)) return { kind: 'material', material, span: inside(f.span, offset) ? f.span : f.keySpan };
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
