// weak-key, weak-signature.
import { finding, type Finding } from './finding';
import { type CheckInput, isSelfSigned, named } from './context';

export function checkStrength(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const { site, certificates, keys } of input.materials) {
    certificates.forEach((cert, i) => {
      const which = named(cert, i, certificates.length);
      const { type, bits } = cert.publicKey;
      if ((type === 'RSA' || type === 'RSA-PSS') && bits !== undefined && bits < 2048)
        out.push(
          finding(
            'weak-key',
            site.field.span,
            site.where,
            `The certificate ${which} has a ${bits}-bit RSA key; anything below 2048 bits can be factored with modest resources. Reissue it with RSA 2048+ or ECDSA P-256.`,
            { data: { index: i } },
          ),
        );
      // A self-signed CA is a trust anchor: nobody checks its own signature.
      const anchor = cert.ca === true && isSelfSigned(cert);
      if (!anchor && (cert.signatureHash === 'md5' || cert.signatureHash === 'sha1'))
        out.push(
          finding(
            'weak-signature',
            site.field.span,
            site.where,
            `The certificate ${which} is signed with ${cert.signatureAlgorithm}; ${cert.signatureHash.toUpperCase()} collisions are practical, and Go (so Kubernetes) rejects such signatures by default. Reissue it with SHA-256.`,
            { data: { index: i } },
          ),
        );
    });
    for (const key of keys) {
      if (key.type === 'RSA' && key.bits !== undefined && key.bits < 2048)
        out.push(
          finding(
            'weak-key',
            site.field.span,
            site.where,
            `This private key is ${key.label}; RSA below 2048 bits is too weak. Generate a new key (RSA 2048+ or ECDSA P-256).`,
          ),
        );
    }
  }
  return out;
}
