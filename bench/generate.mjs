// Benchmark inputs: deterministic kubeconfigs of N contexts and a multi-document manifest file.
//
//   node bench/generate.mjs [--sizes 10,100,1000,5000,7500,20000] [--no-manifests] [--stream]
//
// Every choice (key type, key format, which certificate is expired, names, serials, groups) comes
// from a seeded PRNG, so the structure of every file is the same on every machine. The key *material*
// comes from a small pool generated once with node:crypto (16 RSA-2048 + 16 P-256) and kept in the
// cache, and ECDSA signatures are randomised by OpenSSL, so the bytes differ between caches (sizes by a
// few bytes at most). Distinct subjects and serials make every certificate distinct.
//
// Output: bench/.cache/gen-v<GENERATOR_VERSION>/ — kubeconfig-<N>.kubeconfig, manifests-<D>.yaml and a
// <file>.meta.json beside each with the positions the benchmark hovers and edits. Files are written to
// a .tmp name and renamed, so an interrupted run never leaves a half file in the cache.
//
// The DER encoder and certificate layout follow test/support/pki.ts (reimplemented here in plain JS so
// the benchmark needs no compile step).
import * as crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the output changes: the cache directory is keyed by it. */
export const GENERATOR_VERSION = 2;
export const SEED = 0x6b756265; // "kube"
export const MANIFEST_DOCUMENTS = 2000;
/** The manifest stream: 2,000 TLS Secrets and the 2,000 Ingresses that name them (about 9 MB). */
export const STREAM_DOCUMENTS = 4000;

const HERE = dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = join(HERE, '.cache', `gen-v${GENERATOR_VERSION}`);

const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2027-06-30T00:00:00Z');
const CA_NOT_AFTER = new Date('2027-12-31T00:00:00Z');
const EXPIRED_AFTER = new Date('2024-06-30T00:00:00Z');
const EXPIRED_BEFORE = new Date('2023-07-01T00:00:00Z');
/** Within the default 30-day warning window of the benchmark's "now" (2026-11-21). */
const SOON_AFTER = new Date('2026-12-05T00:00:00Z');

// ------------------------------------------------------------------ PRNG (sfc32)

export function prng(seed) {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

/** A PRNG per (purpose, index): the choices for item i never depend on how many items came before. */
const rngFor = (purpose, index) => {
  const h = crypto.createHash('sha256').update(`${SEED}|${purpose}|${index}`).digest();
  return prng(h.readUInt32BE(0));
};

// ------------------------------------------------------------------ DER (after test/support/pki.ts)

function tlv(tag, content) {
  const n = content.length;
  let len;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const der = {
  seq: (...items) => tlv(0x30, Buffer.concat(items)),
  set: (...items) => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  /** Non-negative INTEGER from an unsigned big-endian magnitude or a small number. */
  int(value) {
    let body = Buffer.isBuffer(value) ? value : Buffer.from([value]);
    let i = 0;
    while (i < body.length - 1 && body[i] === 0) i++;
    body = body.subarray(i);
    if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return tlv(0x02, body);
  },
  oid(dotted) {
    const arcs = dotted.split('.').map(Number);
    const out = [];
    for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
      const chunk = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
      out.push(...chunk);
    }
    return tlv(0x06, Buffer.from(out));
  },
  time(d) {
    const p = (n, w = 2) => String(n).padStart(w, '0');
    const y = d.getUTCFullYear();
    const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
    return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(p(y % 100) + rest)) : tlv(0x18, Buffer.from(p(y, 4) + rest));
  },
  printable: (s) => tlv(0x13, Buffer.from(s, 'latin1')),
  utf8: (s) => tlv(0x0c, Buffer.from(s, 'utf8')),
  bits: (b, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b])),
  octets: (b) => tlv(0x04, b),
  bool: (v) => tlv(0x01, Buffer.from([v ? 0xff : 0])),
  null: () => Buffer.from([0x05, 0]),
  explicit: (n, inner) => tlv(0xa0 | n, inner),
  implicit: (n, content) => tlv(0x80 | n, content),
};

const ATTR = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** [['CN','x'],['O','y']] in the order given (first pair = first RDN). */
function encodeName(pairs) {
  return der.seq(
    ...pairs.map(([type, value]) => {
      const str = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? der.printable(value) : der.utf8(value);
      return der.set(der.seq(der.oid(ATTR[type]), str));
    }),
  );
}

const ext = (oid, critical, value) => der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(value));
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };
function keyUsage(names) {
  let byte = 0,
    highest = 0;
  for (const n of names) {
    byte |= 0x80 >> KU[n];
    highest = Math.max(highest, KU[n]);
  }
  return ext('2.5.29.15', true, der.bits(Buffer.from([byte]), 7 - highest));
}
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };
const extKeyUsage = (names) => ext('2.5.29.37', false, der.seq(...names.map((n) => der.oid(EKU[n]))));
const dnsSans = (names) => ext('2.5.29.17', false, der.seq(...names.map((n) => der.implicit(2, Buffer.from(n, 'latin1')))));

function keyId(key) {
  const spki = key.publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha1').update(spki).digest();
}

function sigAlg(key) {
  return key.type === 'rsa' ? der.seq(der.oid('1.2.840.113549.1.1.11'), der.null()) : der.seq(der.oid('1.2.840.10045.4.3.2'));
}

/**
 * One X.509 v3 certificate. spec: { subject, key, issuer?: {subjectDer, key}, serial: Buffer,
 * notBefore, notAfter, ca?, keyUsage?, extKeyUsage?, sans? }.
 */
function buildCert(spec) {
  const signer = spec.issuer ? spec.issuer.key : spec.key;
  const subjectDer = encodeName(spec.subject);
  const issuerDer = spec.issuer ? spec.issuer.subjectDer : subjectDer;
  const exts = [];
  if (spec.ca) exts.push(ext('2.5.29.19', true, der.seq(der.bool(true))));
  if (spec.keyUsage) exts.push(keyUsage(spec.keyUsage));
  if (spec.extKeyUsage) exts.push(extKeyUsage(spec.extKeyUsage));
  if (spec.sans) exts.push(dnsSans(spec.sans));
  exts.push(ext('2.5.29.14', false, der.octets(spec.key.keyId)));
  if (spec.issuer) exts.push(ext('2.5.29.35', false, der.seq(der.implicit(0, spec.issuer.key.keyId))));
  const tbs = der.seq(
    der.explicit(0, der.int(2)),
    der.int(spec.serial),
    sigAlg(signer),
    issuerDer,
    der.seq(der.time(spec.notBefore), der.time(spec.notAfter)),
    subjectDer,
    spec.key.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.seq(...exts)),
  );
  const signature = crypto.sign('sha256', tbs, signer.privateKey);
  const cert = der.seq(tbs, sigAlg(signer), der.bits(signature));
  return { der: cert, pem: pem('CERTIFICATE', cert), subjectDer, key: spec.key };
}

function pem(label, body) {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');

/** 16-byte positive serial, distinct per (purpose, index). */
function serialFor(purpose, index) {
  const h = crypto.createHash('sha256').update(`serial|${SEED}|${purpose}|${index}`).digest().subarray(0, 16);
  h[0] = (h[0] & 0x7f) | 0x40;
  return h;
}

// ------------------------------------------------------------------ key pool

const POOL_RSA = 16;
const POOL_EC = 16;

function loadPool(dir) {
  const file = join(dir, 'keys.json');
  let stored;
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  else {
    stored = { rsa: [], ec: [] };
    // PEM straight from the generator: exporting a KeyObject generateKeyPairSync returned can deadlock on Node 20
    // (see generateKey in test/support/pki.ts).
    const pem = { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } };
    for (let i = 0; i < POOL_RSA; i++) stored.rsa.push(crypto.generateKeyPairSync('rsa', { modulusLength: 2048, ...pem }).privateKey);
    for (let i = 0; i < POOL_EC; i++) stored.ec.push(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256', ...pem }).privateKey);
    writeAtomic(file, JSON.stringify(stored, null, 1));
  }
  const wrap = (type) => (pemText) => {
    const privateKey = crypto.createPrivateKey(pemText);
    const publicKey = crypto.createPublicKey(privateKey);
    const key = { type, privateKey, publicKey };
    key.keyId = keyId(key);
    // Export once: PKCS#1 / SEC1 / PKCS#8 PEM of the same key.
    key.pem = {
      pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      ...(type === 'rsa' ? { pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }) } : { sec1: privateKey.export({ type: 'sec1', format: 'pem' }) }),
    };
    return key;
  };
  return { rsa: stored.rsa.map(wrap('rsa')), ec: stored.ec.map(wrap('ec')) };
}

function writeAtomic(file, content) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

// ------------------------------------------------------------------ kubeconfig

const GROUPS = ['developers', 'sre', 'readonly', 'ci', 'platform', 'auditors'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const pad = (i) => String(i).padStart(4, '0');

/** The certificates and choices of cluster/user/context i — a function of i alone. */
function contextMaterial(pool, i) {
  const r = rngFor('context', i);
  const caKey = r.chance(0.5) ? pool.rsa[r.int(POOL_RSA)] : pool.ec[r.int(POOL_EC)];
  const clientKey = r.chance(0.5) ? pool.rsa[r.int(POOL_RSA)] : pool.ec[r.int(POOL_EC)];
  // By index, so that even the 10-context file has one of each: 2% expired CAs, 5% expired and 4%
  // soon-expiring client certificates, 3% superusers.
  const caExpired = i % 50 === 7;
  const clientValidity = i % 20 === 3 ? 'expired' : i % 25 === 9 ? 'expiring-soon' : 'valid';
  const keyFormat = clientKey.type === 'rsa' ? (r.chance(0.5) ? 'pkcs1' : 'pkcs8') : r.chance(0.5) ? 'sec1' : 'pkcs8';
  const superuser = i % 33 === 6;
  const group = r.pick(GROUPS);
  const namespace = `team-${r.pick(WORDS)}-${pad(i)}`;
  const serverStyle = r.int(3);
  const ca = buildCert({
    subject: [
      ['CN', `cluster-${pad(i)}-ca`],
      ['O', 'kubecert-bench'],
    ],
    key: caKey,
    serial: serialFor('ca', i),
    notBefore: caExpired ? EXPIRED_BEFORE : NOT_BEFORE,
    notAfter: caExpired ? EXPIRED_AFTER : CA_NOT_AFTER,
    ca: true,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
  });
  const client = buildCert({
    subject: [
      ['CN', `user-${pad(i)}`],
      ['O', superuser ? 'system:masters' : group],
    ],
    key: clientKey,
    issuer: ca,
    serial: serialFor('client', i),
    notBefore: clientValidity === 'expired' ? EXPIRED_BEFORE : NOT_BEFORE,
    notAfter: clientValidity === 'expired' ? EXPIRED_AFTER : clientValidity === 'expiring-soon' ? SOON_AFTER : NOT_AFTER,
    keyUsage: clientKey.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extKeyUsage: ['clientAuth'],
  });
  const server =
    serverStyle === 0
      ? `https://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:6443`
      : serverStyle === 1
        ? `https://api.cluster-${pad(i)}.bench.invalid:6443`
        : `https://cluster-${pad(i)}.bench.invalid`;
  return {
    ca,
    client,
    clientKeyPem: clientKey.pem[keyFormat],
    namespace,
    server,
    facts: { caKey: caKey.type, clientKey: clientKey.type, keyFormat, caExpired, clientValidity, superuser },
  };
}

/**
 * A CA certificate that appears in no generated file (nor in the server's warm-up sample): the benchmark
 * pastes it over the hovered value and hovers at once, so the server has never decoded it.
 */
function pastedCertificate(pool, purpose, line, character, oldValue) {
  const cn = `pasted-${purpose}-ca`;
  const ca = buildCert({
    subject: [
      ['CN', cn],
      ['O', 'kubecert-bench'],
    ],
    key: pool.ec[0],
    serial: serialFor(`paste-${purpose}`, 0),
    notBefore: NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    ca: true,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
  });
  return { line, character, endCharacter: character + oldValue.length, text: b64(ca.pem), subjectCN: cn };
}

export function kubeconfigText(pool, n) {
  const mats = [];
  for (let i = 0; i < n; i++) mats.push(contextMaterial(pool, i));
  const lines = ['apiVersion: v1', 'clusters:'];
  mats.forEach((m, i) => {
    lines.push('- cluster:', `    certificate-authority-data: ${b64(m.ca.pem)}`, `    server: ${m.server}`);
    if (i % 7 === 3) lines.push(`    tls-server-name: kubernetes.default.svc`);
    lines.push(`  name: cluster-${pad(i)}`);
  });
  lines.push('contexts:');
  mats.forEach((m, i) => {
    lines.push('- context:', `    cluster: cluster-${pad(i)}`, `    namespace: ${m.namespace}`, `    user: user-${pad(i)}`, `  name: ctx-${pad(i)}`);
  });
  lines.push(`current-context: ctx-${pad(0)}`, 'kind: Config', 'preferences: {}', 'users:');
  mats.forEach((m, i) => {
    lines.push(`- name: user-${pad(i)}`, '  user:', `    client-certificate-data: ${b64(m.client.pem)}`, `    client-key-data: ${b64(m.clientKeyPem)}`);
  });
  const text = lines.join('\n') + '\n';

  // Positions the benchmark uses (0-based LSP line/character; ASCII text, so UTF-16 = bytes).
  const mid = Math.floor(n / 2);
  const all = text.split('\n');
  const clusterLine = all.indexOf(`  name: cluster-${pad(mid)}`);
  let caLine = clusterLine;
  while (!all[caLine].startsWith('    certificate-authority-data: ')) caLine--;
  const nsLine = all.indexOf(`  name: ctx-${pad(mid)}`) - 2;
  if (!all[nsLine].startsWith('    namespace: team-')) throw new Error('generator: namespace line not found');
  const nsChar = '    namespace: team-'.length; // first letter of the word
  const old = all[nsLine][nsChar];
  const counts = {
    caExpired: 0,
    clientExpired: 0,
    clientExpiringSoon: 0,
    superuser: 0,
    rsaCa: 0,
    ecCa: 0,
    rsaClient: 0,
    ecClient: 0,
    pkcs1: 0,
    pkcs8: 0,
    sec1: 0,
  };
  for (const m of mats) {
    const f = m.facts;
    if (f.caExpired) counts.caExpired++;
    if (f.clientValidity === 'expired') counts.clientExpired++;
    if (f.clientValidity === 'expiring-soon') counts.clientExpiringSoon++;
    if (f.superuser) counts.superuser++;
    counts[f.caKey === 'rsa' ? 'rsaCa' : 'ecCa']++;
    counts[f.clientKey === 'rsa' ? 'rsaClient' : 'ecClient']++;
    counts[f.keyFormat]++;
  }
  const meta = {
    kind: 'kubeconfig',
    contexts: n,
    chars: text.length,
    lines: all.length - 1,
    certificates: 2 * n,
    counts,
    hover: { line: caLine, character: '    certificate-authority-data: '.length + 40, what: `clusters[cluster-${pad(mid)}].certificate-authority-data` },
    edit: { line: nsLine, character: nsChar, old, new: old === 'x' ? 'y' : 'x', what: `contexts[ctx-${pad(mid)}].context.namespace` },
    paste: pastedCertificate(
      pool,
      'kubeconfig',
      caLine,
      '    certificate-authority-data: '.length,
      all[caLine].slice('    certificate-authority-data: '.length),
    ),
  };
  return { text, meta };
}

// ------------------------------------------------------------------ manifests

/**
 * D documents, cycling Secret (kubernetes.io/tls: tls.crt, tls.key, ca.crt), Secret, Ingress (tls hosts
 * naming the Secret before it), ValidatingWebhookConfiguration (caBundle), Ingress: 40% Secrets, 40%
 * Ingresses, 20% webhook configurations. A few leaves are expired; a few Ingress hosts are not covered.
 */
export function manifestText(pool, documents, { stream = false } = {}) {
  const docs = [];
  const cas = [];
  for (let j = 0; j < 8; j++) {
    const key = j % 2 ? pool.ec[j] : pool.rsa[j];
    cas.push(
      buildCert({
        subject: [
          ['CN', `bench-issuer-${j}`],
          ['O', 'kubecert-bench'],
        ],
        key,
        serial: serialFor('m-ca', j),
        notBefore: NOT_BEFORE,
        notAfter: CA_NOT_AFTER,
        ca: true,
        keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      }),
    );
  }
  let lastSecret = null;
  let hoverDoc = -1,
    editDoc = -1;
  const counts = { Secret: 0, Ingress: 0, ValidatingWebhookConfiguration: 0, expiredLeaves: 0, uncoveredHosts: 0 };
  for (let d = 0; d < documents; d++) {
    const r = rngFor('manifest', d);
    const ns = `team-${r.pick(WORDS)}-${pad(d % 97)}`;
    // The stream: TLS Secrets and the Ingresses that name them, one after the other.
    const slot = stream ? (d % 2 === 0 ? 0 : 2) : d % 5;
    if (slot === 0 || slot === 1) {
      const ca = cas[r.int(cas.length)];
      const key = r.chance(0.5) ? pool.rsa[r.int(POOL_RSA)] : pool.ec[r.int(POOL_EC)];
      const expired = r.chance(0.04);
      if (expired) counts.expiredLeaves++;
      const host = `app-${pad(d)}.bench.invalid`;
      const leaf = buildCert({
        subject: [['CN', host]],
        key,
        issuer: ca,
        serial: serialFor('m-leaf', d),
        notBefore: expired ? EXPIRED_BEFORE : NOT_BEFORE,
        notAfter: expired ? EXPIRED_AFTER : NOT_AFTER,
        keyUsage: key.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
        extKeyUsage: ['serverAuth'],
        sans: [host, `www.${host}`],
      });
      const name = `tls-${pad(d)}`;
      lastSecret = { name, host, ns };
      if (stream && hoverDoc < 0 && d >= documents / 2) hoverDoc = d;
      counts.Secret++;
      docs.push(
        [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          `  name: ${name}`,
          `  namespace: ${ns}`,
          'type: kubernetes.io/tls',
          'data:',
          `  ca.crt: ${b64(ca.pem)}`,
          `  tls.crt: ${b64(leaf.pem)}`,
          `  tls.key: ${b64(key.pem[key.type === 'rsa' ? (r.chance(0.5) ? 'pkcs1' : 'pkcs8') : r.chance(0.5) ? 'sec1' : 'pkcs8'])}`,
        ].join('\n'),
      );
    } else if (slot === 2 || slot === 4) {
      const uncovered = r.chance(0.05);
      if (uncovered) counts.uncoveredHosts++;
      const host = uncovered ? `other-${pad(d)}.bench.invalid` : lastSecret.host;
      counts.Ingress++;
      if (editDoc < 0 && d >= documents / 2) editDoc = d;
      docs.push(
        [
          'apiVersion: networking.k8s.io/v1',
          'kind: Ingress',
          'metadata:',
          `  name: web-${pad(d)}`,
          `  namespace: ${lastSecret.ns}`,
          'spec:',
          '  ingressClassName: nginx',
          '  tls:',
          '  - hosts:',
          `    - ${host}`,
          `    secretName: ${lastSecret.name}`,
          '  rules:',
          `  - host: ${host}`,
          '    http:',
          '      paths:',
          '      - path: /',
          '        pathType: Prefix',
          '        backend:',
          '          service:',
          `            name: web-${pad(d)}`,
          '            port:',
          '              number: 80',
        ].join('\n'),
      );
    } else {
      // A webhook CA of its own (distinct certificate per document).
      const key = r.chance(0.5) ? pool.rsa[r.int(POOL_RSA)] : pool.ec[r.int(POOL_EC)];
      const ca = buildCert({
        subject: [
          ['CN', `webhook-${pad(d)}-ca`],
          ['O', 'kubecert-bench'],
        ],
        key,
        serial: serialFor('m-webhook', d),
        notBefore: NOT_BEFORE,
        notAfter: CA_NOT_AFTER,
        ca: true,
        keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      });
      counts.ValidatingWebhookConfiguration++;
      if (hoverDoc < 0 && d >= documents / 2) hoverDoc = d;
      docs.push(
        [
          'apiVersion: admissionregistration.k8s.io/v1',
          'kind: ValidatingWebhookConfiguration',
          'metadata:',
          `  name: policy-${pad(d)}`,
          'webhooks:',
          `- name: validate.policy-${pad(d)}.bench.invalid`,
          '  admissionReviewVersions: ["v1"]',
          '  sideEffects: None',
          '  clientConfig:',
          `    caBundle: ${b64(ca.pem)}`,
          '    service:',
          `      name: policy-${pad(d)}`,
          `      namespace: ${ns}`,
          '      path: /validate',
          '  rules:',
          '  - apiGroups: [""]',
          '    apiVersions: ["v1"]',
          '    operations: ["CREATE", "UPDATE"]',
          '    resources: ["pods"]',
        ].join('\n'),
      );
    }
  }
  const text = docs.join('\n---\n') + '\n';
  const all = text.split('\n');
  const nsLine = all.indexOf(`  name: web-${pad(editDoc)}`) + 1;
  if (!all[nsLine].startsWith('  namespace: team-')) throw new Error('generator: Ingress namespace line not found');
  const nsChar = '  namespace: team-'.length;
  const old = all[nsLine][nsChar];
  const edit = { line: nsLine, character: nsChar, old, new: old === 'x' ? 'y' : 'x', what: `Ingress web-${pad(editDoc)} metadata.namespace` };
  if (stream) {
    const hoverLine = all.indexOf(`  name: tls-${pad(hoverDoc)}`) + 5;
    if (!all[hoverLine].startsWith('  tls.crt: ')) throw new Error('generator: tls.crt line not found');
    const specLine = nsLine + 1;
    if (all[specLine] !== 'spec:') throw new Error('generator: Ingress spec line not found');
    const meta = {
      kind: 'manifests',
      documents,
      chars: text.length,
      lines: all.length - 1,
      counts,
      hover: { line: hoverLine, character: '  tls.crt: '.length + 40, what: `Secret tls-${pad(hoverDoc)} tls.crt` },
      edit,
      // A keystroke that adds a document: `---` typed on its own line splits the Ingress after its metadata.
      addDocument: { line: specLine, character: 0, text: '---\n', what: `Ingress web-${pad(editDoc)} split before spec:` },
      paste: pastedCertificate(pool, 'stream', hoverLine, '  tls.crt: '.length, all[hoverLine].slice('  tls.crt: '.length)),
    };
    return { text, meta };
  }
  const hoverLine = all.indexOf(`  name: policy-${pad(hoverDoc)}`) + 6;
  if (!all[hoverLine].startsWith('    caBundle: ')) throw new Error('generator: caBundle line not found');
  const meta = {
    kind: 'manifests',
    documents,
    chars: text.length,
    lines: all.length - 1,
    counts,
    hover: { line: hoverLine, character: '    caBundle: '.length + 40, what: `ValidatingWebhookConfiguration policy-${pad(hoverDoc)} caBundle` },
    edit,
    paste: pastedCertificate(pool, 'manifests', hoverLine, '    caBundle: '.length, all[hoverLine].slice('    caBundle: '.length)),
  };
  return { text, meta };
}

// ------------------------------------------------------------------ cache

export const kubeconfigPath = (n) => join(CACHE_DIR, `kubeconfig-${n}.kubeconfig`);
export const manifestPath = (d = MANIFEST_DOCUMENTS) => join(CACHE_DIR, `manifests-${d}.yaml`);
export const streamPath = (d = STREAM_DOCUMENTS) => join(CACHE_DIR, `stream-${d}.yaml`);

/**
 * Makes sure the files for these sizes exist in the cache; returns { path, meta } per input.
 * Cached files are reused as they are (delete bench/.cache to regenerate everything).
 */
export function ensureInputs({ sizes, manifests = true, stream = false, log = () => {} }) {
  let pool;
  const getPool = () => (pool ??= loadPool(CACHE_DIR));
  const out = { kubeconfigs: {}, manifests: undefined, stream: undefined };
  const one = (path, make, label) => {
    const metaPath = `${path}.meta.json`;
    if (existsSync(path) && existsSync(metaPath)) return { path, meta: JSON.parse(readFileSync(metaPath, 'utf8')), cached: true };
    const t = performance.now();
    const { text, meta } = make(getPool());
    writeAtomic(path, text);
    writeAtomic(metaPath, JSON.stringify(meta, null, 2) + '\n');
    log(`generated ${label}: ${(text.length / 1024 / 1024).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return { path, meta, cached: false };
  };
  for (const n of sizes) out.kubeconfigs[n] = one(kubeconfigPath(n), (p) => kubeconfigText(p, n), `kubeconfig with ${n} contexts`);
  if (manifests) out.manifests = one(manifestPath(), (p) => manifestText(p, MANIFEST_DOCUMENTS), `manifest file with ${MANIFEST_DOCUMENTS} documents`);
  if (stream) out.stream = one(streamPath(), (p) => manifestText(p, STREAM_DOCUMENTS, { stream: true }), `manifest stream with ${STREAM_DOCUMENTS} documents`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = (arg('--sizes') ?? '10,100,1000,5000').split(',').map(Number);
  const r = ensureInputs({
    sizes,
    manifests: !process.argv.includes('--no-manifests'),
    stream: process.argv.includes('--stream'),
    log: (s) => console.error(s),
  });
  for (const [n, f] of Object.entries(r.kubeconfigs)) console.log(`${n}\t${f.path}\t${f.meta.chars} chars`);
  if (r.manifests) console.log(`manifests\t${r.manifests.path}\t${r.manifests.meta.chars} chars`);
  if (r.stream) console.log(`stream\t${r.stream.path}\t${r.stream.meta.chars} chars`);
}
