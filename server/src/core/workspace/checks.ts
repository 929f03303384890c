// The findings that need two files: a name one file uses and another file's certificate, CA or key.
import type { Analysis } from '../analysis';
import { isSignedBy, type Certificate } from '../x509/certificates';
import type { Material } from '../x509/decode';
import { coversHost, coversPattern, matchesDnsName, serverHost } from '../x509/hostnames';
import { finding, type Finding, type Related, type Span } from '../findings/finding';
import { isSelfSigned } from '../findings/context';
import { findEntry } from '../model/kubeconfig';
import type { ManifestObject } from '../model/manifests';
import { formatDate } from '../base/time';
import { sameNamespace, apiserversOf, type Apiserver, type Offer } from './facts';

export interface Link {
  /** What joins the two places: `secret`, `service`, `apiserver`, `certificate`, `file`, `ca`, `key` (by name), `key-pair` (by public key). */
  kind: string;
  from: { path: string; span: Span };
  to: { path: string; span: Span };
}

export interface Evaluation {
  findings: Finding[];
  links: Link[];
}

export type Lookup = (key: string) => Offer[];

interface Context {
  path: string;
  analysis: Analysis;
  lookup: Lookup;
  now: number;
  /** Where an absolute path written in a file is found among the workspace's paths (`--root`). */
  locate: (written: string | undefined) => string | undefined;
  /** Does `issuer` sign `cert`? Remembered across the workspace: one CA appears in hundreds of files. */
  signedBy: (cert: Certificate, issuer: Certificate) => boolean;
  out: Evaluation;
}

/** A signature check remembered per pair of certificate objects (a shared DecodeCache gives one object per value). */
export function signatureMemo(): Context['signedBy'] {
  const seen = new WeakMap<Certificate, WeakMap<Certificate, boolean>>();
  return (cert, issuer) => {
    let byIssuer = seen.get(cert);
    if (!byIssuer) seen.set(cert, (byIssuer = new WeakMap()));
    let ok = byIssuer.get(issuer);
    if (ok === undefined) byIssuer.set(issuer, (ok = cert.issuer.derHex === issuer.subject.derHex && isSignedBy(cert, issuer)));
    return ok;
  };
}

export function evaluate(
  path: string,
  analysis: Analysis,
  lookup: Lookup,
  now: number,
  locate: Context['locate'],
  signedBy: Context['signedBy'] = signatureMemo(),
): Evaluation {
  const cx: Context = { path, analysis, lookup, now, locate, signedBy, out: { findings: [], links: [] } };
  checkApiservers(cx);
  checkKubeconfig(cx);
  checkIngresses(cx);
  checkGateways(cx);
  checkClientConfigs(cx);
  if (analysis.kind === 'pki') checkLooseFiles(cx);
  return cx.out;
}

const ZERO: Span = { start: 0, end: 0 };

function otherFile<T extends Offer>(cx: Context, offers: T[]): T[] {
  return offers.filter((o) => o.path !== cx.path);
}

/** Does some certificate of `bundle` sign `leaf` (or is the leaf itself in it, pinned)? */
function signs(cx: Context, bundle: Certificate[], leaf: Certificate): boolean {
  return bundle.some((c) => c.sha256 === leaf.sha256 || cx.signedBy(leaf, c));
}

/** Where a material's file lives, as a related location: the file in the workspace when it is there, else its path. */
function materialPlace(cx: Context, material: Material, fromPath: string): { path: string; span: Span } {
  if (material.site.encoding === 'file') {
    const found = cx.locate(material.site.file?.resolved);
    return { path: found ?? material.site.file?.resolved ?? fromPath, span: found ? firstSiteSpan(cx, found) : ZERO };
  }
  return { path: fromPath, span: material.site.field.span };
}

function firstSiteSpan(cx: Context, path: string): Span {
  const file = cx.lookup(`file:${path}`)[0];
  return file?.kind === 'file' ? (file.analysis.sites[0]?.field.span ?? ZERO) : ZERO;
}

function names(cert: Certificate): string {
  return cert.sans.length ? cert.sans.join(', ') : 'no subject alternative names at all';
}

// ---------------------------------------------------------------- the apiserver's own advertise address

function checkApiservers(cx: Context): void {
  for (const api of apiserversOf(cx.analysis)) {
    const leaf = api.serving?.certificates[0];
    if (!api.serving || !leaf) continue;
    const place = materialPlace(cx, api.serving, cx.path);
    if (api.serving.site.encoding === 'file') cx.out.links.push({ kind: 'file', from: { path: cx.path, span: api.serving.site.field.span }, to: place });
    const address = api.advertise;
    if (!address || coversHost(leaf, address.value)) continue;
    cx.out.findings.push(
      finding(
        'san-mismatch',
        address.span,
        `${api.label} --advertise-address`,
        `The API server advertises ${address.value}, but its serving certificate ${leaf.subject.text} (${api.serving.site.file?.written ?? 'tls-cert-file'}) covers only ${names(leaf)}: every client that connects to ${address.value} (kubelets, kube-proxy, the other control-plane nodes) fails with "x509: certificate is valid for …, not ${address.value}". Was the certificate copied from another node? Reissue it for this node (kubeadm init phase certs apiserver).`,
        { related: [{ ...place, message: `the serving certificate: ${leaf.subject.text}` }], data: { host: address.value, sans: leaf.sans } },
      ),
    );
  }
}

// ---------------------------------------------------------------- kubeconfig ↔ the apiserver in the set

function apiserverFor(cx: Context, host: string): (Offer & { kind: 'apiserver' }) | undefined {
  const all = cx.lookup('apiserver').filter((o): o is Offer & { kind: 'apiserver' } => o.kind === 'apiserver');
  const byAddress = all.find((o) => o.apiserver.advertise?.value === host || (o.apiserver.bind?.value === host && host !== '0.0.0.0'));
  return byAddress ?? (all.length === 1 ? all[0] : undefined);
}

function materialIn(analysis: Analysis, group: string, keys: string[]): Material | undefined {
  for (const key of keys) {
    const m = analysis.materials.find((x) => x.site.group === group && x.site.field.key === key);
    if (m) return m;
  }
  return undefined;
}

function checkKubeconfig(cx: Context): void {
  const config = cx.analysis.kubeconfig;
  if (!config) return;
  for (const cluster of config.clusters) {
    const server = cluster.fields.get('server');
    if (!server) continue;
    const tlsName = cluster.fields.get('tls-server-name')?.value;
    const address = serverHost(server.value);
    const host = tlsName || address;
    if (!host || !address) continue;
    const offer = apiserverFor(cx, address);
    const api: Apiserver | undefined = offer?.apiserver;
    const leaf = api?.serving?.certificates[0];
    if (!offer || !api?.serving || !leaf) continue;
    const servingPlace = materialPlace(cx, api.serving, offer.path);
    const apiRelated: Related = { ...servingPlace, message: `the serving certificate of ${api.label} (${offer.path}): ${leaf.subject.text}` };
    cx.out.links.push({ kind: 'apiserver', from: { path: cx.path, span: server.span }, to: { path: offer.path, span: api.servingFlag?.span ?? ZERO } });
    if (!coversHost(leaf, host))
      cx.out.findings.push(
        finding(
          'san-mismatch',
          server.span,
          `clusters[${cluster.name}].server`,
          `Clients of this kubeconfig connect to "${host}"${tlsName ? ' (tls-server-name)' : ''}, but the API server's serving certificate ${leaf.subject.text} (${api.serving.site.file?.written ?? offer.path}) covers only ${names(leaf)}: the handshake fails with "x509: certificate is valid for …, not ${host}".`,
          { related: [apiRelated], data: { host, sans: leaf.sans } },
        ),
      );
    const ca = materialIn(cx.analysis, `clusters/${cluster.index}`, ['certificate-authority-data', 'certificate-authority']);
    if (ca && ca.certificates.length > 0 && !signs(cx, ca.certificates, leaf))
      cx.out.findings.push(
        finding(
          'server-ca-mismatch',
          ca.site.field.span,
          ca.site.where,
          `The CA of cluster "${cluster.name}" (${ca.certificates.map((c) => c.subject.text).join('; ')}) does not sign the API server's serving certificate ${leaf.subject.text}, issued by ${leaf.issuer.text}: kubectl fails with "x509: certificate signed by unknown authority".`,
          { related: [apiRelated] },
        ),
      );
    const clientCa = api.clientCa;
    if (!clientCa || clientCa.certificates.length === 0) continue;
    for (const context of config.contexts) {
      if (context.fields.get('cluster')?.value !== cluster.name) continue;
      const user = findEntry(config.users, context.fields.get('user')?.value ?? '');
      if (!user) continue;
      const client = materialIn(cx.analysis, `users/${user.index}`, ['client-certificate-data', 'client-certificate']);
      const cert = client?.certificates[0];
      if (!client || !cert || cert.notAfter < cx.now || signs(cx, clientCa.certificates, cert)) continue;
      if (cx.out.findings.some((f) => f.code === 'client-ca-mismatch' && f.span.start === client.site.field.span.start)) continue;
      cx.out.findings.push(
        finding(
          'client-ca-mismatch',
          client.site.field.span,
          client.site.where,
          `The client certificate ${cert.subject.text} is issued by ${cert.issuer.text}, but the API server of cluster "${cluster.name}" trusts only ${clientCa.certificates.map((c) => c.subject.text).join('; ')} (--client-ca-file ${clientCa.site.file?.written ?? ''}): it answers 401 Unauthorized.`,
          { related: [{ ...materialPlace(cx, clientCa, offer.path), message: `the API server's --client-ca-file` }] },
        ),
      );
    }
  }
}

// ---------------------------------------------------------------- Ingress hosts ↔ a Secret in another file

/** Secrets (and cert-manager Certificates producing them) named `name` in `namespace`, or in any when it is unset. */
function secretsNamed(cx: Context, name: string, namespace: string | undefined): Offer[] {
  const offers = namespace === undefined ? cx.lookup(`secret:${name}`) : [...cx.lookup(`secret:${namespace}/${name}`), ...cx.lookup(`secret:*/${name}`)];
  return offers.filter((o) => o.kind === 'secret' || o.kind === 'certificate');
}

function checkIngresses(cx: Context): void {
  for (const ingress of cx.analysis.objects) {
    for (const tls of ingress.ingressTls ?? []) {
      const secretName = tls.secretName;
      if (!secretName?.value) continue;
      // A Secret in the same file is the single-file check's.
      if (cx.analysis.objects.some((o) => o.kind === 'Secret' && o.name === secretName.value && sameNamespace(o.namespace, ingress.namespace))) continue;
      const offers = otherFile(cx, secretsNamed(cx, secretName.value, ingress.namespace));
      const secret = offers.find((o): o is Offer & { kind: 'secret' } => o.kind === 'secret' && Boolean(o.serving?.certificates.length));
      const producer = offers.find((o): o is Offer & { kind: 'certificate' } => o.kind === 'certificate');
      const target = secret ?? producer;
      if (target) cx.out.links.push({ kind: 'secret', from: { path: cx.path, span: secretName.span }, to: { path: target.path, span: target.object.span } });
      for (const host of tls.hosts) {
        if (secret?.serving) {
          const leaf = secret.serving.certificates[0];
          if (coversPattern(leaf, host.value)) continue;
          cx.out.findings.push(
            finding(
              'san-mismatch',
              host.span,
              `${ingress.label}.spec.tls.hosts`,
              `The Ingress serves "${host.value}" with Secret "${secretName.value}" (${secret.path}), whose certificate ${leaf.subject.text} covers only ${names(leaf)}: browsers and clients will reject it.`,
              {
                related: [
                  { path: secret.path, span: secret.serving.site.field.span, message: `the certificate in Secret ${secretName.value}: ${leaf.subject.text}` },
                ],
                data: { host: host.value },
              },
            ),
          );
        } else if (producer && !producer.dnsNames.some((n) => n.toLowerCase() === host.value.toLowerCase() || matchesDnsName(n, host.value))) {
          cx.out.findings.push(
            finding(
              'san-mismatch',
              host.span,
              `${ingress.label}.spec.tls.hosts`,
              `The Ingress serves "${host.value}" with Secret "${secretName.value}", which cert-manager Certificate "${producer.object.name}" (${producer.path}) issues for ${producer.dnsNames.join(', ') || 'no dnsNames'} only.`,
              {
                related: [{ path: producer.path, span: producer.object.span, message: `cert-manager Certificate ${producer.object.name}` }],
                data: { host: host.value },
              },
            ),
          );
        }
      }
    }
  }
}

/** Gateway listeners: the hostname against each Secret its certificateRefs name, wherever that Secret lives. */
function checkGateways(cx: Context): void {
  for (const gateway of cx.analysis.linked ?? []) {
    for (const listener of gateway.links?.listeners ?? []) {
      for (const ref of listener.secrets) {
        const secret = secretsNamed(cx, ref.name.value, ref.namespace ?? gateway.namespace).find(
          (o): o is Offer & { kind: 'secret' } => o.kind === 'secret' && Boolean(o.serving?.certificates.length),
        );
        if (!secret?.serving) continue;
        cx.out.links.push({ kind: 'secret', from: { path: cx.path, span: ref.name.span }, to: { path: secret.path, span: secret.object.span } });
        const host = listener.hostname;
        const leaf = secret.serving.certificates[0];
        if (!host?.value || coversPattern(leaf, host.value)) continue;
        cx.out.findings.push(
          finding(
            'san-mismatch',
            host.span,
            `${gateway.label}.spec.listeners.hostname`,
            `The Gateway listener serves "${host.value}" with Secret "${ref.name.value}"${secret.path === cx.path ? '' : ` (${secret.path})`}, whose certificate ${leaf.subject.text} covers only ${names(leaf)}: clients will reject it.`,
            {
              related: [
                { path: secret.path, span: secret.serving.site.field.span, message: `the certificate in Secret ${ref.name.value}: ${leaf.subject.text}` },
              ],
              data: { host: host.value },
            },
          ),
        );
      }
    }
  }
}

// ---------------------------------------------------------------- webhooks and APIServices ↔ the Service they call

interface Serving {
  leaf?: Certificate;
  material?: Material;
  producer?: Offer & { kind: 'certificate' };
  path: string;
  secret: string;
}

/** The serving certificates behind a Service: the Secrets mounted by the workloads its selector picks. */
function servingBehind(cx: Context, service: Offer & { kind: 'service' }): Serving[] {
  const out: Serving[] = [];
  const selector = Object.entries(service.selector);
  if (selector.length === 0) return out;
  const ns = service.object.namespace;
  for (const w of ns === undefined ? cx.lookup('workloads') : [...cx.lookup(`workloads:${ns}`), ...cx.lookup('workloads:*')]) {
    if (w.kind !== 'workload') continue;
    if (!selector.every(([k, v]) => w.labels[k] === v)) continue;
    for (const secretField of w.secrets) {
      for (const o of secretsNamed(cx, secretField.value, w.object.namespace ?? service.object.namespace)) {
        if (o.kind === 'secret' && o.serving?.certificates.length)
          out.push({ leaf: o.serving.certificates[0], material: o.serving, path: o.path, secret: secretField.value });
        else if (o.kind === 'certificate') out.push({ producer: o, path: o.path, secret: secretField.value });
      }
    }
  }
  return out;
}

function checkClientConfigs(cx: Context): void {
  for (const object of cx.analysis.objects) {
    for (const ref of object.links?.services ?? []) {
      const namespace = ref.namespace ?? 'default';
      const service = [...cx.lookup(`service:${namespace}/${ref.name.value}`), ...cx.lookup(`service:*/${ref.name.value}`)].find(
        (o): o is Offer & { kind: 'service' } => o.kind === 'service',
      );
      if (!service) continue;
      cx.out.links.push({ kind: 'service', from: { path: cx.path, span: ref.name.span }, to: { path: service.path, span: service.object.span } });
      const caBundle = cx.analysis.materials.find((m) => m.site.where === ref.caBundleWhere);
      const dns = `${ref.name.value}.${namespace}.svc`;
      for (const serving of servingBehind(cx, service)) {
        if (serving.leaf && serving.material) {
          const leaf = serving.leaf;
          const related: Related[] = [
            {
              path: serving.path,
              span: serving.material.site.field.span,
              message: `the serving certificate in Secret ${serving.secret}: ${leaf.subject.text}`,
            },
            { path: service.path, span: service.object.span, message: `${service.object.label}` },
          ];
          if (caBundle && caBundle.certificates.length > 0 && !signs(cx, caBundle.certificates, leaf))
            cx.out.findings.push(
              finding(
                'ca-bundle-mismatch',
                caBundle.site.field.span,
                caBundle.site.where,
                `No certificate in this caBundle (${caBundle.certificates.map((c) => c.subject.text).join('; ')}) signs the serving certificate of Service ${namespace}/${ref.name.value}, ${leaf.subject.text}, issued by ${leaf.issuer.text}: the API server's calls fail with "x509: certificate signed by unknown authority".`,
                { related },
              ),
            );
          if (!coversHost(leaf, dns))
            cx.out.findings.push(
              finding(
                'san-mismatch',
                ref.name.span,
                ref.caBundleWhere.replace(/\.caBundle$/, '.service'),
                `The API server calls this webhook at "${dns}", but the serving certificate ${leaf.subject.text} in Secret ${serving.secret} covers only ${names(leaf)}.`,
                { related, data: { host: dns, sans: leaf.sans } },
              ),
            );
        } else if (serving.producer) {
          checkInjection(cx, object, serving.producer);
          if (!serving.producer.dnsNames.some((n) => matchesDnsName(n, dns)))
            cx.out.findings.push(
              finding(
                'san-mismatch',
                ref.name.span,
                ref.caBundleWhere.replace(/\.caBundle$/, '.service'),
                `The API server calls this webhook at "${dns}", but cert-manager Certificate "${serving.producer.object.name}" (${serving.producer.path}) issues its serving certificate for ${serving.producer.dnsNames.join(', ') || 'no dnsNames'} only.`,
                {
                  related: [
                    { path: serving.producer.path, span: serving.producer.object.span, message: `cert-manager Certificate ${serving.producer.object.name}` },
                  ],
                  data: { host: dns },
                },
              ),
            );
        }
      }
    }
  }
}

/** `cert-manager.io/inject-ca-from` names the Certificate whose CA goes into caBundle: it must be issued like the one served. */
function checkInjection(cx: Context, object: ManifestObject, served: Offer & { kind: 'certificate' }): void {
  const inject = object.links?.injectCaFrom;
  if (!inject) return;
  const [ns, name] = inject.value.includes('/') ? inject.value.split('/', 2) : [undefined, inject.value];
  const injected = cx
    .lookup(`certificate:${name}`)
    .find((o): o is Offer & { kind: 'certificate' } => o.kind === 'certificate' && sameNamespace(o.object.namespace, ns));
  if (!injected) return;
  cx.out.links.push({ kind: 'certificate', from: { path: cx.path, span: inject.span }, to: { path: injected.path, span: injected.object.span } });
  if (injected.object === served.object || injected.issuer === served.issuer) return;
  if (cx.out.findings.some((f) => f.code === 'ca-bundle-mismatch' && f.span.start === inject.span.start)) return;
  cx.out.findings.push(
    finding(
      'ca-bundle-mismatch',
      inject.span,
      `${object.label}.metadata.annotations[cert-manager.io/inject-ca-from]`,
      `cert-manager will inject the CA of Certificate "${injected.object.name}" (issuer ${injected.issuer ?? 'unknown'}), but the Service serves the certificate of "${served.object.name}" (issuer ${served.issuer ?? 'unknown'}): the caBundle will not verify it.`,
      {
        related: [
          { path: injected.path, span: injected.object.span, message: `the Certificate injected: ${injected.object.label}` },
          { path: served.path, span: served.object.span, message: `the Certificate served: ${served.object.label}` },
        ],
      },
    ),
  );
}

// ---------------------------------------------------------------- loose PKI files: chains, key pairs, CA keys

const CA_KEY_NAME = /(^|[-_.])ca(-key)?\.(key|pem)$/i;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The certificate files a key file's name points at: `admin-key.pem` → `admin.pem`, `apiserver.key` → `apiserver.crt`. */
function namedCertificates(path: string): string[] {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const name = baseName(path);
  if (/-key\.pem$/i.test(name)) return [dir + name.replace(/-key\.pem$/i, '.pem')];
  if (/\.key$/i.test(name)) return ['.crt', '.pem', '.cer'].map((ext) => dir + name.replace(/\.key$/i, ext));
  return [];
}

function checkLooseFiles(cx: Context): void {
  const { analysis, path } = cx;
  const haveCas = cx.lookup('ca-any').length > 0;
  for (const material of analysis.materials) {
    for (const cert of material.certificates) {
      if (!haveCas || isSelfSigned(cert) || cert.notAfter < cx.now) continue;
      // The first CA that signs it and is valid ends the search; an expired one is kept in case no other does.
      const seen = new Set<Certificate>();
      let issuer: (Offer & { kind: 'ca' }) | undefined;
      for (const o of cx.lookup(`ca:${cert.issuer.derHex}`)) {
        if (o.kind !== 'ca' || seen.has(o.certificate)) continue;
        seen.add(o.certificate);
        if (!cx.signedBy(cert, o.certificate)) continue;
        if (!issuer || issuer.certificate.notAfter < cx.now) issuer = o;
        if (o.certificate.notAfter >= cx.now) break;
      }
      if (!issuer) {
        cx.out.findings.push(
          finding(
            'chain-untrusted',
            material.site.field.span,
            material.site.where,
            `${cert.subject.text} is issued by ${cert.issuer.text}, and no CA certificate among the analysed files signs it: whoever verifies it needs that CA.`,
          ),
        );
        continue;
      }
      cx.out.links.push({ kind: 'ca', from: { path, span: material.site.field.span }, to: { path: issuer.path, span: issuer.material.site.field.span } });
      if (issuer.certificate.notAfter < cx.now)
        cx.out.findings.push(
          finding(
            'chain-untrusted',
            material.site.field.span,
            material.site.where,
            `${cert.subject.text} is valid until ${formatDate(cert.notAfter)}, but its CA ${issuer.certificate.subject.text} (${issuer.path}) expired on ${formatDate(issuer.certificate.notAfter)}: nothing verifies it any more.`,
            { related: [{ path: issuer.path, span: issuer.material.site.field.span, message: `the expired CA: ${issuer.certificate.subject.text}` }] },
          ),
        );
    }
  }
  for (const material of analysis.materials) {
    for (const key of material.keys) {
      const fp = key.publicFingerprint;
      const holders = fp ? cx.lookup(`public-key:${fp}`).filter((o): o is Offer & { kind: 'public-key' } => o.kind === 'public-key') : [];
      const caHolder = holders.find((o) => o.certificate.ca === true);
      if (caHolder || CA_KEY_NAME.test(baseName(path)))
        cx.out.findings.push(
          finding(
            'ca-key-exposed',
            material.site.field.span,
            material.site.where,
            `${path} holds the private key of ${caHolder ? `the CA ${caHolder.certificate.subject.text}` : 'a CA (by its name)'}: whoever can read this folder can issue certificates the cluster trusts, system:masters included. Keep CA keys offline or readable by root only; the key is not shown.`,
            caHolder
              ? {
                  related: [
                    { path: caHolder.path, span: caHolder.material.site.field.span, message: `the CA certificate: ${caHolder.certificate.subject.text}` },
                  ],
                }
              : {},
          ),
        );
      if (!fp) continue;
      // Its certificate, by public key: the pair a hover or go-to-definition follows.
      const pair = holders.find((o) => o.path !== path);
      if (pair)
        cx.out.links.push({ kind: 'key-pair', from: { path, span: material.site.field.span }, to: { path: pair.path, span: pair.material.site.field.span } });
      const own = analysis.materials.find((m) => m.certificates.length > 0);
      const named = own
        ? { path, cert: own.certificates[0], span: own.site.field.span }
        : namedCertificates(path)
            .map((p) => cx.lookup(`file:${p}`)[0])
            .flatMap((o) =>
              o?.kind === 'file' && o.analysis.certificates.length
                ? [{ path: o.path, cert: o.analysis.certificates[0].certificate, span: o.analysis.certificates[0].site.field.span }]
                : [],
            )[0];
      if (!named) continue;
      cx.out.links.push({ kind: 'key', from: { path, span: material.site.field.span }, to: { path: named.path, span: named.span } });
      if (named.cert.publicKey.fingerprint === fp) continue;
      const match = holders.find((o) => !o.certificate.ca);
      cx.out.findings.push(
        finding(
          'key-mismatch',
          material.site.field.span,
          material.site.where,
          `This ${key.label} private key does not belong to ${named.cert.subject.text} in ${baseName(named.path)}, the certificate its name pairs it with${match ? `; it belongs to ${match.certificate.subject.text} (${match.path})` : ''}. A server or client given both fails its TLS handshake.`,
          { related: [{ path: named.path, span: named.span, message: `the certificate: ${named.cert.subject.text}` }] },
        ),
      );
    }
  }
}
