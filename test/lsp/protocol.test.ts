// The protocol around the analysis, in-process: pull vs push diagnostics, stale results, settings,
// hovers that can't be turned into links or HTML, and documents that are not (only) Kubernetes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { at, b64, buildCert, buildCsr } from '../support/pki';

const P = pki();
const CA = b64(P.ca.pem);
let serial = 0;
const newUri = (): string => `file:///kubecert-protocol/doc-${++serial}.yaml`;

function config(userName: string, certPem: string, keyPem?: string): string {
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: ${userName}
  name: dev
current-context: dev
kind: Config
preferences: {}
users:
- name: ${userName}
  user:
    client-certificate-data: ${b64(certPem)}
${keyPem ? `    client-key-data: ${b64(keyPem)}\n` : ''}`;
}
/** Line (0-based) of users[0].client-certificate-data / client-key-data in config(). */
const CERT_LINE = 17;
const KEY_LINE = 18;

const codes = (diags: Diagnostic[]): string[] => diags.map((d) => String(d.code)).sort();

/** A round trip: every publish the server sent before answering has arrived (messages keep their order). */
async function settle(client: LspClient, uri: string): Promise<void> {
  await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
}

// ------------------------------------------------------------------ pull and push

describe('pull diagnostics', () => {
  test('a client with textDocument.diagnostic gets diagnosticProvider and answers to textDocument/diagnostic', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      const init = await client.initialize({}, { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false }, codeAction: {} } });
      const caps = init.capabilities as Record<string, unknown>;
      assert.ok(caps.diagnosticProvider, 'diagnosticProvider advertised');
      assert.deepEqual(caps.diagnosticProvider, { interFileDependencies: false, workspaceDiagnostics: false });
      const uri = newUri();
      const expired = P.leaf('CN=bob,O=system:masters', P.ca, { notAfter: at('2026-01-01T00:00:00Z') });
      const pushed = await client.open(uri, config('bob', expired.pem));
      const pulled = await client.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
      assert.equal(pulled.kind, 'full');
      assert.deepEqual(codes(pulled.items), ['cert-expired', 'superuser-group']);
      assert.deepEqual(pulled.items, pushed, 'pull and push agree');
    } finally {
      await client.shutdown();
    }
  });

  test('a client without it gets no diagnosticProvider, and push diagnostics', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      const init = await client.initialize();
      const caps = init.capabilities as Record<string, unknown>;
      assert.equal(caps.diagnosticProvider, undefined);
      const diags = await client.open(newUri(), config('bob', P.leaf('CN=bob,O=system:masters', P.ca).pem));
      assert.deepEqual(codes(diags), ['superuser-group']);
    } finally {
      await client.shutdown();
    }
  });

  test("initializationOptions.diagnosticMode 'push' turns pull off even for a capable client", async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      const init = await client.initialize({ diagnosticMode: 'push' }, { textDocument: { diagnostic: {} } });
      assert.equal((init.capabilities as Record<string, unknown>).diagnosticProvider, undefined);
    } finally {
      await client.shutdown();
    }
  });
});

describe('push diagnostics', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.initialize();
  });
  after(() => client.shutdown());

  test('each publish carries the version; after three quick edits the last publish is for the last version, none older after a newer one', async () => {
    const uri = newUri();
    const text = (current: string): string => config('alice', P.admin.pem).replace('current-context: dev', `current-context: ${current}`);
    const first = await client.open(uri, text('one'));
    assert.deepEqual(codes(first), ['unknown-context']);
    const from = client.published.length;
    // Three changes without waiting: v2, v3, v4.
    void client.change(uri, text('two'));
    void client.change(uri, text('three'));
    const last = await client.change(uri, text('dev'));
    assert.deepEqual(codes(last), [], 'v4 is valid: no unknown-context');
    // A round trip: anything the server sent before answering has arrived.
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const mine: PublishDiagnosticsParams[] = client.published.slice(from).filter((p) => p.uri === uri);
    const versions = mine.map((p) => p.version);
    assert.ok(
      versions.every((v) => typeof v === 'number'),
      `every publish has a version: ${JSON.stringify(versions)}`,
    );
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i]! >= versions[i - 1]!, `no older publish after a newer one: ${JSON.stringify(versions)}`);
    assert.equal(versions[versions.length - 1], 4);
    assert.deepEqual(mine[mine.length - 1].diagnostics, last);
    for (const p of mine) {
      // What each publish says matches its version's text.
      const unknown = p.diagnostics.find((d) => d.code === 'unknown-context');
      if (p.version === 2) assert.match(unknown!.message, /"two"/);
      if (p.version === 3) assert.match(unknown!.message, /"three"/);
      if (p.version === 4) assert.equal(unknown, undefined);
    }
  });

  test('one publish per version: opening a document publishes its diagnostics once', async () => {
    const uri = newUri();
    const from = client.published.length;
    await client.open(uri, config('alice', P.admin.pem).replace('current-context: dev', 'current-context: x'));
    await client.change(uri, config('alice', P.admin.pem).replace('current-context: dev', 'current-context: y'));
    await settle(client, uri);
    const versions = client.published
      .slice(from)
      .filter((p) => p.uri === uri)
      .map((p) => p.version);
    assert.deepEqual(versions, [1, 2]);
  });

  test('an incremental change gets the diagnostics of its version', async () => {
    const uri = newUri();
    const text = config('alice', P.admin.pem);
    await client.open(uri, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('current-context:'));
    const diags = await client.change(uri, { range: { start: { line, character: 17 }, end: { line, character: 20 } }, text: 'nowhere' });
    assert.deepEqual(codes(diags), ['unknown-context']);
    assert.equal(diags[0].range.start.line, line);
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = newUri();
    await client.open(uri, config('alice', P.admin.pem).replace('current-context: dev', 'current-context: x'));
    await settle(client, uri);
    const cleared = client.diagnostics(uri);
    void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(await cleared, []);
  });
});

// ------------------------------------------------------------------ settings

describe('settings', () => {
  test('workspace/didChangeConfiguration {kubecert: {warnDays: 400, severities: {superuser-group: off}}} changes the next diagnostics', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      await client.initialize();
      const uri = newUri();
      // Expires 2027-06-01: more than 30 days after NOW, less than 400.
      const before = await client.open(uri, config('root', P.leaf('CN=root,O=system:masters', P.ca).pem));
      assert.deepEqual(codes(before), ['superuser-group']);
      await settle(client, uri);
      const next = client.diagnostics(uri);
      void client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { kubecert: { warnDays: 400, severities: { 'superuser-group': 'off' } } },
      });
      const afterChange = await next;
      assert.deepEqual(codes(afterChange), ['cert-expiring-soon']);
      assert.equal(afterChange[0].severity, 2);
      // A severity override changes the severity, not the finding.
      await settle(client, uri);
      const again = client.diagnostics(uri);
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kubecert: { severities: { 'superuser-group': 'hint' } } } });
      const hinted = await again;
      assert.deepEqual(codes(hinted), ['superuser-group']);
      assert.equal(hinted[0].severity, 4);
    } finally {
      await client.shutdown();
    }
  });

  test('kubecert.maxProblems: at most that many diagnostics per file, errors before warnings, and one more counting the rest', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      await client.initialize({ maxProblems: 10 });
      const uri = newUri();
      // 30 users with a superuser's certificate (30 warnings), before one whose certificate has expired (an error).
      const root = b64(P.leaf('CN=root,O=system:masters', P.ca).pem);
      const users = Array.from({ length: 30 }, (_, i) => `- name: root-${i}\n  user:\n    client-certificate-data: ${root}\n`).join('');
      const expired = P.leaf('CN=late', P.ca, { notAfter: at('2026-01-01T00:00:00Z') });
      const text = config('late', expired.pem).replace('users:\n', `users:\n${users}`);
      const shown = await client.open(uri, text);
      assert.equal(shown.length, 11, 'ten problems and the note');
      const note = shown.find((d) => d.code === 'problems-not-shown')!;
      assert.ok(note, 'the note is there');
      assert.deepEqual(note.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.match(note.message, /^21 more problems are not shown: Kubecert lists at most 10 per file, the most severe first/);
      const kept = shown.filter((d) => d !== note);
      assert.deepEqual(
        kept.filter((d) => d.severity === 1).map((d) => d.code),
        ['cert-expired'],
        'the error is kept although it comes last in the file',
      );
      assert.equal(kept.filter((d) => d.code === 'superuser-group').length, 9, 'then the first warnings');
      const lines = kept.map((d) => d.range.start.line);
      assert.deepEqual(
        lines,
        [...lines].sort((a, b) => a - b),
        'in document order',
      );
      await settle(client, uri);
      // Raised past the count: every problem, and no note.
      const next = client.diagnostics(uri);
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kubecert: { maxProblems: 1000 } } });
      const everything = await next;
      assert.equal(everything.length, 31);
      assert.ok(!everything.some((d) => d.code === 'problems-not-shown'));
    } finally {
      await client.shutdown();
    }
  });

  test('the clock from initializationOptions.now survives a configuration change', async () => {
    // The process clock says 2031; the client fixed the moment at 2026-11-21.
    const client = LspClient.inProcess({ clock: () => at('2031-01-01T00:00:00Z').getTime() });
    try {
      await client.initialize({ now: '2026-11-21T00:00:00Z' });
      const uri = newUri();
      const first = await client.open(uri, config('alice', P.admin.pem));
      assert.deepEqual(codes(first), [], 'judged at 2026-11-21: nothing expired');
      await settle(client, uri);
      const next = client.diagnostics(uri);
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kubecert: { warnDays: 30 } } });
      assert.deepEqual(codes(await next), [], 'still judged at 2026-11-21 after the settings changed (not at the process clock, 2031)');
    } finally {
      await client.shutdown();
    }
  });
});

// ------------------------------------------------------------------ hovers

describe('hovers', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.initialize();
  });
  after(() => client.shutdown());

  /**
   * Markdown outside code spans, where a construct could become live. A code span's content is literal in
   * CommonMark (no link, HTML or emphasis inside), so it is checked only for holding no backtick.
   */
  function unsafeCharacters(markdown: string, dangerous: string): string[] {
    const found: string[] = [];
    for (const line of markdown.split('\n')) {
      let i = 0;
      // A section title is **…**: those asterisks are the renderer's own.
      const body = /^\*\*.*\*\*$/.test(line) ? line.slice(2, -2) : line;
      while (i < body.length) {
        const c = body[i];
        if (c === '\\') {
          i += 2;
          continue;
        }
        if (c === '`') {
          const close = body.indexOf('`', i + 1);
          if (close < 0) {
            found.push(`unclosed backtick in ${JSON.stringify(line)}`);
            break;
          }
          i = close + 1;
          continue;
        }
        if (dangerous.includes(c)) found.push(`unescaped ${c} in ${JSON.stringify(line)}`);
        i++;
      }
    }
    return found;
  }

  /** The text with every code span (`…`, backslash escapes honoured outside them) removed. */
  function outsideCodeSpans(markdown: string): string {
    let out = '';
    for (let i = 0; i < markdown.length; i++) {
      const c = markdown[i];
      if (c === '\\') {
        out += c + (markdown[i + 1] ?? '');
        i++;
      } else if (c === '`') {
        const close = markdown.indexOf('`', i + 1);
        if (close < 0) out += c;
        else i = close;
      } else out += c;
    }
    return out;
  }

  function codeSpans(markdown: string): string[] {
    const spans: string[] = [];
    for (let i = 0; i < markdown.length; i++) {
      if (markdown[i] === '\\') i++;
      else if (markdown[i] === '`') {
        const close = markdown.indexOf('`', i + 1);
        if (close < 0) break;
        spans.push(markdown.slice(i + 1, close));
        i = close;
      }
    }
    return spans;
  }

  test('a hostile subject renders as text: no live link, HTML or emphasis; hover not trusted', async () => {
    const subject = 'CN=[x](command:evil),O=<b>*bold*</b>,OU=`tick`';
    const evil = P.leaf(subject, P.ca);
    const uri = newUri();
    await client.open(uri, config('evil', evil.pem));
    const h = await client.hover(uri, { line: CERT_LINE, character: 40 });
    assert.ok(h);
    assert.equal(h.contents.kind, 'markdown');
    assert.deepEqual(Object.keys(h.contents).sort(), ['kind', 'value'], 'a plain MarkupContent: no isTrusted, no supportHtml');
    assert.deepEqual(Object.keys(h).sort(), ['contents', 'range']);
    const md = h.contents.value;
    // The subject is there, in pieces: all of it shows.
    assert.match(md, /command:evil/);
    assert.match(md, /bold/);
    assert.match(md, /tick/);
    // Everything that could open a construct is escaped, outside code spans.
    assert.deepEqual(unsafeCharacters(md, '[]<>*`_'), []);
    // Nothing that renders as a link or tag once code spans (literal text) are set aside.
    const prose = outsideCodeSpans(md);
    assert.doesNotMatch(prose, /(?<!\\)\]\(/, 'no ](…) link syntax');
    assert.doesNotMatch(prose, /(?<!\\)<\/?b(?<!\\)>/, 'no raw <b>');
    assert.doesNotMatch(prose, /(?<!\\)\*bold(?<!\\)\*/, 'no *emphasis*');
    // The code spans that hold subject text hold no backtick, so they cannot be broken out of.
    for (const span of codeSpans(md)) assert.ok(!span.includes('`'), span);
    // Each backtick from the subject is escaped (a code span cannot hold them).
    for (const m of md.matchAll(/`tick/g)) assert.equal(md[m.index! - 1], '\\', `escaped backtick at ${m.index}: ${md.slice(m.index! - 20, m.index! + 20)}`);
  });

  test('client-key-data: type, size, whether it matches — and no part of the key', async () => {
    const uri = newUri();
    await client.open(uri, config('admin', P.admin.pem, P.adminKeyPem));
    const h = await client.hover(uri, { line: KEY_LINE, character: 40 });
    assert.ok(h);
    const md = h.contents.value;
    assert.match(md, /Private key/);
    assert.match(md, /RSA 2048/);
    assert.match(md, /PKCS#8/);
    assert.match(md, /matches .*CN=admin/);
    assertNoKeyMaterial(md, P.adminKeyPem);

    // The same on the key name, and a key that belongs to another certificate says so.
    const onKey = await client.hover(uri, { line: KEY_LINE, character: 8 });
    assert.equal(onKey?.contents.value, md);
    const other = newUri();
    await client.open(other, config('admin', P.admin.pem, P.otherKeyPem));
    const mismatch = await client.hover(other, { line: KEY_LINE, character: 40 });
    assert.match(mismatch!.contents.value, /PKCS#1/);
    assert.match(mismatch!.contents.value, /does NOT match/);
    assertNoKeyMaterial(mismatch!.contents.value, P.otherKeyPem);
  });

  function assertNoKeyMaterial(md: string, keyPem: string): void {
    assert.doesNotMatch(md, /PRIVATE KEY-----/);
    const body = keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const encoded = b64(keyPem);
    const squashed = md.replace(/[\s\\`:]/g, '');
    for (const material of [body, encoded])
      for (let i = 0; i + 16 <= material.length; i += 8) assert.ok(!squashed.includes(material.slice(i, i + 16)), `key material at ${i} shows in the hover`);
  }

  test('a Secret tls.crt hover', async () => {
    const serving = P.leaf('CN=web.example.com', P.ca, { extKeyUsage: ['serverAuth'], sans: ['DNS:web.example.com', 'DNS:www.example.com'] });
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  namespace: shop
type: kubernetes.io/tls
data:
  tls.crt: ${b64(serving.pem)}
  tls.key: ${b64(P.adminKeyPem)}
`;
    const uri = newUri();
    await client.open(uri, text);
    const h = await client.hover(uri, { line: 7, character: 20 });
    assert.ok(h);
    const md = h.contents.value;
    assert.match(md, /Certificate: web\.example\.com/);
    assert.match(md, /Secret\[shop\/web-tls\]\.data\[tls\.crt\]/);
    assert.match(md, /DNS:web\.example\.com, DNS:www\.example\.com/);
    const key = await client.hover(uri, { line: 8, character: 20 });
    assert.match(key!.contents.value, /matches CN=web\.example\.com/);
    assertNoKeyMaterial(key!.contents.value, P.adminKeyPem);
  });

  test('a webhook caBundle with two certificates: "Certificate 1 of 2", "2 of 2" and the chain', async () => {
    const intermediate = buildCert({
      subject: 'CN=webhook-intermediate',
      key: P.rsa(7),
      issuer: P.ca,
      notBefore: at('2025-01-01T00:00:00Z'),
      notAfter: at('2030-01-01T00:00:00Z'),
      ca: true,
      pathLen: 0,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const text = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: check.policy.example.com
  clientConfig:
    service:
      name: policy
      namespace: policy
    caBundle: ${b64(intermediate.pem + P.ca.pem)}
  admissionReviewVersions: ["v1"]
  sideEffects: None
`;
    const uri = newUri();
    const diags = await client.open(uri, text);
    assert.deepEqual(codes(diags), []);
    const h = await client.hover(uri, { line: 10, character: 30 });
    assert.ok(h);
    const md = h.contents.value;
    assert.match(md, /Certificate 1 of 2: webhook-intermediate/);
    assert.match(md, /Certificate 2 of 2: kubernetes/);
    assert.match(md, /\*\*Chain\*\*/);
    assert.match(md, /#1: CN=webhook-intermediate — signed by #2/);
    assert.match(md, /#2: CN=kubernetes — self-signed root/);
    assert.match(md, /ValidatingWebhookConfiguration\[policy\]\.webhooks\[check\.policy\.example\.com\]\.clientConfig\.caBundle/);
  });

  test('a CertificateSigningRequest hover: subject and signature verification', async () => {
    const csr = buildCsr({ subject: 'CN=jane,O=dev', key: P.rsa(8), extKeyUsage: ['clientAuth'] });
    const tampered = Buffer.from(csr.der);
    tampered[tampered.length - 5] ^= 0xff; // inside the signature
    const doc = (request: string): string => `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: jane
spec:
  request: ${request}
  signerName: kubernetes.io/kube-apiserver-client
  usages:
  - client auth
`;
    const uri = newUri();
    await client.open(uri, doc(b64(csr.pem)));
    const h = await client.hover(uri, { line: 5, character: 20 });
    assert.ok(h);
    const md = h.contents.value;
    assert.match(md, /Certificate request: O=dev,CN=jane/);
    assert.match(md, /User: `jane`/);
    assert.match(md, /Groups: `dev`/);
    assert.match(md, /verifies/);
    assert.doesNotMatch(md, /does NOT verify/);
    assert.match(md, /Signer: `kubernetes.io\/kube-apiserver-client`/);
    assert.match(md, /Requested usages: client auth/);

    const bad = newUri();
    const pemBad = `-----BEGIN CERTIFICATE REQUEST-----\n${tampered
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    await client.open(bad, doc(b64(pemBad)));
    const hb = await client.hover(bad, { line: 5, character: 20 });
    assert.match(hb!.contents.value, /does NOT verify/);
  });
});

// ------------------------------------------------------------------ documents that are not (only) Kubernetes

describe('other documents', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.initialize();
  });
  after(() => client.shutdown());

  test('YAML that is not Kubernetes gets no diagnostics', async () => {
    const compose = `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    volumes:
      - ./certs:/etc/nginx/certs:ro
`;
    assert.deepEqual(await client.open(newUri(), compose), []);
    const workflow = `name: build
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: openssl req -new -x509 -days 1 -subj /CN=test -out certificate.pem
      - run: echo "-----BEGIN CERTIFICATE-----"
`;
    assert.deepEqual(await client.open(newUri(), workflow), []);
    const broken = `key: [unclosed\nother: value\n`;
    assert.deepEqual(await client.open(newUri(), broken), [], 'not Kubernetes: not even its YAML errors are reported');
  });

  test('a YAML error does not hide the certificate diagnostics of the part that parses', async () => {
    const expired = P.leaf('CN=bob', P.ca, { notAfter: at('2026-01-01T00:00:00Z') });
    const base = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
users:
- name: bob
  user:
    client-certificate-data: ${b64(expired.pem)}
`;
    for (const [what, tail, errorLine] of [
      ['an unclosed flow map', 'preferences: {colors: true\n', 12],
      ['a mis-indented key', 'contexts:\n- context:\n    cluster: prod\n   user: bob\n  name: dev\n', 14],
      ['a broken second document', '---\nfoo: [bar\n', 13],
    ] as const) {
      const diags = await client.open(newUri(), base + tail);
      const expiredDiag = diags.find((d) => d.code === 'cert-expired');
      assert.ok(expiredDiag, `${what}: cert-expired still reported (${codes(diags).join(', ')})`);
      assert.equal(expiredDiag.range.start.line, 10);
      const syntax = diags.find((d) => d.code === 'yaml-syntax');
      assert.ok(syntax, `${what}: the syntax error is reported`);
      assert.equal(syntax.range.start.line, errorLine, what);
    }
  });
});
