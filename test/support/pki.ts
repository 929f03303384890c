/**
 * Test PKI: builds X.509 certificates, PKCS#10 CSRs and keys with exactly the
 * fields a test asks for, with fixed dates (never the wall clock).
 *
 * Dependency-free: a minimal DER encoder below, keys from node:crypto, and
 * signatures from crypto.sign. RSA with md5/sha1 is signed by hand
 * (PKCS#1 v1.5 DigestInfo through crypto.privateEncrypt) so it works whatever
 * digests the local OpenSSL security policy allows crypto.sign to use.
 *
 * Names: "CN=admin,O=system:masters" is encoded in the order written (the first
 * attribute is the first RDN in the DER, like `openssl req -subj /CN=admin/O=…`);
 * note that RFC 2253 / RFC 4514 display prints RDNs in reverse order.
 */
import * as crypto from 'node:crypto';
import { Buffer } from 'node:buffer';

// ---------------------------------------------------------------- DER encoder

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

export const der = {
  seq: (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items)),
  /** SET OF, elements sorted as DER requires. */
  set: (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  /** INTEGER: numbers/bigints in two's complement; a Buffer is an unsigned magnitude. */
  int(value: number | bigint | Buffer): Buffer {
    if (Buffer.isBuffer(value)) {
      let i = 0;
      while (i < value.length - 1 && value[i] === 0) i++;
      let body: Buffer = value.length === 0 ? Buffer.from([0]) : value.subarray(i);
      if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
      return tlv(0x02, body);
    }
    let v = BigInt(value);
    const bytes: number[] = [];
    for (;;) {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n; // arithmetic shift: ends at 0 or -1
      const sign = bytes[0] & 0x80;
      if ((v === 0n && !sign) || (v === -1n && sign)) break;
    }
    return tlv(0x02, Buffer.from(bytes));
  },
  oid(dotted: string): Buffer {
    const arcs = dotted.split('.').map((a) => BigInt(a));
    if (arcs.length < 2) throw new Error(`bad OID ${dotted}`);
    const out: number[] = [];
    for (const arc of [arcs[0] * 40n + arcs[1], ...arcs.slice(2)]) {
      const chunk: number[] = [Number(arc & 0x7fn)];
      for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
      out.push(...chunk);
    }
    return tlv(0x06, Buffer.from(out));
  },
  /** UTCTime for years 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
  time(d: Date): Buffer {
    if (Number.isNaN(d.getTime())) throw new Error('invalid date');
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const y = d.getUTCFullYear();
    const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
    return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(p(y % 100) + rest)) : tlv(0x18, Buffer.from(p(y, 4) + rest));
  },
  /** A UTCTime or GeneralizedTime with exactly this text, valid or not. */
  utcTime: (s: string): Buffer => tlv(0x17, Buffer.from(s, 'latin1')),
  generalizedTime: (s: string): Buffer => tlv(0x18, Buffer.from(s, 'latin1')),
  printable: (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1')),
  utf8: (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8')),
  ia5: (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1')),
  bits: (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b])),
  octets: (b: Buffer): Buffer => tlv(0x04, b),
  bool: (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0])),
  null: (): Buffer => Buffer.from([0x05, 0]),
  /** [n] EXPLICIT: wraps a complete element. */
  explicit: (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner),
  /** [n] IMPLICIT: replaces the tag of `content` (raw contents octets). */
  implicit: (n: number, content: Buffer, constructed = false): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, content),
};

/** Minimal reader: the children of a constructed element (for SPKI parsing). */
function children(el: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const { start, end } = header(el, 0);
  for (let i = start; i < end;) {
    const h = header(el, i);
    out.push(el.subarray(i, h.end));
    i = h.end;
  }
  return out;
}
function header(b: Buffer, at: number): { start: number; end: number } {
  let len = b[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i];
    start += n;
  }
  return { start, end: start + len };
}

// ---------------------------------------------------------------- keys

export type KeyAlg = { type: 'rsa'; bits: number } | { type: 'ec'; curve: 'P-256' | 'P-384' } | { type: 'ed25519' };
export interface KeyPair {
  alg: KeyAlg;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

/**
 * A fresh key pair, as KeyObjects imported from DER. Node 20's generateKeyPairSync returns KeyObjects that share a lock
 * with the generation job; when the garbage collector destroys that job while one of them is being exported (a JWK
 * export allocates enough to trigger it), the job's destructor waits for the lock the export holds and the process
 * hangs for good (seen in CI: a test process asleep in ~KeyGenJob under KeyObjectHandle::ExportJWK). Imported keys
 * have a lock of their own.
 */
export function generateKey(alg: KeyAlg): KeyPair {
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'der' } as const;
  let pair: { privateKey: Buffer; publicKey: Buffer };
  if (alg.type === 'rsa') pair = crypto.generateKeyPairSync('rsa', { modulusLength: alg.bits, publicExponent: 65537, publicKeyEncoding, privateKeyEncoding });
  else if (alg.type === 'ec') pair = crypto.generateKeyPairSync('ec', { namedCurve: alg.curve, publicKeyEncoding, privateKeyEncoding });
  else pair = crypto.generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
  return {
    alg,
    privateKey: crypto.createPrivateKey({ key: pair.privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: crypto.createPublicKey({ key: pair.publicKey, format: 'der', type: 'spki' }),
  };
}

const keyCache = new Map<string, KeyPair>();
/** One key per (alg, slot) for the whole process. */
export function sharedKey(alg: KeyAlg, slot = 0): KeyPair {
  const id = `${JSON.stringify(alg)}#${slot}`;
  let k = keyCache.get(id);
  if (!k) keyCache.set(id, (k = generateKey(alg)));
  return k;
}

export function keyPem(key: KeyPair, format: 'pkcs8' | 'pkcs1' | 'sec1'): string {
  if (format === 'pkcs1' && key.alg.type !== 'rsa') throw new Error('pkcs1 is for RSA keys only');
  if (format === 'sec1' && key.alg.type !== 'ec') throw new Error('sec1 is for EC keys only');
  return key.privateKey.export({ type: format, format: 'pem' }) as string;
}

function spki(key: KeyPair): Buffer {
  return key.publicKey.export({ type: 'spki', format: 'der' });
}
/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 method 1). */
function keyId(key: KeyPair): Buffer {
  const bitString = children(spki(key))[1];
  const { start, end } = header(bitString, 0);
  return crypto
    .createHash('sha1')
    .update(bitString.subarray(start + 1, end))
    .digest();
}

// ---------------------------------------------------------------- names

export type Name = string | Array<[string, string]>;

const ATTR: Record<string, string> = {
  c: '2.5.4.6',
  st: '2.5.4.8',
  l: '2.5.4.7',
  o: '2.5.4.10',
  ou: '2.5.4.11',
  cn: '2.5.4.3',
  emailaddress: '1.2.840.113549.1.9.1',
  serialnumber: '2.5.4.5',
};

/** Splits "CN=a,O=b\,c" into pairs; backslash escapes the next character. */
function parseName(s: string): Array<[string, string]> {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) cur += s[++i];
    else if (s[i] === ',') {
      parts.push(cur);
      cur = '';
    } else cur += s[i];
  }
  if (cur.trim() !== '' || parts.length > 0) parts.push(cur);
  return parts.map((p) => {
    const eq = p.indexOf('=');
    if (eq < 0) throw new Error(`bad name component "${p}" in "${s}"`);
    return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
  });
}

export function encodeName(name: Name): Buffer {
  const pairs = typeof name === 'string' ? parseName(name) : name;
  return der.seq(
    ...pairs.map(([type, value]) => {
      const oid = /^\d+(\.\d+)+$/.test(type) ? type : ATTR[type.toLowerCase()];
      if (!oid) throw new Error(`unknown name attribute ${type}`);
      let str: Buffer;
      if (oid === ATTR.emailaddress) str = der.ia5(value);
      else if (/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) str = der.printable(value);
      else str = der.utf8(value);
      return der.set(der.seq(der.oid(oid), str));
    }),
  );
}

// ---------------------------------------------------------------- extensions

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
export type ExtKeyUsageName = 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'timeStamping' | 'OCSPSigning';
const KU_BITS: KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
const EKU: Record<ExtKeyUsageName, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
};

export function ext(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(value));
}

function keyUsageExt(usages: KeyUsageName[]): Buffer {
  let byte = 0;
  let highest = -1;
  for (const u of usages) {
    const bit = KU_BITS.indexOf(u);
    if (bit < 0) throw new Error(`unknown key usage ${u}`);
    byte |= 0x80 >> bit;
    highest = Math.max(highest, bit);
  }
  const bits = highest < 0 ? der.bits(Buffer.alloc(0)) : der.bits(Buffer.from([byte]), 7 - highest);
  return ext('2.5.29.15', true, bits);
}

function parseIp(s: string): Buffer {
  if (!s.includes(':')) {
    const octets = s.split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`bad IPv4 ${s}`);
    return Buffer.from(octets);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = parseIp(g);
        out.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else throw new Error(`bad IPv6 ${s}`);
    }
    return out;
  };
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 ${s}`);
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0) || (halves.length === 2 && fill < 1)) throw new Error(`bad IPv6 ${s}`);
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const buf = Buffer.alloc(16);
  all.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
}

function sanExt(sans: string[]): Buffer {
  const names = sans.map((san) => {
    const colon = san.indexOf(':');
    if (colon < 0) throw new Error(`SAN needs a prefix (DNS:, IP:, URI:, email:): ${san}`);
    const kind = san.slice(0, colon).toUpperCase();
    const value = san.slice(colon + 1);
    if (kind === 'DNS') return der.implicit(2, Buffer.from(value, 'latin1'));
    if (kind === 'IP') return der.implicit(7, parseIp(value));
    if (kind === 'URI') return der.implicit(6, Buffer.from(value, 'latin1'));
    if (kind === 'EMAIL') return der.implicit(1, Buffer.from(value, 'latin1'));
    throw new Error(`unsupported SAN kind ${kind}`);
  });
  return ext('2.5.29.17', false, der.seq(...names));
}

function usageExts(spec: { keyUsage?: KeyUsageName[]; extKeyUsage?: ExtKeyUsageName[]; sans?: string[] }): Buffer[] {
  const out: Buffer[] = [];
  if (spec.keyUsage) out.push(keyUsageExt(spec.keyUsage));
  if (spec.extKeyUsage) out.push(ext('2.5.29.37', false, der.seq(...spec.extKeyUsage.map((u) => der.oid(EKU[u])))));
  if (spec.sans) out.push(sanExt(spec.sans));
  return out;
}

// ---------------------------------------------------------------- signing

export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';
const RSA_SIG: Record<HashName, string> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_SIG: Partial<Record<HashName, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const HASH_OID: Record<HashName, string> = {
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

function sigAlg(key: KeyPair, hash: HashName): Buffer {
  if (key.alg.type === 'ed25519') return der.seq(der.oid('1.3.101.112'));
  if (key.alg.type === 'rsa') return der.seq(der.oid(RSA_SIG[hash]), der.null());
  const oid = ECDSA_SIG[hash];
  if (!oid) throw new Error(`ECDSA with ${hash} is not supported`);
  return der.seq(der.oid(oid));
}

function sign(key: KeyPair, hash: HashName, data: Buffer): Buffer {
  if (key.alg.type === 'ed25519') return crypto.sign(null, data, key.privateKey);
  if (key.alg.type === 'rsa' && (hash === 'md5' || hash === 'sha1')) {
    // Legacy digests: build the PKCS#1 v1.5 DigestInfo ourselves and apply the raw
    // private-key operation, so OpenSSL's policy on weak digests never gets a say.
    const digestInfo = der.seq(der.seq(der.oid(HASH_OID[hash]), der.null()), der.octets(crypto.createHash(hash).update(data).digest()));
    return crypto.privateEncrypt({ key: key.privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, digestInfo);
  }
  return crypto.sign(hash, data, key.privateKey); // ECDSA: DER-encoded (r, s)
}

// ---------------------------------------------------------------- certificates

export interface CertSpec {
  subject: Name;
  key: KeyPair;
  issuer?: BuiltCert;
  notBefore: Date;
  notAfter: Date;
  serial?: bigint;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: KeyUsageName[];
  extKeyUsage?: ExtKeyUsageName[];
  sans?: string[];
  hash?: HashName;
  subjectKeyId?: boolean;
  /** Malformed on purpose (tests of strictness): extensions appended as given, each a complete Extension. */
  extraExtensions?: Buffer[];
  /** Malformed on purpose: the Validity SEQUENCE as given. */
  validity?: Buffer;
  /** Malformed on purpose: the SubjectPublicKeyInfo as given (the certificate is still signed by `key` or the issuer). */
  spki?: Buffer;
}
export interface BuiltCert {
  der: Buffer;
  pem: string;
  key: KeyPair;
  spec: CertSpec;
  subjectDer: Buffer;
}

export function buildCert(spec: CertSpec): BuiltCert {
  const hash = spec.hash ?? 'sha256';
  const signer = spec.issuer ? spec.issuer.key : spec.key;
  const subjectDer = encodeName(spec.subject);
  const issuerDer = spec.issuer ? spec.issuer.subjectDer : subjectDer;
  const serial = spec.serial ?? defaultSerial(subjectDer, spec.notBefore, spec.notAfter);

  const exts: Buffer[] = [];
  if (spec.ca !== undefined || spec.pathLen !== undefined) {
    const bc = der.seq(...(spec.ca ? [der.bool(true)] : []), ...(spec.pathLen !== undefined ? [der.int(spec.pathLen)] : []));
    exts.push(ext('2.5.29.19', true, bc));
  }
  exts.push(...usageExts(spec));
  exts.push(...(spec.extraExtensions ?? []));
  if (spec.subjectKeyId !== false) {
    exts.push(ext('2.5.29.14', false, der.octets(keyId(spec.key))));
    if (spec.issuer && spec.issuer.spec.subjectKeyId !== false) {
      exts.push(ext('2.5.29.35', false, der.seq(der.implicit(0, keyId(spec.issuer.key)))));
    }
  }

  const tbs = der.seq(
    ...(exts.length > 0 ? [der.explicit(0, der.int(2))] : []), // v3 only when there are extensions
    der.int(serial),
    sigAlg(signer, hash),
    issuerDer,
    spec.validity ?? der.seq(der.time(spec.notBefore), der.time(spec.notAfter)),
    subjectDer,
    spec.spki ?? spki(spec.key),
    ...(exts.length > 0 ? [der.explicit(3, der.seq(...exts))] : []),
  );
  const cert = der.seq(tbs, sigAlg(signer, hash), der.bits(sign(signer, hash, tbs)));
  return { der: cert, pem: pem('CERTIFICATE', cert), key: spec.key, spec, subjectDer };
}

/** Positive, non-zero, 128-bit serial from subject + validity. */
function defaultSerial(subjectDer: Buffer, notBefore: Date, notAfter: Date): bigint {
  const h = crypto.createHash('sha256').update(subjectDer).update(`${notBefore.toISOString()}|${notAfter.toISOString()}`).digest();
  h[0] = (h[0] & 0x7f) | 0x40;
  return BigInt('0x' + h.subarray(0, 16).toString('hex'));
}

// ---------------------------------------------------------------- CSRs

export interface CsrSpec {
  subject: Name;
  key: KeyPair;
  sans?: string[];
  extKeyUsage?: CertSpec['extKeyUsage'];
  keyUsage?: CertSpec['keyUsage'];
  hash?: CertSpec['hash'];
}

export function buildCsr(spec: CsrSpec): { der: Buffer; pem: string } {
  const hash = spec.hash ?? 'sha256';
  const exts = usageExts(spec);
  const attrs = exts.length > 0 ? [der.seq(der.oid('1.2.840.113549.1.9.14'), der.set(der.seq(...exts)))] : [];
  const info = der.seq(der.int(0), encodeName(spec.subject), spki(spec.key), der.implicit(0, Buffer.concat(attrs), true));
  const csr = der.seq(info, sigAlg(spec.key, hash), der.bits(sign(spec.key, hash, info)));
  return { der: csr, pem: pem('CERTIFICATE REQUEST', csr) };
}

// ---------------------------------------------------------------- text helpers

export function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

export function b64(text: string | Buffer): string {
  return (typeof text === 'string' ? Buffer.from(text, 'utf8') : text).toString('base64');
}

export const at = (iso: string): Date => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`invalid date ${iso}`);
  return d;
};
