// Kubernetes objects that carry certificates: where each certificate lives and what it is for.
import type { Document } from 'yaml';
import { isMap, isScalar } from '../syntax/yamlNodes';
import { fieldOf, type Field } from './kubeconfig';
import { get, items, pair, pairs, resolve, scalarText, span, type YNode } from '../syntax/parse';
import { resolveReference, type Role, type Site } from './sites';
import type { Span } from '../findings/finding';
import { LINK_KINDS, linksOf, type ObjectLinks } from './links';

export interface ManifestObject {
  kind: string;
  name: string;
  namespace?: string;
  document: number;
  span: Span;
  /** `Secret[default/web-tls]` */
  label: string;
  /** Ingress: each tls entry's hosts and the Secret it names. */
  ingressTls?: Array<{ secretName?: Field; hosts: Field[] }>;
  /** CertificateSigningRequest: signer and requested usages. */
  csr?: { signerName?: Field; usages: string[]; usagesField?: Field };
  /** What joins this object to other files (core/workspace reads it). */
  links?: ObjectLinks;
  /** Pod: every `--name=value` argument of its containers, the value's range as the span. */
  flags?: Field[];
}

export interface ManifestScan {
  objects: ManifestObject[];
  sites: Site[];
  /** Objects without certificates that join files: Services, workloads, cert-manager Certificates. */
  linked: ManifestObject[];
}

const PEM_SECRET_KEYS: Record<string, Role> = {
  'tls.crt': 'serving-certificate',
  'tls.key': 'serving-key',
  'ca.crt': 'ca-bundle',
};

/** Flags of control-plane components that name certificate and key files. */
export const CERTIFICATE_FLAGS: Record<string, Role> = {
  'tls-cert-file': 'serving-certificate',
  'tls-private-key-file': 'serving-key',
  'client-ca-file': 'ca-bundle',
  'requestheader-client-ca-file': 'ca-bundle',
  'etcd-cafile': 'ca-bundle',
  'etcd-certfile': 'client-certificate',
  'etcd-keyfile': 'client-key',
  'kubelet-client-certificate': 'client-certificate',
  'kubelet-client-key': 'client-key',
  'kubelet-certificate-authority': 'ca-bundle',
  'proxy-client-cert-file': 'client-certificate',
  'proxy-client-key-file': 'client-key',
  'service-account-key-file': 'pem',
  'service-account-signing-key-file': 'pem',
  'root-ca-file': 'ca-bundle',
  'cluster-signing-cert-file': 'ca-bundle',
  'cluster-signing-key-file': 'pem',
  'cert-file': 'serving-certificate',
  'key-file': 'serving-key',
  'peer-cert-file': 'serving-certificate',
  'peer-key-file': 'serving-key',
  'trusted-ca-file': 'ca-bundle',
  'peer-trusted-ca-file': 'ca-bundle',
};

/** A certificate flag and its key flag belong together; the key is checked against that certificate only. */
export const FLAG_PAIRS: Record<string, string> = {
  'tls-cert-file': 'tls',
  'tls-private-key-file': 'tls',
  'etcd-certfile': 'etcd',
  'etcd-keyfile': 'etcd',
  'kubelet-client-certificate': 'kubelet-client',
  'kubelet-client-key': 'kubelet-client',
  'proxy-client-cert-file': 'proxy-client',
  'proxy-client-key-file': 'proxy-client',
  'cert-file': 'etcd-serving',
  'key-file': 'etcd-serving',
  'peer-cert-file': 'etcd-peer',
  'peer-key-file': 'etcd-peer',
};

const KUBELET_CONFIG_FILES: Array<[string[], Role]> = [
  [['tlsCertFile'], 'serving-certificate'],
  [['tlsPrivateKeyFile'], 'serving-key'],
  [['authentication', 'x509', 'clientCAFile'], 'ca-bundle'],
];

/** `first`: the index of the first of `documents` in its text (a stream re-read from one of its documents on). */
export function scanManifests(documents: Document.Parsed[], skip: ReadonlySet<number>, documentPath: string | undefined, first = 0): ManifestScan {
  const scan: ManifestScan = { objects: [], sites: [], linked: [] };
  documents.forEach((doc, i) => {
    if (!skip.has(first + i)) scanObject(doc.contents as YNode, doc, first + i, scan, documentPath, 0);
  });
  return scan;
}

function scanObject(node: YNode, doc: Document.Parsed, index: number, scan: ManifestScan, documentPath: string | undefined, depth: number): void {
  const obj = resolve(node, doc);
  if (!isMap(obj) || depth > 4) return;
  const kind = scalarText(get(obj, 'kind', doc), doc) ?? '';
  if (kind === 'List' || kind.endsWith('List')) {
    for (const item of items(get(obj, 'items', doc), doc)) scanObject(item, doc, index, scan, documentPath, depth + 1);
    return;
  }
  const meta = get(obj, 'metadata', doc);
  const name = scalarText(get(meta, 'name', doc), doc) ?? '';
  const namespace = scalarText(get(meta, 'namespace', doc), doc);
  const label = `${kind || 'object'}[${namespace ? namespace + '/' : ''}${name}]`;
  const object: ManifestObject = { kind, name, namespace, document: index, span: span(obj) ?? { start: 0, end: 0 }, label };
  const group = `${index}/${label}`;
  object.links = linksOf(kind, obj, doc, label);
  if (LINK_KINDS.has(kind)) {
    scan.linked.push(object);
    return;
  }
  const add = (role: Role, encoding: Site['encoding'], field: Field | undefined, where: string, pair?: string): void => {
    if (!field || !field.isScalar || field.value.trim() === '') return;
    const site: Site = { role, where: `${label}.${where}`, encoding, field, group: pair ? `${group}#${pair}` : group, document: index };
    if (encoding === 'file') site.file = { written: field.value, resolved: resolveReference(field.value, documentPath) };
    scan.sites.push(site);
  };
  switch (kind) {
    case 'Secret':
      for (const p of pairs(get(obj, 'data', doc), doc)) {
        const f = fieldOf(p, doc);
        if (f) add(PEM_SECRET_KEYS[f.key] ?? 'pem', 'base64', f, `data[${f.key}]`);
      }
      for (const p of pairs(get(obj, 'stringData', doc), doc)) {
        const f = fieldOf(p, doc);
        if (f && (PEM_SECRET_KEYS[f.key] || f.value.includes('-----BEGIN '))) add(PEM_SECRET_KEYS[f.key] ?? 'pem', 'pem', f, `stringData[${f.key}]`);
      }
      break;
    case 'ConfigMap':
      for (const p of pairs(get(obj, 'data', doc), doc)) {
        const f = fieldOf(p, doc);
        if (f && f.value.includes('-----BEGIN ')) add(f.key.endsWith('ca.crt') ? 'ca-bundle' : 'pem', 'pem', f, `data[${f.key}]`);
      }
      break;
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      items(get(obj, 'webhooks', doc), doc).forEach((hook, i) => {
        const hookName = scalarText(get(hook, 'name', doc), doc) ?? `#${i}`;
        add('ca-bundle', 'base64', fieldOf(pair(get(hook, 'clientConfig', doc), 'caBundle', doc), doc), `webhooks[${hookName}].clientConfig.caBundle`);
      });
      break;
    case 'APIService':
      add('ca-bundle', 'base64', fieldOf(pair(get(obj, 'spec', doc), 'caBundle', doc), doc), 'spec.caBundle');
      break;
    case 'CustomResourceDefinition': {
      const conversion = get(get(obj, 'spec', doc), 'conversion', doc);
      const webhook = get(conversion, 'webhook', doc);
      const clientConfig = get(webhook, 'clientConfig', doc) ?? get(conversion, 'webhookClientConfig', doc);
      add('ca-bundle', 'base64', fieldOf(pair(clientConfig, 'caBundle', doc), doc), 'spec.conversion.webhook.clientConfig.caBundle');
      break;
    }
    case 'CertificateSigningRequest': {
      const spec = get(obj, 'spec', doc);
      add('csr', 'base64', fieldOf(pair(spec, 'request', doc), doc), 'spec.request');
      add('issued-certificate', 'base64', fieldOf(pair(get(obj, 'status', doc), 'certificate', doc), doc), 'status.certificate');
      const usagesPair = pair(spec, 'usages', doc);
      object.csr = {
        signerName: fieldOf(pair(spec, 'signerName', doc), doc),
        usages: items(usagesPair?.value, doc).map((u) => scalarText(u, doc) ?? ''),
        usagesField: fieldOf(usagesPair, doc),
      };
      break;
    }
    case 'Ingress':
      object.ingressTls = items(get(get(obj, 'spec', doc), 'tls', doc), doc).map((tls) => ({
        secretName: fieldOf(pair(tls, 'secretName', doc), doc),
        hosts: (pair(tls, 'hosts', doc) ? items(get(tls, 'hosts', doc), doc) : []).flatMap((h) => {
          const text = scalarText(h, doc);
          const s = span(h);
          return text !== undefined && s ? [{ key: 'hosts', value: text, isScalar: true, span: s, keySpan: s, pairSpan: s, style: 'plain' as const }] : [];
        }),
      }));
      break;
    case 'Pod':
      for (const list of ['containers', 'initContainers']) {
        for (const container of items(get(get(obj, 'spec', doc), list, doc), doc)) {
          for (const argsKey of ['command', 'args']) {
            for (const arg of items(get(container, argsKey, doc), doc)) {
              const flag = scanFlag(arg, doc, add);
              if (flag) (object.flags ??= []).push(flag);
            }
          }
        }
      }
      break;
    case 'KubeletConfiguration':
      for (const [path, role] of KUBELET_CONFIG_FILES) {
        let parent: YNode = obj;
        for (const key of path.slice(0, -1)) parent = get(parent, key, doc);
        add(role, 'file', fieldOf(pair(parent, path[path.length - 1], doc), doc), path.join('.'));
      }
      break;
    default:
      return;
  }
  scan.objects.push(object);
}

/** `--tls-cert-file=/etc/kubernetes/pki/apiserver.crt` → a file site spanning the path. Returns any flag, as a field. */
function scanFlag(
  arg: YNode,
  doc: Document.Parsed,
  add: (role: Role, encoding: Site['encoding'], field: Field | undefined, where: string, pair?: string) => void,
): Field | undefined {
  const text = scalarText(arg, doc);
  const s = span(arg);
  if (text === undefined || !s) return undefined;
  const m = /^--([a-z-]+)=(.+)$/.exec(text.trim());
  if (!m) return undefined;
  // Narrow the range to the path (past an opening quote, if any).
  const node = resolve(arg, doc);
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  const offset = text.indexOf('=') + 1 + (quoted ? 1 : 0) + (text.length - text.trimStart().length);
  const pathSpan = { start: s.start + offset, end: Math.min(s.end, s.start + offset + m[2].length) };
  const field: Field = { key: `--${m[1]}`, value: m[2], isScalar: true, span: pathSpan, keySpan: s, pairSpan: s, style: 'plain' };
  if (CERTIFICATE_FLAGS[m[1]]) add(CERTIFICATE_FLAGS[m[1]], 'file', field, `--${m[1]}`, FLAG_PAIRS[m[1]] ?? m[1]);
  return field;
}
