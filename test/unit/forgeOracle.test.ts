// node-forge as an independent oracle: for RSA certificates (all forge reads) made by OpenSSL and by the test PKI, every
// fact Kubecert decodes with its own DER reader agrees with what forge decodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { decodeCertificate, type Certificate } from '../../server/src/core/x509/certificates';
import { at, buildCert, generateKey } from '../support/pki';

const KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
const EKU = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping'];

function derOf(pemText: string): Buffer {
  return Buffer.from(pemText.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
}

/** The facts both parsers can state, in one shape. */
function forgeFacts(der: Buffer) {
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  const ext = (name: string) => cert.getExtension(name) as Record<string, unknown> | null;
  const san = ext('subjectAltName') as { altNames: { type: number; value: string; ip?: string }[] } | null;
  const bc = ext('basicConstraints') as { cA?: boolean; pathLenConstraint?: number } | null;
  const ku = ext('keyUsage');
  const eku = ext('extKeyUsage');
  // forge keeps a UTF8String's bytes as a binary string: decoded here, as a reader of the name would.
  const value = (a: { value?: unknown; valueTagClass?: unknown }) =>
    a.valueTagClass === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(String(a.value)) : String(a.value);
  const name = (n: forge.pki.Certificate['subject']) => n.attributes.map((a) => `${a.shortName ?? a.type}=${value(a)}`);
  return {
    serial: cert.serialNumber.replace(/^(00)+(?=.)/, ''),
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    notBefore: cert.validity.notBefore.getTime(),
    notAfter: cert.validity.notAfter.getTime(),
    sans: (san?.altNames ?? []).map((a) => (a.type === 2 ? `DNS:${a.value}` : a.type === 7 ? `IP:${a.ip}` : `other:${a.type}`)),
    ca: bc ? Boolean(bc.cA) : undefined,
    pathLen: bc?.pathLenConstraint,
    keyUsage: ku ? KEY_USAGE.filter((k) => ku[k]) : [],
    extKeyUsage: eku ? EKU.filter((k) => eku[k]) : [],
    bits: (cert.publicKey as forge.pki.rsa.PublicKey).n.bitLength(),
    sha256: forge.md.sha256.create().update(der.toString('binary')).digest().toHex(),
  };
}

function kubecertFacts(der: Buffer) {
  const c: Certificate = decodeCertificate(new Uint8Array(der));
  const name = (n: Certificate['subject']) => n.rdns.flat().map((a) => `${a.type}=${a.value}`);
  return {
    serial: c.serial.replace(/^(00)+(?=.)/, ''),
    subject: name(c.subject),
    issuer: name(c.issuer),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sans: c.sans,
    ca: c.ca,
    pathLen: c.pathLen,
    keyUsage: KEY_USAGE.filter((k) => c.keyUsage.includes(k)),
    extKeyUsage: EKU.filter((k) => c.extKeyUsage.includes(k)),
    bits: c.publicKey.bits,
    sha256: c.sha256,
  };
}

test('OpenSSL-made RSA certificates: Kubecert and node-forge agree on every fact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-forge-'));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '3650',
      '-subj',
      '/C=CN/ST=BeiJing/L=BeiJing/O=k8s/OU=System/CN=kubernetes',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:2',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    );
    run('req', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/O=system:masters/O=dev/OU=System/CN=admin');
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:kubernetes,DNS:*.svc.cluster.local,IP:10.96.0.1,IP:127.0.0.1\n',
    );
    run(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '0x00f1e2d3c4b5a69788',
      '-days',
      '400',
      '-extfile',
      'ext.cnf',
      '-out',
      'leaf.crt',
    );
    for (const file of ['ca.crt', 'leaf.crt']) {
      const der = derOf(readFileSync(join(dir, file), 'utf8'));
      assert.deepEqual(kubecertFacts(der), forgeFacts(der), file);
    }
    // The fixture facts are not trivially empty: the oracle compared something.
    const leaf = forgeFacts(derOf(readFileSync(join(dir, 'leaf.crt'), 'utf8')));
    assert.deepEqual(leaf.sans, ['DNS:kubernetes', 'DNS:*.svc.cluster.local', 'IP:10.96.0.1', 'IP:127.0.0.1']);
    assert.equal(leaf.bits, 3072);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test-PKI RSA certificates (fixed dates, many name shapes): Kubecert and node-forge agree', () => {
  const root = buildCert({
    subject: 'CN=kubernetes,OU=System,O=k8s',
    key: generateKey({ type: 'rsa', bits: 2048 }),
    notBefore: at('2024-01-01T00:00:00Z'),
    notAfter: at('2034-01-01T00:00:00Z'),
    ca: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leaves = [
    { subject: 'CN=system:node:worker-1,O=system:nodes', sans: ['DNS:worker-1', 'IP:192.0.2.7'], extKeyUsage: ['clientAuth' as const], serial: 1n },
    { subject: 'CN=ünïcödé,O=Grüße', extKeyUsage: ['serverAuth' as const, 'clientAuth' as const], serial: 0x7fffffffffffffffn },
  ].map((c) =>
    buildCert({
      ...c,
      key: generateKey({ type: 'rsa', bits: 2048 }),
      issuer: root,
      notBefore: at('2025-06-01T12:00:00Z'),
      notAfter: at('2026-06-01T12:00:00Z'),
    }),
  );
  for (const built of [root, ...leaves]) assert.deepEqual(kubecertFacts(built.der), forgeFacts(built.der), String(built.spec.subject));
});
