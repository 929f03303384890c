// Code actions that would write private-key material: nothing of the key in a textDocument/codeAction reply (the
// edit is computed in codeAction/resolve, once the user picks the action), never offered to a client that cannot
// resolve, and never a key embedded into a kubeconfig more people can read than the key file (disabled, saying why).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { NOW, pki } from '../support/fixtures';
import { applyTextEdits, editsFor, LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';

const P = pki();
const KEY_B64 = b64(P.adminKeyPem);
const keyBody = P.adminKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
/** Pieces of the key as they could appear in a reply: its base64 lines and the base64 of its PEM. */
const needles = [...keyBody.filter((l) => l.length >= 40).map((l) => l.slice(4, 36)), KEY_B64.slice(40, 80), KEY_B64.slice(-60, -20)];
const holdsKey = (value: unknown): boolean => needles.some((n) => JSON.stringify(value).includes(n));

let dir = '';
let client: LspClient;
let blind: LspClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubecert-key-actions-'));
  client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize();
  // A client without resolveSupport (as Neovim 0.7): deferred actions are not offered to it at all.
  blind = LspClient.inProcess({ clock: () => NOW });
  await blind.initialize({}, { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } } } } });
});
after(async () => {
  await client.shutdown();
  await blind.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const config = (userBody: string): string => `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    certificate-authority-data: ${b64(P.ca.pem)}
    server: https://192.0.2.10:6443
contexts:
- name: dev
  context:
    cluster: prod
    user: admin
current-context: dev
users:
- name: admin
  user:
    client-certificate-data: ${b64(P.admin.pem)}
${userBody}`;
const KEY_LINE = 17;

let n = 0;
/** A kubeconfig on disk with `mode`, and admin.key beside it with `keyMode`. */
function onDisk(mode: number, keyMode: number): { folder: string; path: string; text: string } {
  const folder = join(dir, `case-${++n}`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'admin.key'), P.adminKeyPem);
  chmodSync(join(folder, 'admin.key'), keyMode);
  const text = config('    client-key: admin.key\n');
  writeFileSync(join(folder, 'config'), text);
  chmodSync(join(folder, 'config'), mode);
  return { folder, path: join(folder, 'config'), text };
}

async function actionsAt(c: LspClient, uri: string, line: number, character: number, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
  return c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character }, end: { line, character } },
    context: { diagnostics },
  });
}

describe('embedding a key file', () => {
  test('kubeconfig and key both 0600: offered without an edit; the edit comes from codeAction/resolve', async () => {
    const { path, text } = onDisk(0o600, 0o600);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const actions = await actionsAt(client, uri, KEY_LINE, 18);
    const embed = actions.find((a) => a.title === 'Embed admin.key as client-key-data');
    assert.ok(embed, actions.map((a) => a.title).join(', '));
    assert.equal(embed.edit, undefined);
    assert.equal(holdsKey(actions), false, 'the codeAction reply holds key material');
    const picked = await client.request<CodeAction>('codeAction/resolve', embed);
    assert.equal(applyTextEdits(text, editsFor(picked.edit, uri)), text.replace('    client-key: admin.key\n', `    client-key-data: ${KEY_B64}\n`));
    // The blind client is offered no such action (it could not fetch the edit), and gets no key either.
    await blind.open(uri, text);
    const theirs = await actionsAt(blind, uri, KEY_LINE, 18);
    assert.equal(
      theirs.some((a) => a.title.startsWith('Embed admin.key')),
      false,
    );
    assert.equal(holdsKey(theirs), false);
  });

  for (const [mode, keyMode, who] of [
    [
      0o644,
      0o600,
      /admin\.key can be read by its owner only \(mode 0600\), this kubeconfig by everyone \(mode 0644\): embedding the key would let more people read it/,
    ],
    [0o640, 0o600, /admin\.key can be read by its owner only \(mode 0600\), this kubeconfig by its owner and group \d+ \(mode 0640\)/],
  ] as const)
    test(`kubeconfig ${mode.toString(8)}, key ${keyMode.toString(8)}: disabled, saying why, and nothing of the key sent even when resolved`, async () => {
      const { path, text } = onDisk(mode, keyMode);
      const uri = pathToFileURL(path).toString();
      await client.open(uri, text);
      const actions = await actionsAt(client, uri, KEY_LINE, 18);
      const embed = actions.find((a) => a.title === 'Embed admin.key as client-key-data');
      assert.ok(embed?.disabled, JSON.stringify(actions));
      assert.match(embed.disabled.reason, who);
      assert.equal(embed.edit, undefined);
      const picked = await client.request<CodeAction>('codeAction/resolve', embed);
      assert.equal(picked.edit, undefined);
      assert.equal(holdsKey([actions, picked]), false);
    });

  test('a key file readable by everyone may go into a kubeconfig readable by everyone (no one new can read it)', async () => {
    const { path, text } = onDisk(0o644, 0o644);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const embed = (await actionsAt(client, uri, KEY_LINE, 18)).find((a) => a.title === 'Embed admin.key as client-key-data');
    assert.ok(embed && !embed.disabled, JSON.stringify(embed));
  });

  test('a kubeconfig that is not saved: disabled (who will read it cannot be told)', async () => {
    const { folder } = onDisk(0o600, 0o600);
    const uri = pathToFileURL(join(folder, 'unsaved.yaml')).toString();
    await client.open(uri, config('    client-key: admin.key\n'));
    const embed = (await actionsAt(client, uri, KEY_LINE, 18)).find((a) => a.title === 'Embed admin.key as client-key-data');
    assert.match(embed?.disabled?.reason ?? '', /cannot tell who may read this kubeconfig \(it is not saved\)/);
  });
});

describe('quick fixes on a key field', () => {
  test('raw PEM in client-key-data: "Encode the PEM as base64" carries no key until resolved', async () => {
    const pem = P.adminKeyPem
      .trimEnd()
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n');
    const text = config(`    client-key-data: |\n${pem}\n`);
    const uri = pathToFileURL(join(dir, 'raw-key.yaml')).toString();
    const diags = await client.open(uri, text);
    const diag = diags.find((d) => d.code === 'pem-not-base64');
    assert.ok(diag, diags.map((d) => d.code).join(', '));
    const actions = await actionsAt(client, uri, diag.range.start.line, diag.range.start.character, [diag]);
    const encode = actions.find((a) => a.title === 'Encode the PEM as base64');
    assert.ok(encode);
    assert.equal(encode.edit, undefined);
    assert.equal(holdsKey(actions), false, 'the reply holds key material');
    const picked = await client.request<CodeAction>('codeAction/resolve', encode);
    const result = applyTextEdits(text, editsFor(picked.edit, uri));
    assert.ok(result.includes(`client-key-data: ${KEY_B64}\n`), result.slice(-400));
    // A client that cannot resolve is not offered it (the other fixes for the diagnostic, if any, still are).
    await blind.open(uri, text);
    const theirs = await actionsAt(blind, uri, diag.range.start.line, diag.range.start.character, [diag]);
    assert.equal(
      theirs.some((a) => a.title === 'Encode the PEM as base64'),
      false,
    );
    assert.equal(holdsKey(theirs), false);
  });

  test('codeAction/resolve with data that is not ours, or malformed: the action comes back unchanged, no error', async () => {
    for (const data of [
      undefined,
      null,
      5,
      { kubecert: 'deferred' },
      { kubecert: 'deferred', uri: 'file:///nowhere.yaml', position: { line: 0, character: 0 } },
    ]) {
      const action = { title: 'Encode the PEM as base64', data };
      assert.deepEqual(await client.request('codeAction/resolve', action), JSON.parse(JSON.stringify(action)));
    }
    for (const params of [null, 5, 'x'])
      assert.equal(
        await client.request('codeAction/resolve', params).then(
          () => 'answered',
          (e: { code: number }) => e.code,
        ),
        -32602,
      );
  });
});
