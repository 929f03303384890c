// The health of each kube context over the kubeconfig files kubectl merges, and of each certificate: verdicts read
// off the analyses' findings (never a check run again), with the credential and the reason in words.
import type { Analysis, CertificateOccurrence } from '../analysis';
import { CODES, type Code, type Finding, type Severity, type Span } from '../findings/finding';
import { findEntry, type Entry } from '../model/kubeconfig';
import { inside } from '../model/locate';
import type { Role } from '../model/sites';
import { isoDate, residual } from '../base/time';

export type VerdictSeverity = Severity | 'ok';
export type Auth = 'certificate' | 'token' | 'exec' | 'auth-provider' | 'basic' | 'none';

export interface HealthReason {
  /** A finding code, or `missing-client-key` for a user whose certificate has no key beside it. */
  code: Code | 'missing-client-key';
  severity: Severity;
  /** Where the finding is: `users[alice].client-key-data`. */
  where: string;
  /** The credential and why, in a few words: "client certificate of alice: key does not match". */
  message: string;
  /** The file it is in. */
  path?: string;
}

export interface ContextHealth {
  context: string;
  cluster?: string;
  user?: string;
  severity: VerdictSeverity;
  reasons: HealthReason[];
  auth: Auth;
}

/** One file of a kubeconfig list, analysed; `path` as the list names it. */
export interface KubeconfigFile {
  path: string;
  analysis: Analysis;
}

const RANK: Record<VerdictSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3, ok: 4 };

export function worst(verdicts: Iterable<VerdictSeverity>): VerdictSeverity {
  let out: VerdictSeverity = 'ok';
  for (const v of verdicts) if (RANK[v] < RANK[out]) out = v;
  return out;
}

interface Located {
  entry: Entry;
  file: KubeconfigFile;
}

/** The first entry of that name across the files, as kubectl's merge keeps it. */
function locate(files: KubeconfigFile[], list: 'clusters' | 'users' | 'contexts', name: string): Located | undefined {
  for (const file of files) {
    const config = file.analysis.kubeconfig;
    const entry = config && findEntry(config[list], name);
    if (entry) return { entry, file };
  }
  return undefined;
}

function within(at: Located | undefined, span: Span): boolean {
  return at !== undefined && inside(at.entry.span, span.start) && span.end <= at.entry.span.end;
}

/** What authenticates a user: the first of certificate, token, exec plugin, auth-provider, basic auth (nothing is run). */
export function authOf(user: Entry | undefined): Auth {
  const f = user?.fields;
  if (!f) return 'none';
  const set = (k: string) => {
    const v = f.get(k);
    return v !== undefined && (!v.isScalar || v.value.trim() !== '');
  };
  if (set('client-certificate-data') || set('client-certificate')) return 'certificate';
  if (set('token') || set('tokenFile')) return 'token';
  if (set('exec')) return 'exec';
  if (set('auth-provider')) return 'auth-provider';
  if (set('username') || set('password')) return 'basic';
  return 'none';
}

/** Every context of the merged list (first definition wins), judged by the findings of its context, cluster and user stanzas. */
export function contextsHealth(files: KubeconfigFile[]): ContextHealth[] {
  const out: ContextHealth[] = [];
  const seen = new Set<string>();
  // kubectl refuses the whole list when one file does not parse.
  const broken = files.flatMap((file) => file.analysis.findings.filter((f) => f.code === 'yaml-syntax').map((f) => reason(f, file.path, 'file')));
  for (const file of files) {
    for (const entry of file.analysis.kubeconfig?.contexts ?? []) {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      out.push(judge(files, { entry, file }, broken));
    }
  }
  return out;
}

export function contextHealth(files: KubeconfigFile[], name: string): ContextHealth | undefined {
  return contextsHealth(files).find((c) => c.context === name);
}

function judge(files: KubeconfigFile[], context: Located, broken: HealthReason[]): ContextHealth {
  const clusterName = context.entry.fields.get('cluster')?.value ?? '';
  const userName = context.entry.fields.get('user')?.value ?? '';
  const cluster = clusterName ? locate(files, 'clusters', clusterName) : undefined;
  const user = userName ? locate(files, 'users', userName) : undefined;
  const reasons: HealthReason[] = [...broken];
  for (const f of context.file.analysis.findings) {
    if (!within(context, f.span)) continue;
    // Another file of the list may define what this one lacks.
    if ((f.code === 'unknown-cluster' && cluster) || (f.code === 'unknown-user' && user)) continue;
    reasons.push(reason(f, context.file.path, `context ${context.entry.name}`));
  }
  if (!clusterName)
    reasons.push({ code: 'unknown-cluster', severity: CODES['unknown-cluster'], where: `contexts[${context.entry.name}]`, message: 'names no cluster' });
  for (const [at, label] of [
    [cluster, `cluster ${clusterName}`],
    [user, `user ${userName}`],
  ] as const) {
    if (!at) continue;
    for (const f of at.file.analysis.findings) {
      if (!within(at, f.span) || f.code === 'yaml-syntax') continue;
      // A broken chain is about one user with one cluster: only this context's cluster counts.
      if (f.code === 'chain-untrusted' && !(cluster && cluster.file === at.file && f.related?.some((r) => within(cluster, r.span)))) continue;
      reasons.push(reason(f, at.file.path, label));
    }
  }
  const auth = authOf(user?.entry);
  const fields = user?.entry.fields;
  if (auth === 'certificate' && !fields?.has('client-key-data') && !fields?.has('client-key'))
    reasons.push({
      code: 'missing-client-key',
      severity: 'error',
      where: `users[${userName}]`,
      message: `client certificate of ${userName}: no client key beside it`,
      path: user?.file.path,
    });
  const unique = dedupe(reasons);
  return {
    context: context.entry.name,
    cluster: clusterName || undefined,
    user: userName || undefined,
    severity: worst(unique.map((r) => r.severity)),
    reasons: unique,
    auth,
  };
}

function dedupe(reasons: HealthReason[]): HealthReason[] {
  const seen = new Set<string>();
  return reasons
    .filter((r) => {
      const id = `${r.path}\0${r.where}\0${r.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

const CREDENTIAL: Partial<Record<string, string>> = {
  'certificate-authority-data': 'CA',
  'certificate-authority': 'CA file',
  'client-certificate-data': 'client certificate',
  'client-certificate': 'client certificate file',
  'client-key-data': 'client key',
  'client-key': 'client key file',
  server: 'server',
  'insecure-skip-tls-verify': 'TLS verification',
};

/** "client certificate of alice", "CA of prod", from a finding's `where` (`users[alice].client-key-data`). */
function credential(where: string, fallback: string): string {
  const m = /^(clusters|users|contexts)\[(.*)\](?:\.([\w-]+))?/.exec(where);
  if (!m) return fallback;
  const [, list, name, key] = m;
  const what = key ? (CREDENTIAL[key] ?? key) : list === 'clusters' ? 'cluster' : list === 'users' ? 'user' : 'context';
  return `${what} of ${name}`;
}

function day(ms: unknown): string {
  return typeof ms === 'number' ? isoDate(ms).slice(0, 10) : '';
}

/** Why, in a few words; the finding's full message stays in the diagnostics. */
function why(f: Finding): string {
  const d = f.data ?? {};
  switch (f.code) {
    case 'cert-expired':
      return `expired ${day(d.notAfter)}`;
    case 'cert-not-yet-valid':
      return 'not valid yet';
    case 'cert-expiring-soon':
      return `expires ${day(d.notAfter)}`;
    case 'key-mismatch':
      return 'key does not match';
    case 'chain-untrusted':
      return d.reason === 'expired-ca' ? 'its chain runs through an expired CA' : "not signed by the cluster's CA";
    case 'missing-client-auth':
      return 'not allowed for client authentication';
    case 'not-a-ca':
      return 'not a CA certificate';
    case 'superuser-group':
      return 'in system:masters (a superuser)';
    case 'group-in-ou':
      return 'a group in OU, which Kubernetes ignores';
    case 'unknown-cluster':
      return `names cluster "${String(d.name ?? '')}", which does not exist`;
    case 'unknown-user':
      return `names user "${String(d.name ?? '')}", which does not exist`;
    case 'missing-file':
      return 'the file cannot be read';
    case 'invalid-base64':
      return 'not valid base64';
    case 'pem-not-base64':
      return 'raw PEM where base64 is required';
    case 'not-a-certificate':
      return 'holds no certificate';
    case 'insecure-with-ca':
      return 'insecure-skip-tls-verify together with a CA';
    case 'insecure-server-url':
      return 'not an https:// URL';
    case 'san-mismatch':
      return `the serving certificate does not cover ${String(d.host ?? 'the server name')}`;
    case 'weak-key':
      return 'a weak RSA key';
    case 'weak-signature':
      return 'a weak signature (SHA-1 or MD5)';
    case 'duplicate-name':
      return 'the name is used twice';
    case 'conflicting-ca-source':
      return 'both a CA file and CA data';
    case 'yaml-syntax':
      return 'does not parse';
    default:
      return f.message;
  }
}

function reason(f: Finding, path: string | undefined, fallback: string): HealthReason {
  // A key that does not match makes the certificate beside it useless: name the certificate, as a person thinks of it.
  const where = f.code === 'key-mismatch' ? f.where.replace(/\.client-key(-data)?$/, '.client-certificate$1') : f.where;
  const subject = f.code === 'yaml-syntax' ? `${path ?? 'the file'}` : credential(where, fallback);
  return { code: f.code, severity: f.severity, where: f.where, message: `${subject}: ${why(f)}`, path };
}

/** Words for what authenticates a user when it is not a certificate. */
export function authWords(auth: Auth): string | undefined {
  return {
    certificate: undefined,
    token: 'token',
    exec: 'exec plugin — not run',
    'auth-provider': 'auth-provider — not run',
    basic: 'username and password',
    none: 'no credentials',
  }[auth];
}

export interface CertificateHealth {
  occurrence: CertificateOccurrence;
  /** The kubeconfig clusters it belongs to: a cluster's CA, or a user's certificate through the contexts that use it. */
  clusters: string[];
  role: Role;
  severity: VerdictSeverity;
  reasons: HealthReason[];
  /** Compact time left: "1y 3mo", "12d", "expired". */
  residual: string;
}

/** Each certificate of an analysis with the findings at its place (a bundle's findings name their certificate by index). */
export function certificatesHealth(analysis: Analysis, now: number, path?: string): CertificateHealth[] {
  const bySpan = new Map<number, Finding[]>();
  for (const f of analysis.findings) {
    const list = bySpan.get(f.span.start);
    if (list) list.push(f);
    else bySpan.set(f.span.start, [f]);
  }
  const keyMismatches = analysis.findings.filter((f) => f.code === 'key-mismatch');
  const config = analysis.kubeconfig;
  const clustersOf = (group: string): string[] => {
    const [list, at] = group.split('/');
    if (!config || (list !== 'clusters' && list !== 'users')) return [];
    if (list === 'clusters') return [config.clusters[Number(at)]?.name ?? ''].filter(Boolean);
    const user = config.users[Number(at)]?.name;
    const names = config.contexts.filter((c) => c.fields.get('user')?.value === user).map((c) => c.fields.get('cluster')?.value ?? '');
    return [...new Set(names.filter(Boolean))];
  };
  return analysis.certificates.map((occurrence) => {
    const { site, index } = occurrence;
    const span = site.field.span;
    const here = (bySpan.get(span.start) ?? []).filter((f) => f.span.end === span.end && (typeof f.data?.index !== 'number' || f.data.index === index));
    // A key that does not match is reported at the key; the certificate beside it is as unusable.
    if (index === 0) here.push(...keyMismatches.filter((f) => f.related?.some((r) => r.span.start === span.start && r.span.end === span.end)));
    const reasons = dedupe(here.map((f) => reason(f, path, site.where)));
    return {
      occurrence,
      clusters: clustersOf(site.group),
      role: site.role,
      severity: worst(reasons.map((r) => r.severity)),
      reasons,
      residual: residual(occurrence.certificate.notAfter, now),
    };
  });
}
