// What a finding is: a stable code, a severity, a message, and where.

export interface Span {
  start: number;
  end: number;
}

import { CODES, type Code, type Severity } from '../../../../shared/codes';

export { CODES, type Code, type Severity };

/** One line per code: what it means. SARIF rules and documentation use it. */
export const SUMMARIES: Record<Code, string> = {
  'cert-expired': 'A certificate (a CA and every certificate of a bundle included) is past its notAfter date.',
  'cert-not-yet-valid': 'A certificate is not valid yet: its notBefore date is in the future.',
  'cert-expiring-soon': 'A certificate expires within the warning threshold.',
  'chain-untrusted': "A client certificate does not chain to its cluster's CA, or its chain runs through an expired CA.",
  'key-mismatch': 'A private key does not belong to the certificate beside it.',
  'group-in-ou': 'A Kubernetes group sits in OU, which Kubernetes ignores; only O values are groups.',
  'superuser-group': 'O=system:masters: a superuser that RBAC cannot restrict and no binding can revoke.',
  'missing-client-auth': 'A client certificate whose extended key usage excludes clientAuth.',
  'not-a-ca': 'A CA field holds a certificate that is not a CA.',
  'weak-key': 'An RSA key below 2048 bits.',
  'weak-signature': 'A certificate signed with SHA-1 or MD5.',
  'san-mismatch': 'The name a client connects to is not covered by the serving certificate.',
  'invalid-base64': 'A value that must be base64 is not.',
  'pem-not-base64': 'Raw PEM where the base64 encoding of PEM is required.',
  'not-a-certificate': 'A value decodes, but holds no certificate (or the wrong kind of PEM block).',
  'unknown-context': 'current-context names a context that does not exist.',
  'unknown-cluster': 'A context names a cluster that does not exist.',
  'unknown-user': 'A context names a user that does not exist.',
  'duplicate-name': 'Two clusters, users or contexts share a name.',
  'insecure-with-ca': 'insecure-skip-tls-verify together with a CA, which kubectl refuses.',
  'conflicting-ca-source': 'Both certificate-authority and certificate-authority-data; the data wins.',
  'missing-file': 'A referenced file does not exist or cannot be read.',
  'insecure-server-url': 'The server address is not an https:// URL.',
  'csr-subject-mismatch': "A CertificateSigningRequest's subject or usages are not what its signer requires.",
  'yaml-syntax': 'The YAML or JSON does not parse.',
  'input-limit': 'The document exceeds a size or nesting limit and was not analysed.',
  'probe-failed': 'The requested TLS probe of a cluster server did not complete.',
  'ca-bundle-mismatch': "No certificate in a webhook's or APIService's caBundle signs the serving certificate of the Service it calls.",
  'server-ca-mismatch': "A kubeconfig's CA does not sign the serving certificate of the API server found among the analysed files.",
  'client-ca-mismatch': "A kubeconfig's client certificate is not signed by the API server's --client-ca-file found among the analysed files.",
  'ca-key-exposed': 'A CA private key lies among the analysed files: whoever can read them can issue certificates the cluster trusts.',
};

export const ALL_CODES = Object.keys(CODES) as Code[];

export interface Related {
  span: Span;
  message: string;
  /** Another file, when the other side lives there (a referenced certificate file). */
  path?: string;
}

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  /** The offending value in the document. */
  span: Span;
  /** A path a person can read: `users[admin].client-certificate-data`. */
  where: string;
  related?: Related[];
  /** What a quick fix needs, keyed by code. Plain JSON. */
  data?: Record<string, unknown>;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * At most `max` findings, in document order: the most severe first when there are more (errors, then warnings, …, each
 * in document order), and how many were left out: a problem list of tens of thousands helps nobody and takes seconds to publish.
 */
export function mostSevere(findings: Finding[], max: number): { shown: Finding[]; hidden: number } {
  if (findings.length <= max) return { shown: findings, hidden: 0 };
  const kept = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i);
  return { shown: kept.map((k) => k.f), hidden: findings.length - max };
}

export function finding(code: Code, span: Span, where: string, message: string, extra: { related?: Related[]; data?: Record<string, unknown> } = {}): Finding {
  return { code, severity: CODES[code], message, span, where, ...extra };
}
