// cert-expired, cert-not-yet-valid, cert-expiring-soon: every certificate, CAs and bundles included.
import { finding, type Finding } from './finding';
import { DAY_MS, formatDate, relative } from '../base/time';
import { type CheckInput, named } from './context';
import { certificateKind, KIND_WORDS } from '../model/sites';

export function checkValidity(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  const { now } = input;
  for (const { site, certificates } of input.materials) {
    certificates.forEach((cert, i) => {
      const which = named(cert, i, certificates.length);
      const kind = certificateKind(site.role, i, cert.ca);
      const what = KIND_WORDS[kind];
      const data = { index: i, notAfter: cert.notAfter, role: site.role, subject: cert.subject.text, issuer: cert.issuer.text };
      if (cert.notAfter < now) {
        const consequence =
          kind === 'ca' && (site.role === 'cluster-ca' || site.role === 'ca-bundle')
            ? ' Nothing it signed can be verified any more: connections that trust it fail with "x509: certificate has expired or is not yet valid".'
            : ' It is rejected wherever it is presented.';
        out.push(
          finding(
            'cert-expired',
            site.field.span,
            site.where,
            `The ${what} ${which} expired on ${formatDate(cert.notAfter)}, ${relative(cert.notAfter, now)}.${consequence}`,
            { data },
          ),
        );
      } else if (cert.notBefore > now) {
        out.push(
          finding(
            'cert-not-yet-valid',
            site.field.span,
            site.where,
            `The ${what} ${which} is not valid until ${formatDate(cert.notBefore)} (${relative(cert.notBefore, now)}); until then it is rejected. Check the clock of whoever issued it.`,
            { data },
          ),
        );
      } else if (cert.notAfter - now < input.warnDays * DAY_MS) {
        out.push(
          finding(
            'cert-expiring-soon',
            site.field.span,
            site.where,
            `The ${what} ${which} expires on ${formatDate(cert.notAfter)}, ${relative(cert.notAfter, now)}. Renew it before then.`,
            { data },
          ),
        );
      }
    });
  }
  return out;
}
