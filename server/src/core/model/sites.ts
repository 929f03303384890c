// Where certificate material lives in a document, and what each place is for.
import type { Field, Kubeconfig } from './kubeconfig';
import { entryWhere } from './kubeconfig';

export type Role =
  /** A CA bundle that verifies a server (kubeconfig certificate-authority). */
  | 'cluster-ca'
  /** A CA bundle a server or webhook client trusts (caBundle, ca.crt, --client-ca-file). */
  | 'ca-bundle'
  | 'client-certificate'
  | 'client-key'
  | 'serving-certificate'
  | 'serving-key'
  /** A CertificateSigningRequest's spec.request. */
  | 'csr'
  /** A CertificateSigningRequest's status.certificate. */
  | 'issued-certificate'
  /** Any other value that holds PEM. */
  | 'pem';

export interface Site {
  role: Role;
  where: string;
  encoding: 'base64' | 'pem' | 'file';
  field: Field;
  /** For file references: the path as written and as resolved against the document's folder. */
  file?: { written: string; resolved?: string };
  /** Sites that belong together share a group: a user's certificate and key, a Secret's tls.crt and tls.key. */
  group: string;
  document: number;
}

export const CERTIFICATE_ROLES: ReadonlySet<Role> = new Set(['cluster-ca', 'ca-bundle', 'client-certificate', 'serving-certificate', 'issued-certificate']);
export const KEY_ROLES: ReadonlySet<Role> = new Set(['client-key', 'serving-key']);

/** Resolves a file reference the way client-go does: relative to the folder of the file that names it. */
export function resolveReference(written: string, documentPath: string | undefined): string | undefined {
  if (written.startsWith('/')) return normalise(written);
  if (!documentPath) return undefined;
  const dir = documentPath.slice(0, documentPath.lastIndexOf('/') + 1) || '/';
  return normalise(dir + written);
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

const KUBECONFIG_SITES: Array<{ list: 'clusters' | 'users'; key: string; role: Role; encoding: Site['encoding'] }> = [
  { list: 'clusters', key: 'certificate-authority-data', role: 'cluster-ca', encoding: 'base64' },
  { list: 'clusters', key: 'certificate-authority', role: 'cluster-ca', encoding: 'file' },
  { list: 'users', key: 'client-certificate-data', role: 'client-certificate', encoding: 'base64' },
  { list: 'users', key: 'client-certificate', role: 'client-certificate', encoding: 'file' },
  { list: 'users', key: 'client-key-data', role: 'client-key', encoding: 'base64' },
  { list: 'users', key: 'client-key', role: 'client-key', encoding: 'file' },
];

export function kubeconfigSites(config: Kubeconfig, documentPath: string | undefined): Site[] {
  const sites: Site[] = [];
  for (const spec of KUBECONFIG_SITES) {
    for (const entry of config[spec.list]) {
      const field = entry.fields.get(spec.key);
      if (!field || !field.isScalar || field.value.trim() === '') continue;
      const site: Site = {
        role: spec.role,
        where: entryWhere(entry, spec.key),
        encoding: spec.encoding,
        field,
        group: `${spec.list}/${entry.index}`,
        document: config.document,
      };
      if (spec.encoding === 'file') site.file = { written: field.value, resolved: resolveReference(field.value, documentPath) };
      sites.push(site);
    }
  }
  return sites;
}

/** What a certificate is for: the field it sits in (and its place in a bundle) decides, not its CA flag. */
export type CertificateKind = 'ca' | 'client' | 'serving' | 'issued' | 'certificate';

export function certificateKind(role: Role, index: number, ca: boolean | undefined): CertificateKind {
  if (role === 'cluster-ca' || role === 'ca-bundle') return 'ca';
  // Behind the first certificate of a client or serving field comes its chain.
  if (index > 0 || role === 'pem') return ca ? 'ca' : 'certificate';
  if (role === 'client-certificate') return 'client';
  if (role === 'serving-certificate') return 'serving';
  if (role === 'issued-certificate') return 'issued';
  return ca ? 'ca' : 'certificate';
}

export const KIND_WORDS: Record<CertificateKind, string> = {
  ca: 'CA certificate',
  client: 'client certificate',
  serving: 'serving certificate',
  issued: 'issued certificate',
  certificate: 'certificate',
};
