/**
 * Every finding code, data-driven: for each code at least one input that must raise it (code, severity,
 * the exact range marked ⟦…⟧ in the input, a message that names the thing) and at least one close-but-fine
 * input that must not. One table, one loop (rust-analyzer's `check(input, expect)` style).
 *
 * Certificates are generated here with fixed dates; validity is judged at NOW (2026-11-21T00:00:00Z).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, type Analysis, type AnalysisOptions } from '../../server/src/core/analysis';
import { decodeCertificate } from '../../server/src/core/x509/certificates';
import type { Host } from '../../server/src/core/x509/decode';
import { CODES, type Code, type Finding, type Severity } from '../../server/src/core/findings/finding';
import { LIMITS } from '../../server/src/core/syntax/parse';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { marked } from '../support/markers';
import { at, b64, buildCert, buildCsr, keyPem, pem, sharedKey, type BuiltCert, type CertSpec } from '../support/pki';

// ---------------------------------------------------------------------------------------------- PKI

const DAY = 86_400_000;
const day = (n: number): Date => new Date(NOW + n * DAY);
const rsa = (slot: number) => sharedKey({ type: 'rsa', bits: 2048 }, slot);
const ec = (slot: number) => sharedKey({ type: 'ec', curve: 'P-256' }, slot);
const ed = (slot: number) => sharedKey({ type: 'ed25519' }, slot);

function makePki() {
  const f = pki();
  const { ca, otherCa, expiredCa } = f;
  /** A client certificate from the cluster CA, key rsa(3) (f.adminKeyPem is its PKCS#8 key). */
  const client = (subject: string, extra: Partial<CertSpec> = {}): BuiltCert => f.leaf(subject, ca, extra);
  const serving = (subject: string, sans: string[], extra: Partial<CertSpec> = {}): BuiltCert =>
    f.leaf(subject, ca, { extKeyUsage: ['serverAuth'], sans, ...extra });
  const selfSigned = (subject: string, extra: Partial<CertSpec> = {}): BuiltCert =>
    buildCert({ subject, key: ec(5), notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z'), ...extra });
  // A k3s-style separate client CA, self-signed, with its own leaf.
  const clientCa = buildCert({
    subject: 'CN=k3s-client-ca@1700000000',
    key: ec(1),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['digitalSignature', 'keyCertSign'],
  });
  const k3sAdmin = buildCert({
    subject: 'CN=system:admin,O=system:masters',
    key: ec(2),
    issuer: clientCa,
    notBefore: at('2025-06-01T00:00:00Z'),
    notAfter: at('2027-06-01T00:00:00Z'),
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['clientAuth'],
  });
  const intermediate = buildCert({
    subject: 'CN=kubernetes-intermediate',
    key: rsa(5),
    issuer: ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2034-01-01T00:00:00Z'),
    ca: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  return {
    ...f,
    client,
    serving,
    selfSigned,
    clientCa,
    k3sAdmin,
    intermediate,
    viaIntermediate: buildCert({
      subject: 'CN=bob',
      key: rsa(3),
      issuer: intermediate,
      notBefore: at('2025-06-01T00:00:00Z'),
      notAfter: at('2027-06-01T00:00:00Z'),
      extKeyUsage: ['clientAuth'],
    }),
    fromOther: f.leaf('CN=mallory', otherCa),
    fromExpiredCa: f.leaf('CN=carol', expiredCa, { notBefore: at('2022-06-01T00:00:00Z'), notAfter: at('2027-06-01T00:00:00Z') }),
    expired: client('CN=jane,O=dev', { notBefore: at('2025-11-20T00:00:00Z'), notAfter: day(-1) }),
    // Kubernetes-style lists of keys, in the four formats a kubeconfig meets.
    ecLeaf: buildCert({
      subject: 'CN=ec-user',
      key: ec(3),
      issuer: ca,
      notBefore: at('2025-06-01T00:00:00Z'),
      notAfter: at('2027-06-01T00:00:00Z'),
      extKeyUsage: ['clientAuth'],
    }),
    edLeaf: buildCert({
      subject: 'CN=ed-user',
      key: ed(3),
      issuer: ca,
      notBefore: at('2025-06-01T00:00:00Z'),
      notAfter: at('2027-06-01T00:00:00Z'),
      extKeyUsage: ['clientAuth'],
    }),
    weakLeaf: buildCert({
      subject: 'CN=legacy',
      key: sharedKey({ type: 'rsa', bits: 1024 }, 1),
      issuer: ca,
      notBefore: at('2025-06-01T00:00:00Z'),
      notAfter: at('2027-06-01T00:00:00Z'),
      extKeyUsage: ['clientAuth'],
    }),
    sha1Ca: buildCert({
      subject: 'CN=sha1-root',
      key: rsa(0),
      notBefore: at('2020-01-01T00:00:00Z'),
      notAfter: at('2035-01-01T00:00:00Z'),
      ca: true,
      hash: 'sha1',
      keyUsage: ['keyCertSign'],
    }),
    apiserver: serving('CN=kube-apiserver', ['DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'IP:10.96.0.1', 'IP:192.0.2.10']),
    apiserverNoIp: serving('CN=kube-apiserver', ['DNS:kubernetes', 'DNS:kubernetes.default', 'IP:10.96.0.1']),
    wildcard: serving('CN=*.example.com', ['DNS:*.example.com']),
    shop: serving('CN=shop.example.com', ['DNS:shop.example.com']),
  };
}
type Pki = ReturnType<typeof makePki>;
let cachedPki: Pki | undefined;
const P = (): Pki => (cachedPki ??= makePki());

const cert = (c: BuiltCert): Certificate => decodeCertificate(new Uint8Array(c.der));
type Certificate = ReturnType<typeof decodeCertificate>;

/** A Host backed by a map of path → content, recording what it was asked for. No disk is touched. */
function memHost(files: Record<string, string | Uint8Array>): Host & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(path: string) {
      reads.push(path);
      const f = files[path];
      if (f === undefined) return { error: 'no such file' };
      return { bytes: typeof f === 'string' ? new Uint8Array(Buffer.from(f, 'utf8')) : f };
    },
  };
}

// ---------------------------------------------------------------------------------------------- text builders

const SERVER = '    server: https://192.0.2.10:6443';
const caLines = (p: Pki, ca: BuiltCert = p.ca): string => `    certificate-authority-data: ${b64(ca.pem)}\n${SERVER}`;

/** A one-cluster, one-user, one-context kubeconfig; `user` and `cluster` are the inner lines (4-space indent). */
function config(user: string, cluster: string, tail = ''): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
${cluster}
contexts:
- name: prod
  context:
    cluster: prod
    user: alice
current-context: prod
preferences: {}
users:
- name: alice
  user:
${user}
${tail}`;
}

const certLine = (c: BuiltCert): string => `    client-certificate-data: ${b64(c.pem)}`;
const keyLine = (k: string): string => `    client-key-data: ${b64(k)}`;

/** Indents PEM text as a YAML literal block under a key at `indent` spaces. */
const block = (text: string, indent: number): string =>
  text
    .trimEnd()
    .split('\n')
    .join('\n' + ' '.repeat(indent));

function secret(name: string, namespace: string, data: string, type = 'kubernetes.io/tls'): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: ${type}
${data}
`;
}

function csrObject(signer: string, usages: string[], request: string, status = ''): string {
  return `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: node-csr-abc
spec:
  signerName: ${signer}
  usages:
${usages.map((u) => `  - ${u}`).join('\n')}
  request: ${request}
${status}`;
}

const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';

// ---------------------------------------------------------------------------------------------- the table

interface Raise {
  code: Code;
  /** Index of the ⟦…⟧ range the finding must cover exactly; default 0 when the input has ranges, null to skip. */
  at?: number | null;
  /** Default: CODES[code]. */
  severity?: Severity;
  /** Substrings (or patterns) the message must contain: the subject, the missing name, the path… */
  says?: Array<string | RegExp>;
  where?: string;
  /** Keys that must be deepEqual in finding.data. */
  data?: Record<string, unknown>;
}

interface Case {
  name: string;
  input: (p: Pki) => string;
  options?: (p: Pki) => Partial<AnalysisOptions>;
  raises?: Raise[];
  /** Codes that must not be raised. */
  not?: Code[];
  /** No finding at all. */
  clean?: boolean;
  /** Anything else to hold the analysis to. */
  check?: (a: Analysis, text: string) => void;
}

const CASES: Case[] = [
  // ------------------------------------------------------------------ validity
  {
    name: 'cert-expired: a client certificate one day past notAfter',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.expired.pem)}⟧\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    raises: [
      {
        code: 'cert-expired',
        says: ['O=dev,CN=jane', 'expired on 2026-11-20 00:00 UTC', '1 day ago'],
        where: 'users[alice].client-certificate-data',
        data: { index: 0, subject: 'O=dev,CN=jane' },
      },
    ],
    not: ['cert-expiring-soon', 'cert-not-yet-valid', 'key-mismatch'],
  },
  {
    name: 'cert-expired: not at notAfter itself (Go: valid through notAfter)',
    input: (p) => config(certLine(p.client('CN=edge', { notAfter: new Date(NOW) })), caLines(p)),
    raises: [{ code: 'cert-expiring-soon', at: null, says: ['CN=edge'] }],
    not: ['cert-expired'],
  },
  {
    name: 'cert-expired: an expired CA in certificate-authority-data',
    input: (p) => config(certLine(p.fromExpiredCa), `    certificate-authority-data: ⟦${b64(p.expiredCa.pem)}⟧\n${SERVER}`),
    raises: [{ code: 'cert-expired', says: ['CA certificate CN=old-ca', 'expired on 2023-01-01'], where: 'clusters[prod].certificate-authority-data' }],
  },
  {
    name: 'cert-expired: the second certificate of a CA bundle',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ⟦${b64(p.ca.pem + p.expiredCa.pem)}⟧\n${SERVER}`),
    raises: [{ code: 'cert-expired', says: ['CN=old-ca (certificate 2 of 2)'], data: { index: 1 } }],
    not: ['chain-untrusted'],
  },
  {
    name: 'cert-expired: severities override turns it into a warning',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.expired.pem)}⟧`, caLines(p)),
    options: () => ({ severities: { 'cert-expired': 'warning' } }),
    raises: [{ code: 'cert-expired', severity: 'warning' }],
  },
  {
    name: 'cert-not-yet-valid: notBefore five days ahead',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=future', { notBefore: day(5), notAfter: day(400) }).pem)}⟧`, caLines(p)),
    raises: [{ code: 'cert-not-yet-valid', says: ['CN=future', 'not valid until 2026-11-26'] }],
    not: ['cert-expired', 'cert-expiring-soon'],
  },
  {
    name: 'cert-not-yet-valid: not for notBefore yesterday',
    input: (p) => config(certLine(p.client('CN=fresh', { notBefore: day(-1), notAfter: day(400) })), caLines(p)),
    clean: true,
  },
  {
    name: 'cert-expiring-soon: 29 days left with warnDays 30',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=soon', { notAfter: day(29) }).pem)}⟧`, caLines(p)),
    options: () => ({ warnDays: 30 }),
    raises: [{ code: 'cert-expiring-soon', says: ['CN=soon', 'expires on 2026-12-20', 'in 29 days'] }],
  },
  {
    name: 'cert-expiring-soon: not with 31 days left and warnDays 30',
    input: (p) => config(certLine(p.client('CN=later', { notAfter: day(31) })), caLines(p)),
    options: () => ({ warnDays: 30 }),
    clean: true,
  },
  {
    name: 'cert-expiring-soon: the default threshold is 30 days',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=soon', { notAfter: day(29) }).pem)}⟧`, caLines(p)),
    raises: [{ code: 'cert-expiring-soon' }],
  },
  {
    name: 'cert-expiring-soon: warnDays 7 does not warn 10 days ahead',
    input: (p) => config(certLine(p.client('CN=ten', { notAfter: day(10) })), caLines(p)),
    options: () => ({ warnDays: 7 }),
    not: ['cert-expiring-soon'],
  },
  {
    name: 'cert-expiring-soon: warnDays 60 warns 31 days ahead',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=later', { notAfter: day(31) }).pem)}⟧`, caLines(p)),
    options: () => ({ warnDays: 60 }),
    raises: [{ code: 'cert-expiring-soon', says: ['CN=later'] }],
  },

  // ------------------------------------------------------------------ chains
  {
    name: 'chain-untrusted: client certificate from another CA',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.fromOther.pem)}⟧`, caLines(p)),
    raises: [
      {
        code: 'chain-untrusted',
        says: ['CN=mallory', 'CN=other-ca', 'CN=kubernetes'],
        where: 'users[alice].client-certificate-data',
        data: { context: 'prod' },
      },
    ],
  },
  {
    name: 'chain-untrusted: a valid client certificate whose CA expired',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.fromExpiredCa.pem)}⟧`, `    certificate-authority-data: ⟦${b64(p.expiredCa.pem)}⟧\n${SERVER}`),
    raises: [
      { code: 'chain-untrusted', at: 1, says: ['CN=carol', 'runs through CN=old-ca', 'expired on 2023-01-01'] },
      { code: 'cert-expired', at: 0, says: ['CN=old-ca'] },
    ],
  },
  {
    name: 'chain-untrusted: not for a client certificate the cluster CA issued',
    input: (p) => config(`${certLine(p.admin)}\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    clean: true,
  },
  {
    name: 'chain-untrusted: not for a k3s-style client chain (leaf + its self-signed client CA) in client-certificate-data',
    input: (p) =>
      config(`    client-certificate-data: ${b64(p.k3sAdmin.pem + p.clientCa.pem)}\n    client-key-data: ${b64(keyPem(ec(2), 'sec1'))}`, caLines(p)),
    raises: [{ code: 'superuser-group', says: ['O=system:masters,CN=system:admin'] }],
    not: ['chain-untrusted', 'not-a-ca', 'key-mismatch', 'weak-signature'],
  },
  {
    name: 'chain-untrusted: not when certificate-authority-data holds both the server CA and the client CA',
    input: (p) => config(`    client-certificate-data: ${b64(p.k3sAdmin.pem)}`, `    certificate-authority-data: ${b64(p.ca.pem + p.clientCa.pem)}\n${SERVER}`),
    not: ['chain-untrusted', 'not-a-ca'],
  },
  {
    name: 'chain-untrusted: not for a leaf + intermediate chain up to the cluster CA',
    input: (p) => config(`    client-certificate-data: ${b64(p.viaIntermediate.pem + p.intermediate.pem)}`, caLines(p)),
    clean: true,
  },

  // ------------------------------------------------------------------ keys
  {
    name: 'key-mismatch: RSA PKCS#1 key of another certificate',
    input: (p) => config(`${certLine(p.admin)}\n    client-key-data: ⟦${b64(p.otherKeyPem)}⟧`, caLines(p)),
    raises: [{ code: 'key-mismatch', says: ['O=kubeadm:cluster-admins,CN=admin', 'RSA 2048'], where: 'users[alice].client-key-data' }],
  },
  {
    name: 'key-mismatch: not for the matching RSA PKCS#1 key',
    input: (p) => config(`${certLine(p.admin)}\n${keyLine(keyPem(rsa(3), 'pkcs1'))}`, caLines(p)),
    clean: true,
  },
  {
    name: 'key-mismatch: RSA PKCS#8 key of another certificate',
    input: (p) => config(`${certLine(p.admin)}\n    client-key-data: ⟦${b64(keyPem(rsa(4), 'pkcs8'))}⟧`, caLines(p)),
    raises: [{ code: 'key-mismatch', says: ['CN=admin'] }],
  },
  {
    name: 'key-mismatch: not for the matching RSA PKCS#8 key',
    input: (p) => config(`${certLine(p.admin)}\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    not: ['key-mismatch'],
  },
  {
    name: 'key-mismatch: EC SEC1 key of another certificate',
    input: (p) => config(`${certLine(p.ecLeaf)}\n    client-key-data: ⟦${b64(keyPem(ec(4), 'sec1'))}⟧`, caLines(p)),
    raises: [{ code: 'key-mismatch', says: ['CN=ec-user', 'ECDSA P-256'] }],
  },
  {
    name: 'key-mismatch: not for the matching EC key, SEC1 or PKCS#8',
    input: (p) => config(`${certLine(p.ecLeaf)}\n${keyLine(keyPem(ec(3), 'sec1'))}`, caLines(p)),
    clean: true,
  },
  {
    name: 'key-mismatch: not for the matching EC PKCS#8 key',
    input: (p) => config(`${certLine(p.ecLeaf)}\n${keyLine(keyPem(ec(3), 'pkcs8'))}`, caLines(p)),
    clean: true,
  },
  {
    name: 'key-mismatch: Ed25519 key of another certificate',
    input: (p) => config(`${certLine(p.edLeaf)}\n    client-key-data: ⟦${b64(keyPem(ed(4), 'pkcs8'))}⟧`, caLines(p)),
    raises: [{ code: 'key-mismatch', says: ['CN=ed-user', 'Ed25519'] }],
  },
  {
    name: 'key-mismatch: not for the matching Ed25519 key',
    input: (p) => config(`${certLine(p.edLeaf)}\n${keyLine(keyPem(ed(3), 'pkcs8'))}`, caLines(p)),
    clean: true,
  },
  {
    name: 'key-mismatch: an RSA key beside an Ed25519 certificate',
    input: (p) => config(`${certLine(p.edLeaf)}\n    client-key-data: ⟦${b64(p.adminKeyPem)}⟧`, caLines(p)),
    raises: [{ code: 'key-mismatch', says: ['CN=ed-user'] }],
  },
  {
    name: 'key-mismatch: Secret tls.key does not belong to tls.crt',
    input: (p) => secret('web-tls', 'web', `data:\n  tls.crt: ${b64(p.shop.pem)}\n  tls.key: ⟦${b64(p.otherKeyPem)}⟧`),
    raises: [{ code: 'key-mismatch', says: ['CN=shop.example.com'], where: 'Secret[web/web-tls].data[tls.key]' }],
  },
  {
    name: 'key-mismatch: not for a Secret whose tls.key matches',
    input: (p) => secret('web-tls', 'web', `data:\n  tls.crt: ${b64(p.shop.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`),
    clean: true,
  },

  {
    name: "key-mismatch: calico-etcd-secrets' etcd-key belongs to no certificate of its Secret",
    input: (p) =>
      secret('calico-etcd-secrets', 'kube-system', `data:\n  etcd-ca: ${b64(p.ca.pem)}\n  etcd-cert: ${b64(p.shop.pem)}\n  etcd-key: ⟦${b64(p.otherKeyPem)}⟧`),
    raises: [{ code: 'key-mismatch', says: ['etcd-cert (CN=shop.example.com)'], where: 'Secret[kube-system/calico-etcd-secrets].data[etcd-key]' }],
  },
  {
    name: 'key-mismatch: not when etcd-key matches etcd-cert (the CA beside them is not a candidate)',
    input: (p) =>
      secret('calico-etcd-secrets', 'kube-system', `data:\n  etcd-ca: ${b64(p.ca.pem)}\n  etcd-cert: ${b64(p.shop.pem)}\n  etcd-key: ${b64(p.adminKeyPem)}`),
    clean: true,
  },

  // ------------------------------------------------------------------ PEM as Go reads it
  {
    name: 'pem-malformed: base64 of a PEM whose line breaks became spaces (a folded plain value, encoded)',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.admin.pem.trim().replace(/\n/g, ' ') + '\n')}⟧\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    raises: [
      {
        code: 'pem-malformed',
        says: ["Go's encoding/pem", 'CERTIFICATE', 'line breaks were lost', 'tls: failed to find any PEM data'],
        data: { rebuild: true },
      },
    ],
    not: ['not-a-certificate', 'key-mismatch'],
  },
  {
    name: 'pem-malformed: an END line with text after it on the same line',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.admin.pem.trim() + ' trailing\n')}⟧\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    raises: [{ code: 'pem-malformed', says: ['text follows "-----END CERTIFICATE-----"'] }],
  },
  {
    name: 'pem-malformed: not for CRLF line breaks, trailing spaces on lines, or a body wrapped at 76',
    input: (p) => {
      const body = p.admin.der.toString('base64').replace(/.{76}/g, '$&\r\n');
      const crlf = `-----BEGIN CERTIFICATE----- \t\r\n${body}\r\n-----END CERTIFICATE-----  \r\n`;
      return config(`    client-certificate-data: ${b64(crlf)}\n${keyLine(p.adminKeyPem)}`, caLines(p));
    },
    clean: true,
  },

  // ------------------------------------------------------------------ identity
  {
    name: 'group-in-ou: OU=system:nodes without O',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=system:node:n1,OU=system:nodes').pem)}⟧`, caLines(p)),
    raises: [{ code: 'group-in-ou', says: ['"system:nodes"', 'OU'], data: { group: 'system:nodes' } }],
  },
  {
    name: 'group-in-ou: not for O=system:nodes',
    input: (p) => config(certLine(p.client('CN=system:node:n1,O=system:nodes')), caLines(p)),
    clean: true,
  },
  {
    name: 'group-in-ou: not when the group is in O as well as OU, nor for an ordinary OU',
    input: (p) => config(certLine(p.client('CN=system:node:n1,O=system:nodes,OU=system:nodes,OU=Platform Team')), caLines(p)),
    clean: true,
  },
  {
    name: 'superuser-group: O=system:masters',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=root,O=system:masters').pem)}⟧`, caLines(p)),
    raises: [{ code: 'superuser-group', says: ['O=system:masters,CN=root'], where: 'users[alice].client-certificate-data' }],
  },
  {
    name: 'superuser-group: not for O=kubeadm:cluster-admins',
    input: (p) => config(certLine(p.admin), caLines(p)),
    clean: true,
  },
  {
    name: 'missing-client-auth: a serving certificate used as a client certificate',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=web', { extKeyUsage: ['serverAuth'] }).pem)}⟧`, caLines(p)),
    raises: [{ code: 'missing-client-auth', says: ['CN=web', 'serverAuth'] }],
  },
  {
    name: 'missing-client-auth: not for clientAuth+serverAuth',
    input: (p) => config(certLine(p.client('CN=both', { extKeyUsage: ['clientAuth', 'serverAuth'] })), caLines(p)),
    clean: true,
  },
  {
    name: 'missing-client-auth: not for a certificate without extended key usage (any usage allowed)',
    input: (p) => config(certLine(p.client('CN=any', { extKeyUsage: undefined })), caLines(p)),
    clean: true,
  },

  // ------------------------------------------------------------------ CA fields
  {
    name: 'not-a-ca: a leaf (CA:FALSE) in certificate-authority-data',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ⟦${b64(p.client('CN=not-a-ca', { ca: false }).pem)}⟧\n${SERVER}`),
    raises: [{ code: 'not-a-ca', says: ['CN=not-a-ca', 'CA:FALSE'], where: 'clusters[prod].certificate-authority-data' }],
  },
  {
    name: 'not-a-ca: a leaf without basicConstraints in a webhook caBundle',
    input: (p) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: policy.example.com
  clientConfig:
    caBundle: ⟦${b64(p.shop.pem)}⟧
    service: {name: policy, namespace: policy}
`,
    raises: [
      {
        code: 'not-a-ca',
        says: ['CN=shop.example.com', 'no basicConstraints'],
        where: 'ValidatingWebhookConfiguration[policy].webhooks[policy.example.com].clientConfig.caBundle',
      },
    ],
  },
  {
    name: 'not-a-ca: not for a self-signed server certificate pinned in certificate-authority-data',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.selfSigned('CN=pinned', { sans: ['IP:192.0.2.10'] }).pem)}\n${SERVER}`),
    not: ['not-a-ca', 'san-mismatch'],
  },

  // ------------------------------------------------------------------ strength
  {
    name: 'weak-key: an RSA 1024 client certificate',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.weakLeaf.pem)}⟧`, caLines(p)),
    raises: [{ code: 'weak-key', says: ['CN=legacy', '1024-bit'] }],
  },
  {
    name: 'weak-key: an RSA 1024 private key',
    input: (p) => config(`${certLine(p.weakLeaf)}\n    client-key-data: ⟦${b64(keyPem(sharedKey({ type: 'rsa', bits: 1024 }, 1), 'pkcs1'))}⟧`, caLines(p)),
    raises: [{ code: 'weak-key', says: ['RSA 1024'] }],
    not: ['key-mismatch'],
  },
  {
    name: 'weak-key: severities { weak-key: off } drops it',
    input: (p) => config(certLine(p.weakLeaf), caLines(p)),
    options: () => ({ severities: { 'weak-key': 'off' } }),
    clean: true,
  },
  {
    name: 'weak-key: not for RSA 2048',
    input: (p) => config(certLine(p.admin), caLines(p)),
    not: ['weak-key'],
  },
  {
    name: 'weak-signature: sha1WithRSAEncryption',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=sha1-user', { hash: 'sha1' }).pem)}⟧`, caLines(p)),
    raises: [{ code: 'weak-signature', says: ['CN=sha1-user', 'sha1WithRSAEncryption'] }],
  },
  {
    name: 'weak-signature: md5WithRSAEncryption',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.client('CN=md5-user', { hash: 'md5' }).pem)}⟧`, caLines(p)),
    raises: [{ code: 'weak-signature', says: ['CN=md5-user', 'md5WithRSAEncryption'] }],
  },
  {
    name: 'weak-signature: ecdsa-with-SHA1',
    input: (p) =>
      config(
        `    client-certificate-data: ⟦${b64(buildCert({ subject: 'CN=ec-sha1', key: ec(3), issuer: p.clientCa, notBefore: day(-10), notAfter: day(300), hash: 'sha1' }).pem)}⟧`,
        caLines(p),
      ),
    raises: [{ code: 'weak-signature', says: ['ecdsa-with-SHA1'] }],
  },
  {
    name: 'weak-signature: not for sha256, nor for a self-signed SHA-1 root (nobody checks its signature)',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.sha1Ca.pem)}\n${SERVER}`),
    not: ['weak-signature'],
  },

  // ------------------------------------------------------------------ names
  {
    name: 'san-mismatch: --server-cert does not cover the server IP',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: ⟦https://192.0.2.10:6443⟧`),
    options: (p) => ({ serverCertificate: cert(p.apiserverNoIp) }),
    raises: [{ code: 'san-mismatch', says: ['"192.0.2.10"', 'DNS:kubernetes', 'IP:10.96.0.1'], where: 'clusters[prod].server', data: { host: '192.0.2.10' } }],
  },
  {
    name: 'san-mismatch: not when --server-cert covers the server IP',
    input: (p) => config(certLine(p.admin), caLines(p)),
    options: (p) => ({ serverCertificate: cert(p.apiserver) }),
    clean: true,
  },
  {
    name: 'san-mismatch: not when tls-server-name is covered',
    input: (p) => config(certLine(p.admin), `${caLines(p)}\n    tls-server-name: kubernetes.default`),
    options: (p) => ({ serverCertificate: cert(p.apiserverNoIp) }),
    clean: true,
  },
  {
    name: 'san-mismatch: tls-server-name that is not covered',
    input: (p) =>
      config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: ⟦https://192.0.2.10:6443⟧\n    tls-server-name: api.internal`),
    options: (p) => ({ serverCertificate: cert(p.apiserver) }),
    raises: [{ code: 'san-mismatch', says: ['"api.internal"', 'tls-server-name'] }],
  },
  {
    name: 'san-mismatch: *.example.com covers api.example.com (a DNS server name)',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: https://api.example.com:6443`),
    options: (p) => ({ serverCertificate: cert(p.wildcard) }),
    not: ['san-mismatch'],
  },
  {
    name: 'san-mismatch: *.example.com does not cover api.prod.example.com',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: ⟦https://api.prod.example.com:6443⟧`),
    options: (p) => ({ serverCertificate: cert(p.wildcard) }),
    raises: [{ code: 'san-mismatch', says: ['"api.prod.example.com"'] }],
  },
  {
    name: 'san-mismatch: an IPv6 server in brackets matches its IP SAN',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: https://[2001:db8::10]:6443`),
    options: (p) => ({ serverCertificate: cert(p.serving('CN=v6', ['IP:2001:db8:0:0:0:0:0:10'])) }),
    clean: true,
  },
  {
    name: 'san-mismatch: a pinned self-signed server certificate that does not cover the server',
    input: (p) =>
      config(
        certLine(p.admin),
        `    certificate-authority-data: ${b64(p.selfSigned('CN=pinned', { sans: ['DNS:localhost', 'IP:127.0.0.1'] }).pem)}\n    server: ⟦https://192.0.2.10:6443⟧`,
      ),
    raises: [{ code: 'san-mismatch', says: ['"192.0.2.10"', 'CN=pinned', 'DNS:localhost'] }],
    not: ['not-a-ca'],
  },
  {
    name: 'san-mismatch: Ingress host a.b.example.com is not covered by *.example.com; a.example.com is',
    input: (p) =>
      secret('web-tls', 'web', `data:\n  tls.crt: ${b64(p.wildcard.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`) +
      `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: web
spec:
  tls:
  - hosts:
    - a.example.com
    - ⟦a.b.example.com⟧
    secretName: web-tls
  rules:
  - host: a.example.com
`,
    raises: [
      {
        code: 'san-mismatch',
        says: ['"a.b.example.com"', 'web-tls', 'DNS:*.example.com'],
        where: 'Ingress[web/web].spec.tls.hosts',
        data: { host: 'a.b.example.com' },
      },
    ],
    check: (a) => assert.equal(a.findings.filter((f) => f.code === 'san-mismatch').length, 1, 'a.example.com is covered'),
  },
  {
    name: 'san-mismatch: Ingress host covered exactly (no wildcard), and a wildcard host by the same wildcard',
    input: (p) =>
      secret('shop-tls', 'web', `data:\n  tls.crt: ${b64(p.shop.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`) +
      secret('wild-tls', 'web', `data:\n  tls.crt: ${b64(p.wildcard.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`).replace(/^/, '---\n') +
      `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: web}
spec:
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
  - hosts: ['*.example.com']
    secretName: wild-tls
`,
    clean: true,
  },
  {
    name: 'san-mismatch: not against a same-named Secret of another namespace',
    input: (p) =>
      secret('web-tls', 'other', `data:\n  tls.crt: ${b64(p.shop.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`) +
      `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: web}
spec:
  tls:
  - hosts: [blog.example.org]
    secretName: web-tls
`,
    not: ['san-mismatch'],
  },

  // ------------------------------------------------------------------ encodings
  {
    name: 'invalid-base64: a "*" inside the value',
    input: (p) => config('    client-certificate-data: ⟦LS0tLS1CRUdJTi*BDRVJU⟧', caLines(p)),
    raises: [{ code: 'invalid-base64', says: ['"*"', 'character 15'], where: 'users[alice].client-certificate-data' }],
  },
  {
    name: 'invalid-base64: missing "=" padding',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.admin.pem).slice(0, -1)}⟧`, caLines(p)),
    raises: [{ code: 'invalid-base64', says: ['multiple of 4'] }],
  },
  {
    name: 'invalid-base64: a plain multi-line scalar folds its line breaks into spaces (join: true), and is still read',
    input: (p) =>
      config(
        `    client-certificate-data: ⟦${b64(p.expired.pem)
          .match(/.{1,64}/g)!
          .join('\n      ')}⟧`,
        caLines(p),
      ),
    raises: [
      { code: 'invalid-base64', says: ['a space', 'whitespace'], data: { join: true } },
      { code: 'cert-expired', says: ['CN=jane'] },
    ],
  },
  {
    name: 'invalid-base64: not for base64 split over lines in a literal block scalar (Go skips newlines)',
    input: (p) =>
      config(
        `    client-certificate-data: |\n      ${b64(p.admin.pem)
          .match(/.{1,64}/g)!
          .join('\n      ')}`,
        caLines(p),
      ),
    clean: true,
    check: (a) => assert.equal(a.certificates.filter((c) => c.site.role === 'client-certificate').length, 1),
  },
  {
    name: 'pem-not-base64: raw PEM in certificate-authority-data',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ⟦|\n      ${block(p.ca.pem, 6)}⟧\n${SERVER}`),
    raises: [{ code: 'pem-not-base64', says: ['base64'], where: 'clusters[prod].certificate-authority-data' }],
    check: (a) => assert.equal(a.certificates.filter((c) => c.site.role === 'cluster-ca').length, 1, 'the PEM is still read'),
  },
  {
    name: 'pem-not-base64: raw PEM in Secret data',
    input: (p) => secret('web-tls', 'web', `data:\n  tls.crt: ⟦|\n    ${block(p.shop.pem, 4)}⟧\n  tls.key: ${b64(p.adminKeyPem)}`),
    raises: [{ code: 'pem-not-base64', where: 'Secret[web/web-tls].data[tls.crt]' }],
  },
  {
    name: 'pem-not-base64: not for PEM in Secret stringData',
    input: (p) => secret('web-tls', 'web', `stringData:\n  tls.crt: |\n    ${block(p.shop.pem, 4)}\n  tls.key: |\n    ${block(p.adminKeyPem, 4)}`),
    clean: true,
    check: (a) =>
      assert.deepEqual(
        a.certificates.map((c) => c.site.where),
        ['Secret[web/web-tls].stringData[tls.crt]'],
      ),
  },
  {
    name: 'not-a-certificate: base64 of plain text in client-certificate-data',
    input: (p) => config(`    client-certificate-data: ⟦${b64('hello, kubernetes\n')}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['18 bytes', 'no PEM block'] }],
  },
  {
    name: 'not-a-certificate: a private key in client-certificate-data (its content not shown)',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.adminKeyPem)}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['private key', 'the client certificate'] }],
  },
  {
    name: 'not-a-certificate: a certificate in client-key-data',
    input: (p) => config(`${certLine(p.admin)}\n    client-key-data: ⟦${b64(p.admin.pem)}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['No private key', 'CERTIFICATE'], where: 'users[alice].client-key-data' }],
  },
  {
    name: 'not-a-certificate: DER instead of PEM (still decoded)',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.admin.der)}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['DER'] }],
    check: (a) => assert.equal(a.certificates.length, 2),
  },
  {
    name: 'not-a-certificate: a truncated PEM block',
    input: (p) => config(`    client-certificate-data: ⟦${b64(p.admin.pem.slice(0, 200))}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['CERTIFICATE'] }],
  },
  {
    name: 'not-a-certificate: a PEM block whose DER is corrupt',
    input: (p) => config(`    client-certificate-data: ⟦${b64(pem('CERTIFICATE', Buffer.concat([p.admin.der.subarray(0, 100)])))}⟧`, caLines(p)),
    raises: [{ code: 'not-a-certificate', says: ['cannot be read'] }],
  },
  {
    name: 'not-a-certificate: not for ordinary Secret values (passwords are not certificates)',
    input: () => secret('db', 'default', `data:\n  password: ${b64('s3cr3t')}\n  username: ${b64('admin')}`, 'Opaque'),
    clean: true,
  },

  // ------------------------------------------------------------------ references
  {
    name: 'unknown-context: current-context names no context',
    input: (p) => config(certLine(p.admin), caLines(p)).replace('current-context: prod', 'current-context: ⟦staging⟧'),
    raises: [{ code: 'unknown-context', says: ['"staging"', 'prod'], where: 'current-context' }],
  },
  {
    name: 'unknown-context: not for an empty current-context',
    input: (p) => config(certLine(p.admin), caLines(p)).replace('current-context: prod', 'current-context: ""'),
    clean: true,
  },
  {
    name: 'unknown-cluster: a context names a missing cluster',
    input: (p) => config(certLine(p.admin), caLines(p)).replace('    cluster: prod', '    cluster: ⟦prdo⟧'),
    raises: [{ code: 'unknown-cluster', says: ['"prdo"', 'prod'], where: 'contexts[prod].cluster', data: { name: 'prdo' } }],
    not: ['unknown-user'],
  },
  {
    name: 'unknown-user: a context names a missing user',
    input: (p) => config(certLine(p.admin), caLines(p)).replace('    user: alice', '    user: ⟦bob⟧'),
    raises: [{ code: 'unknown-user', says: ['"bob"', 'alice'], where: 'contexts[prod].user' }],
    not: ['unknown-cluster'],
  },
  {
    name: 'unknown-cluster / unknown-user: not when both exist',
    input: (p) => config(certLine(p.admin), caLines(p)),
    not: ['unknown-cluster', 'unknown-user', 'unknown-context'],
  },
  {
    name: 'duplicate-name: two users named alice',
    input: (p) => config(certLine(p.admin), caLines(p), `- name: ⟦alice⟧\n  user:\n    token: abc\n`),
    raises: [{ code: 'duplicate-name', says: ['"alice"', 'user'], data: { kind: 'user', name: 'alice', suggestion: 'alice-2' } }],
  },
  {
    name: 'duplicate-name: not for alice and alice-2',
    input: (p) => config(certLine(p.admin), caLines(p), `- name: alice-2\n  user:\n    token: abc\n`),
    clean: true,
  },
  {
    name: 'insecure-with-ca: insecure-skip-tls-verify with certificate-authority-data',
    input: (p) => config(certLine(p.admin), `${caLines(p)}\n    insecure-skip-tls-verify: ⟦true⟧`),
    raises: [{ code: 'insecure-with-ca', says: ['"prod"', 'insecure-skip-tls-verify'], where: 'clusters[prod].insecure-skip-tls-verify' }],
  },
  {
    name: 'insecure-with-ca: not without a CA',
    input: (p) => config(certLine(p.admin), `${SERVER}\n    insecure-skip-tls-verify: true`),
    not: ['insecure-with-ca'],
  },
  {
    name: 'insecure-with-ca: not with insecure-skip-tls-verify: false',
    input: (p) => config(certLine(p.admin), `${caLines(p)}\n    insecure-skip-tls-verify: false`),
    clean: true,
  },
  {
    name: 'conflicting-ca-source: both certificate-authority and certificate-authority-data',
    input: (p) => config(certLine(p.admin), `${caLines(p)}\n    ⟦certificate-authority⟧: /etc/kubernetes/pki/ca.crt`),
    options: (p) => ({ host: memHost({ '/etc/kubernetes/pki/ca.crt': p.ca.pem }) }),
    raises: [{ code: 'conflicting-ca-source', says: ['/etc/kubernetes/pki/ca.crt', '"prod"'], where: 'clusters[prod].certificate-authority' }],
    not: ['missing-file'],
  },
  {
    name: 'conflicting-ca-source: not for certificate-authority alone',
    input: () => config('    token: abc', `    certificate-authority: /etc/kubernetes/pki/ca.crt\n${SERVER}`),
    options: (p) => ({ host: memHost({ '/etc/kubernetes/pki/ca.crt': p.ca.pem }) }),
    clean: true,
  },
  {
    name: 'missing-file: an absolute certificate-authority path that does not exist',
    input: () => config('    token: abc', `    certificate-authority: ⟦/etc/kubecert/missing-ca.crt⟧\n${SERVER}`),
    options: () => ({ host: memHost({}) }),
    raises: [{ code: 'missing-file', says: ['/etc/kubecert/missing-ca.crt', 'no such file'], where: 'clusters[prod].certificate-authority' }],
  },
  {
    name: "missing-file: a relative client-certificate path resolves against the kubeconfig's folder",
    input: () => config('    client-certificate: ⟦certs/alice.crt⟧\n    client-key: certs/alice.key', caLines(P())),
    options: (p) => ({ path: '/home/alice/.kube/config', host: memHost({ '/home/alice/.kube/certs/alice.key': p.adminKeyPem }) }),
    raises: [{ code: 'missing-file', says: ['certs/alice.crt', '/home/alice/.kube/certs/alice.crt'], data: { path: '/home/alice/.kube/certs/alice.crt' } }],
  },
  {
    name: 'missing-file: not when the relative files exist (and they are read: the certificate is judged)',
    input: () => config('    client-certificate: ⟦../pki/alice.crt⟧\n    client-key: ../pki/alice.key', caLines(P())),
    options: (p) => ({
      path: '/home/alice/.kube/config',
      host: memHost({ '/home/alice/pki/alice.crt': p.expired.pem, '/home/alice/pki/alice.key': p.adminKeyPem }),
    }),
    raises: [{ code: 'cert-expired', says: ['CN=jane'], where: 'users[alice].client-certificate' }],
    not: ['missing-file', 'key-mismatch'],
  },
  {
    name: 'missing-file: a relative path in an unsaved document has no folder to resolve against',
    input: () => config('    client-certificate: ⟦alice.crt⟧', caLines(P())),
    options: () => ({ host: memHost({ '/alice.crt': 'x' }) }),
    raises: [{ code: 'missing-file', says: ['alice.crt'] }],
  },
  {
    name: 'insecure-server-url: plain http://',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: ⟦http://192.0.2.10:8080⟧`),
    raises: [{ code: 'insecure-server-url', says: ['http://'], where: 'clusters[prod].server', data: { https: true } }],
  },
  {
    name: 'insecure-server-url: something that is no URL at all',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: ⟦https://⟧`),
    raises: [{ code: 'insecure-server-url', says: ['"https://"'] }],
  },
  {
    name: 'insecure-server-url: not for https://',
    input: (p) => config(certLine(p.admin), caLines(p)),
    not: ['insecure-server-url'],
  },
  {
    // client-go's DefaultServerURL puts https:// in front of a bare host:port when the cluster has TLS settings.
    name: 'insecure-server-url: not for a bare host:port with a CA (kubectl uses https://)',
    input: (p) => config(certLine(p.admin), `    certificate-authority-data: ${b64(p.ca.pem)}\n    server: 192.0.2.10:6443`),
    not: ['insecure-server-url'],
  },

  // ------------------------------------------------------------------ CertificateSigningRequests
  {
    name: 'csr-subject-mismatch: not for a correct kubelet client CSR',
    input: () =>
      csrObject(KUBELET_CLIENT, ['digital signature', 'client auth'], b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem)),
    clean: true,
  },
  {
    name: 'csr-subject-mismatch: kubelet client CSR with the wrong O',
    input: () =>
      csrObject(KUBELET_CLIENT, ['digital signature', 'client auth'], `⟦${b64(buildCsr({ subject: 'CN=system:node:n1,O=system:node', key: ec(6) }).pem)}⟧`),
    raises: [
      {
        code: 'csr-subject-mismatch',
        says: ['O=system:node,CN=system:node:n1', KUBELET_CLIENT, 'O must be exactly system:nodes'],
        where: 'CertificateSigningRequest[node-csr-abc].spec.request',
      },
    ],
  },
  {
    name: 'csr-subject-mismatch: kubelet client CSR asking for server auth',
    input: () =>
      csrObject(
        KUBELET_CLIENT,
        ['digital signature', 'client auth', 'server auth'],
        `⟦${b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem)}⟧`,
      ),
    raises: [{ code: 'csr-subject-mismatch', says: ['"server auth"'] }],
  },
  {
    name: 'csr-subject-mismatch: kubelet client CSR without client auth',
    input: () => csrObject(KUBELET_CLIENT, ['digital signature'], `⟦${b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem)}⟧`),
    raises: [{ code: 'csr-subject-mismatch', says: ['"client auth"'] }],
  },
  {
    name: 'csr-subject-mismatch: kubelet-serving CSR without any DNS or IP name',
    input: () =>
      csrObject(
        'kubernetes.io/kubelet-serving',
        ['digital signature', 'server auth'],
        `⟦${b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem)}⟧`,
      ),
    raises: [{ code: 'csr-subject-mismatch', says: ['at least one DNS or IP name'] }],
  },
  {
    name: 'csr-subject-mismatch: not for a kubelet-serving CSR with DNS and IP names',
    input: () =>
      csrObject(
        'kubernetes.io/kubelet-serving',
        ['digital signature', 'key encipherment', 'server auth'],
        b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6), sans: ['DNS:n1', 'IP:10.0.0.11'] }).pem),
      ),
    clean: true,
  },
  {
    name: 'csr-subject-mismatch: kube-apiserver-client CSR for O=system:masters (and superuser-group on the request)',
    input: () =>
      csrObject('kubernetes.io/kube-apiserver-client', ['client auth'], `⟦${b64(buildCsr({ subject: 'CN=ops,O=system:masters', key: ec(6) }).pem)}⟧`),
    raises: [
      { code: 'csr-subject-mismatch', says: ['O=system:masters', 'CertificateSubjectRestriction'] },
      { code: 'superuser-group', says: ['request for O=system:masters,CN=ops'] },
    ],
  },
  {
    name: 'csr-subject-mismatch: a request whose signature does not verify',
    input: () => {
      const der = Buffer.from(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).der);
      der[der.length - 3] ^= 0x01;
      return csrObject(KUBELET_CLIENT, ['digital signature', 'client auth'], `⟦${b64(pem('CERTIFICATE REQUEST', der))}⟧`);
    },
    raises: [{ code: 'csr-subject-mismatch', says: ['signature does not verify'] }],
  },
  {
    name: 'csr-subject-mismatch: not for a signer Kubecert has no rules for',
    input: () => csrObject('example.com/custom', ['server auth'], b64(buildCsr({ subject: 'CN=anything', key: ec(6) }).pem)),
    clean: true,
  },
  {
    name: 'CSR status.certificate is judged like any certificate',
    input: (p) =>
      csrObject(
        KUBELET_CLIENT,
        ['digital signature', 'client auth'],
        b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem),
        `status:\n  certificate: ⟦${b64(p.expired.pem)}⟧\n`,
      ),
    raises: [{ code: 'cert-expired', says: ['CN=jane'], where: 'CertificateSigningRequest[node-csr-abc].status.certificate' }],
  },

  // ------------------------------------------------------------------ YAML and limits
  {
    name: 'yaml-syntax: a tab used as indentation',
    input: () => `apiVersion: v1\nkind: Config\nclusters:\n⟦\t⟧- name: x\n`,
    raises: [{ code: 'yaml-syntax', says: ['Tab'] }],
  },
  {
    name: 'yaml-syntax: an unterminated quote; the rest of the document is still analysed',
    input: (p) => `${config(`    client-certificate-data: ⟦${b64(p.expired.pem)}⟧`, caLines(p))}preferences: "unterminated\n`,
    raises: [
      { code: 'yaml-syntax', at: null, says: ['quote'] },
      { code: 'cert-expired', says: ['CN=jane'] },
    ],
  },
  {
    name: 'yaml-syntax: one broken document of a stream does not hide the others',
    input: (p) => `kind: ConfigMap\ndata: {a: 1\n---\n${secret('web-tls', 'web', `data:\n  tls.crt: ⟦${b64(p.expired.pem)}⟧`)}`,
    raises: [
      { code: 'yaml-syntax', at: null },
      { code: 'cert-expired', where: 'Secret[web/web-tls].data[tls.crt]' },
    ],
  },
  {
    name: 'yaml-syntax: not for duplicate keys (Go keeps the last) nor for a valid document',
    input: (p) => config(certLine(p.admin), caLines(p)) + 'preferences: {}\n',
    clean: true,
  },
  {
    name: 'input-limit: flow nesting deeper than LIMITS.maxDepth',
    input: () => `a: ${'['.repeat(LIMITS.maxDepth)}⟦[⟧${']'.repeat(LIMITS.maxDepth + 1)}\n`,
    raises: [{ code: 'input-limit', says: [String(LIMITS.maxDepth)] }],
    check: (a) => assert.equal(a.kind, 'none'),
  },
  {
    name: 'input-limit: block nesting deeper than the limit',
    input: () => {
      const lines = ['a:'];
      for (let i = 1; i <= LIMITS.maxDepth + 1; i++) lines.push(`${' '.repeat(2 * i)}k${i}:`);
      const text = lines.join('\n') + ' x\n';
      const cut = text.indexOf(`k${LIMITS.maxDepth + 1}:`) - 2 * (LIMITS.maxDepth + 1);
      return `${text.slice(0, cut)}⟦${text[cut]}⟧${text.slice(cut + 1)}`;
    },
    raises: [{ code: 'input-limit' }],
  },
  {
    name: 'input-limit: not for ordinary nesting',
    input: () => `a: ${'['.repeat(100)}1${']'.repeat(100)}\nb: {c: {d: {e: [1, 2, {f: g}]}}}\n`,
    clean: true,
  },

  // ------------------------------------------------------------------ manifests
  {
    name: 'manifest: Secret tls.crt expired, ca.crt is not a CA',
    input: (p) =>
      secret(
        'web-tls',
        'web',
        `data:\n  ca.crt: ⟦${b64(p.shop.pem)}⟧\n  tls.crt: ⟦${b64(p.client('CN=expired-web', { notAfter: day(-3), extKeyUsage: ['serverAuth'] }).pem)}⟧\n  tls.key: ${b64(p.adminKeyPem)}`,
      ),
    raises: [
      { code: 'not-a-ca', at: 0, where: 'Secret[web/web-tls].data[ca.crt]', says: ['CN=shop.example.com'] },
      { code: 'cert-expired', at: 1, where: 'Secret[web/web-tls].data[tls.crt]', says: ['CN=expired-web'] },
    ],
    not: ['key-mismatch'],
  },
  {
    name: 'manifest: ConfigMap PEM (kube-root-ca.crt)',
    input: (p) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-root-ca.crt
  namespace: kube-system
data:
  ca.crt: ⟦|
    ${block(p.expiredCa.pem, 4)}⟧
`,
    raises: [{ code: 'cert-expired', where: 'ConfigMap[kube-system/kube-root-ca.crt].data[ca.crt]', says: ['CN=old-ca'] }],
    not: ['pem-not-base64'],
  },
  {
    name: 'manifest: MutatingWebhookConfiguration caBundle expiring, second webhook fine',
    input: (p) => {
      const soon = buildCert({ subject: 'CN=webhook-ca', key: ec(7), notBefore: day(-300), notAfter: day(10), ca: true });
      return `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: injector
webhooks:
- name: a.injector.io
  clientConfig:
    caBundle: ⟦${b64(soon.pem)}⟧
- name: b.injector.io
  clientConfig:
    caBundle: ${b64(p.ca.pem)}
`;
    },
    raises: [
      { code: 'cert-expiring-soon', says: ['CN=webhook-ca'], where: 'MutatingWebhookConfiguration[injector].webhooks[a.injector.io].clientConfig.caBundle' },
    ],
    check: (a) => assert.equal(a.findings.length, 1),
  },
  {
    name: 'manifest: APIService spec.caBundle that is not base64',
    input: () => `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  caBundle: ⟦not base64!⟧
`,
    raises: [{ code: 'invalid-base64', where: 'APIService[v1beta1.metrics.k8s.io].spec.caBundle' }],
  },
  {
    name: 'manifest: CRD conversion webhook caBundle',
    input: (p) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        caBundle: ⟦${b64(p.expiredCa.pem)}⟧
        service: {name: conv, namespace: default}
`,
    raises: [
      { code: 'cert-expired', where: 'CustomResourceDefinition[widgets.example.com].spec.conversion.webhook.clientConfig.caBundle', says: ['CN=old-ca'] },
    ],
  },
  {
    name: 'manifest: static kube-apiserver Pod, --tls-cert-file read through the host',
    input: () => `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.0
    command:
    - kube-apiserver
    - --advertise-address=192.0.2.10
    - --client-ca-file=⟦/etc/kubernetes/pki/missing-ca.crt⟧
    - --tls-cert-file=⟦/etc/kubernetes/pki/apiserver.crt⟧
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
`,
    options: (p) => ({
      host: memHost({
        '/etc/kubernetes/pki/apiserver.crt': p.client('CN=kube-apiserver', { notAfter: day(-2), extKeyUsage: ['serverAuth'], sans: ['IP:192.0.2.10'] }).pem,
        '/etc/kubernetes/pki/apiserver.key': p.adminKeyPem,
      }),
    }),
    raises: [
      { code: 'missing-file', at: 0, says: ['/etc/kubernetes/pki/missing-ca.crt'], where: 'Pod[kube-system/kube-apiserver].--client-ca-file' },
      { code: 'cert-expired', at: 1, says: ['CN=kube-apiserver'], where: 'Pod[kube-system/kube-apiserver].--tls-cert-file' },
    ],
    not: ['key-mismatch'],
  },
  {
    // kubeadm writes the flags sorted: the etcd client pair comes before the serving pair. Each pair must be held together.
    name: 'manifest: static kube-apiserver Pod, the serving key of a kubeadm-ordered flag list does not match',
    input: () => `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    command:
    - kube-apiserver
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=⟦/etc/kubernetes/pki/apiserver.key⟧
`,
    options: (p) => ({
      host: memHost({
        '/etc/kubernetes/pki/apiserver-etcd-client.crt': p.client('CN=kube-apiserver-etcd-client').pem,
        '/etc/kubernetes/pki/apiserver-etcd-client.key': p.adminKeyPem,
        '/etc/kubernetes/pki/apiserver.crt': p.apiserver.pem,
        '/etc/kubernetes/pki/apiserver.key': p.otherKeyPem,
      }),
    }),
    raises: [{ code: 'key-mismatch', says: ['CN=kube-apiserver'], where: 'Pod[kube-system/kube-apiserver].--tls-private-key-file' }],
  },
  {
    name: 'manifest: KubeletConfiguration with relative file paths, resolved against its own folder',
    input: () => `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
tlsCertFile: ⟦pki/kubelet.crt⟧
tlsPrivateKeyFile: pki/kubelet.key
authentication:
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
`,
    options: (p) => ({
      path: '/var/lib/kubelet/config.yaml',
      host: memHost({
        '/var/lib/kubelet/pki/kubelet.crt': p.serving('CN=n1@1700000000', ['DNS:n1'], { notAfter: day(12) }).pem,
        '/var/lib/kubelet/pki/kubelet.key': p.adminKeyPem,
        '/etc/kubernetes/pki/ca.crt': p.ca.pem,
      }),
    }),
    raises: [{ code: 'cert-expiring-soon', says: ['CN=n1@1700000000'] }],
    not: ['missing-file', 'key-mismatch', 'not-a-ca'],
  },
  {
    name: 'manifest: a List of objects is looked into',
    input: (p) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: a, namespace: default}
  data:
    tls.crt: ⟦${b64(p.expired.pem)}⟧
`,
    raises: [{ code: 'cert-expired', where: 'Secret[default/a].data[tls.crt]' }],
  },
  {
    name: 'manifest: unrelated YAML is nothing to Kubecert',
    input: () => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n`,
    clean: true,
    check: (a) => assert.equal(a.kind, 'none'),
  },

  // ------------------------------------------------------------------ syntaxes: JSON, CRLF, BOM, anchors, flow, streams, half-typed
  {
    name: 'JSON kubeconfig: ranges cover the JSON string',
    input: (p) => `{
  "apiVersion": "v1",
  "kind": "Config",
  "clusters": [{"name": "prod", "cluster": {"server": "https://192.0.2.10:6443", "certificate-authority-data": "${b64(p.ca.pem)}"}}],
  "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "alice"}}],
  "current-context": ⟦"nope"⟧,
  "users": [{"name": "alice", "user": {"client-certificate-data": ⟦"${b64(p.expired.pem)}"⟧}}]
}
`,
    raises: [
      { code: 'unknown-context', at: 0, says: ['"nope"'] },
      { code: 'cert-expired', at: 1, says: ['CN=jane'], where: 'users[alice].client-certificate-data' },
    ],
    check: (a) => {
      assert.equal(a.kind, 'kubeconfig');
      assert.equal(a.kubeconfig?.json, true);
    },
  },
  {
    name: 'CRLF line ends: ranges stay exact, literal blocks still decode',
    input: (p) =>
      config(
        `    client-certificate-data: |\n      ${b64(p.admin.pem)
          .match(/.{1,64}/g)!
          .join('\n      ')}\n    client-key-data: ⟦${b64(p.otherKeyPem)}⟧`,
        caLines(p),
      )
        .replace('    user: alice', '    user: ⟦bob⟧')
        .replace(/\n/g, '\r\n'),
    raises: [
      { code: 'unknown-user', at: 0 },
      { code: 'key-mismatch', at: 1 },
    ],
    not: ['invalid-base64', 'not-a-certificate'],
  },
  {
    name: 'UTF-8 BOM before a kubeconfig',
    input: (p) => '\uFEFF' + config(`    client-certificate-data: ⟦${b64(p.expired.pem)}⟧`, caLines(p)),
    raises: [{ code: 'cert-expired', says: ['CN=jane'] }],
    not: ['yaml-syntax'],
    check: (a) => assert.equal(a.kind, 'kubeconfig'),
  },
  {
    name: 'anchors and aliases: a finding on an aliased value sits at the alias',
    input: (p) => `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster:
    certificate-authority-data: &ca ⟦${b64(p.expiredCa.pem)}⟧
    server: https://192.0.2.10:6443
- name: c
  cluster:
    certificate-authority-data: ⟦*ca⟧
    server: ⟦http://192.0.2.12:6443⟧
contexts:
- {name: a, context: {cluster: a, user: alice}}
current-context: a
users:
- name: alice
  user: {client-certificate-data: ${b64(p.fromExpiredCa.pem)}}
`,
    raises: [
      { code: 'cert-expired', at: 0, where: 'clusters[a].certificate-authority-data' },
      { code: 'cert-expired', at: 1, where: 'clusters[c].certificate-authority-data' },
      { code: 'insecure-server-url', at: 2, where: 'clusters[c].server' },
    ],
  },
  {
    // yaml 2.x with { merge: true } gives the `<<` key as Symbol(<<), not the string '<<'.
    name: 'merge keys: a cluster that takes its CA with <<: *shared is judged',
    input: (p) => `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: &shared
    certificate-authority-data: ${b64(p.expiredCa.pem)}
    server: https://192.0.2.10:6443
- name: b
  cluster:
    <<: *shared
    server: https://192.0.2.11:6443
users:
- name: alice
  user:
    <<: {client-certificate-data: ⟦${b64(p.client('CN=merged,O=system:masters').pem)}⟧}
`,
    raises: [
      { code: 'cert-expired', at: null, where: 'clusters[b].certificate-authority-data' },
      { code: 'superuser-group', where: 'users[alice].client-certificate-data' },
    ],
  },
  {
    name: 'flow style kubeconfig',
    input: (p) =>
      `{apiVersion: v1, kind: Config, clusters: [{name: prod, cluster: {server: 'https://192.0.2.10:6443', certificate-authority-data: ${b64(p.ca.pem)}}}],\n` +
      ` contexts: [{name: prod, context: {cluster: prod, user: alice}}], current-context: prod,\n` +
      ` users: [{name: alice, user: {client-certificate-data: ⟦${b64(p.client('CN=flow,O=system:masters').pem)}⟧}}]}\n`,
    raises: [{ code: 'superuser-group', says: ['O=system:masters,CN=flow'] }],
    not: ['yaml-syntax'],
  },
  {
    name: 'a multi-document manifest stream: each object in its own document',
    input: (p) =>
      `---\n# leading comment\n${secret('one', 'a', `data:\n  tls.crt: ⟦${b64(p.expired.pem)}⟧`)}---\n${secret('two', 'b', `data:\n  tls.crt: ${b64(p.shop.pem)}`)}---\n` +
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: three}\ndata:\n  x: y\n...\n`,
    raises: [{ code: 'cert-expired', where: 'Secret[a/one].data[tls.crt]' }],
    check: (a) => {
      assert.equal(a.kind, 'manifests');
      assert.deepEqual(
        a.certificates.map((c) => c.site.where),
        ['Secret[a/one].data[tls.crt]', 'Secret[b/two].data[tls.crt]'],
      );
      assert.deepEqual(
        a.objects.map((o) => o.document),
        [0, 1, 2],
      );
    },
  },
  {
    name: 'half-typed kubeconfig: what is complete is still reported',
    input: (p) => `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://192.0.2.10:6443
    certificate-authority-data: ${b64(p.ca.pem)}
users:
- name: alice
  user:
    client-certificate-data: ⟦${b64(p.expired.pem)}⟧
    client-key-data: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0t
contexts:
- name: prod
  context:
    cluster: pr`,
    raises: [
      { code: 'cert-expired', says: ['CN=jane'] },
      { code: 'unknown-cluster', at: null, says: ['"pr"'] },
    ],
  },
  {
    name: 'half-typed kubeconfig: a key with no value yet, an unclosed flow map',
    input: (p) => `apiVersion: v1
kind: Config
users:
- name: alice
  user:
    client-certificate-data: ⟦${b64(p.expired.pem)}⟧
    client-key-data:
- name: bob
  user: {token: abc, client-certificate-data: 
`,
    raises: [{ code: 'cert-expired' }, { code: 'yaml-syntax', at: null }],
  },
  {
    name: 'the clean kubeconfig the support builder writes',
    input: (p) =>
      kubeconfig({
        clusters: [{ name: 'kubernetes', caPem: p.ca.pem, server: 'https://192.0.2.10:6443' }],
        users: [{ name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem }],
        contexts: [{ name: 'admin@kubernetes', cluster: 'kubernetes', user: 'admin' }],
      }),
    options: (p) => ({ serverCertificate: cert(p.apiserver) }),
    clean: true,
    check: (a) => {
      assert.equal(a.kind, 'kubeconfig');
      assert.equal(a.certificates.length, 2);
    },
  },
];

// ---------------------------------------------------------------------------------------------- the loop

function describe(findings: Finding[], text: string): string {
  return (
    findings.map((f) => `  ${f.code} ${f.severity} ${JSON.stringify(clip(text.slice(f.span.start, f.span.end)))} ${f.where}: ${f.message}`).join('\n') ||
    '  (no findings)'
  );
}

function clip(s: string): string {
  return s.length > 50 ? `${s.slice(0, 30)}…${s.slice(-15)}` : s;
}

function run(c: Case): { analysis: Analysis; text: string; ranges: Array<{ start: number; end: number }> } {
  const p = P();
  const { text, ranges } = marked(c.input(p));
  let analysis: Analysis | undefined;
  assert.doesNotThrow(() => {
    analysis = analyse(text, { now: NOW, ...c.options?.(p) });
  });
  return { analysis: analysis!, text, ranges };
}

for (const c of CASES) {
  test(c.name, () => {
    const { analysis, text, ranges } = run(c);
    const { findings } = analysis;
    const all = (): string => describe(findings, text);

    for (const f of findings) assert.ok(f.message.length > 0 && f.where.length > 0, `${f.code} has a message and a where`);

    for (const r of c.raises ?? []) {
      const candidates = findings.filter((f) => f.code === r.code);
      assert.ok(candidates.length > 0, `expected ${r.code}; got:\n${all()}`);
      const index = r.at === undefined ? (ranges.length > 0 ? 0 : null) : r.at;
      let matching = candidates;
      if (index !== null) {
        const want = ranges[index];
        assert.ok(want, `case has no ⟦⟧ range #${index}`);
        matching = candidates.filter((f) => f.span.start === want.start && f.span.end === want.end);
        if (matching.length === 0)
          assert.deepEqual(
            candidates.map((f) => clip(text.slice(f.span.start, f.span.end))),
            [clip(text.slice(want.start, want.end))],
            `${r.code} is not at the marked range #${index} [${want.start}, ${want.end}]; spans found: ${candidates.map((f) => `[${f.span.start}, ${f.span.end}]`).join(' ')}`,
          );
      }
      if (r.where !== undefined) {
        const where = matching.filter((f) => f.where === r.where);
        assert.ok(where.length > 0, `${r.code} where: expected ${r.where}, got ${matching.map((f) => f.where).join(', ')}`);
        matching = where;
      }
      const f = matching[0];
      assert.equal(f.severity, r.severity ?? CODES[r.code], `${r.code} severity`);
      for (const s of r.says ?? []) {
        if (typeof s === 'string') assert.ok(f.message.includes(s), `${r.code} message should mention ${JSON.stringify(s)}: ${f.message}`);
        else assert.match(f.message, s);
      }
      for (const [k, v] of Object.entries(r.data ?? {})) assert.deepEqual(f.data?.[k], v, `${r.code} data.${k}`);
    }

    for (const code of c.not ?? []) assert.ok(!findings.some((f) => f.code === code), `${code} must not be raised; got:\n${all()}`);
    if (c.clean) assert.equal(findings.length, 0, `expected no findings; got:\n${all()}`);
    c.check?.(analysis, text);
  });
}

// Codes that need two files are held both ways by test/unit/workspace.test.ts.
const WORKSPACE_CODES = new Set<Code>(['ca-bundle-mismatch', 'server-ca-mismatch', 'client-ca-mismatch', 'ca-key-exposed']);

test('the table covers every code (except probe-failed and the workspace codes) both ways', () => {
  const raised = new Set(CASES.flatMap((c) => (c.raises ?? []).map((r) => r.code)));
  const refused = new Set<Code>(CASES.flatMap((c) => c.not ?? []));
  const cleanCases = CASES.filter((c) => c.clean).length;
  const missing: string[] = [];
  for (const code of Object.keys(CODES) as Code[]) {
    if (code === 'probe-failed' || WORKSPACE_CODES.has(code)) continue;
    if (!raised.has(code)) missing.push(`${code}: no input raises it`);
    // A clean case refuses every code; still, each code needs a named near miss.
    if (!refused.has(code) && !CASES.some((c) => c.clean && c.name.startsWith(code))) missing.push(`${code}: no close-but-fine input`);
  }
  assert.ok(cleanCases > 0);
  assert.deepEqual(missing, []);
});

test('every finding of every case lies within its text', () => {
  const outside: string[] = [];
  for (const c of CASES) {
    const { analysis, text } = run(c);
    for (const f of analysis.findings)
      if (!(0 <= f.span.start && f.span.start <= f.span.end && f.span.end <= text.length))
        outside.push(`${c.name}: ${f.code} [${f.span.start}, ${f.span.end}] but the text has ${text.length} characters`);
  }
  assert.deepEqual(outside, []);
});

// ---------------------------------------------------------------------------------------------- robustness

test('analysis never throws on truncated or damaged input, and keeps spans inside the text', () => {
  const p = P();
  const sources = [
    config(`${certLine(p.admin)}\n${keyLine(p.adminKeyPem)}`, caLines(p)),
    `{"apiVersion":"v1","kind":"Config","users":[{"name":"u","user":{"client-certificate-data":"${b64(p.admin.pem)}"}}]}`,
    secret('web-tls', 'web', `data:\n  tls.crt: ${b64(p.shop.pem)}\n  tls.key: ${b64(p.adminKeyPem)}`) +
      `---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: w, namespace: web}\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: web-tls\n`,
    csrObject(KUBELET_CLIENT, ['client auth'], b64(buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: ec(6) }).pem)),
  ];
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['', ':', '- ', '{', '[', '"', "'", '&a ', '*a', '!!binary ', '\t', '\n', '---\n', '? ', '|', '>', '%YAML 1.2\n', '\u0000', '\uFFFD', '#'];
  let runs = 0;
  for (const source of sources) {
    const step = Math.max(1, Math.floor(source.length / 60));
    for (let cut = 0; cut <= source.length; cut += step) {
      const variants = [source.slice(0, cut), source.slice(0, cut) + junk[rand(junk.length)] + source.slice(cut + rand(5))];
      for (const text of variants) {
        let a: Analysis | undefined;
        assert.doesNotThrow(() => {
          a = analyse(text, { now: NOW, host: memHost({}), path: '/tmp/x.yaml' });
        }, `analyse threw at cut ${cut}`);
        for (const f of a!.findings) assert.ok(f.span.start >= 0 && f.span.end >= f.span.start && f.span.end <= text.length + 1, `${f.code} span in range`);
        runs++;
      }
    }
  }
  assert.ok(runs > 200);
});

test('a Host is only asked for files the document names, resolved against options.path', () => {
  const host = memHost({});
  analyse(config('    client-certificate: a/b.crt\n    client-key: /abs/k.key', '    certificate-authority: ../ca.crt\n' + SERVER), {
    now: NOW,
    path: '/home/u/.kube/config',
    host,
  });
  assert.deepEqual([...host.reads].sort(), ['/abs/k.key', '/home/u/.kube/a/b.crt', '/home/u/ca.crt']);
});
