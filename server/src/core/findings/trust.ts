// chain-untrusted, not-a-ca, key-mismatch, san-mismatch: do the pieces fit together?
import type { Certificate } from '../x509/certificates';
import type { Material } from '../x509/decode';
import { finding, type Finding } from './finding';
import { coversHost, coversPattern, serverHost } from '../x509/hostnames';
import { findEntry } from '../model/kubeconfig';
import { CERTIFICATE_ROLES, KEY_ROLES } from '../model/sites';
import type { ManifestObject } from '../model/manifests';
import { formatDate } from '../base/time';
import { type CheckInput, isSelfSigned, issuedBy, ordinal } from './context';

export function checkTrust(input: CheckInput): Finding[] {
  return [...checkChains(input), ...checkCaBundles(input), ...checkKeys(input), ...checkServerNames(input), ...checkIngressHosts(input)];
}

function materialAt(input: CheckInput, group: string, keys: string[]): Material | undefined {
  return input.groups.get(group)?.find((m) => keys.includes(m.site.field.key));
}

function clusterCa(input: CheckInput, clusterIndex: number): Material | undefined {
  const group = `clusters/${clusterIndex}`;
  // The data wins over the file, as in client-go.
  return materialAt(input, group, ['certificate-authority-data']) ?? materialAt(input, group, ['certificate-authority']);
}

function userCertificate(input: CheckInput, userIndex: number): Material | undefined {
  const group = `users/${userIndex}`;
  return materialAt(input, group, ['client-certificate-data']) ?? materialAt(input, group, ['client-certificate']);
}

type Chain = { ok: true; through: Certificate[] } | { ok: false; stuckAt: Certificate };

/** Walks from `leaf` up through `own` (the leaf's bundle) until it reaches one of `anchors` or a self-signed root. */
function buildChain(leaf: Certificate, own: Certificate[], anchors: Certificate[]): Chain & { anchored: boolean } {
  const through: Certificate[] = [];
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) return { ok: true, through: [...through, anchor], anchored: true };
    if (depth > 0 && isSelfSigned(current)) return { ok: true, through, anchored: false };
    const next = own.find((c) => c !== current && issuedBy(current, c));
    if (!next) return { ok: false, stuckAt: current, anchored: false };
    through.push(next);
    current = next;
  }
  return { ok: false, stuckAt: current, anchored: false };
}

function checkChains(input: CheckInput): Finding[] {
  const config = input.kubeconfig;
  if (!config) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const context of config.contexts) {
    const cluster = findEntry(config.clusters, context.fields.get('cluster')?.value ?? '');
    const user = findEntry(config.users, context.fields.get('user')?.value ?? '');
    if (!cluster || !user) continue;
    const ca = clusterCa(input, cluster.index);
    const client = userCertificate(input, user.index);
    if (!ca || !client || ca.certificates.length === 0 || client.certificates.length === 0) continue;
    const [leaf, ...own] = client.certificates;
    if (leaf.notAfter < input.now) continue; // cert-expired already says it all
    const chain = buildChain(leaf, own, ca.certificates);
    let message: string | undefined;
    let reason = 'unsigned';
    if (!chain.ok) {
      // Two CAs can share a name: then say which is which, by serial, fingerprint and key identifier.
      const namesake = ca.certificates.some((c) => c.subject.derHex === chain.stuckAt.issuer.derHex);
      const cas = ca.certificates
        .map((c) => (namesake ? `${c.subject.text}, serial ${c.serial}, SHA-256 ${c.sha256.slice(0, 16)}…` : c.subject.text))
        .join('; ');
      const issuer = namesake
        ? `another CA that is also named ${leaf.issuer.text}${chain.stuckAt.authorityKeyId ? ` (authority key identifier ${chain.stuckAt.authorityKeyId})` : ''}: the signature does not verify with the cluster CA's key`
        : leaf.issuer.text;
      message = `The client certificate ${leaf.subject.text} is issued by ${issuer}, not by the CA of cluster "${cluster.name}" (${cas}), and its data carries no chain that leads there. Unless the API server's --client-ca-file trusts ${chain.stuckAt.issuer.text}${namesake ? ' (that other CA)' : ''}, it will reject this certificate.`;
    } else {
      const expired = chain.through.find((c) => c.notAfter < input.now);
      if (expired) {
        reason = 'expired-ca';
        message = `The client certificate ${leaf.subject.text} is valid until ${formatDate(leaf.notAfter)}, but its chain runs through ${expired.subject.text}, which expired on ${formatDate(expired.notAfter)}. The API server refuses a chain through an expired CA, so this certificate no longer authenticates.`;
      }
    }
    if (!message) continue;
    const id = `${client.site.where}\0${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const related = [{ span: ca.site.field.span, message: `the CA of cluster "${cluster.name}": ${ca.certificates.map((c) => c.subject.text).join('; ')}` }];
    out.push(finding('chain-untrusted', client.site.field.span, client.site.where, message, { related, data: { context: context.name, reason } }));
  }
  return out;
}

function checkCaBundles(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const { site, certificates } of input.materials) {
    if (site.role !== 'cluster-ca' && site.role !== 'ca-bundle') continue;
    certificates.forEach((cert, i) => {
      if (cert.ca === true) return;
      // A self-signed server certificate pinned as its own CA is a legitimate way to trust one server.
      if (isSelfSigned(cert)) return;
      // Go puts every certificate of the field in its root pool: a leaf there is trusted as itself (a pinned leaf), so
      // the connection works exactly while the server presents that certificate: a warning (its default), not an error.
      out.push(
        finding(
          'not-a-ca',
          site.field.span,
          site.where,
          `${capital(ordinal(i, certificates.length))}${cert.subject.text} is not a CA certificate (${cert.ca === false ? 'basicConstraints CA:FALSE' : 'no basicConstraints'}), so it cannot sign anything this field should trust. Go accepts any certificate here as a trust anchor, so this works only while the server presents exactly this certificate (a pinned leaf), and stops when it is renewed. Put the issuing CA's certificate here instead.`,
          { data: { index: i } },
        ),
      );
    });
  }
  return out;
}

function capital(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : 'The certificate ';
}

function checkKeys(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const members of input.groups.values()) {
    // The data wins over the file when a user has both.
    const certs = members.filter(
      (m) => CERTIFICATE_ROLES.has(m.site.role) && m.site.role !== 'ca-bundle' && m.site.role !== 'cluster-ca' && m.certificates.length > 0,
    );
    const keys = members.filter((m) => KEY_ROLES.has(m.site.role) && m.keys.length > 0);
    const cert = certs.find((m) => m.site.encoding !== 'file') ?? certs[0];
    const key = keys.find((m) => m.site.encoding !== 'file') ?? keys[0];
    if (!cert || !key) continue;
    const leaf = cert.certificates[0];
    const facts = key.keys[0];
    if (facts.publicFingerprint === undefined || facts.publicFingerprint === leaf.publicKey.fingerprint) continue;
    out.push(
      finding(
        'key-mismatch',
        key.site.field.span,
        key.site.where,
        `This ${facts.label} private key does not belong to the certificate ${leaf.subject.text} (${leaf.publicKey.label}) beside it: the TLS handshake will fail. Use the key the certificate was issued for, or reissue the certificate for this key.`,
        {
          related: [{ span: cert.site.field.span, message: `the certificate: ${leaf.subject.text}` }],
        },
      ),
    );
  }
  return out;
}

function checkServerNames(input: CheckInput): Finding[] {
  const config = input.kubeconfig;
  if (!config) return [];
  const out: Finding[] = [];
  for (const cluster of config.clusters) {
    const server = cluster.fields.get('server');
    if (!server) continue;
    const tlsName = cluster.fields.get('tls-server-name')?.value;
    const host = tlsName || serverHost(server.value);
    if (!host) continue;
    const ca = clusterCa(input, cluster.index);
    // A pinned server certificate (self-signed leaf in the CA field) is the serving certificate itself.
    const pinned = ca?.certificates.find((c) => c.ca !== true && isSelfSigned(c));
    const servingCerts: Array<{ cert: Certificate; source: string }> = [];
    if (input.serverCertificate) servingCerts.push({ cert: input.serverCertificate, source: 'the serving certificate given with --server-cert' });
    if (pinned) servingCerts.push({ cert: pinned, source: 'the pinned server certificate in this cluster’s CA data' });
    for (const { cert, source } of servingCerts) {
      if (coversHost(cert, host)) continue;
      const covers = cert.sans.length ? `covers only ${cert.sans.join(', ')}` : 'has no subject alternative names, so it covers no name at all';
      out.push(
        finding(
          'san-mismatch',
          server.span,
          `${server.key === 'server' ? `clusters[${cluster.name}].server` : server.key}`,
          `kubectl will connect to "${host}"${tlsName ? ' (tls-server-name)' : ''}, but ${source} (${cert.subject.text}) ${covers}: the handshake fails with "x509: certificate is valid for …, not ${host}". Set tls-server-name to a covered name or reissue the certificate.`,
          {
            data: { host, sans: cert.sans },
            related: pinned && ca ? [{ span: ca.site.field.span, message: `the pinned certificate ${pinned.subject.text}` }] : undefined,
          },
        ),
      );
    }
  }
  return out;
}

function checkIngressHosts(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  // Secrets by name, in document order: a stream of 2,000 Ingresses and 2,000 Secrets was 8 million comparisons.
  const secrets = new Map<string, ManifestObject[]>();
  for (const o of input.objects) {
    if (o.kind !== 'Secret') continue;
    const named = secrets.get(o.name);
    if (named) named.push(o);
    else secrets.set(o.name, [o]);
  }
  for (const ingress of input.objects) {
    for (const tls of ingress.ingressTls ?? []) {
      if (!tls.secretName) continue;
      const secret = secrets
        .get(tls.secretName.value)
        ?.find((o) => o.namespace === undefined || ingress.namespace === undefined || o.namespace === ingress.namespace);
      const crt =
        secret && input.groups.get(`${secret.document}/${secret.label}`)?.find((m) => m.site.role === 'serving-certificate' && m.certificates.length > 0);
      if (!crt) continue;
      const leaf = crt.certificates[0];
      for (const host of tls.hosts) {
        if (coversPattern(leaf, host.value)) continue;
        out.push(
          finding(
            'san-mismatch',
            host.span,
            `${ingress.label}.spec.tls.hosts`,
            `The Ingress serves "${host.value}" with Secret "${tls.secretName.value}", whose certificate ${leaf.subject.text} ${leaf.sans.length ? `covers only ${leaf.sans.join(', ')}` : 'has no subject alternative names, so it covers no name at all'}${host.value.startsWith('*.') ? '' : ' (a wildcard covers exactly one label)'}: browsers and clients will reject it.`,
            {
              related: [{ span: crt.site.field.span, message: `the certificate in Secret ${tls.secretName.value}: ${leaf.subject.text}` }],
              data: { host: host.value },
            },
          ),
        );
      }
    }
  }
  return out;
}
