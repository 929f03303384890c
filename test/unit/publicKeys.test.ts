// Public keys for signature checks are imported from JWK numbers (fast) where they can be: the key imported that way
// must be the very key OpenSSL reads from the DER, and anything outside the common kinds stays DER.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { jwkOf } from '../../server/src/core/x509/certificates';

/** SubjectPublicKeyInfo DER of a fresh key pair (generated as DER: no key object is exported, see test/support/pki.ts). */
function spki(type: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448', options: Record<string, unknown>): Buffer {
  const generate = generateKeyPairSync as unknown as (type: string, options: Record<string, unknown>) => { publicKey: Buffer };
  return generate(type, { ...options, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey;
}

test('a JWK made from the DER is the same key OpenSSL reads from the DER (RSA of several sizes and exponents, P-256/384/521, Ed25519)', () => {
  const cases: Array<[string, Buffer]> = [
    ['RSA 2048', spki('rsa', { modulusLength: 2048 })],
    ['RSA 1024, e = 3', spki('rsa', { modulusLength: 1024, publicExponent: 3 })],
    ['RSA 3072', spki('rsa', { modulusLength: 3072 })],
    ['P-256', spki('ec', { namedCurve: 'P-256' })],
    ['P-384', spki('ec', { namedCurve: 'P-384' })],
    ['P-521', spki('ec', { namedCurve: 'P-521' })],
    ['Ed25519', spki('ed25519', {})],
  ];
  for (const [what, der] of cases) {
    const jwk = jwkOf(der);
    assert.ok(jwk, `${what}: read as JWK`);
    const fromJwk = createPublicKey({ key: jwk, format: 'jwk' });
    const fromDer = createPublicKey({ key: der, format: 'der', type: 'spki' });
    assert.ok(fromJwk.equals(fromDer), `${what}: the same key`);
  }
});

test('other keys, and DER that OpenSSL might read differently, are left to the DER import', () => {
  assert.equal(jwkOf(spki('rsa-pss', { modulusLength: 2048 })), undefined, 'RSA-PSS');
  assert.equal(jwkOf(spki('ec', { namedCurve: 'secp256k1' })), undefined, 'a curve JWK does not name');
  assert.equal(jwkOf(spki('ed448', {})), undefined, 'Ed448');
  const der = spki('ec', { namedCurve: 'P-256' });
  assert.equal(jwkOf(Buffer.concat([der, Buffer.from([0])])), undefined, 'trailing bytes');
  // The point made compressed (0x02/0x03 and x only), lengths fixed up: OpenSSL's business.
  const point = der.subarray(der.length - 65);
  const compressedPoint = Buffer.concat([Buffer.from([2 + (point[64] & 1)]), point.subarray(1, 33)]);
  const head = der.subarray(0, der.length - 65 - 3);
  const compressed = Buffer.concat([Buffer.from([0x30, head.length - 2 + 3 + 33]), head.subarray(2), Buffer.from([0x03, 34, 0]), compressedPoint]);
  assert.ok(createPublicKey({ key: compressed, format: 'der', type: 'spki' }), 'a valid compressed-point key');
  assert.equal(jwkOf(compressed), undefined, 'a compressed point');
});
