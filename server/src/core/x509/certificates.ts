// base64 / PEM / DER → facts about certificates, certificate requests and keys.
// Private keys are read only far enough to name their type and find their public half;
// no private key byte is ever kept in a returned value.
import { createHash, createPrivateKey, createPublicKey, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  DerError,
  TAG,
  children,
  content,
  expect,
  isContext,
  readBitString,
  readBoolean,
  readInteger,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readTlv,
  seq,
  toHex,
  whole,
  type Tlv,
} from './der';
import { exact } from '../base/exact';
import { CURVES, EXT, EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_USAGE_BITS, NAME_ATTRIBUTES, SIGNATURE_ALGORITHMS } from './oids';

export interface NameAttribute {
  /** Short name (CN, O, OU, …) or the dotted OID. */
  type: string;
  value: string;
}

/** A distinguished name as relative distinguished names in DER order (most significant first). */
export interface DistinguishedName {
  rdns: NameAttribute[][];
  /** RFC 4514 text: least significant first, as `openssl -nameopt RFC2253` prints it. */
  text: string;
  /** Hex of the DER, for exact comparison. */
  derHex: string;
}

export interface PublicKeyFacts {
  type: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
  bits?: number;
  curve?: string;
  /** "RSA 2048", "ECDSA P-256", "Ed25519". */
  label: string;
  /** DER of the SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** Hex of what identifies the key (RSA modulus, EC point, EdDSA key): keys match when this matches. */
  fingerprint: string;
}

export interface Certificate {
  kind: 'certificate';
  der: Uint8Array;
  version: number;
  serial: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: number;
  notAfter: number;
  sans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  /** basicConstraints cA; undefined when the extension is absent. */
  ca?: boolean;
  pathLen?: number;
  publicKey: PublicKeyFacts;
  signatureAlgorithm: string;
  signatureHash?: string;
  sha256: string;
  sha1: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureOid: string;
}

export interface CertificateRequest {
  kind: 'csr';
  der: Uint8Array;
  subject: DistinguishedName;
  sans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  publicKey: PublicKeyFacts;
  signatureAlgorithm: string;
  signatureValid: boolean;
}

export interface PrivateKeyFacts {
  kind: 'key';
  format: 'PKCS#1' | 'PKCS#8' | 'SEC1' | 'encrypted PKCS#8';
  type: PublicKeyFacts['type'];
  bits?: number;
  curve?: string;
  label: string;
  /** Same meaning as PublicKeyFacts.fingerprint; undefined when it cannot be derived (encrypted keys). */
  publicFingerprint?: string;
}

export interface PemBlock {
  label: string;
  der: Uint8Array;
  /** Offsets of the block within the decoded text. */
  start: number;
  end: number;
  error?: string;
}

export type Decoded = Certificate | CertificateRequest | PrivateKeyFacts;

export interface DecodedItem {
  block: PemBlock;
  value?: Decoded;
  /** Why this block could not be read. */
  error?: string;
}

// ---------------------------------------------------------------------------
// PEM

export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

const PEM_BEGIN = '-----BEGIN ';
const NOT_BASE64_OR_SPACE = /[^A-Za-z0-9+/\s]/;
const PADDING = /^=\s*(?:=\s*)?$/;

/** The base64 alphabet and whitespace, then at most two "=" (whitespace between them allowed) at the end. */
function isPemBase64(data: string): boolean {
  const eq = data.indexOf('=');
  if (eq < 0) return !NOT_BASE64_OR_SPACE.test(data);
  return !NOT_BASE64_OR_SPACE.test(data.slice(0, eq)) && PADDING.test(data.slice(eq));
}

/** A PEM label character: A–Z, 0–9 or space. */
function labelChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 32;
}

/**
 * Every PEM block in `text`, in order: `-----BEGIN <label>-----`, then everything up to the matching END line
 * (or the end of the text, when it is missing). Broken armour or base64 is reported on the block. Scanned with
 * indexOf: a lazy regular expression with a back-reference cost more than decoding the certificate.
 */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (let pos = text.indexOf(PEM_BEGIN); pos >= 0; pos = text.indexOf(PEM_BEGIN, pos)) {
    let i = pos + PEM_BEGIN.length;
    while (i < text.length && labelChar(text.charCodeAt(i))) i++;
    if (i === pos + PEM_BEGIN.length || !text.startsWith('-----', i)) {
      pos++;
      continue;
    }
    const label = text.slice(pos + PEM_BEGIN.length, i);
    const bodyStart = i + 5;
    const endLine = `-----END ${label}-----`;
    const endAt = text.indexOf(endLine, bodyStart);
    const complete = endAt >= 0;
    const end = complete ? endAt + endLine.length : text.length;
    const body = text.slice(bodyStart, complete ? endAt : text.length);
    // RFC 1421 headers (Proc-Type:, DEK-Info:) are not part of the base64.
    const data = body.includes(':') ? body.replace(/^[A-Za-z-]+:.*$/gm, '') : body;
    const block: PemBlock = { label, der: new Uint8Array(0), start: pos, end };
    if (!complete) block.error = `the ${label} block has no END line`;
    else if (!isPemBase64(data)) block.error = `the ${label} block's body is not base64`;
    else block.der = new Uint8Array(Buffer.from(data, 'base64')); // Node's decoder skips the whitespace
    if (!block.error && block.der.length === 0) block.error = `the ${label} block is empty`;
    out.push(block);
    pos = end;
  }
  return out;
}

/** Decodes every PEM block of `text` into facts. */
export function decodePem(text: string): DecodedItem[] {
  return pemBlocks(text).map((block) => {
    if (block.error) return { block, error: block.error };
    // A public key (kubeadm's sa.pub, --service-account-key-file) is a valid thing to find; it has nothing to check.
    if (block.label === 'PUBLIC KEY') return { block };
    try {
      return { block, value: decodeBlock(block.label, block.der) };
    } catch (e) {
      return { block, error: describeError(e, block.label) };
    } finally {
      // Key bytes are read once for their facts and then dropped: nothing downstream may hold them.
      if (block.label.includes('PRIVATE KEY')) block.der = new Uint8Array(0);
    }
  });
}

function describeError(e: unknown, label: string): string {
  // Our own reader says what it found; anything else (a missing element read as undefined) is said plainly,
  // never as a JavaScript error message.
  const reason = e instanceof DerError ? e.message : 'a required element is missing or of the wrong kind';
  return `the ${label} block cannot be read: ${reason}`;
}

function decodeBlock(label: string, der: Uint8Array): Decoded {
  switch (label) {
    case 'CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
    case 'X509 CERTIFICATE':
      return decodeCertificate(der);
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      return decodeCertificateRequest(der);
    case 'RSA PRIVATE KEY':
      return decodePkcs1PrivateKey(der);
    case 'EC PRIVATE KEY':
      return decodeSec1PrivateKey(der, undefined);
    case 'PRIVATE KEY':
      return decodePkcs8PrivateKey(der);
    case 'ENCRYPTED PRIVATE KEY':
      return { kind: 'key', format: 'encrypted PKCS#8', type: 'unknown', label: 'encrypted private key' };
    default:
      throw new DerError(`unsupported PEM type "${label}"`);
  }
}

// ---------------------------------------------------------------------------
// Names

function decodeName(tlv: Tlv): DistinguishedName {
  const rdns: NameAttribute[][] = [];
  for (const set of seq(tlv, 'name')) {
    const rdn: NameAttribute[] = [];
    for (const atv of children(expect(set, TAG.SET, 'relative distinguished name'))) {
      const [oid, value] = seq(atv, 'attribute');
      const id = readOid(oid);
      if (!value) throw new DerError('attribute without a value');
      rdn.push({ type: NAME_ATTRIBUTES[id] ?? id, value: readString(value) });
    }
    rdns.push(exact(rdn));
  }
  return new Name(exact(rdns), toHex(whole(tlv)));
}

/**
 * A decoded name. Its text is for messages and hovers, which show a few names of thousands: made on first read (4,000
 * names at 1,000 contexts, a twentieth of decoding).
 */
class Name implements DistinguishedName {
  private shown?: string;
  constructor(
    readonly rdns: NameAttribute[][],
    readonly derHex: string,
  ) {}

  get text(): string {
    return (this.shown ??= nameText(this.rdns));
  }

  toJSON(): DistinguishedName {
    return { rdns: this.rdns, text: this.text, derHex: this.derHex };
  }
}

const RFC4514_SPECIAL = /[\\,+"<>;\u0000-\u001f\u007f-\u009f]|^[ #]| $/;

function escapeRfc4514(value: string): string {
  if (!RFC4514_SPECIAL.test(value)) return value;
  let s = value.replace(/[\\,+"<>;]/g, (c) => '\\' + c);
  // C0, DEL and C1 controls as \hh (RFC 4514's hex escape of the UTF-8 would be longer and no clearer).
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  if (s.startsWith(' ') || s.startsWith('#')) s = '\\' + s;
  if (s.endsWith(' ') && s.length > 1) s = s.slice(0, -1) + '\\ ';
  return s;
}

export function nameText(rdns: NameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${escapeRfc4514(a.value)}`).join('+'))
    .join(',');
}

/** Every value of one attribute type, in DER order. */
export function attributes(name: DistinguishedName, type: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === type) out.push(a.value);
  return out;
}

// ---------------------------------------------------------------------------
// Public keys

function decodeSpki(tlv: Tlv): PublicKeyFacts {
  const [alg, key] = seq(tlv, 'subjectPublicKeyInfo');
  const [oidTlv, params] = seq(alg, 'algorithm');
  const oid = readOid(oidTlv);
  const type = KEY_ALGORITHMS[oid] ?? 'unknown';
  const { bits } = readBitString(key);
  const spki = whole(tlv);
  switch (type) {
    case 'RSA':
    case 'RSA-PSS': {
      const [n, e] = seq(readTlv(bits), 'RSA public key');
      const modulus = stripZero(readInteger(n));
      readInteger(e);
      const size = bitLength(modulus);
      return { type, bits: size, label: `${type} ${size}`, spki, fingerprint: toHex(modulus) };
    }
    case 'EC': {
      const curve = params && params.tag === TAG.OID ? (CURVES[readOid(params)] ?? readOid(params)) : 'unknown curve';
      return { type, curve, label: `ECDSA ${curve}`, spki, fingerprint: toHex(bits), bits: curveBits(curve) };
    }
    case 'Ed25519':
    case 'Ed448':
      return { type, label: type, spki, fingerprint: toHex(bits), bits: type === 'Ed25519' ? 256 : 456 };
    default:
      return { type, label: type === 'DSA' ? 'DSA' : `unknown key (${oid})`, spki, fingerprint: toHex(bits) };
  }
}

function curveBits(curve: string): number | undefined {
  return { 'P-256': 256, 'P-384': 384, 'P-521': 521, secp256k1: 256 }[curve];
}

function stripZero(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

function bitLength(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  return (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]));
}

// ---------------------------------------------------------------------------
// Extensions

interface Extensions {
  sans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  ca?: boolean;
  pathLen?: number;
  subjectKeyId?: string;
  authorityKeyId?: string;
}

function decodeExtensions(list: Tlv[]): Extensions {
  const ext: Extensions = { sans: [], keyUsage: [], extKeyUsage: [], ca: undefined, pathLen: undefined, subjectKeyId: undefined, authorityKeyId: undefined };
  for (const item of list) {
    const parts = seq(item, 'extension');
    const id = readOid(parts[0]);
    const valueTlv = parts[parts.length - 1];
    const value = readTlv(content(expect(valueTlv, TAG.OCTET_STRING, 'extension value')));
    switch (id) {
      case EXT.subjectAltName:
        ext.sans = decodeGeneralNames(value);
        break;
      case EXT.keyUsage: {
        const { bits } = readBitString(value);
        KEY_USAGE_BITS.forEach((name, i) => {
          const byte = bits[i >> 3] ?? 0;
          if (byte & (0x80 >> (i & 7))) ext.keyUsage.push(name);
        });
        ext.keyUsage = exact(ext.keyUsage);
        break;
      }
      case EXT.extKeyUsage:
        ext.extKeyUsage = seq(value, 'extended key usage').map((t) => {
          const oid = readOid(t);
          return EXT_KEY_USAGES[oid] ?? oid;
        });
        break;
      case EXT.basicConstraints: {
        const items = seq(value, 'basic constraints');
        ext.ca = false;
        for (const t of items) {
          if (t.tag === TAG.BOOLEAN) ext.ca = readBoolean(t);
          else if (t.tag === TAG.INTEGER) ext.pathLen = readSmallInteger(t);
        }
        break;
      }
      case EXT.subjectKeyIdentifier:
        ext.subjectKeyId = toHex(content(expect(value, TAG.OCTET_STRING, 'subject key identifier')));
        break;
      case EXT.authorityKeyIdentifier:
        for (const t of seq(value, 'authority key identifier')) {
          if (isContext(t, 0)) ext.authorityKeyId = toHex(content(t));
        }
        break;
    }
  }
  return ext;
}

function decodeGeneralNames(tlv: Tlv): string[] {
  const out: string[] = [];
  for (const gn of seq(tlv, 'general names')) {
    if (gn.cls !== 2) continue;
    const c = content(gn);
    switch (gn.tag) {
      case 1:
        out.push('email:' + Buffer.from(c).toString('latin1'));
        break;
      case 2:
        out.push('DNS:' + Buffer.from(c).toString('latin1'));
        break;
      case 6:
        out.push('URI:' + Buffer.from(c).toString('latin1'));
        break;
      case 7:
        out.push('IP:' + formatIp(c));
        break;
      default:
        out.push(`othername:<tag ${gn.tag}>`);
    }
  }
  return exact(out);
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
    // Compress the longest run of zero groups, as RFC 5952 asks.
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8;) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
  }
  return `<${bytes.length}-byte address>`;
}

// ---------------------------------------------------------------------------
// Certificates

export function decodeCertificate(der: Uint8Array): Certificate {
  const top = readTlv(der);
  if (top.end !== der.length) throw new DerError('trailing data after the certificate');
  const [tbsTlv, sigAlgTlv, sigTlv] = seq(top, 'certificate');
  const tbsParts = seq(tbsTlv, 'tbsCertificate');
  let i = 0;
  let version = 1;
  if (isContext(tbsParts[0], 0)) {
    version = readSmallInteger(children(tbsParts[0])[0] ?? tbsParts[0]) + 1;
    i++;
  }
  const serial = toHex(readInteger(tbsParts[i++]));
  i++; // inner signature algorithm, repeated below
  const issuer = decodeName(tbsParts[i++]);
  const [nb, na] = seq(tbsParts[i++], 'validity');
  if (!nb || !na) throw new DerError('the validity period needs a start and an end time');
  const notBefore = readTime(nb);
  const notAfter = readTime(na);
  const subject = decodeName(tbsParts[i++]);
  const publicKey = decodeSpki(tbsParts[i++]);
  let ext: Extensions = { sans: [], keyUsage: [], extKeyUsage: [] };
  for (; i < tbsParts.length; i++) {
    if (isContext(tbsParts[i], 3)) ext = decodeExtensions(seq(children(tbsParts[i])[0], 'extensions'));
  }
  const signatureOid = readOid(seq(sigAlgTlv, 'signature algorithm')[0]);
  const sigAlg = SIGNATURE_ALGORITHMS[signatureOid];
  const signature = readBitString(sigTlv).bits;
  const signatureAt = sigTlv.end - signature.length;
  return new DecodedCertificate(
    der,
    version,
    serial,
    subject,
    issuer,
    notBefore,
    notAfter,
    ext,
    publicKey,
    sigAlg?.name ?? signatureOid,
    sigAlg?.hash,
    tbsTlv.start,
    tbsTlv.end,
    signatureAt,
    sigTlv.end,
    signatureOid,
  );
}

/**
 * One class for every certificate: its properties inside the object, in one order whichever extensions it has, so that
 * code V8 compiled for the warm-up's certificates still fits a document's (properties added one by one to
 * Object.create(…) went to a separate, regrown store; Object.assign of the extensions gave a hidden class per set of
 * them, and V8 dropped that code on the first certificate of another kind). Fingerprints are for display: computed on
 * first read (two hashes per certificate were a tenth of decoding).
 */
class DecodedCertificate implements Certificate {
  readonly kind = 'certificate';
  der: Uint8Array;
  version: number;
  serial: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: number;
  notAfter: number;
  sans: string[];
  keyUsage: string[];
  extKeyUsage: string[];
  ca: boolean | undefined;
  pathLen: number | undefined;
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
  publicKey: PublicKeyFacts;
  signatureAlgorithm: string;
  signatureHash: string | undefined;
  signatureOid: string;
  // Where the signed part and the signature lie in `der`: views made when a signature is checked, not kept.
  private readonly tbsStart: number;
  private readonly tbsEnd: number;
  private readonly signatureStart: number;
  private readonly signatureEnd: number;

  constructor(
    der: Uint8Array,
    version: number,
    serial: string,
    subject: DistinguishedName,
    issuer: DistinguishedName,
    notBefore: number,
    notAfter: number,
    ext: Extensions,
    publicKey: PublicKeyFacts,
    signatureAlgorithm: string,
    signatureHash: string | undefined,
    tbsStart: number,
    tbsEnd: number,
    signatureStart: number,
    signatureEnd: number,
    signatureOid: string,
  ) {
    this.der = der;
    this.version = version;
    this.serial = serial;
    this.subject = subject;
    this.issuer = issuer;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.sans = ext.sans;
    this.keyUsage = ext.keyUsage;
    this.extKeyUsage = ext.extKeyUsage;
    this.ca = ext.ca;
    this.pathLen = ext.pathLen;
    this.subjectKeyId = ext.subjectKeyId;
    this.authorityKeyId = ext.authorityKeyId;
    this.publicKey = publicKey;
    this.signatureAlgorithm = signatureAlgorithm;
    this.signatureHash = signatureHash;
    this.signatureOid = signatureOid;
    this.tbsStart = tbsStart;
    this.tbsEnd = tbsEnd;
    this.signatureStart = signatureStart;
    this.signatureEnd = signatureEnd;
  }

  get tbs(): Uint8Array {
    return this.der.subarray(this.tbsStart, this.tbsEnd);
  }

  get signature(): Uint8Array {
    return this.der.subarray(this.signatureStart, this.signatureEnd);
  }

  get sha256(): string {
    return fingerprintOf(this.der, 'sha256');
  }

  get sha1(): string {
    return fingerprintOf(this.der, 'sha1');
  }

  toJSON(): object {
    const { tbsStart: _a, tbsEnd: _b, signatureStart: _c, signatureEnd: _d, ...facts } = this;
    return { ...facts, tbs: this.tbs, signature: this.signature, sha256: this.sha256, sha1: this.sha1 };
  }
}

const fingerprints = new WeakMap<Uint8Array, { sha256?: string; sha1?: string }>();

function fingerprintOf(der: Uint8Array, hash: 'sha256' | 'sha1'): string {
  let known = fingerprints.get(der);
  if (!known) fingerprints.set(der, (known = {}));
  return (known[hash] ??= createHash(hash).update(der).digest('hex'));
}

// ---------------------------------------------------------------------------
// Certificate requests (PKCS#10)

export function decodeCertificateRequest(der: Uint8Array): CertificateRequest {
  const top = readTlv(der);
  const [infoTlv, sigAlgTlv, sigTlv] = seq(top, 'certification request');
  const [, subjectTlv, spkiTlv, attrsTlv] = seq(infoTlv, 'certification request info');
  const subject = decodeName(subjectTlv);
  const publicKey = decodeSpki(spkiTlv);
  let ext: Extensions = { sans: [], keyUsage: [], extKeyUsage: [] };
  if (attrsTlv && isContext(attrsTlv, 0)) {
    for (const attr of children(attrsTlv)) {
      const [oid, values] = seq(attr, 'attribute');
      if (readOid(oid) === EXT.extensionRequest) {
        const first = children(expect(values, TAG.SET, 'attribute values'))[0];
        if (first) ext = decodeExtensions(seq(first, 'extensions'));
      }
    }
  }
  const signatureOid = readOid(seq(sigAlgTlv, 'signature algorithm')[0]);
  const sigAlg = SIGNATURE_ALGORITHMS[signatureOid];
  const signature = readBitString(sigTlv).bits;
  return {
    kind: 'csr',
    der,
    subject,
    sans: ext.sans,
    keyUsage: ext.keyUsage,
    extKeyUsage: ext.extKeyUsage,
    publicKey,
    signatureAlgorithm: sigAlg?.name ?? signatureOid,
    signatureValid: verifySignature(whole(infoTlv), signature, signatureOid, publicKey.spki),
  };
}

// ---------------------------------------------------------------------------
// Signatures

const publicKeys = new Map<string, KeyObject | null>();

function publicKeyObject(spki: Uint8Array): KeyObject | null {
  const id = toHex(spki);
  let key = publicKeys.get(id);
  if (key === undefined) {
    try {
      const jwk = jwkOf(spki);
      key = jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    } catch {
      try {
        key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
    }
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
}

/** A DER INTEGER's content that is positive and minimally encoded. */
function minimalPositive(c: Uint8Array): boolean {
  return c.length > 0 && c[0] < 0x80 && !(c.length > 1 && c[0] === 0 && c[1] < 0x80);
}

const JWK_CURVES: Record<string, { crv: string; size: number }> = {
  'P-256': { crv: 'P-256', size: 32 },
  'P-384': { crv: 'P-384', size: 48 },
  'P-521': { crv: 'P-521', size: 66 },
};

/**
 * The key in `spki` as a JWK, for the common kinds (RSA, ECDSA on the NIST curves with an uncompressed point,
 * Ed25519): OpenSSL 3 imports a JWK from its numbers in 20–85 µs, a DER SubjectPublicKeyInfo through its decoders in
 * ~190 µs, and a kubeconfig of 1,000 clusters holds 1,000 CA keys. Undefined for anything else (read as DER).
 */
export function jwkOf(spki: Uint8Array): JsonWebKey | undefined {
  const b64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  // Only DER as OpenSSL's own decoder would take it, so that both imports accept the same keys: one element, nothing after.
  const top = readTlv(spki);
  if (top.end !== spki.length) return undefined;
  const parts = seq(top, 'subjectPublicKeyInfo');
  if (parts.length !== 2) return undefined;
  const [alg, key] = parts;
  const [oidTlv, params, ...more] = seq(alg, 'algorithm');
  if (more.length > 0) return undefined;
  const type = KEY_ALGORITHMS[readOid(oidTlv)];
  const { bits, unused } = readBitString(key);
  if (unused !== 0) return undefined;
  if (type === 'RSA') {
    if (params?.tag !== TAG.NULL || params.end !== params.contentStart) return undefined;
    const rsa = readTlv(bits);
    if (rsa.end !== bits.length) return undefined;
    const numbers = seq(rsa, 'RSA public key');
    if (numbers.length !== 2) return undefined;
    const [n, e] = numbers.map(readInteger);
    if (!minimalPositive(n) || !minimalPositive(e)) return undefined;
    return { kty: 'RSA', n: b64url(stripZero(n)), e: b64url(stripZero(e)) };
  }
  if (type === 'EC' && params?.tag === TAG.OID) {
    const curve = JWK_CURVES[CURVES[readOid(params)] ?? ''];
    if (!curve || bits.length !== 1 + 2 * curve.size || bits[0] !== 0x04) return undefined;
    return { kty: 'EC', crv: curve.crv, x: b64url(bits.subarray(1, 1 + curve.size)), y: b64url(bits.subarray(1 + curve.size)) };
  }
  if (type === 'Ed25519' && params === undefined && bits.length === 32) return { kty: 'OKP', crv: 'Ed25519', x: b64url(bits) };
  return undefined;
}

/** True when `signature` over `data` verifies with the key in `spki`. */
export function verifySignature(data: Uint8Array, signature: Uint8Array, signatureOid: string, spki: Uint8Array): boolean {
  const key = publicKeyObject(spki);
  const alg = SIGNATURE_ALGORITHMS[signatureOid];
  if (!key || !alg) return false;
  try {
    return cryptoVerify(alg.hash ?? null, data, key, signature);
  } catch {
    return false;
  }
}

/** Verified pairs: decoded certificates are shared across analyses, so an edit never re-verifies. */
const verified = new WeakMap<Certificate, Map<Certificate, boolean>>();

/** True when `issuer`'s key signed `cert`. */
export function isSignedBy(cert: Certificate, issuer: Certificate): boolean {
  let byIssuer = verified.get(cert);
  if (!byIssuer) verified.set(cert, (byIssuer = new Map()));
  let ok = byIssuer.get(issuer);
  if (ok === undefined) {
    ok = verifySignature(cert.tbs, cert.signature, cert.signatureOid, issuer.publicKey.spki);
    byIssuer.set(issuer, ok);
  }
  return ok;
}

// ---------------------------------------------------------------------------
// Private keys: type and public half only.

function decodePkcs1PrivateKey(der: Uint8Array): PrivateKeyFacts {
  const parts = seq(readTlv(der), 'RSA private key');
  const modulus = stripZero(readInteger(parts[1]));
  const bits = bitLength(modulus);
  return { kind: 'key', format: 'PKCS#1', type: 'RSA', bits, label: `RSA ${bits}`, publicFingerprint: toHex(modulus) };
}

function decodeSec1PrivateKey(der: Uint8Array, curveFromAlgorithm: string | undefined): PrivateKeyFacts {
  const parts = seq(readTlv(der), 'EC private key');
  let curve = curveFromAlgorithm;
  let point: string | undefined;
  for (const t of parts.slice(2)) {
    if (isContext(t, 0)) curve = CURVES[readOid(children(t)[0])] ?? curve;
    if (isContext(t, 1)) point = toHex(readBitString(children(t)[0]).bits);
  }
  curve ??= 'unknown curve';
  if (point === undefined) point = derivedPublicFingerprint(der, 'sec1');
  return { kind: 'key', format: 'SEC1', type: 'EC', curve, bits: curveBits(curve), label: `ECDSA ${curve}`, publicFingerprint: point };
}

function decodePkcs8PrivateKey(der: Uint8Array): PrivateKeyFacts {
  const parts = seq(readTlv(der), 'private key info');
  const [oidTlv, params] = seq(parts[1], 'private key algorithm');
  const oid = readOid(oidTlv);
  const type = KEY_ALGORITHMS[oid] ?? 'unknown';
  const inner = content(expect(parts[2], TAG.OCTET_STRING, 'private key'));
  switch (type) {
    case 'RSA':
    case 'RSA-PSS':
      return { ...decodePkcs1PrivateKey(inner), format: 'PKCS#8', type };
    case 'EC': {
      const curve = params && params.tag === TAG.OID ? (CURVES[readOid(params)] ?? readOid(params)) : undefined;
      const facts = decodeSec1PrivateKey(inner, curve);
      const publicFingerprint = facts.publicFingerprint ?? derivedPublicFingerprint(der, 'pkcs8');
      return { ...facts, format: 'PKCS#8', publicFingerprint };
    }
    case 'Ed25519':
    case 'Ed448': {
      let publicFingerprint: string | undefined;
      for (const t of parts.slice(3)) if (isContext(t, 1)) publicFingerprint = toHex(content(t).subarray(1));
      publicFingerprint ??= derivedPublicFingerprint(der, 'pkcs8');
      return { kind: 'key', format: 'PKCS#8', type, label: type, bits: type === 'Ed25519' ? 256 : 456, publicFingerprint };
    }
    default:
      return { kind: 'key', format: 'PKCS#8', type, label: type === 'DSA' ? 'DSA' : `unknown key (${oid})` };
  }
}

/** When the key's DER does not carry its public half, let OpenSSL derive it. */
function derivedPublicFingerprint(der: Uint8Array, type: 'pkcs8' | 'sec1'): string | undefined {
  try {
    const priv = createPrivateKey({ key: Buffer.from(der), format: 'der', type });
    const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    return decodeSpki(readTlv(new Uint8Array(spki))).fingerprint;
  } catch {
    return undefined;
  }
}
