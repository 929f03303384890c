// One verdict for a certificate site, a user, a cluster or a context, taken from the analysis's findings: the same
// findings the diagnostics publish, with the same severities (the user's `severities` setting already applied).
import type { Analysis } from '../analysis';
import type { Code, Finding, Severity, Span } from '../findings/finding';
import { entryWhere, findEntry, type Entry } from '../model/kubeconfig';

export interface Reason {
  code: Code;
  severity: Severity;
  /** Where the finding sits: `users[bob].client-key-data`. */
  where: string;
  /** A few words: "key does not match its certificate". */
  message: string;
}

export interface Verdict {
  /** The worst severity among the reasons; 'ok' when there is none. */
  severity: Severity | 'ok';
  reasons: Reason[];
}

export const OK: Verdict = Object.freeze({ severity: 'ok', reasons: Object.freeze([]) as unknown as Reason[] }) as Verdict;

const RANK: Record<Severity | 'ok', number> = { error: 0, warning: 1, information: 2, hint: 3, ok: 4 };

/** The worse of two severities. */
export function worse(a: Severity | 'ok', b: Severity | 'ok'): Severity | 'ok' {
  return RANK[a] <= RANK[b] ? a : b;
}

/** The verdict of one certificate, key or request field, by its `where` (`users[bob].client-certificate-data`). */
export function siteVerdict(analysis: Analysis, where: string): Verdict {
  return memo(analysis, `s\0${where}`, () => verdictOf(byWhere(analysis).get(where) ?? NONE));
}

const memos = new WeakMap<Finding[], Map<string, Verdict>>();

/**
 * Verdicts computed once per analysis: entries that are all one YAML alias share one span (and thousands of findings),
 * and every lens or outline row asking again would make that quadratic.
 */
function memo(analysis: Analysis, key: string, compute: () => Verdict): Verdict {
  let known = memos.get(analysis.findings);
  if (!known) memos.set(analysis.findings, (known = new Map()));
  let verdict = known.get(key);
  if (!verdict) known.set(key, (verdict = compute()));
  return verdict;
}

const wheres = new WeakMap<Finding[], Map<string, Finding[]>>();

/** The findings by `where`, indexed once per analysis: a field's and an entry's findings are looked up, never scanned. */
function byWhere(analysis: Analysis): Map<string, Finding[]> {
  let index = wheres.get(analysis.findings);
  if (!index) {
    index = new Map();
    for (const f of analysis.findings) {
      const list = index.get(f.where);
      if (list) list.push(f);
      else index.set(f.where, [f]);
    }
    wheres.set(analysis.findings, index);
  }
  return index;
}

/** The findings of a cluster, user or context entry: at its name (`users[bob]`) and at each of its fields (`users[bob].client-key-data`). */
function entryFindings(analysis: Analysis, entry: Entry): Finding[] {
  const index = byWhere(analysis);
  const base = entryWhere(entry);
  const out: Finding[] = [...(index.get(base) ?? NONE)];
  for (const [key] of entry.fields) for (const f of index.get(`${base}.${key}`) ?? NONE) out.push(f);
  return out;
}

/** The verdict of a kubeconfig user: everything found in its entry (certificate, key, files, duplicate name). */
export function userVerdict(analysis: Analysis, userName: string): Verdict {
  const user = analysis.kubeconfig && findEntry(analysis.kubeconfig.users, userName);
  return user ? entryVerdict(analysis, user) : OK;
}

/** The verdict of a kubeconfig cluster: its CA, its server address, its TLS settings. */
export function clusterVerdict(analysis: Analysis, clusterName: string): Verdict {
  const cluster = analysis.kubeconfig && findEntry(analysis.kubeconfig.clusters, clusterName);
  return cluster ? entryVerdict(analysis, cluster) : OK;
}

/**
 * The verdict of a context: its own entry (a missing cluster or user), its cluster and its user. A finding that
 * names the context it was judged in (chain-untrusted) counts only for that context.
 */
export function contextVerdict(analysis: Analysis, contextName: string): Verdict {
  const config = analysis.kubeconfig;
  const context = config && findEntry(config.contexts, contextName);
  if (!config || !context) return OK;
  return memo(analysis, `c\0${contextName}`, () => {
    const found = entryFindings(analysis, context);
    const cluster = findEntry(config.clusters, context.fields.get('cluster')?.value ?? '');
    const user = findEntry(config.users, context.fields.get('user')?.value ?? '');
    for (const entry of [cluster, user]) if (entry) for (const f of entryFindings(analysis, entry)) if (forContext(f, contextName)) found.push(f);
    return verdictOf(found);
  });
}

/** The verdict of any cluster, user or context entry (two entries of one name share their findings, as they share their `where`). */
export function entryVerdict(analysis: Analysis, entry: Entry): Verdict {
  if (entry.kind === 'context') return contextVerdict(analysis, entry.name);
  return memo(analysis, `e\0${entryWhere(entry)}`, () => verdictOf(entryFindings(analysis, entry)));
}

/** The verdict of everything inside a span (a manifest object). */
export function spanVerdict(analysis: Analysis, span: Span): Verdict {
  return memo(analysis, `${span.start}\0${span.end}`, () => verdictOf(within(analysis.findings, span)));
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.length === 0) return OK;
  let severity: Severity | 'ok' = 'ok';
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    severity = worse(severity, f.severity);
    const message = inWords(f);
    const id = `${f.code}\0${f.where}\0${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    reasons.push({ code: f.code, severity: f.severity, where: f.where, message });
  }
  reasons.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return { severity, reasons };
}

/** The verdict in words: "error: key does not match its certificate; expires 2026-11-30", or "ok". */
export function verdictText(verdict: Verdict): string {
  if (verdict.severity === 'ok') return 'ok';
  return `${verdict.severity}: ${[...new Set(verdict.reasons.map((r) => r.message))].join('; ')}`;
}

function forContext(f: Finding, contextName: string): boolean {
  return typeof f.data?.context !== 'string' || f.data.context === contextName;
}

/** The findings whose span starts inside `span`; findings are sorted by their start. */
function within(findings: readonly Finding[], span: Span): Finding[] {
  let lo = 0;
  let hi = findings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (findings[mid].span.start < span.start) lo = mid + 1;
    else hi = mid;
  }
  // Most fields have no finding: no list is made for them.
  if (lo >= findings.length || findings[lo].span.start > span.end) return NONE;
  const out: Finding[] = [];
  for (let i = lo; i < findings.length && findings[i].span.start <= span.end; i++) if (findings[i].span.end <= span.end) out.push(findings[i]);
  return out;
}

const NONE: Finding[] = [];

const DATE = (f: Finding): string => (typeof f.data?.notAfter === 'number' ? ` ${new Date(f.data.notAfter).toISOString().slice(0, 10)}` : '');

const WORDS: Record<Code, (f: Finding) => string> = {
  'cert-expired': (f) => `expired${DATE(f)}`,
  'cert-not-yet-valid': () => 'not valid yet',
  'cert-expiring-soon': (f) => `expires soon (${DATE(f).trim()})`,
  'chain-untrusted': () => "not trusted through the cluster's CA",
  'key-mismatch': () => 'key does not match its certificate',
  'group-in-ou': (f) => `group ${typeof f.data?.group === 'string' ? f.data.group : ''} in OU, ignored`.replace('  ', ' '),
  'superuser-group': () => 'superuser (system:masters)',
  'missing-client-auth': () => 'not allowed for client authentication',
  'not-a-ca': () => 'not a CA certificate',
  'weak-key': () => 'weak key',
  'weak-signature': () => 'weak signature',
  'san-mismatch': () => 'name not covered by the certificate',
  'invalid-base64': () => 'not valid base64',
  'pem-not-base64': () => 'PEM where base64 is required',
  'not-a-certificate': () => 'holds no usable certificate or key',
  'unknown-context': () => 'names no existing context',
  'unknown-cluster': () => 'names no existing cluster',
  'unknown-user': () => 'names no existing user',
  'duplicate-name': () => 'duplicate name',
  'insecure-with-ca': () => 'insecure-skip-tls-verify with a CA',
  'conflicting-ca-source': () => 'two CA sources',
  'missing-file': () => 'file cannot be read',
  'insecure-server-url': () => 'server is not https',
  'csr-subject-mismatch': () => 'request does not fit its signer',
  'yaml-syntax': () => 'does not parse',
  'input-limit': () => 'too large to analyse',
  'probe-failed': () => 'server probe failed',
  'pem-malformed': () => 'PEM that Go does not read',
  'ca-bundle-mismatch': () => "caBundle does not sign the service's certificate",
  'server-ca-mismatch': () => "CA does not sign the API server's certificate",
  'client-ca-mismatch': () => "not signed by the API server's client CA",
  'ca-key-exposed': () => 'CA private key lies in the tree',
};

function inWords(f: Finding): string {
  return WORDS[f.code](f);
}
