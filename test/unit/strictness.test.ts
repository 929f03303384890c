/**
 * Certificates Go's crypto/x509 (kubectl) and OpenSSL refuse are reported as not usable, saying why, and never shown
 * as healthy: duplicate extensions, a negative path length, EC points off the curve, at infinity or of the wrong
 * length, times with fields out of range, negative serials. Facts of odd but accepted certificates (year 0000,
 * serial numbers of every size) are printed as OpenSSL prints them. Each case is held against `openssl x509`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { analyse } from '../../server/src/core';
import { decodePem } from '../../server/src/core/x509/certificates';
import { ecPointProblem, serialAsOpenssl, serialHexAsOpenssl } from '../../server/src/core/x509/strict';
import { certificateText } from '../../server/src/core/ide/decodedText';
import { certificateSection } from '../../server/src/core/ide/hover';
import { formatDate } from '../../server/src/core/base/time';
import { NOW } from '../support/fixtures';
import { at, b64, buildCert, der, ext, generateKey, type CertSpec } from '../support/pki';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-strict-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function opensslText(pem: string, ...extra: string[]): { out: string; status: number | null } {
  const file = path.join(dir, `${n++}.pem`);
  fs.writeFileSync(file, pem);
  const r = spawnSync('openssl', ['x509', '-in', file, '-noout', ...extra], { encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run openssl: ${r.error?.message}`);
  return { out: r.stdout + r.stderr, status: r.status };
}
/** `openssl verify` of a self-signed certificate against itself. */
function opensslVerify(pem: string): string {
  const file = path.join(dir, `${n++}.pem`);
  fs.writeFileSync(file, pem);
  const r = spawnSync('openssl', ['verify', '-CAfile', file, file], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

const key = generateKey({ type: 'ec', curve: 'P-256' });
const spki = key.publicKey.export({ type: 'spki', format: 'der' });
const point = spki.subarray(spki.length - 65);
const p256 = (pt: Buffer): Buffer => der.seq(der.seq(der.oid('1.2.840.10045.2.1'), der.oid('1.2.840.10045.3.1.7')), der.bits(pt));
const offCurve = Buffer.from(point);
offCurve[64] ^= 1;
const base: CertSpec = { subject: 'CN=odd', key, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z'), ca: true };
const bc = ext('2.5.29.19', true, der.seq(der.bool(true), der.int(-5)));

interface Refused {
  name: string;
  spec: Partial<CertSpec>;
  reason: RegExp;
  /** What openssl shows about the same bytes. */
  openssl: (text: string, verify: string) => void;
}

const REFUSED: Refused[] = [
  {
    name: '5,000 duplicate critical basicConstraints with pathLen −5 (the first one found wrong is named)',
    spec: { ca: undefined, extraExtensions: Array.from({ length: 5000 }, () => bc) },
    reason: /basicConstraints has a negative path length \(-5\): Go's crypto\/x509 \(kubectl\) and OpenSSL refuse/,
    openssl: (text, verify) => {
      assert.ok(text.split('X509v3 Basic Constraints: critical').length > 2, 'openssl lists the extension more than once');
      assert.match(verify, /invalid certificate/);
    },
  },
  {
    name: 'a duplicate extension',
    spec: { ca: undefined, extraExtensions: [ext('2.5.29.19', true, der.seq(der.bool(true))), ext('2.5.29.19', true, der.seq(der.bool(true)))] },
    reason: /the extension basicConstraints \(2\.5\.29\.19\) appears more than once: Go's crypto\/x509 \(kubectl\) and OpenSSL refuse/,
    openssl: (text, verify) => {
      assert.ok(text.split('X509v3 Basic Constraints: critical').length > 2, 'openssl lists the extension more than once');
      assert.match(verify, /invalid certificate/);
    },
  },
  {
    name: 'a negative path length',
    spec: { pathLen: -5 },
    reason: /basicConstraints has a negative path length \(-5\)/,
    openssl: (text, verify) => {
      assert.match(text, /CA:TRUE, pathlen:-5/);
      assert.match(verify, /invalid certificate/);
    },
  },
  {
    name: 'an EC point off the curve',
    spec: { spki: p256(offCurve) },
    reason: /the ECDSA P-256 public key is not a point on the curve/,
    openssl: (text) => assert.match(text, /Unable to load Public Key/),
  },
  {
    name: 'the EC point at infinity',
    spec: { spki: p256(Buffer.from([0])) },
    reason: /the ECDSA P-256 public key is the point at infinity/,
    openssl: (text) => assert.doesNotMatch(text, /Public-Key: \(256 bit\)/),
  },
  {
    name: 'a 3-byte EC point',
    spec: { spki: p256(Buffer.from([4, 1, 2])) },
    reason: /the ECDSA P-256 public key is 3 bytes, not an uncompressed point of 65/,
    openssl: (text) => assert.match(text, /Unable to load Public Key/),
  },
  {
    name: 'GeneralizedTime 20351301246161Z (month 13, hour 24)',
    spec: { validity: der.seq(der.utcTime('250101000000Z'), der.generalizedTime('20351301246161Z')) },
    reason: /invalid GeneralizedTime "20351301246161Z": there is no month 13/,
    openssl: (text) => assert.match(text, /Not After : Bad time value/),
  },
  {
    name: 'UTCTime hour 24',
    spec: { validity: der.seq(der.utcTime('250101240000Z'), der.utcTime('300101000000Z')) },
    reason: /invalid UTCTime "250101240000Z": there is no hour 24/,
    openssl: (text) => assert.match(text, /Not Before: Bad time value/),
  },
  {
    name: 'UTCTime 30 February',
    spec: { validity: der.seq(der.utcTime('250230000000Z'), der.utcTime('300101000000Z')) },
    reason: /there is no day 30 of month 2/,
    openssl: (text) => assert.match(text, /Not Before: Bad time value/),
  },
  {
    name: 'UTCTime minute 60',
    spec: { validity: der.seq(der.utcTime('250101006000Z'), der.utcTime('300101000000Z')) },
    reason: /there is no minute 60/,
    openssl: (text) => assert.match(text, /Not Before: Bad time value/),
  },
  {
    name: 'a small negative serial',
    spec: { serial: -5n },
    reason: /the serial number is negative \(-5 \(-0x5\), as openssl prints it\): Go's crypto\/x509 \(kubectl\) refuses/,
    openssl: (text) => assert.match(text, /Serial Number: -5 \(-0x5\)/),
  },
];

describe('refused certificates are not usable, and say why', () => {
  for (const c of REFUSED) {
    test(c.name, () => {
      const cert = buildCert({ ...base, ...c.spec });
      const [item] = decodePem(cert.pem);
      assert.equal(item.value, undefined, 'not decoded as a certificate');
      assert.match(item.error ?? '', c.reason);
      c.openssl(opensslText(cert.pem, '-text').out, opensslVerify(cert.pem));
      // In a kubeconfig: a not-a-certificate with the reason, and no verdict about a certificate that is not one.
      const text = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority-data: ${b64(cert.pem)}\n`;
      const a = analyse(text, { now: NOW });
      const codes = a.findings.map((f) => f.code);
      assert.deepEqual(codes, ['not-a-certificate'], JSON.stringify(a.findings));
      assert.match(a.findings[0].message, c.reason);
      assert.equal(a.certificates.length, 0);
    });
  }

  test('a large negative serial: the reason prints it as openssl does ("(Negative)10:00:…:07")', () => {
    const cert = buildCert({ ...base, serial: -(2n ** 100n + 7n) });
    const shown = /Serial Number:\s*\n\s*(\S+)/.exec(opensslText(cert.pem, '-text').out)?.[1];
    assert.equal(shown, '(Negative)10:00:00:00:00:00:00:00:00:00:00:00:07');
    assert.ok(decodePem(cert.pem)[0].error?.includes(`(${shown}, as openssl prints it)`), decodePem(cert.pem)[0].error);
  });

  test('the certificates these were made from, well formed, decode (the checks refuse only what they name)', () => {
    for (const spec of [{}, { pathLen: 0 }, { serial: 0n }, { validity: der.seq(der.utcTime('2501010000Z'), der.generalizedTime('20500101000000Z')) }]) {
      const cert = buildCert({ ...base, ...spec });
      assert.equal(decodePem(cert.pem)[0].error, undefined, Object.keys(spec).join());
      assert.equal(opensslText(cert.pem, '-text').status, 0);
    }
  });

  test('EC points: every well-formed key of P-256, P-384 and P-521 passes; the same point with one bit flipped does not', () => {
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
      for (let i = 0; i < 5; i++) {
        const der = generateKeyPairSync('ec', { namedCurve }).publicKey.export({ type: 'spki', format: 'der' });
        const size = namedCurve === 'P-521' ? 133 : namedCurve === 'P-384' ? 97 : 65;
        const pt = new Uint8Array(der.subarray(der.length - size));
        assert.equal(ecPointProblem(namedCurve, pt), undefined, `${namedCurve} key ${i}`);
        pt[size - 1] ^= 1;
        assert.match(ecPointProblem(namedCurve, pt) ?? '', /not a point on the curve/, `${namedCurve} key ${i}, flipped`);
      }
    }
  });

  test('a GeneralizedTime with fractional seconds or without seconds is refused (Go reads YYYYMMDDHHMMSSZ only)', () => {
    for (const t of ['20250101000000.5Z', '202501010000Z', '20250101000000+0100']) {
      const cert = buildCert({ ...base, validity: der.seq(der.generalizedTime(t), der.utcTime('300101000000Z')) });
      assert.match(decodePem(cert.pem)[0].error ?? '', /not YYYYMMDDHHMMSSZ, so Go's crypto\/x509 \(kubectl\) refuses/, t);
    }
  });
});

describe('facts of odd certificates, as openssl prints them', () => {
  test('year 0000 is year 0, not 1900', () => {
    const cert = buildCert({ ...base, validity: der.seq(der.generalizedTime('00000101000000Z'), der.generalizedTime('99991231235959Z')) });
    const c = decodePem(cert.pem)[0].value;
    assert.ok(c?.kind === 'certificate');
    const out = opensslText(cert.pem, '-startdate', '-enddate').out;
    assert.match(out, /notBefore=Jan {2}1 00:00:00 0 GMT/);
    assert.match(out, /notAfter=Dec 31 23:59:59 9999 GMT/);
    assert.equal(formatDate(c.notBefore), '0000-01-01 00:00 UTC');
    assert.equal(formatDate(c.notAfter), '9999-12-31 23:59 UTC');
    assert.equal(new Date(c.notBefore).getUTCFullYear(), 0);
  });

  test('validity in the decoded view: the lines `openssl x509 -text` prints, for year 0, 9999 and ordinary dates', () => {
    for (const [nb, na] of [
      ['00000101000000Z', '99991231235959Z'],
      ['20250203040506Z', '20301111111111Z'],
    ]) {
      const cert = buildCert({ ...base, validity: der.seq(der.generalizedTime(nb), der.generalizedTime(na)) });
      const c = decodePem(cert.pem)[0].value;
      assert.ok(c?.kind === 'certificate');
      const theirs = opensslText(cert.pem, '-text').out;
      const ours = certificateText(c, NOW);
      for (const label of ['Not Before: ', 'Not After : ']) {
        const line = new RegExp(`${label}(.*GMT)`);
        assert.equal(line.exec(ours)?.[1], line.exec(theirs)?.[1], `${label} ${nb} ${na}`);
      }
    }
  });

  test('serial numbers of every size: the decoded view prints what `openssl x509 -text` prints, the hover what `-serial` prints', () => {
    const serials = [0n, 1n, 5n, 0x1234n, 0x7fn, 0x80n, 2n ** 63n - 1n, 2n ** 63n, 0x8fedcba987654321n, 2n ** 159n + 12345n];
    for (const serial of serials) {
      const cert = buildCert({ ...base, serial });
      const c = decodePem(cert.pem)[0].value;
      assert.ok(c?.kind === 'certificate');
      const text = opensslText(cert.pem, '-text').out;
      const theirs = /Serial Number:(.*)\n(?:\s+(\S+)\n)?/.exec(text)!;
      const expected = theirs[1].trim() || theirs[2];
      assert.equal(serialAsOpenssl(c.serial), expected, `serial ${serial}`);
      const ours = certificateText(c, NOW);
      assert.ok(
        ours.includes(theirs[1].trim() ? `Serial Number: ${expected}\n` : `Serial Number:\n            ${expected}\n`),
        `${serial}: ${ours.slice(0, 200)}`,
      );
      const flag = /serial=(\S+)/.exec(opensslText(cert.pem, '-serial').out)![1];
      assert.equal(serialHexAsOpenssl(c.serial), flag, `serial ${serial}`);
      assert.equal(certificateSection(c, NOW, 'Certificate').rows.find((r) => r.label === 'Serial')?.text, flag);
    }
    assert.equal(serialAsOpenssl('ff'), '(Negative)01', 'openssl prints −1, its own error value, as bytes');
    assert.equal(serialHexAsOpenssl('fb'), '-05');
  });
});
