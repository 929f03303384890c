// CodeLens lines, the document outline, go-to-definition, references and completion: all read one analysis.
import type { Analysis } from '../analysis';
import { attributes } from '../x509/certificates';
import type { Span } from '../findings/finding';
import { oneLine, shownServer } from './hover';
import { groupMaterials } from '../findings/context';
import type { Entry } from '../model/kubeconfig';
import { inside, locate } from '../model/locate';
import { residual } from '../base/time';

export interface Lens {
  span: Span;
  title: string;
  expired: boolean;
  where: string;
}

/** `CN=admin · O=system:masters · expires 2028-03-09 (in 1y 3mo)` above each certificate value. */
export function lenses(analysis: Analysis, now: number): Lens[] {
  const out: Lens[] = [];
  for (const m of analysis.materials) {
    const c = m.certificates[0];
    if (c) {
      const who = oneLine(
        [...attributes(c.subject, 'CN').map((v) => `CN=${v}`), ...attributes(c.subject, 'O').map((v) => `O=${v}`)].join(' · ') || c.subject.text,
      );
      const when =
        c.notAfter < now
          ? `EXPIRED ${new Date(c.notAfter).toISOString().slice(0, 10)}`
          : `expires ${new Date(c.notAfter).toISOString().slice(0, 10)} (in ${residual(c.notAfter, now)})`;
      const more = m.certificates.length > 1 ? ` · +${m.certificates.length - 1} more in bundle` : '';
      out.push({ span: m.site.field.keySpan, title: `${who} · ${when}${more}`, expired: m.certificates.some((x) => x.notAfter < now), where: m.site.where });
    } else if (m.keys[0]) {
      out.push({ span: m.site.field.keySpan, title: `private key · ${m.keys[0].label}`, expired: false, where: m.site.where });
    } else if (m.requests[0]) {
      out.push({ span: m.site.field.keySpan, title: `certificate request · ${oneLine(m.requests[0].subject.text)}`, expired: false, where: m.site.where });
    }
  }
  return out;
}

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: 'cluster' | 'user' | 'context' | 'list' | 'object';
  span: Span;
  selection: Span;
  children: OutlineSymbol[];
}

export function outline(analysis: Analysis, now: number): OutlineSymbol[] {
  const config = analysis.kubeconfig;
  const out: OutlineSymbol[] = [];
  if (config) {
    // Indexed once: looking every entry's materials up by filtering all of them was quadratic.
    const byGroup = groupMaterials(analysis.materials);
    const health = (group: string): string => {
      const certs = (byGroup.get(group) ?? []).flatMap((m) => m.certificates);
      if (certs.length === 0) return '';
      const soonest = Math.min(...certs.map((c) => c.notAfter));
      return soonest < now ? 'expired' : `expires in ${residual(soonest, now)}`;
    };
    const lists = [
      ['clusters', config.clusters],
      ['users', config.users],
      ['contexts', config.contexts],
    ] as const;
    for (const [key, entries] of lists) {
      const list = config.lists[key];
      if (!list) continue;
      out.push({
        name: key,
        detail: `${entries.length}`,
        kind: 'list',
        span: list.pairSpan,
        selection: list.keySpan,
        children: entries.map((e: Entry) => ({
          name: e.name || `#${e.index}`,
          detail:
            e.kind === 'context'
              ? `${e.fields.get('cluster')?.value ?? '?'} · ${e.fields.get('user')?.value ?? '?'}${config.currentContext?.value === e.name ? ' · current' : ''}`
              : e.kind === 'cluster'
                ? [shownServer(e.fields.get('server')?.value ?? ''), health(`clusters/${e.index}`)].filter(Boolean).join(' · ')
                : health(`users/${e.index}`),
          kind: e.kind,
          span: e.span,
          selection: e.nameField?.span ?? e.span,
          children: [],
        })),
      });
    }
  }
  for (const o of analysis.objects) out.push({ name: o.label, detail: o.kind, kind: 'object', span: o.span, selection: o.span, children: [] });
  return out;
}

/** The entry a reference names (context → cluster/user, current-context → context). */
export function definition(analysis: Analysis, offset: number): Span | undefined {
  const target = locate(analysis, offset);
  if (target?.kind !== 'reference' || !target.entry) return undefined;
  return target.entry.nameField?.span ?? target.entry.span;
}

/** Every place that names the entry at `offset` (its name, or a reference to it). */
export function references(analysis: Analysis, offset: number, includeDeclaration: boolean): Span[] {
  const config = analysis.kubeconfig;
  const target = locate(analysis, offset);
  if (!config || !target) return [];
  let entry: Entry | undefined;
  if (target.kind === 'entry') entry = target.entry;
  else if (target.kind === 'reference') entry = target.entry;
  if (!entry) return [];
  const out: Span[] = [];
  if (includeDeclaration && entry.nameField) out.push(entry.nameField.span);
  if (entry.kind === 'context') {
    if (config.currentContext?.value === entry.name) out.push(config.currentContext.span);
  } else {
    for (const c of config.contexts) {
      const f = c.fields.get(entry.kind);
      if (f && f.value === entry.name) out.push(f.span);
    }
  }
  return out;
}

export interface Completion {
  label: string;
  detail: string;
  span: Span;
}

/** Names of clusters/users inside a context, and of contexts in current-context. */
export function completions(analysis: Analysis, offset: number): Completion[] {
  const config = analysis.kubeconfig;
  if (!config) return [];
  const suggest = (entries: Entry[], span: Span, kind: string): Completion[] =>
    entries
      .filter((e) => e.name !== '')
      .map((e) => ({
        label: e.name,
        detail:
          kind === 'context'
            ? `${e.fields.get('cluster')?.value ?? ''} · ${e.fields.get('user')?.value ?? ''}`
            : shownServer(e.fields.get('server')?.value ?? kind),
        span,
      }));
  const cur = config.currentContext;
  if (cur && (inside(cur.span, offset) || (offset >= cur.keySpan.end && offset <= cur.span.end + 1))) return suggest(config.contexts, cur.span, 'context');
  for (const c of config.contexts) {
    for (const kind of ['cluster', 'user'] as const) {
      const f = c.fields.get(kind);
      if (f && (inside(f.span, offset) || (offset > f.keySpan.end && offset <= f.span.end)))
        return suggest(kind === 'cluster' ? config.clusters : config.users, f.span, kind);
    }
  }
  return [];
}
