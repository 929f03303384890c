// The certificate view's pure parts: which certificates a filter keeps and in which order, and their words.
import type { CertificateItem, CertificatesResult } from '../../../shared/protocol';

export type Filter = 'all' | 'expiring' | 'expired';
export type Grouping = 'file' | 'cluster' | 'kind' | 'none';

export interface Group {
  key: string;
  label: string;
  description: string;
  items: CertificateItem[];
}

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

/** The view's groups, in the order of their soonest certificate (items come sorted); 'none' is no group. */
export function groupCertificates(items: CertificateItem[], grouping: Grouping): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, label: string, description: string, item: CertificateItem): void => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label, description, items: [] }));
    group.items.push(item);
  };
  if (grouping === 'none') return [];
  for (const item of items) {
    if (grouping === 'kind') add(roleWords(item.role, item.ca), roleWords(item.role, item.ca), '', item);
    // A user's certificate shows under every cluster a context pairs it with.
    else if (grouping === 'cluster')
      for (const cluster of item.clusters.length ? item.clusters : ['']) add(`cluster\0${cluster}`, cluster || '(no cluster)', cluster ? 'cluster' : '', item);
    else {
      const key = item.path ?? item.uri;
      const name = key.slice(key.lastIndexOf('/') + 1);
      add(key, name, key.slice(0, key.length - name.length), item);
    }
  }
  return [...groups.values()];
}
