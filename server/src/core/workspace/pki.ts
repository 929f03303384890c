// A loose PKI file (.pem .crt .cer .der .key .csr, PEM or DER, bundles) as a document: one site per block.
import { analyseInSteps, type Analysis, type AnalysisOptions, type Structure } from '../analysis';
import { decodeCertificate, decodePem, pemBlocks } from '../x509/certificates';
import { finding, type Finding } from '../findings/finding';
import type { Field } from '../model/kubeconfig';
import type { Site } from '../model/sites';

/** Labels a DER file is tried as, in order: the first that decodes names the block. */
const DER_LABELS = ['CERTIFICATE', 'CERTIFICATE REQUEST', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];

function baseName(path: string | undefined): string {
  return path ? path.slice(path.lastIndexOf('/') + 1) : '';
}

/** What the file's name promises, for `not-a-certificate` on a `.crt` that holds none. */
function promise(path: string | undefined): 'certificate' | 'key' | undefined {
  const name = baseName(path).toLowerCase();
  if (/\.(crt|cer)$/.test(name)) return 'certificate';
  if (/\.key$/.test(name) || /-key\.pem$/.test(name)) return 'key';
  return undefined;
}

function blockField(label: string, value: string, start: number, end: number, firstLineEnd: number): Field {
  return { key: label, value, isScalar: true, span: { start, end }, keySpan: { start, end: firstLineEnd }, pairSpan: { start, end }, style: 'block' };
}

/** The PEM text a DER file would have, under the first label that decodes. */
export function derAsPem(text: string): { label: string; pem: string } | undefined {
  const bytes = Buffer.from(text, 'latin1');
  const body = bytes.toString('base64').replace(/.{64}/g, '$&\n');
  for (const label of DER_LABELS) {
    if (label === 'CERTIFICATE') {
      try {
        decodeCertificate(new Uint8Array(bytes));
      } catch {
        continue;
      }
    }
    const pem = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    if (label === 'CERTIFICATE' || decodePem(pem)[0]?.value) return { label, pem };
  }
  return undefined;
}

/** analyse() on a structure already built (the file is not YAML). */
export function analyseKnown(text: string, options: AnalysisOptions, known: Structure): Analysis {
  const steps = analyseInSteps(text, options, { batch: Number.MAX_SAFE_INTEGER, known });
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export function pkiStructure(text: string, form: 'pem' | 'der'): Structure {
  const sites: Site[] = [];
  const site = (field: Field, index: number, count: number): Site => ({
    role: 'pem',
    where: `${field.key.toLowerCase()}${count > 1 ? `[${index + 1}]` : ''}`,
    encoding: 'pem',
    field,
    group: 'file',
    document: 0,
  });
  if (form === 'der') {
    const der = derAsPem(text);
    const field = blockField(der?.label ?? 'DER', der?.pem ?? '', 0, text.length, 0);
    sites.push(site(field, 0, 1));
  } else {
    const blocks = pemBlocks(text);
    blocks.forEach((b, i) => {
      const nl = text.indexOf('\n', b.start);
      sites.push(site(blockField(b.label, text.slice(b.start, b.end), b.start, b.end, nl < 0 || nl > b.end ? b.end : nl), i, blocks.length));
    });
  }
  return { kind: 'pki', objects: [], sites, findings: [], documentStarts: [0] };
}

/**
 * A loose PKI file analysed: certificates, keys and requests with the checks of any site; `extra` holds what its
 * name promises and it does not keep (a `.crt` with no certificate), before severities are applied.
 */
export function analysePki(text: string, form: 'pem' | 'der', options: AnalysisOptions): { analysis: Analysis; extra: Finding[] } {
  const known = pkiStructure(text, form);
  const analysis = analyseKnown(text, options, known);
  const extra: Finding[] = [];
  const promised = promise(options.path);
  const firstLine = text.indexOf('\n');
  const head = { start: 0, end: firstLine < 0 ? text.length : firstLine };
  if (promised === 'certificate' && analysis.certificates.length === 0)
    extra.push(
      finding(
        'not-a-certificate',
        head,
        baseName(options.path),
        `${baseName(options.path)} is named as a certificate but holds ${analysis.materials.some((m) => m.keys.length) ? 'a private key' : known.sites.length ? 'no certificate' : 'no PEM block and no DER certificate'}.`,
      ),
    );
  return { analysis, extra };
}
