// What an editor shows, over the protocol: CodeLens titles for a plain client (Neovim) and for VS Code, the lens command
// executed through the server, hovers that say the state in words, and the folded-PEM fixes applied byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { applyTextEdits, editsFor, LspClient } from '../support/lspClient';
import { at } from '../support/pki';

const P = pki();
const expiredClient = P.leaf('CN=jane,O=dev', P.ca, { notAfter: at('2026-01-01T00:00:00Z') });
const TEXT = kubeconfig({
  clusters: [{ name: 'prod', caPem: P.ca.pem }],
  users: [
    { name: 'jane', certPem: expiredClient.pem, keyPem: P.adminKeyPem },
    { name: 'bob', certPem: P.admin.pem, keyPem: P.otherKeyPem },
  ],
  contexts: [
    { name: 'jane@prod', cluster: 'prod', user: 'jane' },
    { name: 'bob@prod', cluster: 'prod', user: 'bob' },
  ],
});
let serial = 0;
const newUri = (): string => `file:///kubecert-verdicts/doc-${++serial}.yaml`;
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

async function session(init: Record<string, unknown>): Promise<{ client: LspClient; caps: Record<string, unknown> }> {
  const client = LspClient.inProcess({ clock: () => NOW });
  const result = await client.initialize(init);
  return { client, caps: result.capabilities as Record<string, unknown> };
}

describe('CodeLens in any editor', () => {
  let neovim: LspClient;
  let vscode: LspClient;
  let neovimCaps: Record<string, unknown>;
  let vscodeCaps: Record<string, unknown>;
  before(async () => {
    ({ client: neovim, caps: neovimCaps } = await session({}));
    ({ client: vscode, caps: vscodeCaps } = await session({ clientRendersIcons: true, clientShowsDecodedCertificate: true, clientShowsRenewalSteps: true }));
  });
  after(async () => {
    await neovim.shutdown();
    await vscode.shutdown();
  });

  test('a plain client gets plain titles with the verdict in words; VS Code gets its icons', async () => {
    const titles = async (client: LspClient): Promise<Map<number, string>> => {
      const uri = newUri();
      await client.open(uri, TEXT);
      const got = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      return new Map(got.map((l) => [l.range.start.line, l.command!.title]));
    };
    const plain = await titles(neovim);
    const icons = await titles(vscode);
    const janeCert = lineOf(TEXT, 'client-certificate-data');
    const bobKey = TEXT.split('\n').findIndex((l, i) => i > janeCert + 1 && l.includes('client-key-data'));
    for (const title of plain.values()) assert.ok(!title.includes('$('), title);
    assert.equal(plain.get(janeCert), 'CN=jane · O=dev · EXPIRED 2026-01-01 · error: expired 2026-01-01');
    assert.equal(icons.get(janeCert), `$(error) ${plain.get(janeCert)}`);
    assert.equal(plain.get(bobKey), 'private key · RSA 2048 · error: key does not match its certificate');
    assert.equal(icons.get(bobKey), `$(error) ${plain.get(bobKey)}`);
    // A healthy certificate: no marker for either.
    const ca = lineOf(TEXT, 'certificate-authority-data');
    assert.match(plain.get(ca)!, /^CN=kubernetes · expires 2035-01-01 \(in 8y 1mo\)$/);
    assert.equal(icons.get(ca), plain.get(ca));
  });

  test('the lens command is advertised to a plain client, and executing it returns the decoded certificate', async () => {
    assert.deepEqual((neovimCaps.executeCommandProvider as { commands: string[] }).commands, ['kubecert.showRenewalSteps', 'kubecert.showDecodedCertificate']);
    assert.deepEqual((vscodeCaps.executeCommandProvider as { commands: string[] }).commands, [], 'VS Code runs both itself');
    const uri = newUri();
    await neovim.open(uri, TEXT);
    const got = await neovim.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const lens = got.find((l) => l.range.start.line === lineOf(TEXT, 'client-certificate-data'))!;
    const shownBefore = neovim.messages.length;
    const result = await neovim.request<{ where: string; text: string; pem: string } | null>('workspace/executeCommand', {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.ok(result, 'a result, not null');
    assert.equal(result.where, 'users[jane].client-certificate-data');
    assert.match(result.text, /Subject: O ?= ?dev, CN ?= ?jane|Subject: .*CN.*jane/);
    await neovim.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(neovim.messages.length, shownBefore + 1, 'the decoded text shown through window/showMessage');
    assert.equal(neovim.messages[shownBefore].message, result.text);
    // Arguments that are not a document and a position: nothing, and no error.
    assert.equal(await neovim.request('workspace/executeCommand', { command: lens.command!.command, arguments: [uri, { line: -1 }] }), null);
  });

  test('hovers say the state in words; VS Code gets theme icons, others emoji beside the words', async () => {
    const hoverAt = async (client: LspClient): Promise<string> => {
      const uri = newUri();
      await client.open(uri, TEXT);
      const h = await client.hover(uri, { line: lineOf(TEXT, '  name: bob@prod'), character: 10 });
      return h!.contents.value;
    };
    const plain = await hoverAt(neovim);
    const icons = await hoverAt(vscode);
    assert.match(plain, /⛔ Verdict: error: key does not match its certificate {2}$/m);
    assert.match(icons, /\$\(error\) Verdict: error: key does not match its certificate {2}$/m);
    assert.ok(!plain.includes('$('), 'no icon syntax for a plain client');
  });
});

// ---------------------------------------------------------------------------------------------- PEM as Go reads it

function opensslReads(pem: string): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-subject'], { input: pem, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl x509 could not read it: ${r.stderr}`);
  return r.stdout.trim();
}

function opensslRejects(pem: string): void {
  const r = spawnSync('openssl', ['x509', '-noout', '-subject'], { input: pem, encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'openssl read it');
}

describe('a PEM pasted as a multi-line plain value', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.initialize();
  });
  after(() => client.shutdown());

  const base64Lines = P.admin.der.toString('base64').match(/.{1,64}/g)!;
  // YAML folds these lines into one, with spaces where the line breaks were.
  const folded = (user: string): string =>
    `apiVersion: v1
kind: Config
clusters: []
contexts: []
users:
- name: u
  user:
    ${user}: -----BEGIN CERTIFICATE-----
      ${base64Lines.join('\n      ')}
      -----END CERTIFICATE-----
    client-key-data: ${Buffer.from(P.adminKeyPem).toString('base64')}
`;

  async function fix(text: string, code: string): Promise<{ after: string; action: CodeAction }> {
    const uri = newUri();
    const diags = await client.open(uri, text);
    const d = diags.find((x) => x.code === code);
    assert.ok(d, `${code} in ${JSON.stringify(diags.map((x) => x.code))}`);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const action = actions.find((a) => a.kind === 'quickfix')!;
    assert.ok(action, `a quick fix for ${code}`);
    return { after: applyTextEdits(text, editsFor(action.edit, uri)), action };
  }

  test('pem-not-base64: the fix rebuilds the line breaks; the value is a PEM openssl reads, and nothing else in the file changes', async () => {
    const text = folded('client-certificate-data');
    const { after: fixed, action } = await fix(text, 'pem-not-base64');
    assert.equal(action.title, "Rebuild the PEM's line breaks and encode it as base64");
    const value = /client-certificate-data: (\S+)\n/.exec(fixed)![1];
    const pem = Buffer.from(value, 'base64').toString('latin1');
    assert.equal(pem, P.admin.pem, 'the PEM exactly as written before it was folded');
    assert.match(opensslReads(pem), /CN ?= ?admin/);
    const start = text.indexOf('-----BEGIN');
    const end = text.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length;
    assert.equal(fixed, text.slice(0, start) + value + text.slice(end), 'only the value changed, byte for byte');
    const diags: Diagnostic[] = await client.open(newUri(), fixed);
    assert.deepEqual(
      diags.map((d) => d.code),
      [],
    );
  });

  test('pem-malformed: base64 of the folded text (what the old fix wrote) is reported, and its fix rebuilds it', async () => {
    const foldedPem = P.admin.pem.trim().replace(/\n/g, ' ') + '\n';
    opensslRejects(foldedPem);
    const text = kubeconfig({ clusters: [], users: [{ name: 'u', certPem: foldedPem, keyPem: P.adminKeyPem }], contexts: [] });
    const { after: fixed, action } = await fix(text, 'pem-malformed');
    assert.equal(action.title, "Rebuild the PEM's line breaks");
    const value = /client-certificate-data: (\S+)\n/.exec(fixed)![1];
    assert.equal(Buffer.from(value, 'base64').toString('latin1'), P.admin.pem);
    assert.equal(fixed, text.replace(Buffer.from(foldedPem).toString('base64'), value));
    assert.deepEqual(
      (await client.open(newUri(), fixed)).map((d) => d.code),
      [],
    );
  });

  test('a folded value with text that is not PEM: the fix refuses', async () => {
    const text = folded('client-certificate-data').replace('-----END CERTIFICATE-----', 'not base64 -----END CERTIFICATE-----');
    const uri = newUri();
    const diags = await client.open(uri, text);
    const d = diags.find((x) => x.code === 'pem-not-base64')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    assert.deepEqual(
      actions.filter((a) => a.kind === 'quickfix').map((a) => a.title),
      [],
    );
  });
});

describe('a key and a certificate in each other’s field', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.initialize();
  });
  after(() => client.shutdown());

  async function fixed(text: string, nth = 0): Promise<{ title: string; after: string }> {
    const uri = newUri();
    const diags = await client.open(uri, text);
    const d = diags.filter((x) => x.code === 'not-a-certificate')[nth];
    assert.ok(d, JSON.stringify(diags.map((x) => x.code)));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const quick = actions.filter((a) => a.kind === 'quickfix');
    assert.equal(quick.length, 1, JSON.stringify(quick.map((a) => a.title)));
    return { title: quick[0].title, after: applyTextEdits(text, editsFor(quick[0].edit, uri)) };
  }

  const cert = Buffer.from(P.admin.pem).toString('base64');
  const key = Buffer.from(P.adminKeyPem).toString('base64');
  const ca = Buffer.from(P.ca.pem).toString('base64');
  const user = (lines: string): string =>
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    certificate-authority-data: ${ca}\n    server: https://192.0.2.10:6443\nusers:\n- name: u\n  user:\n${lines}`;

  test('a private key in client-certificate-data moves to client-key-data; nothing else changes', async () => {
    const text = user(`    client-certificate-data: ${key}\n    token: abc\n`);
    const r = await fixed(text);
    assert.equal(r.title, 'Move it to client-key-data');
    assert.equal(r.after, user(`    client-key-data: ${key}\n    token: abc\n`));
  });

  test('a certificate in client-key-data moves to client-certificate-data', async () => {
    const text = user(`    client-key-data: ${cert}\n`);
    const r = await fixed(text);
    assert.equal(r.title, 'Move it to client-certificate-data');
    assert.equal(r.after, user(`    client-certificate-data: ${cert}\n`));
  });

  test('the two swapped: swap them back, byte for byte', async () => {
    const text = user(`    client-certificate-data: ${key}\n    client-key-data: ${cert}\n`);
    const r = await fixed(text);
    assert.equal(r.title, 'Swap client-certificate-data and client-key-data');
    assert.equal(r.after, user(`    client-key-data: ${key}\n    client-certificate-data: ${cert}\n`));
    assert.deepEqual(
      (await client.open(newUri(), r.after)).map((d) => d.code),
      [],
    );
  });
});
