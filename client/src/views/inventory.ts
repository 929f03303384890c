// The certificate view's pure parts: which certificates a filter keeps and in which order, and their words.
import type { CertificateItem, CertificatesResult } from '../../../shared/protocol';

export type Filter = 'all' | 'expiring' | 'expired';

const DAY = 86_400_000;
const ROLE_WORDS: Record<string, string> = {
  'cluster-ca': 'cluster CA',
  'ca-bundle': 'CA bundle',
  'client-certificate': 'client',
  'serving-certificate': 'serving',
  'issued-certificate': 'issued (CSR)',
  pem: 'PEM',
};

/** The subject's CN when it has one, else the whole subject. */
export function shortSubject(subject: string): string {
  const cn = /(?:^|,)CN=((?:[^,\\]|\\.)*)/.exec(subject);
  return cn ? cn[1] : subject || '(empty subject)';
}

export function roleWords(role: string, ca: boolean): string {
  return ROLE_WORDS[role] ?? (ca ? 'CA' : role);
}

/** Which certificates a filter keeps, judged at the server's moment and warning window. */
export function filtered(result: Pick<CertificatesResult, 'certificates' | 'now' | 'warnDays'>, filter: Filter): CertificateItem[] {
  const { now, warnDays } = result;
  const keep = (c: CertificateItem): boolean => {
    const end = Date.parse(c.notAfter);
    if (filter === 'expired') return end < now;
    if (filter === 'expiring') return end >= now && end < now + warnDays * DAY;
    return true;
  };
  return result.certificates.filter(keep).sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter) || (a.where < b.where ? -1 : 1));
}
