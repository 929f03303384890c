// The `openssl x509 -text` view of what a site holds, for a read-only editor. Never a private key.
import type { Analysis } from '../analysis';
import type { Certificate, CertificateRequest } from '../x509/certificates';
import { oneLine } from './hover';
import { dateAsOpenssl, serialAsOpenssl } from '../x509/strict';
import { identityOf } from '../model/identity';
import { inside } from '../model/locate';
import { relative } from '../base/time';

function hexColons(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** "Serial Number: 4660 (0x1234)", or the bytes on the next line, as `openssl x509 -text` prints them. */
function serialLines(serial: string): string[] {
  const shown = serialAsOpenssl(serial);
  return shown.includes('(0x') ? [`        Serial Number: ${shown}`] : ['        Serial Number:', `            ${shown}`];
}

export function certificateText(cert: Certificate, now: number): string {
  const id = identityOf(cert.subject);
  const lines = [
    'Certificate:',
    '    Data:',
    `        Version: ${cert.version} (0x${(cert.version - 1).toString(16)})`,
    ...serialLines(cert.serial),
    `        Signature Algorithm: ${cert.signatureAlgorithm}`,
    `        Issuer: ${cert.issuer.text}`,
    '        Validity',
    `            Not Before: ${dateAsOpenssl(cert.notBefore)}`,
    `            Not After : ${dateAsOpenssl(cert.notAfter)}   (${cert.notAfter < now ? 'expired ' : 'expires '}${relative(cert.notAfter, now)})`,
    `        Subject: ${cert.subject.text}`,
    '        Subject Public Key Info:',
    `            Public Key: ${cert.publicKey.label}`,
    '        X509v3 extensions:',
  ];
  if (cert.ca !== undefined)
    lines.push(
      '            X509v3 Basic Constraints:',
      `                CA:${cert.ca ? 'TRUE' : 'FALSE'}${cert.pathLen !== undefined ? `, pathlen:${cert.pathLen}` : ''}`,
    );
  if (cert.keyUsage.length) lines.push('            X509v3 Key Usage:', `                ${cert.keyUsage.join(', ')}`);
  if (cert.extKeyUsage.length) lines.push('            X509v3 Extended Key Usage:', `                ${cert.extKeyUsage.join(', ')}`);
  if (cert.sans.length) lines.push('            X509v3 Subject Alternative Name:', `                ${cert.sans.join(', ')}`);
  if (cert.subjectKeyId) lines.push('            X509v3 Subject Key Identifier:', `                ${hexColons(cert.subjectKeyId).toUpperCase()}`);
  if (cert.authorityKeyId) lines.push('            X509v3 Authority Key Identifier:', `                ${hexColons(cert.authorityKeyId).toUpperCase()}`);
  lines.push(
    `    Signature Algorithm: ${cert.signatureAlgorithm}`,
    `SHA256 Fingerprint=${hexColons(cert.sha256).toUpperCase()}`,
    `SHA1 Fingerprint=${hexColons(cert.sha1).toUpperCase()}`,
  );
  if (!cert.ca)
    lines.push(
      '',
      'Kubernetes:',
      `    User: ${id.user ?? '(none)'}`,
      `    Groups: ${id.groups.join(', ') || '(none)'}`,
      ...id.meanings.map((m) => `    ${m.name}: ${m.text}`),
    );
  // One line per fact: a value from the certificate cannot add a line (a forged "Not After") or drive a terminal.
  return [...lines.map(oneLine), '', pemOf('CERTIFICATE', cert.der)].join('\n');
}

function requestText(csr: CertificateRequest): string {
  return [
    ...[
      'Certificate Request:',
      `    Subject: ${csr.subject.text}`,
      `    Public Key: ${csr.publicKey.label}`,
      ...(csr.sans.length ? [`    Requested names: ${csr.sans.join(', ')}`] : []),
      ...(csr.keyUsage.length || csr.extKeyUsage.length ? [`    Requested usages: ${[...csr.keyUsage, ...csr.extKeyUsage].join(', ')}`] : []),
      `    Signature: ${csr.signatureAlgorithm} (${csr.signatureValid ? 'verifies' : 'does NOT verify'})`,
    ].map(oneLine),
    '',
    pemOf('CERTIFICATE REQUEST', csr.der),
  ].join('\n');
}

export function pemOf(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** The decoded view lists this many certificates of a bundle (each is ~2 KB of text; a bundle can hold 20,000); the PEM holds all. */
export const DECODED_CERTIFICATES = 100;

/** Everything decodable at an offset, as text; keys are described, never printed. */
export function decodedTextAt(analysis: Analysis, offset: number, now: number): { where: string; text: string; pem: string } | undefined {
  const m = analysis.materials.find((x) => inside(x.site.field.span, offset) || inside(x.site.field.keySpan, offset));
  if (!m) return undefined;
  const count = m.certificates.length;
  const parts = [
    ...m.certificates.slice(0, DECODED_CERTIFICATES).map((c) => certificateText(c, now)),
    ...(count > DECODED_CERTIFICATES
      ? [
          `# ${count - DECODED_CERTIFICATES} more certificates of this bundle of ${count} are not shown: the decoded view lists the first ${DECODED_CERTIFICATES}. Copy Certificate as PEM and Save Certificate as File hold all ${count}.`,
        ]
      : []),
    ...m.requests.map(requestText),
    ...m.keys.map((k) => `Private key: ${k.label} (${k.format}) — not shown.`),
  ];
  if (parts.length === 0) return undefined;
  const pem = [...m.certificates.map((c) => pemOf('CERTIFICATE', c.der)), ...m.requests.map((r) => pemOf('CERTIFICATE REQUEST', r.der))].join('');
  return { where: m.site.where, text: `# ${m.site.where}\n\n${parts.join('\n\n')}`, pem };
}
