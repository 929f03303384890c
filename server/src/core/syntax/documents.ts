// A stream of manifests is a list of documents that know nothing of each other: an edit inside one (a port, a namespace,
// a pasted certificate, a `---` typed to split it) re-reads the documents it touches and keeps the others, their
// objects and sites moved by the edit's length and their document numbers by the documents it added or removed.
// test/unit/documents.test.ts holds the result, and the analysis built on it, to a fresh parse on thousands of edits.
import type { Structure } from '../analysis';
import type { Span } from '../findings/finding';
import type { TextEdit } from '../ide/edits';
import { isKubeconfig, type Field } from '../model/kubeconfig';
import { scanManifests, type ManifestObject } from '../model/manifests';
import type { ObjectLinks } from '../model/links';
import type { Site } from '../model/sites';
import { fastParse } from './fastYaml';
import { LIMITS } from './parse';

/** Documents this close to an edit are read again too: a `---` typed or broken at a document's edge moves that edge. */
const MARGIN = 4;

/** A site of a document the edit only moved, and the site it was: its decoding is the same, at the new place. */
const origins = new WeakMap<Site, Site>();

export function movedFrom(site: Site): Site | undefined {
  return origins.get(site);
}

/**
 * The structure of `text`, which is the text of `before` with `edit` applied, when `before` is a stream of manifests
 * read without error and the documents the edit touches read again in the fast path's subset; otherwise undefined.
 */
export function reuseDocuments(before: Structure, edit: TextEdit, text: string, options: { path?: string; maxTextLength?: number }): Structure | undefined {
  const starts = before.documentStarts;
  if (before.kubeconfig || before.findings.length > 0 || starts.length < 2) return undefined;
  if (text.length > (options.maxTextLength ?? LIMITS.maxTextLength)) return undefined;
  const delta = edit.newText.length - (edit.span.end - edit.span.start);
  // The documents from `first` to `last` are read again: from the `---` of the first to that of the one after the last.
  let first = upperBound(starts, edit.span.start - MARGIN) - 1;
  if (first < 0) first = 0;
  const after = Math.max(first + 1, upperBound(starts, edit.span.end + MARGIN));
  const from = first === 0 ? 0 : starts[first];
  const to = after < starts.length ? starts[after] + delta : text.length;
  if ((first > 0 && !separatorAt(text, from)) || (after < starts.length && !separatorAt(text, to))) return undefined;
  const documents = fastParse(text, LIMITS.maxDepth, from, to);
  if (!documents || documents.some((doc) => isKubeconfig(doc))) return undefined;
  const added = documents.length - (after - first);
  const scan = scanManifests(documents, new Set(), options.path, first);

  const move = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  const moveField = (f: Field): Field => ({
    key: f.key,
    value: f.value,
    isScalar: f.isScalar,
    span: move(f.span),
    keySpan: move(f.keySpan),
    pairSpan: move(f.pairSpan),
    style: f.style,
  });
  const moveObject = (o: ManifestObject): ManifestObject => {
    const out: ManifestObject = { ...o, document: o.document + added, span: move(o.span) };
    if (o.ingressTls)
      out.ingressTls = o.ingressTls.map((tls) => ({ secretName: tls.secretName && moveField(tls.secretName), hosts: tls.hosts.map(moveField) }));
    if (o.flags) out.flags = o.flags.map(moveField);
    if (o.links) out.links = moveLinks(o.links, moveField);
    if (o.csr)
      out.csr = { ...o.csr, signerName: o.csr.signerName && moveField(o.csr.signerName), usagesField: o.csr.usagesField && moveField(o.csr.usagesField) };
    return out;
  };
  const moveSite = (s: Site): Site => {
    const document = s.document + added;
    const group = s.group.startsWith(`${s.document}/`) ? `${document}${s.group.slice(String(s.document).length)}` : s.group;
    const moved = { ...s, field: moveField(s.field), group, document };
    origins.set(moved, s);
    return moved;
  };
  const unmoved = delta === 0 && added === 0;
  const objects = [
    ...before.objects.filter((o) => o.document < first),
    ...scan.objects,
    ...before.objects.filter((o) => o.document >= after).map((o) => (unmoved ? o : moveObject(o))),
  ];
  const sites = [
    ...before.sites.filter((s) => s.document < first),
    ...scan.sites,
    ...before.sites.filter((s) => s.document >= after).map((s) => (unmoved ? s : moveSite(s))),
  ];
  return {
    kind: objects.length > 0 ? 'manifests' : 'none',
    kubeconfig: undefined,
    objects,
    linked: [
      ...(before.linked ?? []).filter((o) => o.document < first),
      ...scan.linked,
      ...(before.linked ?? []).filter((o) => o.document >= after).map((o) => (unmoved ? o : moveObject(o))),
    ],
    sites,
    findings: before.findings,
    documentStarts: [
      ...starts.slice(0, first),
      ...documents.map((doc, i) => (first + i === 0 ? 0 : doc.range[0])),
      ...starts.slice(after).map((s) => s + delta),
    ],
  };
}

/** Whether a `---` line starts at `at`. */
function separatorAt(text: string, at: number): boolean {
  if (!text.startsWith('---', at) || (at > 0 && text.charCodeAt(at - 1) !== 10)) return false;
  const c = text.charCodeAt(at + 3);
  return Number.isNaN(c) || c === 10 || c === 32;
}

/** The index of the first element greater than `value` in ascending `list`. */
function upperBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What joins an object to others, every field in it moved. */
function moveLinks(links: ObjectLinks, moveField: (f: Field) => Field): ObjectLinks {
  const out: ObjectLinks = { ...links };
  if (links.secretVolumes) out.secretVolumes = links.secretVolumes.map(moveField);
  if (links.services) out.services = links.services.map((s) => ({ ...s, name: moveField(s.name) }));
  if (links.certificate) out.certificate = { ...links.certificate, secretName: links.certificate.secretName && moveField(links.certificate.secretName) };
  if (links.listeners)
    out.listeners = links.listeners.map((l) => ({
      hostname: l.hostname && moveField(l.hostname),
      secrets: l.secrets.map((x) => ({ ...x, name: moveField(x.name) })),
    }));
  if (links.injectCaFrom) out.injectCaFrom = moveField(links.injectCaFrom);
  return out;
}
