// What one file offers the others, under the keys other files look it up by.
import type { Analysis } from '../analysis';
import type { Certificate } from '../x509/certificates';
import type { Material } from '../x509/decode';
import type { Field } from '../model/kubeconfig';
import type { ManifestObject } from '../model/manifests';
import { isSelfSigned } from '../findings/context';

export type Offer =
  | { kind: 'secret'; path: string; object: ManifestObject; serving?: Material }
  | { kind: 'certificate'; path: string; object: ManifestObject; secretName: string; dnsNames: string[]; issuer?: string }
  | { kind: 'service'; path: string; object: ManifestObject; selector: Record<string, string> }
  | { kind: 'workload'; path: string; object: ManifestObject; labels: Record<string, string>; secrets: Field[] }
  | { kind: 'apiserver'; path: string; apiserver: Apiserver }
  | { kind: 'ca'; path: string; certificate: Certificate; material: Material }
  | { kind: 'public-key'; path: string; certificate: Certificate; material: Material }
  | { kind: 'file'; path: string; analysis: Analysis };

export interface Apiserver {
  label: string;
  advertise?: Field;
  bind?: Field;
  servingFlag?: Field;
  serving?: Material;
  clientCa?: Material;
}

/** Namespaces match when equal, or when either is unset (applied into whatever namespace kubectl is given). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function isApiserver(object: ManifestObject): boolean {
  if (object.name.includes('apiserver')) return true;
  return (object.flags ?? []).some((f) => f.key === '--etcd-servers' || f.key === '--service-cluster-ip-range');
}

export function apiserversOf(analysis: Analysis): Apiserver[] {
  const out: Apiserver[] = [];
  for (const object of analysis.objects) {
    if (!object.flags || !isApiserver(object)) continue;
    const flag = (name: string): Field | undefined => object.flags?.find((f) => f.key === name);
    const materialOf = (f: Field | undefined): Material | undefined => (f ? analysis.materials.find((m) => m.site.field === f) : undefined);
    const servingFlag = flag('--tls-cert-file');
    out.push({
      label: object.label,
      advertise: flag('--advertise-address'),
      bind: flag('--bind-address'),
      servingFlag,
      serving: materialOf(servingFlag),
      clientCa: materialOf(flag('--client-ca-file')),
    });
  }
  return out;
}

/** A Secret's keys: by name (read where the namespace is unset), and by namespace/name (`*` when the Secret has none). */
function secretKeys(name: string, namespace: string | undefined): string[] {
  return [`secret:${name}`, `secret:${namespace ?? '*'}/${name}`];
}

/** Every key this file offers, with what it offers there. */
export function offersOf(path: string, analysis: Analysis): Array<[string, Offer]> {
  const out: Array<[string, Offer]> = [[`file:${path}`, { kind: 'file', path, analysis }]];
  for (const object of analysis.objects) {
    if (object.kind === 'Secret') {
      const serving = analysis.materials.find((m) => m.site.group === `${object.document}/${object.label}` && m.site.role === 'serving-certificate');
      const offer: Offer = { kind: 'secret', path, object, serving };
      for (const key of secretKeys(object.name, object.namespace)) out.push([key, offer]);
    }
  }
  for (const object of analysis.linked ?? []) {
    const links = object.links;
    if (object.kind === 'Service' && links?.selector)
      out.push([`service:${object.namespace ?? '*'}/${object.name}`, { kind: 'service', path, object, selector: links.selector }]);
    else if (links?.podLabels) {
      const offer: Offer = { kind: 'workload', path, object, labels: links.podLabels, secrets: links.secretVolumes ?? [] };
      out.push(['workloads', offer], [`workloads:${object.namespace ?? '*'}`, offer]);
    } else if (links?.certificate) {
      const c = links.certificate;
      const offer: Offer = { kind: 'certificate', path, object, secretName: c.secretName?.value ?? '', dnsNames: c.dnsNames, issuer: c.issuer };
      out.push([`certificate:${object.name}`, offer]);
      if (c.secretName?.value) for (const key of secretKeys(c.secretName.value, object.namespace)) out.push([key, offer]);
    }
  }
  for (const apiserver of apiserversOf(analysis)) out.push(['apiserver', { kind: 'apiserver', path, apiserver }]);
  for (const material of analysis.materials) {
    for (const certificate of material.certificates) {
      const ca = certificate.ca === true || isSelfSigned(certificate);
      if (ca) {
        const offer: Offer = { kind: 'ca', path, certificate, material };
        out.push([`ca:${certificate.subject.derHex}`, offer], ['ca-any', offer]);
      }
      if (ca || analysis.kind === 'pki') out.push([`public-key:${certificate.publicKey.fingerprint}`, { kind: 'public-key', path, certificate, material }]);
    }
  }
  return out;
}
