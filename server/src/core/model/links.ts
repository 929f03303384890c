// What joins one object to objects of other files: selectors, mounted Secrets, the Service a webhook calls, cert-manager's names.
import type { Document } from 'yaml';
import { fieldOf, type Field } from './kubeconfig';
import { get, items, pair, pairs, scalarText, type YNode } from '../syntax/parse';

export interface ServiceRef {
  /** The `where` of the caBundle site this client config belongs to. */
  caBundleWhere: string;
  namespace?: string;
  name: Field;
}

export interface ObjectLinks {
  /** Service: spec.selector. */
  selector?: Record<string, string>;
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job: the pod template's labels and the Secrets it mounts. */
  podLabels?: Record<string, string>;
  secretVolumes?: Field[];
  /** Webhook configurations, APIService, CRD conversion: the Service each caBundle's client config calls. */
  services?: ServiceRef[];
  /** cert-manager Certificate. */
  certificate?: { secretName?: Field; dnsNames: string[]; issuer?: string };
  /** Gateway: each listener's hostname and the Secrets its tls.certificateRefs name. */
  listeners?: Array<{ hostname?: Field; secrets: Array<{ name: Field; namespace?: string }> }>;
  /** The `cert-manager.io/inject-ca-from` annotation (`namespace/certificate`). */
  injectCaFrom?: Field;
}

/** Kinds that carry no certificate themselves but join the files that do. */
export const LINK_KINDS: ReadonlySet<string> = new Set(['Service', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Certificate', 'Gateway']);

function stringMap(node: YNode, doc: Document.Parsed): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs(node, doc)) {
    const f = fieldOf(p, doc);
    if (f?.isScalar) out[f.key] = f.value;
  }
  return out;
}

/** The links of one object; undefined when it has none. `label` is the object's label, as sites name it. */
export function linksOf(kind: string, obj: YNode, doc: Document.Parsed, label: string): ObjectLinks | undefined {
  const links: ObjectLinks = {};
  const meta = get(obj, 'metadata', doc);
  const inject = fieldOf(pair(get(meta, 'annotations', doc), 'cert-manager.io/inject-ca-from', doc), doc);
  if (inject?.isScalar && inject.value) links.injectCaFrom = inject;
  const spec = get(obj, 'spec', doc);
  switch (kind) {
    case 'Service':
      links.selector = stringMap(get(spec, 'selector', doc), doc);
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job': {
      const template = get(spec, 'template', doc);
      links.podLabels = stringMap(get(get(template, 'metadata', doc), 'labels', doc), doc);
      links.secretVolumes = [];
      for (const volume of items(get(get(template, 'spec', doc), 'volumes', doc), doc)) {
        const f = fieldOf(pair(get(volume, 'secret', doc), 'secretName', doc), doc);
        if (f?.isScalar && f.value) links.secretVolumes.push(f);
      }
      break;
    }
    case 'Certificate':
      links.certificate = {
        secretName: fieldOf(pair(spec, 'secretName', doc), doc),
        dnsNames: items(get(spec, 'dnsNames', doc), doc).map((n) => scalarText(n, doc) ?? ''),
        issuer: scalarText(get(get(spec, 'issuerRef', doc), 'name', doc), doc),
      };
      break;
    case 'Gateway':
      links.listeners = items(get(spec, 'listeners', doc), doc).map((listener) => ({
        hostname: fieldOf(pair(listener, 'hostname', doc), doc),
        secrets: items(get(get(listener, 'tls', doc), 'certificateRefs', doc), doc).flatMap((ref) => {
          const kind = scalarText(get(ref, 'kind', doc), doc);
          const name = fieldOf(pair(ref, 'name', doc), doc);
          return name?.isScalar && name.value && (kind === undefined || kind === 'Secret')
            ? [{ name, namespace: scalarText(get(ref, 'namespace', doc), doc) }]
            : [];
        }),
      }));
      break;
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      links.services = [];
      items(get(obj, 'webhooks', doc), doc).forEach((hook, i) => {
        const hookName = scalarText(get(hook, 'name', doc), doc) ?? `#${i}`;
        const ref = serviceRef(get(get(hook, 'clientConfig', doc), 'service', doc), doc, `${label}.webhooks[${hookName}].clientConfig.caBundle`);
        if (ref) links.services?.push(ref);
      });
      break;
    case 'APIService': {
      const ref = serviceRef(get(spec, 'service', doc), doc, `${label}.spec.caBundle`);
      if (ref) links.services = [ref];
      break;
    }
    case 'CustomResourceDefinition': {
      const conversion = get(spec, 'conversion', doc);
      const clientConfig = get(get(conversion, 'webhook', doc), 'clientConfig', doc) ?? get(conversion, 'webhookClientConfig', doc);
      const ref = serviceRef(get(clientConfig, 'service', doc), doc, `${label}.spec.conversion.webhook.clientConfig.caBundle`);
      if (ref) links.services = [ref];
      break;
    }
  }
  return Object.keys(links).length > 0 ? links : undefined;
}

function serviceRef(service: YNode, doc: Document.Parsed, caBundleWhere: string): ServiceRef | undefined {
  const name = fieldOf(pair(service, 'name', doc), doc);
  if (!name?.isScalar || !name.value) return undefined;
  return { caBundleWhere, namespace: scalarText(get(service, 'namespace', doc), doc), name };
}
