// An analysis as the plain JSON shape `kubecert check --format json` prints; text and SARIF are drawn from it.
import type { Analysis } from '../core';
import type { Finding, Related, Severity, Span } from '../core';
import { identityOf } from '../core';
import { isoDate } from '../core';
import { LineIndex, type Range } from '../positions';

export interface CertificateReport {
  where: string;
  index: number;
  range: Range;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  sha1: string;
  sans: string[];
  keyType: string;
  signatureAlgorithm: string;
  keyUsage: string[];
  extKeyUsage: string[];
  ca: boolean;
  pathLen?: number;
  user?: string;
  groups: string[];
}

export interface FindingReport {
  code: string;
  severity: Severity;
  message: string;
  where: string;
  range: Range;
  /** `path` when the related place is in another file. */
  related?: Array<{ message: string; range: Range; path?: string }>;
}

export interface FileReport {
  path: string;
  kind: Analysis['kind'];
  certificates: CertificateReport[];
  findings: FindingReport[];
}

export interface ReportOptions {
  /** The findings to report when they are not the analysis's own (a workspace adds cross-file ones). */
  findings?: Finding[];
  /** A place in another file: the path to show and its range there. */
  elsewhere?: (path: string, span: Span) => { path: string; range: Range };
}

export function fileReport(path: string, text: string, analysis: Analysis, options: ReportOptions = {}): FileReport {
  const lines = new LineIndex(text);
  const relatedOf = (r: Related): { message: string; range: Range; path?: string } =>
    r.path !== undefined && options.elsewhere
      ? { message: r.message, ...options.elsewhere(r.path, r.span) }
      : { message: r.message, range: lines.range(r.span) };
  return {
    path,
    kind: analysis.kind,
    certificates: analysis.certificates.map(({ site, certificate: c, index }) => {
      const id = identityOf(c.subject);
      return {
        where: site.where,
        index,
        range: lines.range(site.field.span),
        subject: c.subject.text,
        issuer: c.issuer.text,
        serial: c.serial,
        notBefore: isoDate(c.notBefore),
        notAfter: isoDate(c.notAfter),
        sha256: c.sha256,
        sha1: c.sha1,
        sans: c.sans,
        keyType: c.publicKey.label,
        signatureAlgorithm: c.signatureAlgorithm,
        keyUsage: c.keyUsage,
        extKeyUsage: c.extKeyUsage,
        ca: c.ca === true,
        ...(c.pathLen !== undefined ? { pathLen: c.pathLen } : {}),
        user: c.ca ? undefined : id.user,
        groups: c.ca ? [] : id.groups,
      };
    }),
    findings: (options.findings ?? analysis.findings).map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      where: f.where,
      range: lines.range(f.span),
      ...(f.related?.length ? { related: f.related.map(relatedOf) } : {}),
    })),
  };
}
