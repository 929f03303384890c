// What every family of checks reads: the decoded materials and the options they are judged by.
import { isSignedBy, type Certificate } from '../x509/certificates';
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

/** A certificate named in a message: `CN=x (certificate 2 of 3)` in a bundle, `CN=x` alone. */
export function named(cert: Certificate, index: number, count: number): string {
  return `${cert.subject.text || '(empty subject)'}${count > 1 ? ` (certificate ${index + 1} of ${count})` : ''}`;
}

/**
 * Signed by its own key, as a chain is built (by signature and key identifiers, not by name): a leaf, an intermediate
 * and a root can share one subject DN, and only the root signed itself.
 */
export function isSelfSigned(cert: Certificate): boolean {
  if (cert.subject.derHex !== cert.issuer.derHex) return false;
  if (cert.authorityKeyId && cert.subjectKeyId && cert.authorityKeyId !== cert.subjectKeyId) return false;
  return isSignedBy(cert, cert);
}

/** `issuer` signed `cert`: its name is cert's issuer, its key identifier matches when both carry one, and the signature verifies. */
export function issuedBy(cert: Certificate, issuer: Certificate): boolean {
  if (issuer.subject.derHex !== cert.issuer.derHex) return false;
  if (cert.authorityKeyId && issuer.subjectKeyId && cert.authorityKeyId !== issuer.subjectKeyId) return false;
  return isSignedBy(cert, issuer);
}

/** A certificate that speaks for a client: the user's certificate, a CSR's, or any leaf allowed to authenticate clients. */
export function isClientIdentity(site: Site, cert: Certificate): boolean {
  if (site.role === 'client-certificate' || site.role === 'issued-certificate') return true;
  if (site.role === 'cluster-ca' || site.role === 'ca-bundle' || cert.ca) return false;
  return cert.extKeyUsage.includes('clientAuth');
}
