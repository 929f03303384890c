// A site's raw value → the certificates, requests and keys it holds, plus encoding findings.
import { decodeCertificate, decodePem, looksLikePem, type Certificate, type CertificateRequest, type DecodedItem, type PrivateKeyFacts } from './certificates';
import { exact } from '../base/exact';
import { CODES, finding, type Finding } from '../findings/finding';
import { CERTIFICATE_ROLES, KEY_ROLES, type Site } from '../model/sites';

/** The one way the core reaches outside itself: reading a file a document names. */
export interface Host {
  readFile(path: string): { bytes: Uint8Array } | { error: string };
}

/**
 * What one site (a field that holds certificate material, like `client-certificate-data` or a Secret's `tls.crt`) turned
 * out to hold once decoded: its certificates, certificate requests and key facts, and where each came from.
 */
export interface Material {
  site: Site;
  certificates: Certificate[];
  keys: PrivateKeyFacts[];
  requests: CertificateRequest[];
  /** The decoded text was PEM (or DER) we could look into. */
  readable: boolean;
}

interface Decoding {
  items: DecodedItem[];
  readable: boolean;
  problems: Array<Omit<Finding, 'span' | 'where' | 'severity'>>;
}

interface Cached {
  kind: string;
  text: string;
  decoding: Decoding;
  key: number;
}

/**
 * Decoded results by raw text: a value that did not change is never decoded again. Looked up by a fingerprint
 * of the text (its length and 32 characters spread through it), then compared in full: a Map keyed by the text
 * itself hashes every character of every value on every keystroke, which cost more than the rest of a lookup.
 */
export class DecodeCache {
  private buckets = new Map<number, Cached[]>();
  private overflow = new Map<string, Cached>();
  /** Insertion order, for evicting the oldest past capacity. */
  private order: Cached[] = [];
  private head = 0;
  constructor(private readonly capacity = 20_000) {}

  get(kind: 'file' | 'pem' | 'b64' | 'b64-optional', text: string, compute: () => Decoding): Decoding {
    const key = fingerprint(text);
    const bucket = this.buckets.get(key);
    if (bucket) {
      for (const c of bucket) if (c.kind === kind && c.text === text) return c.decoding;
      if (bucket.length >= BUCKET_LIMIT) {
        const hit = this.overflow.get(`${kind}\0${text}`);
        if (hit) return hit.decoding;
      }
    }
    const entry: Cached = { kind, text, decoding: compute(), key };
    if (!bucket) this.buckets.set(key, [entry]);
    else if (bucket.length < BUCKET_LIMIT) bucket.push(entry);
    // Values made to share a fingerprint: past a few per bucket they go to an exact map, never a long scan.
    else this.overflow.set(`${kind}\0${text}`, entry);
    this.order.push(entry);
    // Bounded: past capacity the oldest entry goes; values in use come back on their next miss.
    if (this.size > this.capacity) this.evictOldest();
    return entry.decoding;
  }

  private evictOldest(): void {
    const old = this.order[this.head++];
    const bucket = this.buckets.get(old.key);
    const i = bucket ? bucket.indexOf(old) : -1;
    if (bucket && i >= 0) {
      bucket.splice(i, 1);
      if (bucket.length === 0) this.buckets.delete(old.key);
    } else this.overflow.delete(`${old.kind}\0${old.text}`);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.order.length - this.head;
  }
}

const BUCKET_LIMIT = 8;

function fingerprint(text: string): number {
  const n = text.length;
  let h = n | 0;
  if (n <= 64) {
    for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    return h;
  }
  const step = n / 33;
  for (let k = 1; k <= 32; k++) h = (Math.imul(h, 31) + text.charCodeAt((k * step) | 0)) | 0;
  return h;
}

const MAX_FILE_BYTES = 1024 * 1024;
/**
 * The bytes of `s` if it is standard padded base64 as Go decodes it (whole quads of the alphabet, "=" or "=="
 * only at the end), else undefined. One pass: Node's decoder skips anything outside the alphabet and stops at
 * "=", so any such character leaves fewer bytes than the length promises (tested exhaustively against
 * the alphabet's regular expression in test/unit/certificates.test.ts).
 */
export function goBase64Bytes(s: string): Buffer | undefined {
  // Node also reads the URL-safe alphabet, which Go's standard encoding does not.
  if (s.length % 4 !== 0 || s.includes('-') || s.includes('_')) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(s, 'base64');
  return bytes.length === (s.length / 4) * 3 - pad ? bytes : undefined;
}

export function decodeSite(site: Site, host: Host | undefined, cache: DecodeCache): { material: Material; findings: Finding[] } {
  const findings: Finding[] = [];
  let decoding: Decoding;
  if (site.encoding === 'file') {
    const path = site.file?.resolved;
    const read =
      path === undefined
        ? { error: 'the document is not saved, so a relative path has no folder to start from' }
        : host
          ? host.readFile(path)
          : { error: 'files are not read here' };
    if ('error' in read) {
      findings.push(
        finding(
          'missing-file',
          site.field.span,
          site.where,
          `${site.field.key}: cannot read "${site.file?.written}"${path && path !== site.file?.written ? ` (${path})` : ''}: ${read.error}.`,
          {
            data: { path },
          },
        ),
      );
      return { material: empty(site), findings };
    }
    decoding =
      read.bytes.length > MAX_FILE_BYTES
        ? {
            items: [],
            readable: false,
            problems: [
              { code: 'not-a-certificate', message: `${site.file?.written} is ${read.bytes.length} bytes, too large to be a certificate or key file.` },
            ],
          }
        : cache.get('file', Buffer.from(read.bytes).toString('latin1'), () => decodeBytes(read.bytes));
  } else if (site.encoding === 'pem') {
    decoding = cache.get('pem', site.field.value, () => decodeText(site.field.value));
  } else {
    decoding = cache.get(site.role === 'pem' ? 'b64-optional' : 'b64', site.field.value, () => decodeBase64(site.field.value, site.role === 'pem'));
  }
  for (const p of decoding.problems) findings.push({ ...p, severity: CODES[p.code], span: site.field.span, where: site.where });
  const material = collect(site, decoding);
  findings.push(...expectations(material, decoding));
  return { material, findings };
}

function empty(site: Site): Material {
  return { site, certificates: [], keys: [], requests: [], readable: false };
}

function decodeBase64(raw: string, optional: boolean): Decoding {
  const problems: Decoding['problems'] = [];
  const trimmed = raw.trim();
  if (trimmed.startsWith('-----BEGIN ')) {
    problems.push({
      code: 'pem-not-base64',
      message: 'This field needs the base64 encoding of the PEM text, but holds the PEM itself; kubectl will fail to decode it.',
    });
    return { ...decodeText(raw), problems };
  }
  // Go's base64 decoder (which kubectl uses for []byte fields) skips \r and \n, nothing else.
  const goView = raw.includes('\n') || raw.includes('\r') ? raw.replace(/[\r\n]/g, '') : raw;
  let bytes = goBase64Bytes(goView);
  if (!bytes) {
    const joined = raw.replace(/\s+/g, '');
    const bad = firstBadBase64(goView);
    bytes = goBase64Bytes(joined);
    if (bytes) {
      problems.push({
        code: 'invalid-base64',
        message: `Not valid base64: it contains ${describeChar(goView[bad])} at character ${bad + 1}. The data is fine once the whitespace is removed, but kubectl rejects it as written.`,
        data: { join: true },
      });
    } else {
      const why =
        bad < goView.length
          ? `${describeChar(goView[bad])} at character ${bad + 1}`
          : `a length of ${goView.length} characters, which is not a multiple of 4 (missing "=" padding or truncated)`;
      problems.push({ code: 'invalid-base64', message: `Not valid base64: ${why}.` });
      return { items: [], readable: false, problems };
    }
  }
  const inner = decodeBytes(bytes, optional);
  return { ...inner, problems: [...problems, ...inner.problems] };
}

function firstBadBase64(s: string): number {
  const m = /[^A-Za-z0-9+/=]/.exec(s);
  if (m) return m.index;
  const eq = s.indexOf('=');
  if (eq >= 0 && !/^={1,2}$/.test(s.slice(eq))) return eq;
  return s.length;
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'nothing';
  if (c === ' ') return 'a space';
  if (c === '\t') return 'a tab';
  if (c === '=') return 'misplaced "=" padding';
  const code = c.charCodeAt(0);
  return code < 0x20 || code > 0x7e ? `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

function decodeText(text: string): Decoding {
  return { items: decodePem(text), readable: true, problems: [] };
}

/** Bytes from base64 or a file: PEM, or a single DER certificate. */
function decodeBytes(bytes: Uint8Array, optional = false): Decoding {
  // A view, not a copy: the text is all that is kept of PEM.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (looksLikePem(text)) return decodeText(text);
  if (optional) return { items: [], readable: false, problems: [] };
  if (bytes[0] === 0x30) {
    try {
      // A DER certificate keeps its bytes: its own copy, never a slice of a shared buffer pool.
      const der = new Uint8Array(bytes);
      const cert = decodeCertificate(der);
      return {
        items: [{ block: { label: 'CERTIFICATE', der, start: 0, end: der.length }, value: cert }],
        readable: true,
        problems: [
          {
            code: 'not-a-certificate',
            message: 'This holds a certificate in DER (binary) form; kubectl and the API server expect PEM ("-----BEGIN CERTIFICATE-----").',
          },
        ],
      };
    } catch {
      // Not a DER certificate either; fall through.
    }
  }
  return {
    items: [],
    readable: false,
    problems: [
      { code: 'not-a-certificate', message: `This decodes to ${bytes.length} bytes that hold no PEM block ("-----BEGIN …-----"), so no certificate or key.` },
    ],
  };
}

function collect(site: Site, decoding: Decoding): Material {
  const material: Material = { site, certificates: [], keys: [], requests: [], readable: decoding.readable };
  for (const item of decoding.items) {
    if (item.value?.kind === 'certificate') material.certificates.push(item.value);
    else if (item.value?.kind === 'key') material.keys.push(item.value);
    else if (item.value?.kind === 'csr') material.requests.push(item.value);
  }
  material.certificates = exact(material.certificates);
  material.keys = exact(material.keys);
  material.requests = exact(material.requests);
  return material;
}

/** What each role must hold: certificates where certificates belong, a key where a key belongs. */
function expectations(material: Material, decoding: Decoding): Finding[] {
  const { site } = material;
  const out: Finding[] = [];
  const say = (message: string): void => void out.push(finding('not-a-certificate', site.field.span, site.where, message));
  for (const item of decoding.items) if (item.error) say(`${capitalise(item.error)}.`);
  if (!decoding.readable) return out;
  const labels = decoding.items.filter((i) => i.value).map((i) => i.block.label);
  if (CERTIFICATE_ROLES.has(site.role)) {
    if (material.keys.length > 0)
      say(`A private key is stored where ${describeRole(site)} belongs. Keep keys out of certificate fields; its content is not shown.`);
    else if (material.certificates.length === 0 && decoding.items.every((i) => !i.error))
      say(
        `No certificate here: it holds ${labels.length ? labels.map((l) => `a ${l} block`).join(', ') : 'no PEM block'} where ${describeRole(site)} belongs.`,
      );
  } else if (KEY_ROLES.has(site.role)) {
    if (material.keys.length === 0 && decoding.items.every((i) => !i.error))
      say(`No private key here: it holds ${labels.length ? labels.map((l) => `a ${l} block`).join(', ') : 'no PEM block'} where the private key belongs.`);
  } else if (site.role === 'csr') {
    if (material.requests.length === 0 && decoding.items.every((i) => !i.error))
      say(`No certificate request here: spec.request must hold a PEM "CERTIFICATE REQUEST" block, and it holds ${labels.length ? labels.join(', ') : 'none'}.`);
  }
  return out;
}

function describeRole(site: Site): string {
  switch (site.role) {
    case 'cluster-ca':
    case 'ca-bundle':
      return 'a CA certificate';
    case 'client-certificate':
      return 'the client certificate';
    case 'serving-certificate':
      return 'the serving certificate';
    default:
      return 'a certificate';
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
