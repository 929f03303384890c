/**
 * PEM as Go's encoding/pem reads it (pem.Decode, called on the rest until it returns nil), case by case from its
 * documented rules: BEGIN at the start of the text or of a line; the type line ends in "-----" once trailing spaces and
 * tabs are trimmed; "Key: value" header lines; an END line at the start of a line with the same type and nothing but
 * spaces or tabs after it; a body of base64 where spaces, tabs and line breaks are ignored and padding is required.
 * The cases both Go and openssl reject are held to openssl too. And a folded PEM rebuilt.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { analyse } from '../../server/src/core/analysis';
import { blocksGoSkips, goPemBlocks, rebuildPem } from '../../server/src/core/x509/pem';
import { NOW, pki } from '../support/fixtures';
import { b64 } from '../support/pki';

const P = pki();
const BODY = P.admin.der.toString('base64');
const LINES = BODY.match(/.{1,64}/g)!;
const CERT = P.admin.pem;

interface Case {
  name: string;
  text: string;
  /** The block types Go finds, in order. */
  go: string[];
  /** openssl x509 must fail on it as well (the cases where both reject). */
  opensslRejects?: boolean;
}

const CASES: Case[] = [
  { name: 'canonical', text: CERT, go: ['CERTIFICATE'] },
  { name: 'CRLF line breaks', text: CERT.replace(/\n/g, '\r\n'), go: ['CERTIFICATE'] },
  { name: 'spaces and tabs after the BEGIN and END lines', text: CERT.replace('-----\n', '----- \t\n').replace(/-----\n$/, '-----  \n'), go: ['CERTIFICATE'] },
  { name: 'no line break after the END line', text: CERT.trimEnd(), go: ['CERTIFICATE'] },
  { name: 'the body in one long line', text: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----\n`, go: ['CERTIFICATE'] },
  { name: 'spaces and tabs inside the body lines', text: CERT.replace(LINES[1], `${LINES[1].slice(0, 10)} \t${LINES[1].slice(10)}`), go: ['CERTIFICATE'] },
  { name: 'text before and after the block', text: `subject=CN=admin\n${CERT}trailing words\n`, go: ['CERTIFICATE'] },
  { name: 'RFC 1421 headers', text: CERT.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n'), go: ['CERTIFICATE'] },
  { name: 'an empty body', text: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', go: ['CERTIFICATE'] },
  { name: 'a lower-case type is a type to Go', text: CERT.replace(/CERTIFICATE/g, 'certificate'), go: ['certificate'] },
  { name: 'folded: line breaks became spaces', text: CERT.trim().replace(/\n/g, ' ') + '\n', go: [], opensslRejects: true },
  { name: 'BEGIN after other text on its line', text: `cert: ${CERT}`, go: [], opensslRejects: true },
  { name: 'BEGIN indented', text: CERT.replace('-----BEGIN', '  -----BEGIN'), go: [], opensslRejects: true },
  { name: 'END glued to the last body line', text: CERT.replace(/\n-----END/, '-----END'), go: [], opensslRejects: true },
  { name: 'END of another type', text: CERT.replace('END CERTIFICATE', 'END X509 CRL'), go: [], opensslRejects: true },
  {
    name: 'a character outside base64 in the body',
    text: CERT.replace(LINES[2], `${LINES[2].slice(0, 5)}!${LINES[2].slice(6)}`),
    go: [],
    opensslRejects: true,
  },
  { name: 'text after the END line on its line', text: CERT.trimEnd() + ' # admin\n', go: [] },
  { name: 'padding cut off', text: BODY.endsWith('=') ? CERT.replace(/=+\n-----END/, '\n-----END') : CERT.replace(LINES[1], LINES[1].slice(1)), go: [] },
  { name: 'the second of two blocks folded', text: CERT + CERT.trim().replace(/\n/g, ' ') + '\n', go: ['CERTIFICATE'] },
];

describe("PEM boundary cases, as Go's encoding/pem reads them", () => {
  for (const c of CASES)
    test(c.name, () => {
      assert.deepEqual(
        goPemBlocks(c.text).map((b) => b.type),
        c.go,
      );
      // Kubecert reads what Go reads: a certificate in a client field, or pem-malformed saying Go skips it.
      const text = `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    client-certificate-data: ${b64(c.text)}\n    client-key-data: ${b64(P.adminKeyPem)}\n`;
      const a = analyse(text, { now: NOW });
      const read = a.materials[0].certificates.length;
      const malformed = a.findings.filter((f) => f.code === 'pem-malformed');
      const goCertificates = goPemBlocks(c.text).filter((b) => b.type === 'CERTIFICATE' && b.bytes.length > 0).length;
      assert.equal(read, goCertificates, 'Kubecert reads exactly the certificates Go reads');
      assert.equal(malformed.length, blocksGoSkips(c.text).length > 0 ? 1 : 0, JSON.stringify(a.findings.map((f) => f.message)));
      if (malformed.length) assert.match(malformed[0].message, /^Go's encoding\/pem, which kubectl and the API server use, skips the CERTIFICATE block \(/);
      if (c.opensslRejects) {
        const r = spawnSync('openssl', ['x509', '-noout'], { input: c.text, encoding: 'utf8' });
        assert.notEqual(r.status, 0, 'openssl rejects it too');
      }
    });

  test('a folded PEM rebuilt: the PEM as it was; text that is not PEM, or headers, refused', () => {
    const folded = CERT.trim().replace(/\n/g, ' ');
    assert.equal(rebuildPem(folded), CERT);
    assert.equal(rebuildPem(`${folded} ${folded}`), CERT + CERT);
    assert.equal(rebuildPem(`note ${folded}`), undefined);
    assert.equal(rebuildPem(folded.replace('-----END', 'x -----END')), undefined);
    assert.equal(rebuildPem(folded.replace('----- ', '----- Proc-Type: 4,ENCRYPTED ')), undefined);
    const r = spawnSync('openssl', ['x509', '-noout', '-subject'], { input: rebuildPem(folded), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
