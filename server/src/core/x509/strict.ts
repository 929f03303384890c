// Where Go's crypto/x509 (what kubectl, client-go and the API server parse with) and OpenSSL refuse a certificate
// that a lenient reader would show as healthy, and how OpenSSL prints the facts that differ (the serial number).
import { EXT } from './oids';

/** Appended to every reason: who refuses the certificate, so the user knows it is not Kubecert's taste. */
export const REFUSED = "Go's crypto/x509 (kubectl) and OpenSSL refuse the certificate";
export const REFUSED_BY_GO = "Go's crypto/x509 (kubectl) refuses the certificate";

const EXTENSION_NAMES: Record<string, string> = Object.fromEntries(Object.entries(EXT).map(([name, oid]) => [oid, name]));

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] ? `${EXTENSION_NAMES[oid]} (${oid})` : oid;
}

/** NIST prime curves y² = x³ − 3x + b over p, and the byte length of a coordinate. */
const PRIME_CURVES: Record<string, { p: bigint; b: bigint; size: number }> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    size: 48,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    size: 66,
  },
};

function bigIntOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

/**
 * Why an EC public key on a NIST curve is not one Go accepts (elliptic.Unmarshal: an uncompressed point of the
 * curve's length, on the curve; OpenSSL: "Unable to load Public Key"), with who refuses it, or undefined.
 * Other curves are not judged here.
 */
export function ecPointProblem(curve: string, point: Uint8Array): string | undefined {
  const c = PRIME_CURVES[curve];
  if (!c) return undefined;
  if (point.length === 1 && point[0] === 0) return `the ECDSA ${curve} public key is the point at infinity: ${REFUSED}`;
  if ((point[0] === 0x02 || point[0] === 0x03) && point.length === 1 + c.size)
    return `the ECDSA ${curve} public key is a compressed point: ${REFUSED_BY_GO} (OpenSSL reads it)`;
  if (point[0] !== 0x04 || point.length !== 1 + 2 * c.size)
    return `the ECDSA ${curve} public key is ${point.length} bytes, not an uncompressed point of ${1 + 2 * c.size}: ${REFUSED}`;
  const x = bigIntOf(point.subarray(1, 1 + c.size));
  const y = bigIntOf(point.subarray(1 + c.size));
  if (x >= c.p || y >= c.p) return `the ECDSA ${curve} public key has a coordinate outside the field: ${REFUSED}`;
  if ((y * y - (x * x * x - 3n * x + c.b)) % c.p !== 0n) return `the ECDSA ${curve} public key is not a point on the curve: ${REFUSED}`;
  return undefined;
}

/**
 * A serial number (hex of the DER INTEGER's content, two's complement) as `openssl x509 -text` prints it after
 * "Serial Number:": "4660 (0x1234)" when it fits a signed 64-bit long, else the magnitude's bytes
 * "8f:ed:…" (with "(Negative)" before them when negative).
 */
export function serialAsOpenssl(hex: string): string {
  const bytes = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  const negative = bytes.length > 0 && (bytes[0] & 0x80) !== 0;
  const raw = bigIntOf(bytes);
  const magnitude = negative ? 2n ** BigInt(8 * bytes.length) - raw : raw;
  let magnitudeHex = magnitude.toString(16);
  if (magnitudeHex.length % 2) magnitudeHex = '0' + magnitudeHex;
  // OpenSSL reads the value as a long when its magnitude has at most 8 bytes; -1 is its error value, printed as bytes.
  if (magnitudeHex.length <= 16 && magnitude < 2n ** 63n && !(negative && magnitude === 1n))
    return `${negative ? '-' : ''}${magnitude.toString(10)} (${negative ? '-' : ''}0x${magnitude.toString(16)})`;
  return `${negative ? '(Negative)' : ''}${magnitudeHex.replace(/(..)(?!$)/g, '$1:')}`;
}

/** The serial as `openssl x509 -serial` prints it: upper-case hex of the magnitude, "-" before a negative one. */
export function serialHexAsOpenssl(hex: string): string {
  const bytes = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  const negative = bytes.length > 0 && (bytes[0] & 0x80) !== 0;
  const raw = bigIntOf(bytes);
  let out = (negative ? 2n ** BigInt(8 * bytes.length) - raw : raw).toString(16).toUpperCase();
  if (out.length % 2) out = '0' + out;
  return (negative ? '-' : '') + out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A validity time as `openssl x509 -text` prints it: "Jan  1 00:00:00 2025 GMT" (year 0 as "0"). */
export function dateAsOpenssl(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}
