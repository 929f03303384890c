/**
 * Proves test/support/pki.ts against real OpenSSL and Node's X509Certificate.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { at, b64, buildCert, buildCsr, BuiltCert, der, generateKey, KeyAlg, keyPem, pem, sharedKey } from '../support/pki';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-pki-'));
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let fileNo = 0;
function write(name: string, text: string): string {
  const file = path.join(dir, `${fileNo++}-${name}`);
  fs.writeFileSync(file, text);
  return file;
}

/** Runs openssl; fails the test with its stderr unless it exits 0. Returns stdout+stderr. */
function openssl(...args: string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run openssl: ${r.error?.message}`);
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

const epoch = (d: Date) => String(Math.floor(d.getTime() / 1000));

const nodeCert = (c: BuiltCert) => new crypto.X509Certificate(c.der);

const notBefore = at('2024-01-01T00:00:00Z');
const notAfter = at('2034-01-01T00:00:00Z');
const inside = at('2025-06-15T12:00:00Z');

const algs: Array<[string, KeyAlg, RegExp]> = [
  ['RSA 2048', { type: 'rsa', bits: 2048 }, /Signature Algorithm: sha256WithRSAEncryption/],
  ['ECDSA P-256', { type: 'ec', curve: 'P-256' }, /Signature Algorithm: ecdsa-with-SHA256/],
  ['ECDSA P-384', { type: 'ec', curve: 'P-384' }, /Signature Algorithm: ecdsa-with-SHA256/],
  ['Ed25519', { type: 'ed25519' }, /Signature Algorithm: ED25519/],
];

for (const [label, alg, sigRe] of algs) {
  test(`${label}: CA + leaf are what the spec asked for`, () => {
    const caKey = sharedKey(alg, 1);
    const leafKey = sharedKey(alg, 2);
    const ca = buildCert({
      subject: 'CN=kubernetes-ca,O=Kubecert Test',
      key: caKey,
      notBefore,
      notAfter,
      ca: true,
      pathLen: 1,
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    });
    const leaf = buildCert({
      subject: 'CN=admin,O=system:masters,O=other,OU=System',
      key: leafKey,
      issuer: ca,
      notBefore: at('2024-02-03T04:05:06Z'),
      notAfter: at('2025-12-31T23:59:59Z'),
      serial: 0x8fedcba987654321n,
      ca: false,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: ['clientAuth', 'serverAuth'],
      sans: ['DNS:a.example.com', 'IP:10.0.0.1', 'IP:2001:db8::1', 'URI:spiffe://cluster.local/ns/x', 'email:a@b.c'],
    });
    const caFile = write('ca.pem', ca.pem);
    const leafFile = write('leaf.pem', leaf.pem);

    const out = openssl(
      'x509',
      '-in',
      leafFile,
      '-noout',
      '-subject',
      '-issuer',
      '-dates',
      '-serial',
      '-ext',
      'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints',
      '-nameopt',
      'RFC2253',
    );
    // RFC 2253 prints RDNs last-first; the DER holds them in the order written.
    assert.match(out, /^subject=OU=System,O=other,O=system:masters,CN=admin$/m);
    assert.match(out, /^issuer=O=Kubecert Test,CN=kubernetes-ca$/m);
    assert.match(out, /^notBefore=Feb {2}3 04:05:06 2024 GMT$/m);
    assert.match(out, /^notAfter=Dec 31 23:59:59 2025 GMT$/m);
    assert.match(out, /^serial=8FEDCBA987654321$/m);
    assert.match(out, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
    assert.match(out, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    assert.match(out, /X509v3 Extended Key Usage:\s+TLS Web Client Authentication, TLS Web Server Authentication\n/);
    assert.match(out, /DNS:a\.example\.com, IP Address:10\.0\.0\.1, IP Address:2001:DB8:0:0:0:0:0:1, URI:spiffe:\/\/cluster\.local\/ns\/x, email:a@b\.c/);

    const caOut = openssl('x509', '-in', caFile, '-noout', '-subject', '-ext', 'basicConstraints,keyUsage', '-nameopt', 'RFC2253');
    assert.match(caOut, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    assert.match(caOut, /Digital Signature, Certificate Sign, CRL Sign/);

    const text = openssl('x509', '-in', leafFile, '-noout', '-text');
    assert.match(text, sigRe);
    assert.match(text, /X509v3 Subject Key Identifier/);
    assert.match(text, /X509v3 Authority Key Identifier/);
    const caText = openssl('x509', '-in', caFile, '-noout', '-text');
    const ski = /X509v3 Subject Key Identifier:\s+([0-9A-F:]+)/.exec(caText)?.[1];
    assert.ok(ski && text.includes(ski), 'leaf AKI equals CA SKI');

    const verify = openssl('verify', '-attime', epoch(inside), '-CAfile', caFile, leafFile);
    assert.match(verify, /: OK/);

    // Node agrees.
    const nodeCa = nodeCert(ca);
    const nodeLeaf = nodeCert(leaf);
    assert.equal(nodeCa.verify(caKey.publicKey), true);
    assert.equal(nodeLeaf.verify(caKey.publicKey), true);
    assert.equal(nodeLeaf.verify(leafKey.publicKey), false);
    assert.equal(nodeLeaf.checkIssued(nodeCa), true);
    assert.equal(nodeLeaf.serialNumber, '8FEDCBA987654321');
    assert.equal(nodeLeaf.ca, false);
    assert.equal(nodeCa.ca, true);
    assert.equal(new Date(nodeLeaf.validFrom).toISOString(), '2024-02-03T04:05:06.000Z');
  });

  test(`${label}: CSR verifies and keeps its subject`, () => {
    const csr = buildCsr({
      subject: 'CN=system:node:worker-1,O=system:nodes',
      key: sharedKey(alg, 2),
      sans: ['DNS:worker-1', 'IP:192.168.1.10'],
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['clientAuth'],
    });
    assert.match(csr.pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const file = write('req.csr', csr.pem);
    const out = openssl('req', '-in', file, '-verify', '-noout', '-subject', '-nameopt', 'RFC2253');
    assert.match(out, /verify OK/);
    assert.match(out, /subject=O=system:nodes,CN=system:node:worker-1/);
    const text = openssl('req', '-in', file, '-noout', '-text');
    assert.match(text, /Requested Extensions:/);
    assert.match(text, /DNS:worker-1, IP Address:192\.168\.1\.10/);
    assert.match(text, /TLS Web Client Authentication/);
  });

  test(`${label}: keyPem outputs load in openssl`, () => {
    const key = sharedKey(alg, 2);
    const formats: Array<'pkcs8' | 'pkcs1' | 'sec1'> = ['pkcs8'];
    if (alg.type === 'rsa') formats.push('pkcs1');
    if (alg.type === 'ec') formats.push('sec1');
    for (const f of formats) {
      const text = keyPem(key, f);
      const expected = { pkcs8: 'PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY' }[f];
      assert.match(text, new RegExp(`^-----BEGIN ${expected}-----\n`));
      openssl('pkey', '-noout', '-in', write(`key-${f}.pem`, text));
    }
    if (alg.type !== 'rsa') assert.throws(() => keyPem(key, 'pkcs1'));
    if (alg.type !== 'ec') assert.throws(() => keyPem(key, 'sec1'));
  });
}

test('legacy and alternative signature hashes', () => {
  const rsa1024 = sharedKey({ type: 'rsa', bits: 1024 });
  const cases: Array<[KeyAlg, 'md5' | 'sha1' | 'sha384' | 'sha512', string]> = [
    [rsa1024.alg, 'md5', 'md5WithRSAEncryption'],
    [rsa1024.alg, 'sha1', 'sha1WithRSAEncryption'],
    [rsa1024.alg, 'sha512', 'sha512WithRSAEncryption'],
    [{ type: 'ec', curve: 'P-384' }, 'sha384', 'ecdsa-with-SHA384'],
    [{ type: 'ec', curve: 'P-256' }, 'sha1', 'ecdsa-with-SHA1'],
  ];
  for (const [alg, hash, name] of cases) {
    const key = sharedKey(alg, 1);
    const cert = buildCert({ subject: `CN=legacy-${hash}`, key, notBefore, notAfter, hash });
    const text = openssl('x509', '-in', write(`${hash}.pem`, cert.pem), '-noout', '-text');
    assert.match(text, new RegExp(`Signature Algorithm: ${name}`), name);
    assert.equal(nodeCert(cert).verify(key.publicKey), true, `${name} verifies`);
  }
  const csr = buildCsr({ subject: 'CN=old', key: rsa1024, hash: 'md5' });
  assert.match(openssl('req', '-in', write('md5.csr', csr.pem), '-noout', '-text'), /md5WithRSAEncryption/);
});

test('self-signed defaults, serials and time encodings', () => {
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 3);
  const a = buildCert({ subject: 'CN=same', key, notBefore, notAfter });
  const b = buildCert({ subject: 'CN=same', key, notBefore, notAfter });
  const ed = sharedKey({ type: 'ed25519' }, 3); // deterministic signatures: whole certificate reproducible
  assert.deepEqual(buildCert({ subject: 'CN=same', key: ed, notBefore, notAfter }).der, buildCert({ subject: 'CN=same', key: ed, notBefore, notAfter }).der);
  assert.equal(nodeCert(a).serialNumber, nodeCert(b).serialNumber, 'default serial is deterministic');
  const c = buildCert({ subject: 'CN=same', key, notBefore, notAfter: at('2035-01-01T00:00:00Z') });
  assert.notEqual(nodeCert(a).serialNumber, nodeCert(c).serialNumber);

  // No basicConstraints unless asked for; pathLen alone still emits it.
  assert.doesNotMatch(openssl('x509', '-in', write('plain.pem', a.pem), '-noout', '-text'), /Basic Constraints/);
  const pl = buildCert({ subject: 'CN=pl', key, notBefore, notAfter, pathLen: 0 });
  assert.match(openssl('x509', '-in', write('pl.pem', pl.pem), '-noout', '-text'), /critical\s+CA:FALSE, pathlen:0/);

  // Serials: leading high bit needs a 0x00 sign byte; big ones survive intact.
  const big = 2n ** 159n + 12345n;
  for (const serial of [1n, 0x80n, 0xffn, big]) {
    const cert = buildCert({ subject: 'CN=serial', key, notBefore, notAfter, serial });
    const out = openssl('x509', '-in', write('serial.pem', cert.pem), '-noout', '-serial');
    assert.equal(BigInt('0x' + /serial=([0-9A-F]+)/.exec(out)![1]), serial);
  }
  assert.deepEqual(der.int(0x80n), Buffer.from([0x02, 0x02, 0x00, 0x80]));
  assert.deepEqual(der.int(-129), Buffer.from([0x02, 0x02, 0xff, 0x7f]));
  assert.deepEqual(der.int(Buffer.from([0x00, 0x00, 0x90])), Buffer.from([0x02, 0x02, 0x00, 0x90]));

  // UTCTime 1950–2049, GeneralizedTime outside.
  assert.equal(der.time(at('2049-12-31T23:59:59Z'))[0], 0x17);
  assert.equal(der.time(at('2050-01-01T00:00:00Z'))[0], 0x18);
  assert.equal(der.time(at('1949-12-31T23:59:59Z'))[0], 0x18);
  const long = buildCert({ subject: 'CN=long', key, notBefore: at('1949-06-01T00:00:00Z'), notAfter: at('2051-03-04T05:06:07Z') });
  const dates = openssl('x509', '-in', write('long.pem', long.pem), '-noout', '-dates');
  assert.match(dates, /notBefore=Jun {2}1 00:00:00 1949 GMT/);
  assert.match(dates, /notAfter=Mar {2}4 05:06:07 2051 GMT/);
  assert.equal(new Date(nodeCert(long).validTo).toISOString(), '2051-03-04T05:06:07.000Z');

  // Names: explicit pairs, dotted OIDs, escapes, UTF-8, every supported attribute.
  const named = buildCert({
    subject: 'C=DE,ST=Berlin,L=Mitte,O=Acme\\, Inc.,OU=Ops,CN=Jürgen,emailAddress=j@acme.example,serialNumber=42,2.5.4.12=Boss',
    key,
    notBefore,
    notAfter,
    subjectKeyId: false,
  });
  const subj = openssl('x509', '-in', write('named.pem', named.pem), '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb');
  assert.match(subj, /subject=title=Boss,serialNumber=42,emailAddress=j@acme\.example,CN=Jürgen,OU=Ops,O=Acme\\, Inc\.,L=Mitte,ST=Berlin,C=DE/);
  const pairs = buildCert({
    subject: [
      ['CN', 'x'],
      ['O', 'a'],
      ['O', 'b'],
    ],
    key,
    notBefore,
    notAfter,
  });
  assert.equal(nodeCert(pairs).subject, 'CN=x\nO=a\nO=b');
  assert.doesNotMatch(openssl('x509', '-in', write('noski.pem', named.pem), '-noout', '-text'), /Key Identifier/);

  // Fresh keys differ; shared keys are memoised per slot.
  assert.notEqual(
    generateKey({ type: 'ed25519' }).publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    generateKey({ type: 'ed25519' }).publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
  );
  assert.equal(sharedKey({ type: 'ec', curve: 'P-256' }, 3), key);
  assert.notEqual(sharedKey({ type: 'ec', curve: 'P-256' }, 4), key);
});

test('text helpers', () => {
  const body = Buffer.alloc(100, 7);
  const p = pem('CERTIFICATE', body);
  const lines = p.split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.equal(lines[1].length, 64);
  assert.equal(lines[lines.length - 2], '-----END CERTIFICATE-----');
  assert.ok(p.endsWith('-----\n'));
  assert.deepEqual(Buffer.from(lines.slice(1, -2).join(''), 'base64'), body);
  assert.equal(b64('hello'), 'aGVsbG8=');
  assert.equal(b64(Buffer.from([0xff, 0xfe])), '//4=');
  assert.ok(!b64(p).includes('\n'));
  assert.throws(() => at('not a date'));
  assert.equal(at('2024-01-01T00:00:00Z').getTime(), Date.UTC(2024, 0, 1));
});
