// The embed and extract refactors move file contents in and out of a kubeconfig: only certificates go to a
// new file, only a key goes into client-key-data, and nothing that is neither is copied anywhere.
// (The fuzzer found the first: test/fuzz/regressions/7cb2d9c17cd17c3e, a PRIVATE KEY bundled in CA data.)
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { analyse } from '../../server/src/core';
import { refactorsAt } from '../../server/src/core';
import { fileAccess } from '../../server/src/fileAccess';
import { fileHost } from '../../server/src/host';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';
import { KEY_KINDS, knownKey, SecretDetector } from './support/secrets';

let dir = '';
before(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-refactors-')));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(clusterLines: string[], userLines: string[] = []): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    ...clusterLines.map((l) => `    ${l}`),
    '    server: https://192.0.2.10:6443',
    '  name: c',
    'users:',
    '- name: u',
    '  user:',
    ...userLines.map((l) => `    ${l}`),
    '',
  ].join('\n');
}

/** The refactors offered at the value of `key`. */
function refactors(text: string, key: string) {
  const path = join(dir, 'config.kubeconfig');
  const analysis = analyse(text, { now: NOW, path, host: fileHost() });
  return refactorsAt(analysis, text.indexOf(`${key}:`) + key.length + 3, { ...fileHost(), access: fileAccess }, path);
}

describe('extract to a file: certificates only', () => {
  test('a private key bundled with the CA: refused, with the reason, and no file content at all', () => {
    const key = knownKey(KEY_KINDS[0]);
    const detector = new SecretDetector().addKey(key);
    for (const bundle of [key.pem + pki().ca.pem, pki().ca.pem + key.pem, pki().ca.pem + key.pem.slice(0, 600)]) {
      const [fix, ...more] = refactors(kubeconfig([`certificate-authority-data: ${b64(bundle)}`]), 'certificate-authority-data');
      assert.equal(more.length, 0);
      assert.equal(fix.title, 'Extract certificate-authority-data to c-ca.crt');
      assert.equal(fix.createFile, undefined);
      assert.deepEqual(fix.edits, []);
      assert.match(fix.disabled ?? '', /also holds a private key.*mode 0600.*client-key-data/);
      assert.equal(detector.findIn(fix), undefined);
    }
  });

  test('a certificate request or a broken block beside the CA: refused, naming the block', () => {
    const [fix] = refactors(
      kubeconfig([`certificate-authority-data: ${b64(pki().ca.pem + '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n')}`]),
      'certificate-authority-data',
    );
    assert.match(fix.disabled ?? '', /also holds a CERTIFICATE REQUEST block; only certificates are extracted/);
    assert.equal(fix.createFile, undefined);
  });

  test('certificates with text between them: the file gets the certificate blocks; a clean bundle is kept byte for byte', () => {
    const P = pki();
    const [noisy] = refactors(
      kubeconfig([`certificate-authority-data: ${b64(`subject=CN=kubernetes\n${P.ca.pem}issuer=x\n${P.otherCa.pem}`)}`]),
      'certificate-authority-data',
    );
    assert.equal(noisy.createFile?.content, P.ca.pem + P.otherCa.pem);
    const [clean] = refactors(kubeconfig([`certificate-authority-data: ${b64(P.ca.pem + P.otherCa.pem)}`]), 'certificate-authority-data');
    assert.equal(clean.createFile?.content, P.ca.pem + P.otherCa.pem);
  });

  test('raw PEM written where base64 belongs (pem-not-base64): the file gets that PEM, not its base64 decoding', () => {
    const text = kubeconfig([
      'certificate-authority-data: |',
      ...pki()
        .ca.pem.trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    ]);
    const [fix] = refactors(text, 'certificate-authority-data');
    assert.equal(fix.createFile?.content, pki().ca.pem);
  });

  test('over LSP the refusal is a disabled code action with its reason and no edit', async () => {
    const key = knownKey(KEY_KINDS[2]);
    const text = kubeconfig([`certificate-authority-data: ${b64(key.pem + pki().ca.pem)}`]);
    const path = join(dir, 'lsp.kubeconfig');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      await client.initialize({ now: '2026-11-21T00:00:00Z' });
      await client.open(uri, text);
      const position = { line: 4, character: 40 };
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: position, end: position },
        context: { diagnostics: [] },
      });
      const extract = actions.find((a) => a.title.startsWith('Extract'));
      assert.ok(extract, actions.map((a) => a.title).join(', '));
      assert.equal(extract.edit, undefined);
      assert.match(extract.disabled?.reason ?? '', /also holds a private key/);
    } finally {
      await client.connection.sendRequest('shutdown');
      client.connection.dispose();
    }
  });
});

describe('embed a file: only what the field holds', () => {
  test('a key file named as certificate-authority or client-certificate is not embedded; as client-key it is (kubectl --embed-certs)', () => {
    const key = knownKey(KEY_KINDS[1]);
    writeFileSync(join(dir, 'k.pem'), key.pem);
    writeFileSync(join(dir, 'bundle.pem'), pki().ca.pem + key.pem);
    assert.deepEqual(refactors(kubeconfig(['certificate-authority: k.pem']), 'certificate-authority'), []);
    assert.deepEqual(refactors(kubeconfig(['certificate-authority: bundle.pem']), 'certificate-authority'), []);
    assert.deepEqual(refactors(kubeconfig([], ['client-certificate: k.pem']), 'client-certificate'), []);
    // Into a kubeconfig as private as the key file, and its edit only once picked (withSecrets: codeAction/resolve).
    const text = kubeconfig([], ['client-key: k.pem']);
    writeFileSync(join(dir, 'config.kubeconfig'), text, { mode: 0o600 });
    chmodSync(join(dir, 'config.kubeconfig'), 0o600);
    chmodSync(join(dir, 'k.pem'), 0o600);
    const [offered] = refactors(text, 'client-key');
    assert.equal(offered.title, 'Embed k.pem as client-key-data');
    assert.deepEqual([offered.deferred, offered.edits, offered.disabled], [true, [], undefined]);
    const path = join(dir, 'config.kubeconfig');
    const host = { ...fileHost(), access: fileAccess };
    const [embed] = refactorsAt(analyse(text, { now: NOW, path, host }), text.indexOf('client-key:') + 13, host, path, { withSecrets: true });
    assert.equal(embed.edits[1].newText, b64(key.pem));
    rmSync(path);
  });

  test('/etc/passwd, a text file, a certificate named as client-key: not embedded', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a certificate\n');
    writeFileSync(join(dir, 'ca.crt'), pki().ca.pem);
    assert.deepEqual(refactors(kubeconfig(['certificate-authority: /etc/passwd']), 'certificate-authority'), []);
    assert.deepEqual(refactors(kubeconfig([], ['client-certificate: notes.txt']), 'client-certificate'), []);
    assert.deepEqual(refactors(kubeconfig([], ['client-key: ca.crt']), 'client-key'), []);
    const [ca] = refactors(kubeconfig(['certificate-authority: ca.crt']), 'certificate-authority');
    assert.equal(ca.title, 'Embed ca.crt as certificate-authority-data');
  });
});
