// missing-key, missing-certificate, and key-mismatch for keys outside tls.key: a certificate and its key come in pairs.
import { finding, type Finding } from './finding';
import type { CheckInput } from './context';
import type { Material } from '../x509/decode';

export function checkPairs(input: CheckInput): Finding[] {
  return [...checkUserPairs(input), ...checkSecretKeys(input)];
}

const CERT_KEYS = ['client-certificate-data', 'client-certificate'];
const KEY_KEYS = ['client-key-data', 'client-key'];

/** client-go refuses a user with a client certificate and no key, or a key and no certificate (validateAuthInfo). */
function checkUserPairs(input: CheckInput): Finding[] {
  const config = input.kubeconfig;
  if (!config) return [];
  const out: Finding[] = [];
  for (const user of config.users) {
    const present = (keys: string[]) => keys.map((k) => user.fields.get(k)).find((f) => f !== undefined && f.isScalar && f.value.trim() !== '');
    const cert = present(CERT_KEYS);
    const key = present(KEY_KEYS);
    if (cert && !key)
      out.push(
        finding(
          'missing-key',
          cert.span,
          `users[${user.name}].${cert.key}`,
          `User "${user.name}" has ${cert.key} but no client-key-data or client-key: kubectl refuses it ("client-key-data or client-key must be specified for ${user.name} to use the clientCert authentication method"). Add the key the certificate was issued for.`,
          { data: { user: user.name } },
        ),
      );
    else if (key && !cert)
      out.push(
        finding(
          'missing-certificate',
          key.span,
          `users[${user.name}].${key.key}`,
          `User "${user.name}" has ${key.key} but no client-certificate-data or client-certificate: kubectl refuses it ("client-cert-data or client-cert must be specified for ${user.name} to use the clientCert authentication method"). Add the certificate issued for this key.`,
          { data: { user: user.name } },
        ),
      );
  }
  return out;
}

/**
 * A key under any name in a Secret (calico's etcd-key beside etcd-cert) belongs to a certificate of the same Secret:
 * paired by public key. tls.key is checked against tls.crt elsewhere.
 */
function checkSecretKeys(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const [group, members] of input.groups) {
    if (group.startsWith('users/') || group.startsWith('clusters/') || !group.includes('Secret[')) continue;
    const leaves: Material[] = members.filter((m) => m.certificates.length > 0 && m.certificates[0].ca !== true && m.site.role !== 'ca-bundle');
    for (const m of members) {
      if (m.site.role !== 'pem' || m.keys.length === 0 || leaves.length === 0) continue;
      const facts = m.keys[0];
      if (facts.publicFingerprint === undefined) continue;
      if (leaves.some((l) => l.certificates[0].publicKey.fingerprint === facts.publicFingerprint)) continue;
      const names = leaves.map((l) => `${l.site.field.key} (${l.certificates[0].subject.text})`).join(', ');
      out.push(
        finding(
          'key-mismatch',
          m.site.field.span,
          m.site.where,
          `This ${facts.label} private key belongs to no certificate of this Secret: ${names} ${leaves.length > 1 ? 'were' : 'was'} issued for other keys, so a TLS handshake with that pair fails. Put the matching key or certificate here.`,
          { related: leaves.map((l) => ({ span: l.site.field.span, message: `a certificate of this Secret: ${l.certificates[0].subject.text}` })) },
        ),
      );
    }
  }
  return out;
}
