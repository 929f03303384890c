// A shared little PKI for tests: CAs and leaves with fixed dates, built once per process.
import { at, buildCert, keyPem, sharedKey, type BuiltCert } from './pki';

/** Tests judge validity at this moment. */
export const NOW = at('2026-11-21T00:00:00Z').getTime();

const rsa = (slot: number) => sharedKey({ type: 'rsa', bits: 2048 }, slot);

let cached: ReturnType<typeof make> | undefined;

function make() {
  const ca = buildCert({
    subject: 'CN=kubernetes',
    key: rsa(0),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
  const otherCa = buildCert({
    subject: 'CN=other-ca',
    key: rsa(1),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const expiredCa = buildCert({
    subject: 'CN=old-ca',
    key: rsa(2),
    notBefore: at('2018-01-01T00:00:00Z'),
    notAfter: at('2023-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leaf = (subject: string, issuer: BuiltCert, extra: Partial<Parameters<typeof buildCert>[0]> = {}): BuiltCert =>
    buildCert({
      subject,
      key: rsa(3),
      issuer,
      notBefore: at('2025-06-01T00:00:00Z'),
      notAfter: at('2027-06-01T00:00:00Z'),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: ['clientAuth'],
      ...extra,
    });
  const admin = leaf('CN=admin,O=kubeadm:cluster-admins', ca);
  return { ca, otherCa, expiredCa, admin, leaf, adminKeyPem: keyPem(rsa(3), 'pkcs8'), otherKeyPem: keyPem(rsa(4), 'pkcs1'), rsa };
}

export function pki() {
  cached ??= make();
  return cached;
}
