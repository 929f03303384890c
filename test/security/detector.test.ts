// The search must be able to fail: planted in a string, any part of a key is found in every form it could be
// printed in; public material (the certificate, the public key) and other keys of the same kind are not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskSecret } from '../../server/src/core';
import { pki } from '../support/fixtures';
import { at, buildCert, generateKey } from '../support/pki';
import { assertNoLeaks, type SweepResult } from './support/sweep';
import { KEY_KINDS, knownKey, privateComponents, secretValue, SecretDetector } from './support/secrets';

/** Where, in the base64 of a PEM, the DER byte at `offset` is encoded (64-character lines). */
function b64OfPemAt(pem: string, offset: number): number {
  const header = pem.indexOf('\n') + 1;
  const c = Math.ceil((offset * 4) / 3) + 4;
  const p = header + c + Math.floor(c / 64);
  return Math.ceil((p * 4) / 3) + 4;
}

function planted(form: string): string {
  return `**Private key**\n\nType: x  \nsomething ${form} else`;
}

describe('the secret detector', () => {
  for (const kind of KEY_KINDS) {
    test(`${kind.name}: found in every form, not in its certificate or public key, not in another key`, () => {
      const key = knownKey(kind);
      const detector = new SecretDetector().addKey(key);
      assert.ok(detector.needleCount > 50, `${detector.needleCount} needles`);
      const b64Pem = Buffer.from(key.pem).toString('base64');
      const derB64 = key.der.toString('base64');
      const body = key.pem.split('\n').filter((l) => l && !l.startsWith('-----'));
      const d = privateComponents(key.pair)[0];
      const forms: Record<string, string> = {
        PEM: key.pem,
        'base64 of the PEM': b64Pem,
        'a 30-character slice of the base64 of the PEM, where d is': b64Pem.slice(
          b64OfPemAt(key.pem, key.der.indexOf(d.bytes)),
          b64OfPemAt(key.pem, key.der.indexOf(d.bytes)) + 30,
        ),
        'DER base64': derB64,
        'DER base64, wrapped at 76': derB64.replace(/(.{76})/g, '$1\n'),
        'DER base64url': key.der.toString('base64url'),
        'DER hex': key.der.toString('hex'),
        'DER hex, upper case': key.der.toString('hex').toUpperCase(),
        'the PEM as JSON': JSON.stringify({ value: key.pem }),
        'one PEM body line from the middle': body[Math.floor(body.length / 2)],
        'colon hex of d': d.bytes.toString('hex').replace(/(..)(?!$)/g, '$1:'),
        'JWK d': d.jwk,
        'base64 of d': d.bytes.toString('base64'),
      };
      if (kind.alg.type === 'rsa') forms['decimal of d'] = BigInt('0x' + d.bytes.toString('hex')).toString(10);
      // EC keys carry their public point: a body line made of it alone is public, not a leak.
      if (kind.alg.type === 'ec') delete forms['one PEM body line from the middle'];
      for (const [name, form] of Object.entries(forms)) assert.ok(detector.find(planted(form)), `${name} is not found`);

      // Public material is shown on purpose: never a hit.
      const cert = buildCert({ subject: 'CN=x', key: key.pair, issuer: pki().ca, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2027-01-01T00:00:00Z') });
      const spki = key.pair.publicKey.export({ type: 'spki', format: 'der' });
      const publicForms = [
        cert.pem,
        Buffer.from(cert.pem).toString('base64'),
        cert.der.toString('hex'),
        spki.toString('hex'),
        spki.toString('base64'),
        JSON.stringify(key.pair.publicKey.export({ format: 'jwk' })),
        pki().ca.pem,
      ];
      for (const form of publicForms) assert.equal(detector.find(form), undefined, `public material counted as a leak: ${form.slice(0, 60)}`);
      // Format boilerplate shared by every key of the kind is not a needle either.
      const other = knownKey(kind, generateKey(kind.alg));
      assert.equal(
        detector.find(other.pem + Buffer.from(other.pem).toString('base64') + other.der.toString('hex')),
        undefined,
        'another key of the same kind counted as this one',
      );
    });
  }

  test('tokens and passwords: found in full and in part, not in their mask', () => {
    const token = secretValue('tok-');
    const detector = new SecretDetector().addSecret('token', token);
    assert.ok(detector.find(`token: ${token}`));
    assert.ok(detector.find(`…${token.slice(7, 19)}…`));
    assert.equal(detector.find(`token: ${maskSecret(token)}`), undefined);
    assert.equal(detector.find('abcdef.****************'), undefined);
  });

  test('the sweep check fails on a planted key, a key written to a new file and a key moved into another field', () => {
    const key = knownKey(KEY_KINDS[2]);
    const detector = new SecretDetector().addKey(key);
    const keyB64 = Buffer.from(key.pem).toString('base64');
    const text = `users:\n- name: a\n  user:\n    client-key-data: ${keyB64}\n    client-certificate-data: AAAA\n`;
    const doc = { name: 'planted', path: '/nonexistent/planted.yaml', text, languageId: 'yaml' };
    const empty = (): SweepResult => ({ shown: [], edits: [], otherFiles: [], counts: {}, diagnostics: [] });
    const range = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });

    const clean = empty();
    // Rewriting the key in place (join, encode) is not a leak.
    clean.edits.push({ title: 'Join the base64 into one line', edit: { range: range(3, 21, 21 + keyB64.length), newText: keyB64 } });
    clean.shown.push({ path: 'hover 3:4', value: { contents: { kind: 'markdown', value: 'Private key: EC P-256 — the key itself is never shown.' } } });
    assertNoLeaks(detector, doc, clean);

    const hover = empty();
    hover.shown.push({ path: 'hover 3:4', value: { contents: { kind: 'markdown', value: planted(key.pem.split('\n')[1]) } } });
    assert.throws(() => assertNoLeaks(detector, doc, hover), /hover 3:4: EC P-256 SEC1/);

    const file = empty();
    file.otherFiles.push({ title: 'Extract', uri: 'file:///nonexistent/x.crt', value: [{ newText: key.pem }] });
    assert.throws(() => assertNoLeaks(detector, doc, file), /"Extract" writes/);

    const moved = empty();
    moved.edits.push({ title: 'Move', edit: { range: range(4, 29, 33), newText: keyB64 } });
    assert.throws(() => assertNoLeaks(detector, doc, moved), /"Move" edit at 4:29 writes EC P-256 SEC1/);

    const log = empty();
    log.shown.push({ path: 'stderr', value: `Error: cannot parse ${key.der.toString('hex').toUpperCase()}` });
    assert.throws(() => assertNoLeaks(detector, doc, log), /stderr: EC P-256 SEC1 \(DER hex\)/);
  });
});
