// A small, bounds-checked DER reader: enough of X.690 to read certificates, CSRs and keys.
// Every malformed input becomes a DerError; callers turn it into a finding.

export class DerError extends Error {}

export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number (low-tag form only; high-tag-number form is read but rare in X.509). */
  tag: number;
  /** Offset of the first header byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset one past the last content byte. */
  end: number;
  bytes: Uint8Array;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  T61String: 20,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  UniversalString: 28,
  BMPString: 30,
} as const;

const MAX_DEPTH = 64;

/** Reads one TLV at `offset` within `limit`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  let p = offset;
  if (p >= limit) throw new DerError('unexpected end of data');
  const first = bytes[p++];
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    let b: number;
    let count = 0;
    do {
      if (p >= limit) throw new DerError('truncated tag');
      b = bytes[p++];
      tag = tag * 128 + (b & 0x7f);
      if (++count > 4) throw new DerError('tag number too large');
    } while (b & 0x80);
  }
  if (p >= limit) throw new DerError('truncated length');
  let len = bytes[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new DerError('truncated length');
      len = len * 256 + bytes[p++];
    }
  }
  const end = p + len;
  if (end > limit) throw new DerError('length runs past the end of the data');
  return { cls, constructed, tag, start: offset, contentStart: p, end, bytes };
}

/** The children of a constructed TLV. */
export function children(tlv: Tlv, depth = 0): Tlv[] {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  if (!tlv.constructed) throw new DerError('expected a constructed value');
  const out: Tlv[] = [];
  let p = tlv.contentStart;
  while (p < tlv.end) {
    const child = readTlv(tlv.bytes, p, tlv.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv) throw new DerError(`missing ${what}`);
  if (tlv.cls !== 0 || tlv.tag !== tag) throw new DerError(`${what}: unexpected tag ${tlv.tag}`);
  return tlv;
}

export function seq(tlv: Tlv | undefined, what: string): Tlv[] {
  return children(expect(tlv, TAG.SEQUENCE, what));
}

export function content(tlv: Tlv): Uint8Array {
  return tlv.bytes.subarray(tlv.contentStart, tlv.end);
}

export function whole(tlv: Tlv): Uint8Array {
  return tlv.bytes.subarray(tlv.start, tlv.end);
}

export function isContext(tlv: Tlv | undefined, tag: number): boolean {
  return tlv !== undefined && tlv.cls === 2 && tlv.tag === tag;
}

/** Decoded OIDs by their content bytes: certificates repeat a few dozen OIDs thousands of times. */
const oidCache = new Map<string, string>();

export function readOid(tlv: Tlv): string {
  const t = expect(tlv, TAG.OID, 'object identifier');
  const length = t.end - t.contentStart;
  if (length === 0) throw new DerError('empty object identifier');
  // Read in place (no subarray per OID): certificates repeat a few dozen OIDs thousands of times.
  const key = length <= 32 ? latin1At(t.bytes, t.contentStart, t.end) : undefined;
  const known = key === undefined ? undefined : oidCache.get(key);
  if (known !== undefined) return known;
  const oid = decodeOid(content(t));
  if (key !== undefined && oidCache.size < 1000) oidCache.set(key, oid);
  return oid;
}

const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, from: number, to: number) => string;

/**
 * Byte ranges as latin1 text, without a TextDecoder call or a view object. Past a few characters by Node's native slice:
 * a string built a character at a time is a chain of one concatenation per character, four times slower to make, and
 * that chain was what the analysis kept of every name's values (12,000 of them at 1,000 contexts).
 */
function latin1At(bytes: Uint8Array, from: number, to: number): string {
  if (to - from > 12) return latin1Slice.call(bytes, from, to);
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function asciiAt(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

function decodeOid(c: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < c.length; i++) {
    value = value * 128 + (c[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if ((c[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  if (c[c.length - 1] & 0x80) throw new DerError('truncated object identifier');
  return parts.join('.');
}

export function readInteger(tlv: Tlv): Uint8Array {
  const c = content(expect(tlv, TAG.INTEGER, 'integer'));
  if (c.length === 0) throw new DerError('empty integer');
  return c;
}

export function readSmallInteger(tlv: Tlv): number {
  const c = readInteger(tlv);
  if (c.length > 6) throw new DerError('integer too large');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  if (c[0] & 0x80) v -= 2 ** (8 * c.length);
  return v;
}

export function readBoolean(tlv: Tlv): boolean {
  const c = content(expect(tlv, TAG.BOOLEAN, 'boolean'));
  if (c.length !== 1) throw new DerError('bad boolean');
  return c[0] !== 0;
}

/** Content of a BIT STRING without its unused-bits byte, plus that count. */
export function readBitString(tlv: Tlv): { bits: Uint8Array; unused: number } {
  const c = content(expect(tlv, TAG.BIT_STRING, 'bit string'));
  if (c.length === 0) throw new DerError('empty bit string');
  if (c[0] > 7) throw new DerError('bad bit string');
  return { bits: c.subarray(1), unused: c[0] };
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export function readString(tlv: Tlv): string {
  const { bytes, contentStart: from, end: to } = tlv;
  // Short ASCII and 8-bit strings (nearly every name) are read in place.
  if (to - from <= 64 && tlv.tag !== TAG.BMPString && tlv.tag !== TAG.UniversalString && (tlv.tag !== TAG.UTF8String || asciiAt(bytes, from, to)))
    return latin1At(bytes, from, to);
  const c = content(tlv);
  switch (tlv.tag) {
    case TAG.UTF8String:
      return utf8.decode(c);
    case TAG.BMPString: {
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
      return s;
    }
    case TAG.UniversalString: {
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) {
        const cp = ((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return latin1.decode(c);
  }
}

/**
 * UTCTime or GeneralizedTime to milliseconds since the epoch, as strictly as Go's crypto/x509 (which kubectl uses)
 * reads them: GeneralizedTime YYYYMMDDHHMMSSZ, UTCTime YYMMDDHHMM[SS]Z, every field within its range (no month 13,
 * hour 24 or 30 February: OpenSSL prints "Bad time value"). Year 0000 is year 0, as both print it, never 1900.
 */
export function readTime(tlv: Tlv): number {
  if (tlv.cls !== 0 || (tlv.tag !== TAG.UTCTime && tlv.tag !== TAG.GeneralizedTime)) throw new DerError('expected a time');
  const s = tlv.end - tlv.contentStart <= 32 ? latin1At(tlv.bytes, tlv.contentStart, tlv.end) : latin1.decode(content(tlv));
  const utc = tlv.tag === TAG.UTCTime;
  const m = utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  const shown = JSON.stringify(s.length > 24 ? s.slice(0, 24) + '…' : s);
  if (!m)
    throw new DerError(
      `invalid ${utc ? 'UTCTime' : 'GeneralizedTime'} ${shown}: not ${utc ? 'YYMMDDHHMMSSZ' : 'YYYYMMDDHHMMSSZ'}, so Go's crypto/x509 (kubectl) refuses the certificate`,
    );
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const bad =
    month < 1 || month > 12
      ? `month ${month}`
      : day < 1 || day > daysIn(year, month)
        ? `day ${day} of month ${month}`
        : hour > 23
          ? `hour ${hour}`
          : minute > 59
            ? `minute ${minute}`
            : second > 59
              ? `second ${second}`
              : undefined;
  if (bad)
    throw new DerError(
      `invalid ${utc ? 'UTCTime' : 'GeneralizedTime'} ${shown}: there is no ${bad}, so Go's crypto/x509 (kubectl) and OpenSSL refuse the certificate`,
    );
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  // Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year);
  return date.getTime();
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
