// What every family of checks reads: the decoded materials and the options they are judged by.
import type { Certificate } from '../x509/certificates';
import type { Material } from '../x509/decode';
import type { Kubeconfig } from '../model/kubeconfig';
import type { ManifestObject } from '../model/manifests';
import type { Site } from '../model/sites';

export interface CheckInput {
  kubeconfig?: Kubeconfig;
  objects: ManifestObject[];
  materials: Material[];
  /** The materials of each site group (a user, a cluster, a Secret), in document order. */
  groups: Map<string, Material[]>;
  now: number;
  warnDays: number;
  /** A serving certificate to hold kubeconfig server names against (`--server-cert`). */
  serverCertificate?: Certificate;
}

export function groupMaterials(materials: Material[]): Map<string, Material[]> {
  const groups = new Map<string, Material[]>();
  for (const m of materials) {
    const list = groups.get(m.site.group);
    if (list) list.push(m);
    else groups.set(m.site.group, [m]);
  }
  return groups;
}

/** "certificate 2 of 3 " for bundles, "" for a single certificate. */
export function ordinal(index: number, count: number): string {
  return count > 1 ? `certificate ${index + 1} of ${count} ` : '';
}

export function isSelfSigned(cert: Certificate): boolean {
  return cert.subject.derHex === cert.issuer.derHex;
}

/** A certificate that speaks for a client: the user's certificate, a CSR's, or any leaf allowed to authenticate clients. */
export function isClientIdentity(site: Site, cert: Certificate): boolean {
  if (site.role === 'client-certificate' || site.role === 'issued-certificate') return true;
  if (site.role === 'cluster-ca' || site.role === 'ca-bundle' || cert.ca) return false;
  return cert.extKeyUsage.includes('clientAuth');
}
