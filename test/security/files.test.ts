// A file reference that is not a certificate — /etc/passwd, a text file, a binary, a folder, a key where a
// certificate belongs — is reported as not a certificate without one byte of its content: in hovers,
// diagnostics, code actions (no embed of it), lenses, the decoded view, and the CLI's text, JSON and SARIF.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { main } from '../../server/src/cli';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';
import { KEY_KINDS, knownKey, secretValue, SecretDetector } from './support/secrets';
import { assertNoLeaks, sweep } from './support/sweep';

const PASSWD = '/etc/passwd';
/** An /etc/passwd line, whatever the machine's accounts are. */
const PASSWD_LINE = /\b[a-z_][\w.-]*:[x*!]?:\d+:\d+:/;

let dir = '';
let client: LspClient;
const detector = new SecretDetector();

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-files-')));
  client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: '2026-11-21T00:00:00Z' });
});
after(async () => {
  await client.connection.sendRequest('shutdown');
  client.connection.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function files(): { text: string; manifests: string; notes: string[] } {
  const notes = [secretValue('note-one-'), secretValue('note-two-'), `password=${secretValue('note-pw-')}`];
  for (const n of notes) detector.addSecret(`text file line ${n.slice(0, 9)}`, n);
  writeFileSync(join(dir, 'notes.txt'), notes.join('\n') + '\n');
  // A binary that starts like DER (0x30) and is not: every byte derived, none random.
  const binary = Buffer.concat([
    Buffer.from([0x30, 0x82, 0x01, 0x00]),
    ...Array.from({ length: 8 }, (_, i) => createHash('sha256').update(`binary-${i}`).digest()),
  ]);
  writeFileSync(join(dir, 'blob.bin'), binary);
  detector.addSecret('binary file', binary.subarray(4, 40).toString('latin1'));
  detector.addSecret('binary file (hex)', binary.subarray(4, 40).toString('hex'));
  detector.addSecret('binary file (base64)', binary.subarray(4, 40).toString('base64'));
  const key = knownKey(KEY_KINDS[2]);
  detector.addKey(key);
  writeFileSync(join(dir, 'tls.key'), key.pem);
  const text = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: ${PASSWD}
    server: https://192.0.2.10:6443
  name: passwd
- cluster:
    certificate-authority: notes.txt
    server: https://192.0.2.10:6443
  name: notes
- cluster:
    certificate-authority: blob.bin
    server: https://192.0.2.10:6443
  name: blob
- cluster:
    certificate-authority: /etc
    server: https://192.0.2.10:6443
  name: folder
- cluster:
    certificate-authority: tls.key
    server: https://192.0.2.10:6443
  name: key
contexts:
- context:
    cluster: passwd
    user: passwd
  name: passwd
current-context: passwd
users:
- name: passwd
  user:
    client-certificate: ${PASSWD}
    client-key: ${PASSWD}
- name: notes
  user:
    client-certificate: notes.txt
    client-key: blob.bin
- name: key-as-cert
  user:
    client-certificate: tls.key
    client-key: notes.txt
`;
  const manifests = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    command:
    - kube-apiserver
    - --tls-cert-file=${PASSWD}
    - --tls-private-key-file=${join(dir, 'notes.txt')}
    - --client-ca-file=${join(dir, 'blob.bin')}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
tlsCertFile: ${PASSWD}
tlsPrivateKeyFile: ${join(dir, 'blob.bin')}
authentication:
  x509:
    clientCAFile: ${join(dir, 'tls.key')}
---
apiVersion: v1
kind: Secret
metadata:
  name: passwd
data:
  tls.crt: ${b64(existsSync(PASSWD) ? readFileSync(PASSWD) : 'root:x:0:0:root:/root:/bin/sh\n')}
  ca.crt: ${b64(pki().ca.pem)}
`;
  return { text, manifests, notes };
}

function assertNoPasswd(what: string, output: string): void {
  const lines = existsSync(PASSWD)
    ? readFileSync(PASSWD, 'utf8')
        .split('\n')
        .filter((l) => l.length >= 8)
    : [];
  const shown = lines.find((l) => output.includes(l)) ?? PASSWD_LINE.exec(output)?.[0];
  assert.equal(shown, undefined, `${what} shows /etc/passwd: ${shown}`);
}

test('kubeconfig and manifests naming files that are not certificates: reported, never shown (LSP)', async () => {
  assert.ok(existsSync(PASSWD), '/etc/passwd exists on this machine');
  const { text, manifests } = files();
  for (const [name, content] of [
    ['files.kubeconfig', text],
    ['files.yaml', manifests],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const doc = { name, path, text: content, languageId: 'yaml' };
    const result = await sweep(client, doc, []);
    assertNoLeaks(detector, doc, result);
    for (const s of result.shown) assertNoPasswd(s.path, JSON.stringify(s.value));
    for (const e of result.edits) assertNoPasswd(`"${e.title}" edit`, e.edit.newText);
    assert.deepEqual(
      result.edits.filter((e) => /^Embed/.test(e.title)).map((e) => e.title),
      [],
      'a file that is not what its field holds is never embedded into the document',
    );
    const reported = result.diagnostics.filter((d) => d.code === 'not-a-certificate' || d.code === 'missing-file');
    assert.ok(
      reported.length >= (name === 'files.kubeconfig' ? 8 : 5),
      JSON.stringify(result.diagnostics.map((d) => `${d.code}@${d.range.start.line}: ${d.message}`)),
    );
  }
});

test('the passwd reference in detail: the diagnostic says what it is and no more; the hover says it holds no certificate', async () => {
  const path = join(dir, 'detail.kubeconfig');
  const { text } = files();
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  const diags = await client.open(uri, text);
  const at = diags.find((d) => d.range.start.line === 4);
  assert.ok(at, JSON.stringify(diags));
  assert.equal(at.code, 'not-a-certificate');
  assert.match(at.message, /^This decodes to \d+ bytes that hold no PEM block/);
  const hover = await client.hover(uri, { line: 4, character: 30 });
  assert.ok(hover);
  assert.match(hover.contents.value, /Holds no certificate|Could not be decoded/);
  assertNoPasswd('hover', hover.contents.value);
});

test('kubecert check: text, JSON and SARIF name the problem, show none of the content; --server-cert /etc/passwd and checking /etc/passwd itself too', async () => {
  const { text, manifests } = files();
  writeFileSync(join(dir, 'cli.kubeconfig'), text);
  writeFileSync(join(dir, 'cli.yaml'), manifests);
  const runs: Array<[string[], number]> = [
    [['check', 'cli.kubeconfig', 'cli.yaml', '--format', 'text'], 1],
    [['check', 'cli.kubeconfig', 'cli.yaml', '--format', 'json'], 1],
    [['check', 'cli.kubeconfig', 'cli.yaml', '--format', 'sarif'], 1],
    [['check', 'cli.kubeconfig', '--server-cert', PASSWD], 2],
    [['check', 'cli.kubeconfig', '--server-cert', 'blob.bin'], 2],
    [['check', PASSWD, '--format', 'json'], 0],
    [['check', PASSWD], 0],
    // The binary holds control characters: kubectl would refuse it, and a yaml-syntax error says so (by code point only).
    [['check', 'notes.txt', 'blob.bin'], 1],
  ];
  for (const [argv, status] of runs) {
    let out = '';
    const code = await main({
      argv: [...argv, '--now', '2026-11-21T00:00:00Z'],
      env: {},
      stdout: (s) => void (out += s),
      stderr: (s) => void (out += s),
      isTTY: false,
      cwd: dir,
      clock: () => assert.fail('the CLI read the clock despite --now'),
    });
    const what = argv.join(' ');
    assert.equal(code, status, `${what}:\n${out}`);
    assertNoPasswd(what, out);
    const leak = detector.find(out);
    assert.equal(leak, undefined, `${what} shows ${leak?.key}: …${leak?.context}…`);
    if (argv.includes('--server-cert')) assert.match(out, /holds no certificate/);
    if (argv[1] === 'cli.kubeconfig' && status === 1) assert.match(out, /not-a-certificate/);
  }
});
