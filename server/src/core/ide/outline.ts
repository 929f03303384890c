// CodeLens lines, the document outline, go-to-definition, references and completion: all read one analysis.
import type { Analysis } from '../analysis';
import { attributes } from '../x509/certificates';
import type { Span } from '../findings/finding';
import { oneLine, shownServer } from './hover';
import { groupMaterials } from '../findings/context';
import type { Entry } from '../model/kubeconfig';
import { inside, locate } from '../model/locate';
import { residual } from '../base/time';
import type { Material } from '../x509/decode';
import { entryVerdict, siteVerdict, spanVerdict, verdictText, type Verdict } from './verdict';

export interface Lens {
  span: Span;
  /** Plain text: the verdict in words, no icon syntax (the LSP layer adds icons for a client that draws them). */
  title: string;
  expired: boolean;
  /** The site's verdict: the same findings, severities and settings as its diagnostics. */
  severity: Verdict['severity'];
  where: string;
}

/** `CN=admin · O=system:masters · expires 2028-03-09 (in 1y 3mo) · warning: superuser (system:masters)` above each value. */
export function lenses(analysis: Analysis, now: number): Lens[] {
  const out: Lens[] = [];
  for (const m of analysis.materials) {
    const verdict = siteVerdict(analysis, m.site.where);
    const c = m.certificates[0];
    let title: string | undefined;
    if (c) {
      const who = oneLine(
        [...attributes(c.subject, 'CN').map((v) => `CN=${v}`), ...attributes(c.subject, 'O').map((v) => `O=${v}`)].join(' · ') || c.subject.text,
      );
      const when =
        c.notAfter < now
          ? `EXPIRED ${new Date(c.notAfter).toISOString().slice(0, 10)}`
          : `expires ${new Date(c.notAfter).toISOString().slice(0, 10)} (in ${residual(c.notAfter, now)})`;
      const more = m.certificates.length > 1 ? ` · +${m.certificates.length - 1} more in bundle` : '';
      title = `${who} · ${when}${more}`;
    } else if (m.keys[0]) title = `private key · ${m.keys[0].label}`;
    else if (m.requests[0]) title = `certificate request · ${oneLine(m.requests[0].subject.text)}`;
    if (title === undefined) continue;
    out.push({
      span: m.site.field.keySpan,
      title: verdict.severity === 'ok' ? title : `${title} · ${oneLine(verdictText(verdict))}`,
      expired: m.certificates.some((x) => x.notAfter < now),
      severity: verdict.severity,
      where: m.site.where,
    });
  }
  return out;
}

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: 'cluster' | 'user' | 'context' | 'list' | 'object' | 'certificate';
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
    const expiry = (group: string): string => {
      const certs = (byGroup.get(group) ?? []).flatMap((m) => m.certificates);
      if (certs.length === 0) return '';
      const soonest = Math.min(...certs.map((c) => c.notAfter));
      return soonest < now ? 'expired' : `expires in ${residual(soonest, now)}`;
    };
    // The verdict of the entry's findings; the expiry stays as a fact when nothing is wrong.
    const health = (e: Entry, group: string): string => {
      const verdict = entryVerdict(analysis, e);
      return verdict.severity === 'ok' ? [expiry(group), 'ok'].filter(Boolean).join(' · ') : oneLine(verdictText(verdict));
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
              ? `${e.fields.get('cluster')?.value ?? '?'} · ${e.fields.get('user')?.value ?? '?'}${config.currentContext?.value === e.name ? ' · current' : ''} · ${oneLine(verdictText(entryVerdict(analysis, e)))}`
              : e.kind === 'cluster'
                ? [shownServer(e.fields.get('server')?.value ?? ''), health(e, `clusters/${e.index}`)].filter(Boolean).join(' · ')
                : health(e, `users/${e.index}`),
          kind: e.kind,
          span: e.span,
          selection: e.nameField?.span ?? e.span,
          children: [],
        })),
      });
    }
  }
  // A manifest object: its verdict, and one child per certificate, key or request field with its own.
  // Materials by their object (a Pod's flag pairs, `group#pair`, under the Pod), indexed once: no scan per object.
  const byObject = new Map<string, Material[]>();
  for (const m of analysis.materials) {
    if (m.site.group.startsWith('users/') || m.site.group.startsWith('clusters/')) continue;
    const hash = m.site.group.indexOf('#');
    const key = hash < 0 ? m.site.group : m.site.group.slice(0, hash);
    const list = byObject.get(key);
    if (list) list.push(m);
    else byObject.set(key, [m]);
  }
  for (const o of analysis.objects) {
    // Claimed by the first object of its label: aliased objects (a List of one Secret a thousand times) share them.
    const key = `${o.document}/${o.label}`;
    const mine = byObject.get(key) ?? [];
    byObject.delete(key);
    const children: OutlineSymbol[] = mine.map((m) => ({
      name: m.site.field.key,
      detail: [certificateFact(m, now), oneLine(verdictText(siteVerdict(analysis, m.site.where)))].filter(Boolean).join(' · '),
      kind: 'certificate',
      span: m.site.field.pairSpan,
      selection: m.site.field.keySpan,
      children: [],
    }));
    out.push({
      name: o.label,
      detail: `${o.kind} · ${oneLine(verdictText(spanVerdict(analysis, o.span)))}`,
      kind: 'object',
      span: o.span,
      selection: o.span,
      children,
    });
  }
  return out;
}

function certificateFact(m: Material, now: number): string {
  const c = m.certificates[0];
  if (c) return `${oneLine(c.subject.text)} · ${c.notAfter < now ? 'expired' : `expires in ${residual(c.notAfter, now)}`}`;
  if (m.keys[0]) return `private key · ${m.keys[0].label}`;
  if (m.requests[0]) return `certificate request · ${oneLine(m.requests[0].subject.text)}`;
  return '';
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
