/**
 * Decoded facts held against `openssl x509` / `openssl req` / `openssl pkey` on the same bytes, for RSA 2048,
 * ECDSA P-256, P-384 and Ed25519: names, serial, dates, SANs, fingerprints, key facts, usages, constraints.
 * Then private keys, CSRs, corrupt DER, and the invariant that no private key byte is ever kept.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyse } from '../../server/src/core/analysis';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodePem,
  type Certificate,
  type CertificateRequest,
  type DecodedItem,
  type PrivateKeyFacts,
} from '../../server/src/core/x509/certificates';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert, buildCsr, keyPem, pem, sharedKey, type KeyAlg, type KeyPair } from '../support/pki';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-certs-'));
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let fileNo = 0;
function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, `${fileNo++}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

function openssl(...args: string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run openssl: ${r.error?.message}`);
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** `name=value` lines of openssl output. */
function field(out: string, name: string): string {
  const m = new RegExp(`^${name}=(.*)$`, 'mi').exec(out);
  assert.ok(m, `openssl printed no ${name}=:\n${out}`);
  return m[1].trim();
}

/** The body of an `-ext` section ("X509v3 Key Usage: critical\n    Digital Signature, …"). */
function extension(out: string, title: string): string | undefined {
  const m = new RegExp(`X509v3 ${title}:(?: critical)?[ \\t]*\\n\\s+(.*)`).exec(out);
  return m?.[1].trim();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Feb  3 04:05:06 2024 GMT" → ms. */
function opensslDate(s: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) GMT$/.exec(s);
  assert.ok(m, `openssl date ${s}`);
  return Date.UTC(Number(m[6]), MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

const colonHex = (s: string): string => s.replace(/:/g, '').toLowerCase();

/** An IP text in openssl's form: IPv4 dotted, IPv6 as eight uncompressed upper-case groups. */
function opensslIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('::');
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? a : [...a, ...Array<string>(8 - a.length - b.length).fill('0'), ...b];
  return groups.map((g) => parseInt(g, 16).toString(16).toUpperCase()).join(':');
}

function sansAsOpenssl(sans: string[]): string {
  return sans.map((s) => (s.startsWith('IP:') ? `IP Address:${opensslIp(s.slice(3))}` : s)).join(', ');
}

const KU: Record<string, string> = {
  'Digital Signature': 'digitalSignature',
  'Non Repudiation': 'nonRepudiation',
  'Key Encipherment': 'keyEncipherment',
  'Data Encipherment': 'dataEncipherment',
  'Key Agreement': 'keyAgreement',
  'Certificate Sign': 'keyCertSign',
  'CRL Sign': 'cRLSign',
};
const EKU: Record<string, string> = {
  'TLS Web Server Authentication': 'serverAuth',
  'TLS Web Client Authentication': 'clientAuth',
  'Code Signing': 'codeSigning',
  'E-mail Protection': 'emailProtection',
  'Time Stamping': 'timeStamping',
  'OCSP Signing': 'OCSPSigning',
};

function only<T extends { kind: string }>(items: DecodedItem[], kind: T['kind']): T {
  assert.equal(items.length, 1, `one PEM block: ${JSON.stringify(items.map((i) => i.error ?? i.block.label))}`);
  assert.equal(items[0].error, undefined, items[0].error);
  assert.equal(items[0].value?.kind, kind);
  return items[0].value as unknown as T;
}

// ---------------------------------------------------------------------------------------------- per algorithm

interface Alg {
  label: string;
  alg: KeyAlg;
  type: string;
  bits: number;
  curve?: string;
  keyLabel: string;
  /** What openssl -text prints about the key. */
  text: RegExp;
  formats: Array<'pkcs1' | 'pkcs8' | 'sec1'>;
}

const ALGS: Alg[] = [
  {
    label: 'RSA 2048',
    alg: { type: 'rsa', bits: 2048 },
    type: 'RSA',
    bits: 2048,
    keyLabel: 'RSA 2048',
    text: /Public-Key: \(2048 bit\)/,
    formats: ['pkcs1', 'pkcs8'],
  },
  {
    label: 'ECDSA P-256',
    alg: { type: 'ec', curve: 'P-256' },
    type: 'EC',
    bits: 256,
    curve: 'P-256',
    keyLabel: 'ECDSA P-256',
    text: /NIST CURVE: P-256/,
    formats: ['sec1', 'pkcs8'],
  },
  {
    label: 'ECDSA P-384',
    alg: { type: 'ec', curve: 'P-384' },
    type: 'EC',
    bits: 384,
    curve: 'P-384',
    keyLabel: 'ECDSA P-384',
    text: /NIST CURVE: P-384/,
    formats: ['sec1', 'pkcs8'],
  },
  { label: 'Ed25519', alg: { type: 'ed25519' }, type: 'Ed25519', bits: 256, keyLabel: 'Ed25519', text: /ED25519 Public-Key:/, formats: ['pkcs8'] },
];

const SANS = [
  'DNS:kubernetes.default.svc',
  'DNS:*.apps.example.com',
  'IP:10.96.0.1',
  'IP:192.0.2.10',
  'IP:2001:db8::1',
  'IP:fd00:0:0:1::a',
  'URI:spiffe://cluster.local/ns/default/sa/web',
  'email:ops@example.com',
];

function chain(a: Alg) {
  const ca = buildCert({
    subject: 'C=CN,ST=BeiJing,L=BeiJing,O=k8s,OU=System,CN=kubernetes',
    key: sharedKey(a.alg, 11),
    notBefore: at('2024-01-01T00:00:00Z'),
    notAfter: at('2034-01-01T00:00:00Z'),
    ca: true,
    pathLen: 1,
    keyUsage: ['digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign'],
  });
  const leaf = buildCert({
    subject: 'CN=admin,O=system:masters,O=Acme\\, Inc.,OU=Ops Team',
    key: sharedKey(a.alg, 12),
    issuer: ca,
    notBefore: at('2024-02-03T04:05:06Z'),
    notAfter: at('2026-12-31T23:59:59Z'),
    serial: 0x0fedcba987654321n,
    ca: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth', 'serverAuth'],
    sans: SANS,
  });
  return { ca, leaf };
}

for (const a of ALGS) {
  test(`${a.label}: certificate facts equal openssl's`, () => {
    const { ca, leaf } = chain(a);
    for (const [which, built] of [
      ['CA', ca],
      ['leaf', leaf],
    ] as const) {
      const file = write(`${which}.pem`, built.pem);
      const c = only<Certificate>(decodePem(built.pem), 'certificate');
      const out = openssl('x509', '-in', file, '-noout', '-subject', '-issuer', '-serial', '-startdate', '-enddate', '-nameopt', 'RFC2253');
      assert.equal(c.subject.text, field(out, 'subject'), `${which} subject`);
      assert.equal(c.issuer.text, field(out, 'issuer'), `${which} issuer`);
      assert.equal(BigInt('0x' + c.serial), BigInt('0x' + field(out, 'serial')), `${which} serial`);
      assert.equal(c.notBefore, opensslDate(field(out, 'notBefore')), `${which} notBefore`);
      assert.equal(c.notAfter, opensslDate(field(out, 'notAfter')), `${which} notAfter`);
      assert.equal(c.sha256, colonHex(field(openssl('x509', '-in', file, '-noout', '-fingerprint', '-sha256'), 'sha256 Fingerprint')), `${which} sha256`);
      assert.equal(c.sha1, colonHex(field(openssl('x509', '-in', file, '-noout', '-fingerprint', '-sha1'), 'sha1 Fingerprint')), `${which} sha1`);
      assert.match(c.sha256, /^[0-9a-f]{64}$/);

      // Key: type, size, curve; the SPKI byte for byte.
      const text = openssl('x509', '-in', file, '-noout', '-text');
      assert.match(text, a.text);
      assert.equal(c.publicKey.type, a.type);
      assert.equal(c.publicKey.bits, a.bits);
      assert.equal(c.publicKey.curve, a.curve);
      assert.equal(c.publicKey.label, a.keyLabel);
      const spkiPem = openssl('x509', '-in', file, '-noout', '-pubkey');
      const spkiDer = Buffer.from(spkiPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
      assert.deepEqual(Buffer.from(c.publicKey.spki), spkiDer, `${which} SPKI`);
      if (a.type === 'RSA')
        assert.equal(
          c.publicKey.fingerprint,
          field(openssl('x509', '-in', file, '-noout', '-modulus'), 'Modulus').toLowerCase(),
          'RSA fingerprint is the modulus',
        );
      const sigAlg = /Signature Algorithm: (\S+)/.exec(text)?.[1];
      assert.equal(c.signatureAlgorithm.toLowerCase(), sigAlg?.toLowerCase(), 'signature algorithm');

      // Extensions.
      const ext = openssl('x509', '-in', file, '-noout', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints');
      assert.deepEqual(
        c.keyUsage,
        (extension(ext, 'Key Usage') ?? '')
          .split(', ')
          .filter(Boolean)
          .map((u) => KU[u] ?? u),
        `${which} key usage`,
      );
      assert.deepEqual(
        c.extKeyUsage,
        (extension(ext, 'Extended Key Usage') ?? '')
          .split(', ')
          .filter(Boolean)
          .map((u) => EKU[u] ?? u),
        `${which} EKU`,
      );
      const bc = extension(ext, 'Basic Constraints');
      assert.equal(bc, `CA:${c.ca ? 'TRUE' : 'FALSE'}${c.pathLen !== undefined ? `, pathlen:${c.pathLen}` : ''}`, `${which} basic constraints`);
      assert.equal(sansAsOpenssl(c.sans), extension(ext, 'Subject Alternative Name') ?? '', `${which} SANs`);
      assert.equal(c.version, 3);
    }

    // And the values themselves, so a shared misreading of both sides cannot pass.
    const c = only<Certificate>(decodePem(leaf.pem), 'certificate');
    assert.equal(c.subject.text, 'OU=Ops Team,O=Acme\\, Inc.,O=system:masters,CN=admin');
    assert.equal(c.issuer.text, 'CN=kubernetes,OU=System,O=k8s,L=BeiJing,ST=BeiJing,C=CN');
    assert.equal(c.serial.replace(/^0+/, ''), 'fedcba987654321');
    assert.equal(new Date(c.notBefore).toISOString(), '2024-02-03T04:05:06.000Z');
    assert.equal(new Date(c.notAfter).toISOString(), '2026-12-31T23:59:59.000Z');
    assert.deepEqual(c.sans, [
      'DNS:kubernetes.default.svc',
      'DNS:*.apps.example.com',
      'IP:10.96.0.1',
      'IP:192.0.2.10',
      'IP:2001:db8::1',
      'IP:fd00:0:0:1::a',
      'URI:spiffe://cluster.local/ns/default/sa/web',
      'email:ops@example.com',
    ]);
    assert.deepEqual(c.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(c.extKeyUsage, ['clientAuth', 'serverAuth']);
    assert.equal(c.ca, false);
    const caFacts = only<Certificate>(decodePem(ca.pem), 'certificate');
    assert.equal(caFacts.ca, true);
    assert.equal(caFacts.pathLen, 1);
    assert.deepEqual(caFacts.keyUsage, ['digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign']);
    assert.equal(c.authorityKeyId, caFacts.subjectKeyId, 'leaf AKI = CA SKI');
    assert.equal(decodeCertificate(new Uint8Array(leaf.der)).sha256, c.sha256, 'DER and PEM decode alike');
  });

  test(`${a.label}: private keys name their type and find their public half`, () => {
    const key = sharedKey(a.alg, 12);
    const { leaf } = chain(a);
    const c = only<Certificate>(decodePem(leaf.pem), 'certificate');
    for (const format of a.formats) {
      const text = keyPem(key, format);
      const k = only<PrivateKeyFacts>(decodePem(text), 'key');
      assert.equal(k.format, { pkcs1: 'PKCS#1', pkcs8: 'PKCS#8', sec1: 'SEC1' }[format]);
      assert.equal(k.type, a.type, format);
      assert.equal(k.bits, a.bits, format);
      assert.equal(k.curve, a.curve, format);
      assert.equal(k.label, a.keyLabel, format);
      assert.equal(k.publicFingerprint, c.publicKey.fingerprint, `${format}: publicFingerprint equals the certificate's`);
      const out = openssl('pkey', '-in', write(`key-${format}.pem`, text), '-noout', '-text');
      if (a.type !== 'Ed25519') assert.match(out, new RegExp(`Private-Key: \\(${a.bits} bit`));
      // Another key of the same kind does not match.
      const other = only<PrivateKeyFacts>(decodePem(keyPem(sharedKey(a.alg, 13), format)), 'key');
      assert.notEqual(other.publicFingerprint, c.publicKey.fingerprint);
    }
  });

  test(`${a.label}: CSRs: subject, SANs, signature`, () => {
    const key = sharedKey(a.alg, 12);
    const csr = buildCsr({
      subject: 'CN=system:node:worker-1,O=system:nodes',
      key,
      sans: ['DNS:worker-1', 'IP:192.168.1.10', 'IP:2001:db8::7'],
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['clientAuth'],
    });
    const r = only<CertificateRequest>(decodePem(csr.pem), 'csr');
    const file = write('req.csr', csr.pem);
    const out = openssl('req', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253');
    assert.equal(r.subject.text, field(out, 'subject'));
    assert.equal(r.subject.text, 'O=system:nodes,CN=system:node:worker-1');
    assert.deepEqual(r.sans, ['DNS:worker-1', 'IP:192.168.1.10', 'IP:2001:db8::7']);
    assert.match(openssl('req', '-in', file, '-noout', '-text'), new RegExp(sansAsOpenssl(r.sans).replace(/[.*]/g, '\\$&')));
    assert.deepEqual(r.extKeyUsage, ['clientAuth']);
    assert.deepEqual(r.keyUsage, ['digitalSignature']);
    assert.equal(r.publicKey.label, a.keyLabel);
    assert.deepEqual(Buffer.from(r.publicKey.spki), key.publicKey.export({ type: 'spki', format: 'der' }));
    assert.equal(r.signatureValid, true);

    // Flip one byte of the signature (the last byte of the DER is inside it).
    const bad = Buffer.from(csr.der);
    bad[bad.length - 1] ^= 0x40;
    const broken = only<CertificateRequest>(decodePem(pem('CERTIFICATE REQUEST', bad)), 'csr');
    assert.equal(broken.signatureValid, false);
    // …and one byte of the signed info (a byte of the subject): the signature no longer covers it.
    const tampered = Buffer.from(csr.der);
    const at_ = tampered.indexOf(Buffer.from('worker-1'));
    tampered[at_] = 'W'.charCodeAt(0);
    const t = decodeCertificateRequest(new Uint8Array(tampered));
    assert.equal(t.subject.text, 'O=system:nodes,CN=system:node:Worker-1');
    assert.equal(t.signatureValid, false);
  });
}

test('names: attribute order, repeated attributes and escaping as RFC 4514 / openssl RFC2253 print them', () => {
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 11);
  const cases = [
    'CN=admin,OU=System,O=system:masters,L=BeiJing,ST=BeiJing,C=CN',
    'C=US,O=Acme\\, Inc.,OU=a+b,OU=x;y,CN=<svc>',
    [
      ['CN', ' padded '],
      ['O', '#hash'],
      ['OU', 'back\\slash "quoted"'],
    ] as Array<[string, string]>,
    'CN=Jürgen Müller,O=ÆØÅ',
    'serialNumber=42,emailAddress=ops@example.com,CN=multi',
  ];
  for (const subject of cases) {
    const c = buildCert({ subject, key, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z') });
    const decoded = only<Certificate>(decodePem(c.pem), 'certificate');
    const out = openssl('x509', '-in', write('name.pem', c.pem), '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb');
    assert.equal(decoded.subject.text, /^subject=(.*)$/m.exec(out)?.[1], JSON.stringify(subject));
  }
});

test('names: an "=" inside a value is printed as openssl and Go print it (unescaped)', () => {
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 11);
  const c = buildCert({ subject: 'CN=a=b,O=k8s', key, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z') });
  const out = openssl('x509', '-in', write('eq.pem', c.pem), '-noout', '-subject', '-nameopt', 'RFC2253');
  assert.equal(field(out, 'subject'), 'O=k8s,CN=a=b');
  assert.equal(only<Certificate>(decodePem(c.pem), 'certificate').subject.text, 'O=k8s,CN=a=b');
});

test('serials with the high bit set and dates outside UTCTime', () => {
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 11);
  for (const serial of [1n, 0x80n, 0x8fedcba987654321n, 2n ** 159n + 12345n]) {
    const c = buildCert({ subject: 'CN=serial', key, serial, notBefore: at('1949-06-01T00:00:00Z'), notAfter: at('2051-03-04T05:06:07Z') });
    const d = only<Certificate>(decodePem(c.pem), 'certificate');
    const out = openssl('x509', '-in', write('serial.pem', c.pem), '-noout', '-serial', '-startdate', '-enddate');
    assert.equal(BigInt('0x' + d.serial), serial);
    assert.equal(BigInt('0x' + d.serial), BigInt('0x' + field(out, 'serial')));
    assert.equal(d.notBefore, opensslDate(field(out, 'notBefore')));
    assert.equal(d.notAfter, opensslDate(field(out, 'notAfter')));
    assert.equal(d.ca, undefined, 'no basicConstraints');
  }
});

test('weak and legacy signatures are named', () => {
  const rsa1024 = sharedKey({ type: 'rsa', bits: 1024 }, 1);
  for (const [hash, name] of [
    ['md5', 'md5WithRSAEncryption'],
    ['sha1', 'sha1WithRSAEncryption'],
    ['sha512', 'sha512WithRSAEncryption'],
  ] as const) {
    const c = buildCert({ subject: `CN=${hash}`, key: rsa1024, hash, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z') });
    const d = only<Certificate>(decodePem(c.pem), 'certificate');
    assert.equal(d.signatureAlgorithm, name);
    assert.equal(d.signatureHash, hash);
    assert.equal(d.publicKey.label, 'RSA 1024');
    assert.match(openssl('x509', '-in', write('legacy.pem', c.pem), '-noout', '-text'), new RegExp(`Signature Algorithm: ${name}`));
  }
});

// ---------------------------------------------------------------------------------------------- corrupt input

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

test('corrupt DER certificates give an error on the item, never a throw', () => {
  const { admin } = pki();
  const good = Buffer.from(admin.der);
  const variants: Array<[string, Buffer]> = [];
  for (const n of [0, 1, 2, 3, 4, 10, 100, good.length >> 1, good.length - 1]) variants.push([`truncated to ${n}`, good.subarray(0, n)]);
  const flipTag = Buffer.from(good);
  flipTag[0] = 0x31;
  variants.push(['outer tag SET instead of SEQUENCE', flipTag]);
  const innerTag = Buffer.from(good);
  innerTag[4] = 0x04;
  variants.push(['tbsCertificate tag OCTET STRING', innerTag]);
  const longLen = Buffer.from(good);
  longLen[1] = 0x84; // four length bytes follow where two did: runs past the end
  variants.push(['outer length too long', longLen]);
  const hugeLen = Buffer.from(good);
  hugeLen[1] = 0x89; // nine length bytes
  variants.push(['length of length 9', hugeLen]);
  const indefinite = Buffer.from(good);
  indefinite[1] = 0x80;
  variants.push(['indefinite length', indefinite]);
  variants.push(['trailing garbage', Buffer.concat([good, Buffer.from([0, 0])])]);
  let deep = Buffer.alloc(0);
  for (let i = 0; i < 300; i++) deep = Buffer.concat([Buffer.from([0x30]), derLength(deep.length), deep]);
  variants.push(['300 nested empty SEQUENCEs', deep]);
  for (const [what, der] of variants) {
    let items: DecodedItem[] = [];
    assert.doesNotThrow(() => {
      items = decodePem(pem('CERTIFICATE', der));
    }, what);
    assert.equal(items.length, 1, what);
    assert.equal(items[0].value, undefined, what);
    assert.ok(typeof items[0].error === 'string' && items[0].error.length > 0, `${what}: an error`);
  }
  // Every single-byte corruption of the header region: decoded or an error, never a throw.
  for (let i = 0; i < Math.min(good.length, 400); i++) {
    const bad = Buffer.from(good);
    bad[i] ^= 0xff;
    let items: DecodedItem[] = [];
    assert.doesNotThrow(() => {
      items = decodePem(pem('CERTIFICATE', bad));
    }, `byte ${i}`);
    assert.ok(items[0].value !== undefined || items[0].error !== undefined, `byte ${i}`);
  }
  // And through the analysis: a finding, no throw.
  const text = kubeconfig({ users: [{ name: 'u', certPem: pem('CERTIFICATE', good.subarray(0, 50)) }] });
  const a = analyse(text, { now: NOW });
  assert.ok(a.findings.some((f) => f.code === 'not-a-certificate'));
});

test('broken PEM armour: no END line, a body that is not base64, an empty block, an unknown label', () => {
  const { admin } = pki();
  const body = admin.pem.split('\n').slice(1, -2).join('\n');
  const cases: Array<[string, string]> = [
    ['no END line', `-----BEGIN CERTIFICATE-----\n${body}\n`],
    ['not base64', `-----BEGIN CERTIFICATE-----\n${body.slice(0, 40)}!!!${body.slice(40)}\n-----END CERTIFICATE-----\n`],
    ['empty', `-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n`],
    ['unknown label', `-----BEGIN X509 CRL-----\n${body}\n-----END X509 CRL-----\n`],
  ];
  for (const [what, text] of cases) {
    const items = decodePem(text);
    assert.equal(items.length, 1, what);
    assert.ok(items[0].error, `${what}: ${JSON.stringify(items[0].error)}`);
  }
  // Text around and between blocks is ignored; a bundle keeps its order.
  const bundle = decodePem(`# ca\n${pki().ca.pem}\nsome words\n${admin.pem}trailing`);
  assert.deepEqual(
    bundle.map((i) => (i.value as Certificate).subject.text),
    ['CN=kubernetes', 'O=kubeadm:cluster-admins,CN=admin'],
  );
});

// ---------------------------------------------------------------------------------------------- no private key material

interface Secret {
  label: string;
  pem: string;
  /** Strings that must not appear: PEM body lines, base64 of the PEM, hex/base64 of the secret components. */
  needles: string[];
}

function secretsOf(label: string, key: KeyPair, format: 'pkcs1' | 'pkcs8' | 'sec1', certDer: Buffer): Secret {
  const text = keyPem(key, format);
  const needles = new Set<string>();
  for (const line of text.split('\n')) if (line.length >= 40 && !line.startsWith('-----')) needles.add(line);
  const whole = b64(text);
  for (let i = 0; i + 40 <= whole.length; i += 40) needles.add(whole.slice(i, i + 40));
  const der = key.privateKey.export({ type: format, format: 'der' });
  // The private DER also holds the public key (modulus, EC point), which may legitimately be shown:
  // look for the secret components themselves, in every encoding a serialiser might use.
  const jwk = key.privateKey.export({ format: 'jwk' }) as Record<string, string>;
  for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
    if (!jwk[name]) continue;
    const bytes = Buffer.from(jwk[name], 'base64url');
    for (const enc of [bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), jwk[name]]) {
      const window = Math.min(enc.length, 24);
      for (let i = 0; i + window <= enc.length; i += window) needles.add(enc.slice(i, i + window));
    }
  }
  assert.ok(der.length > 0);
  // A PEM line made only of public bytes (the RSA modulus) may turn up in the certificate's own encoding; that is not a leak.
  const spki = key.publicKey.export({ type: 'spki', format: 'der' });
  const published = dump({ spki: new Uint8Array(spki), cert: new Uint8Array(certDer), modulus: jwk.n, x: jwk.x, y: jwk.y });
  return { label, pem: text, needles: [...needles].filter((n) => !published.includes(n)) };
}

/** JSON with every Uint8Array as base64 and as hex, so no byte hides from the search. */
function dump(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64'), hex: Buffer.from(v).toString('hex') };
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[seen]';
      seen.add(v);
    }
    return v;
  });
}

function assertNoSecret(secret: Secret, what: string, value: unknown): void {
  const text = dump(value);
  const found = secret.needles.filter((n) => text.includes(n));
  assert.deepEqual(found.slice(0, 3), [], `${secret.label}: ${what} holds private key material`);
}

function allSecrets(): Array<Secret & { cert: string }> {
  const out: Array<Secret & { cert: string }> = [];
  for (const a of ALGS) {
    const key = sharedKey(a.alg, 12);
    const { leaf } = chain(a);
    for (const format of a.formats) out.push({ ...secretsOf(`${a.label} ${format}`, key, format, leaf.der), cert: leaf.pem });
  }
  return out;
}

test('no private key material in decoded key facts (item.value)', () => {
  for (const s of allSecrets()) {
    const items = decodePem(s.pem);
    assert.equal(items[0].value?.kind, 'key');
    assertNoSecret(
      s,
      'the decoded key facts',
      items.map((i) => i.value),
    );
  }
});

test('no private key material in anything decodePem returns (the whole DecodedItem, block included)', () => {
  for (const s of allSecrets()) assertNoSecret(s, 'decodePem(keyPem)', decodePem(s.pem));
});

test('no private key material in an analysis: materials, certificates, findings (and finding messages)', () => {
  const { ca } = pki();
  for (const s of allSecrets()) {
    // The key beside its certificate, beside a wrong certificate, and where a certificate belongs.
    const text = kubeconfig({
      clusters: [{ name: 'c', caPem: ca.pem }],
      users: [
        { name: 'right', certPem: s.cert, keyPem: s.pem },
        { name: 'wrong', certPem: pki().admin.pem, keyPem: s.pem },
        { name: 'misplaced', certPem: s.pem },
      ],
      contexts: [{ name: 'c', cluster: 'c', user: 'right' }],
    });
    const a = analyse(text, { now: NOW });
    assert.ok(
      a.findings.some((f) => f.code === 'key-mismatch'),
      `${s.label}: key-mismatch for the wrong certificate`,
    );
    assert.ok(
      a.findings.some((f) => f.code === 'not-a-certificate'),
      `${s.label}: not-a-certificate for the misplaced key`,
    );
    const decoded = {
      materials: a.materials.map(({ site: _site, ...rest }) => rest),
      certificates: a.certificates.map(({ site: _site, ...rest }) => rest),
      findings: a.findings,
    };
    assertNoSecret(s, 'the analysis', decoded);
  }
});
