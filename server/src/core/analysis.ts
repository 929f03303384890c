// The one entry point: text and options in, everything Kubecert knows about the document out.
import type { Certificate } from './x509/certificates';
import { DecodeCache, decodeSite, type Host, type Material } from './x509/decode';
import { CODES, type Code, type Finding, type Severity } from './findings/finding';
import { checkCsrs } from './findings/csr';
import { groupMaterials, type CheckInput } from './findings/context';
import { checkServed, probeReport, type ProbeReport, type Served } from './findings/probe';
import { checkIdentity } from './findings/identity';
import { checkReferences } from './findings/references';
import { checkStrength } from './findings/strength';
import { checkTrust } from './findings/trust';
import { checkValidity } from './findings/validity';
import { isKubeconfig, readKubeconfig, type Field, type Kubeconfig } from './model/kubeconfig';
import { scanManifests, type ManifestObject } from './model/manifests';
import { aliasFindings, parseText } from './syntax/parse';
import { kubeconfigSites, type Site } from './model/sites';

export interface AnalysisOptions {
  /** The moment validity is judged at (milliseconds since the epoch). Never read from a clock here. */
  now: number;
  /** Warn this many days before a certificate expires. */
  warnDays?: number;
  /** The document's file path, for resolving relative file references. */
  path?: string;
  host?: Host;
  cache?: DecodeCache;
  serverCertificate?: Certificate;
  /** What probes of cluster servers found, by cluster name (the CLI's --probe, the server's probe request). */
  probed?: Record<string, Served>;
  /** Per-code severity overrides; 'off' drops the finding. */
  severities?: Partial<Record<Code, Severity | 'off'>>;
}

export interface CertificateOccurrence {
  site: Site;
  certificate: Certificate;
  /** Position within its bundle. */
  index: number;
  count: number;
}

export interface Analysis {
  kind: 'kubeconfig' | 'manifests' | 'pki' | 'flags' | 'none';
  kubeconfig?: Kubeconfig;
  objects: ManifestObject[];
  /** Objects without certificates that join files (Services, workloads, cert-manager Certificates). */
  linked?: ManifestObject[];
  sites: Site[];
  materials: Material[];
  certificates: CertificateOccurrence[];
  findings: Finding[];
}

import { DEFAULT_WARN_DAYS } from '../../../shared/settings';
export { DEFAULT_WARN_DAYS };

/** What a document holds before anything is decoded: parsed once, enough to locate every site. */
export interface Structure {
  kind: Analysis['kind'];
  kubeconfig?: Kubeconfig;
  objects: ManifestObject[];
  linked?: ManifestObject[];
  sites: Site[];
  findings: Finding[];
}

export function structureOf(text: string, options: Pick<AnalysisOptions, 'path'>): Structure {
  const parsed = parseText(text);
  let kubeconfig: Kubeconfig | undefined;
  const sites: Site[] = [];
  const kubeconfigDocs = new Set<number>();
  parsed.documents.forEach((doc, i) => {
    if (!kubeconfig && isKubeconfig(doc)) {
      kubeconfig = readKubeconfig(doc, i, text);
      kubeconfigDocs.add(i);
      sites.push(...kubeconfigSites(kubeconfig, options.path));
    }
  });
  const scan = scanManifests(parsed.documents, kubeconfigDocs, options.path);
  sites.push(...scan.sites);
  for (const site of sites) trimBlockSpan(text, site.field);
  return {
    kind: kubeconfig ? 'kubeconfig' : scan.objects.length > 0 ? 'manifests' : 'none',
    kubeconfig,
    objects: scan.objects,
    linked: scan.linked,
    sites,
    findings: [...parsed.findings, ...aliasFindings(parsed.documents, text)],
  };
}

/** An analysis under way: the structure, and the sites decoded so far (by site index). */
export interface Progress {
  structure: Structure;
  decoded: Array<{ material: Material; findings: Finding[] } | undefined>;
}

/** Decodes one site now (from the cache when its text was seen before), whatever the order of the rest. */
export function decodeAt(progress: Progress, index: number, options: AnalysisOptions, cache: DecodeCache): Material {
  let d = progress.decoded[index];
  if (!d) d = progress.decoded[index] = decodeSite(progress.structure.sites[index], options.host, cache);
  return d.material;
}

/** The analysis so far, as features read it: only decoded sites have materials, and there are no findings yet. */
export function partialAnalysis(progress: Progress): Analysis {
  const materials = progress.decoded.flatMap((d) => (d ? [d.material] : []));
  return { ...progress.structure, materials, certificates: occurrences(materials), findings: [] };
}

/**
 * The analysis in steps: parse, then sites in batches, then the checks. A server runs one step per
 * event-loop turn so that hovers and code actions are answered while a large document is analysed.
 * `known` is the text's structure when it is already known (reuseStructure after an edit inside one value).
 */
export function* analyseInSteps(
  text: string,
  options: AnalysisOptions,
  { batch = 100, known }: { batch?: number; known?: Structure } = {},
): Generator<Progress, Analysis, void> {
  const cache = options.cache ?? new DecodeCache();
  const progress: Progress = { structure: known ?? structureOf(text, options), decoded: [] };
  yield progress;
  const { sites } = progress.structure;
  for (let i = 0; i < sites.length; i++) {
    decodeAt(progress, i, options, cache);
    if ((i + 1) % batch === 0 && i + 1 < sites.length) yield progress;
  }
  return finish(progress, options);
}

export function analyse(text: string, options: AnalysisOptions): Analysis {
  const steps = analyseInSteps(text, options, { batch: Number.MAX_SAFE_INTEGER });
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function occurrences(materials: Material[]): CertificateOccurrence[] {
  const out: CertificateOccurrence[] = [];
  for (const m of materials) m.certificates.forEach((certificate, index) => out.push({ site: m.site, certificate, index, count: m.certificates.length }));
  return out;
}

function finish(progress: Progress, options: AnalysisOptions): Analysis {
  const { structure } = progress;
  const findings: Finding[] = [...structure.findings];
  const materials: Material[] = [];
  for (const d of progress.decoded) {
    if (!d) continue;
    materials.push(d.material);
    findings.push(...d.findings);
  }
  const input: CheckInput = {
    kubeconfig: structure.kubeconfig,
    objects: structure.objects,
    materials,
    groups: groupMaterials(materials),
    now: options.now,
    warnDays: options.warnDays ?? DEFAULT_WARN_DAYS,
    serverCertificate: options.serverCertificate,
  };
  if (structure.kubeconfig) findings.push(...checkReferences(structure.kubeconfig));
  findings.push(...checkValidity(input), ...checkTrust(input), ...checkIdentity(input), ...checkStrength(input), ...checkCsrs(input));
  if (options.probed) findings.push(...checkServed(input, options.probed));
  return {
    ...structure,
    materials,
    certificates: occurrences(materials),
    // Codes compared as plain strings: localeCompare's first call loads ICU's collator, which a fresh server pays for.
    findings: applySeverities(findings, options.severities).sort((a, b) => a.span.start - b.span.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  };
}

/** A chain a cluster's server served, judged against that cluster of an analysed kubeconfig: a probe's answer. */
export function judgeProbe(analysis: Analysis, cluster: string, served: Served, options: { now: number; warnDays: number }): ProbeReport {
  const { kubeconfig, materials } = analysis;
  return probeReport({ kubeconfig, objects: [], materials, groups: groupMaterials(materials), ...options }, cluster, served);
}

/** A block scalar's range runs through its final line break; a value's range (and an edit of it) should not. */
function trimBlockSpan(text: string, field: Field): void {
  if (field.style !== 'block') return;
  let end = field.span.end;
  while (end > field.span.start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  field.span = { start: field.span.start, end };
  field.pairSpan = { start: field.pairSpan.start, end: Math.min(field.pairSpan.end, end) };
}

function applySeverities(findings: Finding[], overrides: AnalysisOptions['severities']): Finding[] {
  if (!overrides) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const s = overrides[f.code];
    if (s === 'off') continue;
    out.push(s && s in { error: 1, warning: 1, information: 1, hint: 1 } ? { ...f, severity: s } : f);
  }
  return out;
}

export { CODES };
