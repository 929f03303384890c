// key-mismatch for keys outside tls.key: a key in a Secret belongs to one of its certificates.
import { finding, type Finding } from './finding';
import type { CheckInput } from './context';
import type { Material } from '../x509/decode';

export function checkPairs(input: CheckInput): Finding[] {
  return checkSecretKeys(input);
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
