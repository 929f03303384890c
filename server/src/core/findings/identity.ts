// group-in-ou, superuser-group, missing-client-auth: what a certificate lets its holder do.
import type { DistinguishedName } from '../x509/certificates';
import { finding, type Finding, type Span } from './finding';
import { identityOf } from '../model/identity';
import type { Site } from '../model/sites';
import { type CheckInput, isClientIdentity, named } from './context';

export function checkIdentity(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const { site, certificates, requests } of input.materials) {
    certificates.forEach((cert, i) => {
      if (!isClientIdentity(site, cert) || (i > 0 && cert.ca)) return;
      const which = named(cert, i, certificates.length);
      out.push(...subjectFindings(site, site.field.span, cert.subject, `The client certificate ${which}`));
      if (
        site.role === 'client-certificate' &&
        i === 0 &&
        cert.extKeyUsage.length > 0 &&
        !cert.extKeyUsage.includes('clientAuth') &&
        !cert.extKeyUsage.includes('anyExtendedKeyUsage')
      )
        out.push(
          finding(
            'missing-client-auth',
            site.field.span,
            site.where,
            `The client certificate ${which} allows only ${cert.extKeyUsage.join(', ')}: without clientAuth in its extended key usage the API server rejects it during the TLS handshake.`,
          ),
        );
    });
    const issued = requests.length > 0 && (input.groups.get(site.group) ?? []).some((m) => m.site.role === 'issued-certificate' && m.certificates.length > 0);
    for (const csr of requests)
      out.push(...subjectFindings(site, site.field.span, csr.subject, `The certificate request for ${csr.subject.text}`, issued ? 'signed' : 'request'));
  }
  return out;
}

/** `stage`: a request not signed yet has no certificate to revoke; approving it is what would make the superuser. */
function subjectFindings(site: Site, span: Span, subject: DistinguishedName, what: string, stage: 'signed' | 'request' = 'signed'): Finding[] {
  const out: Finding[] = [];
  const id = identityOf(subject);
  for (const group of id.groupsInOu)
    out.push(
      finding(
        'group-in-ou',
        span,
        site.where,
        `${what} puts "${group}" in OU, but Kubernetes reads groups from O only and ignores OU: the holder is not in ${group}. Move it to O if that group was meant.`,
        {
          data: { group },
        },
      ),
    );
  if (id.superuser)
    out.push(
      finding(
        'superuser-group',
        span,
        site.where,
        stage === 'request'
          ? `${what} asks for O=system:masters: approving it issues a superuser certificate that bypasses RBAC, which no Role or binding can restrict or revoke afterwards (only rotating the signing CA would). Deny it unless that is intended; prefer a user bound to cluster-admin (kubeadm:cluster-admins).`
          : `${what} is in O=system:masters: a superuser that bypasses RBAC. No Role or binding can restrict or revoke it; only rotating the CA that signed it ends it. Prefer a user bound to cluster-admin (kubeadm:cluster-admins).`,
      ),
    );
  return out;
}
