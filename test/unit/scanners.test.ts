// The hand-written scanners that replaced regular expressions on the decode path, held to those
// expressions: Go's base64 acceptance (goBase64Bytes) over every string of a small alphabet, and PEM
// block splitting (pemBlocks) over seeded mutations of real PEM text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pemBlocks } from '../../server/src/core/x509/certificates';
import { goBase64Bytes } from '../../server/src/core/x509/decode';
import { pki } from '../support/fixtures';

const GO_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

test('goBase64Bytes accepts exactly what Go base64 accepts, over every string of up to 6 characters from a 9-letter alphabet', () => {
  const alphabet = ['A', 'b', '+', '/', '=', '-', '_', ' ', '\u00e9'];
  let checked = 0;
  const wrong: string[] = [];
  const visit = (s: string) => {
    checked++;
    const bytes = goBase64Bytes(s);
    if (Boolean(bytes) !== GO_BASE64.test(s) && wrong.length < 5) wrong.push(JSON.stringify(s));
    if (bytes && !bytes.equals(Buffer.from(s, 'base64'))) wrong.push(`bytes of ${JSON.stringify(s)}`);
    if (s.length < 6) for (const c of alphabet) visit(s + c);
  };
  visit('');
  assert.deepEqual(wrong, []);
  assert.equal(checked, (9 ** 7 - 1) / 8);
});

/** The regular expression pemBlocks used before it was rewritten, as the reference. */
function referenceBlocks(text: string) {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)(?:-----END \1-----|$)/g;
  const out: Array<{ label: string; start: number; end: number; error?: string; der: string }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1];
    const complete = m[0].endsWith(`-----END ${label}-----`);
    const cleaned = m[2].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    let error: string | undefined;
    let der = '';
    if (!complete) error = `the ${label} block has no END line`;
    else if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) error = `the ${label} block's body is not base64`;
    else der = Buffer.from(cleaned, 'base64').toString('hex');
    if (!error && der.length === 0) error = `the ${label} block is empty`;
    out.push({ label, start: m.index, end: m.index + m[0].length, ...(error ? { error } : {}), der });
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

test('pemBlocks splits PEM text as the regular expression it replaced did, on 5,000 seeded mutations', () => {
  const p = pki();
  const base = `${p.ca.pem}junk\n${p.admin.pem}${p.otherKeyPem}`;
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pieces = ['-----BEGIN ', '-----END ', 'CERTIFICATE', '-----', '=', '==', '\n', ' ', 'Proc-Type: 4,ENCRYPTED\n', 'x', '\u00e9', '-', ''];
  for (let n = 0; n < 5000; n++) {
    let text = base;
    for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
      const at = Math.floor(random() * text.length);
      const cut = Math.floor(random() * 3) === 0 ? Math.floor(random() * 40) : 0;
      text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + cut);
    }
    const got = pemBlocks(text).map((b) => ({
      label: b.label,
      start: b.start,
      end: b.end,
      ...(b.error ? { error: b.error } : {}),
      der: Buffer.from(b.der).toString('hex'),
    }));
    assert.deepEqual(got, referenceBlocks(text), JSON.stringify(text.slice(0, 300)));
  }
});
