// Every quick fix and refactor through the language server, in-process, data-driven:
// input text, the diagnostic to act on, the action's title, and the exact text after its edit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { NOW, pki } from '../support/fixtures';
import { applyTextEdits, editsFor, LspClient } from '../support/lspClient';
import { at, b64, buildCert, type BuiltCert } from '../support/pki';

let client: LspClient;
let dir: string;
let serial = 0;
const messageRequests: Array<{ type: number; message: string }> = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubecert-fixes-'));
  client = LspClient.inProcess({ clock: () => NOW });
  // Not handled by LspClient: recorded here, so a server that asks instead of telling shows up in the failure.
  client.connection.onRequest('window/showMessageRequest', (p: { type: number; message: string }) => {
    messageRequests.push(p);
    return null;
  });
  await client.initialize();
});
after(async () => {
  await client.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ material

const P = pki();
const CA = b64(P.ca.pem);
const ADMIN = b64(P.admin.pem);
const ADMIN_KEY = b64(P.adminKeyPem);

// ------------------------------------------------------------------ helpers

/** A fresh document URI (in the shared temp folder unless another folder is given). */
function newUri(folder = dir, name?: string): string {
  return pathToFileURL(join(folder, name ?? `config-${++serial}.yaml`)).toString();
}

async function openFresh(text: string, uri = newUri()): Promise<{ uri: string; diags: Diagnostic[] }> {
  const diags = await client.open(uri, text);
  return { uri, diags };
}

function codeActions(uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
}

function pick(actions: CodeAction[], title: string | RegExp): CodeAction {
  const found = actions.filter((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.equal(found.length, 1, `exactly one action titled ${String(title)} among:\n${actions.map((a) => a.title).join('\n')}`);
  return found[0];
}

function only(diags: Diagnostic[], code: string, nth = 0): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.ok(found.length > nth, `a ${code} diagnostic (#${nth}) among: ${diags.map((d) => `${d.code}@${d.range.start.line}`).join(', ')}`);
  return found[nth];
}

/** The quick fixes the server attaches to this diagnostic (refactors at the same place left out). */
function quickFixesOf(actions: CodeAction[]): CodeAction[] {
  return actions.filter((a) => a.kind === 'quickfix');
}

/** An action without the echo of the diagnostic it was asked for: what the fix itself is. */
function essence(a: CodeAction): unknown {
  const { diagnostics: _ignored, ...rest } = a;
  void _ignored;
  return rest;
}

// ------------------------------------------------------------------ data-driven cases

interface FixCase {
  name: string;
  text: string;
  code: string;
  /** Which diagnostic with this code, when there are several (document order). */
  nth?: number;
  title: string | RegExp;
  expected: string;
  /** Every quick-fix title offered for this diagnostic, in order, when the set matters. */
  titles?: string[];
  /** Where the document lives (for file references). */
  uri?: () => string;
  /** After the edit: re-analyse and look. */
  check?: (uri: string, result: string) => Promise<void>;
}

const lf = (s: string): string => s;
const crlf = (s: string): string => s.replace(/\n/g, '\r\n');

/** After the edit the document re-parses without any unknown-* diagnostic. */
async function noUnknown(uri: string, result: string): Promise<void> {
  const diags = await client.change(uri, result);
  const unknown = diags.filter((d) => String(d.code).startsWith('unknown-'));
  assert.deepEqual(
    unknown.map((d) => d.code),
    [],
    'no unknown-* left after the fix',
  );
}

/** After pem-not-base64's fix: the value decodes to the PEM, and the certificate is read with no encoding finding. */
async function encodedPemIsRead(uri: string, result: string): Promise<void> {
  const value = /client-certificate-data: (\S+)\n/.exec(result)![1];
  assert.equal(Buffer.from(value, 'base64').toString('utf8'), P.admin.pem, 'decodes back to the PEM');
  const diags = await client.change(uri, result);
  assert.ok(
    !diags.some((d) => d.code === 'pem-not-base64' || d.code === 'invalid-base64' || d.code === 'not-a-certificate'),
    diags.map((d) => d.code).join(', '),
  );
  const line = result.split('\n').findIndex((l) => l.includes('client-certificate-data:'));
  const decoded = await client.request<{ text: string } | null>('kubecert/decodedCertificate', { uri, position: { line, character: 30 } });
  assert.ok(decoded, 'the certificate is read after the fix');
  assert.match(decoded.text, /Subject: .*CN=admin/);
}

// unknown-context -------------------------------------------------------------

const CONTEXTS = lf(`# hand-edited; keep the comments
apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443   # the VIP
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: alice@prod
- context:
    cluster: prod
    namespace: web
    user: alice
  name: "web@prod"
current-context: staging   # stale
kind: Config
preferences: {}
users:
- name: alice
  user:
    token: abc.def
`);

const CONTEXTS_CRLF = crlf(`apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: alice@prod
- context:
    cluster: prod
    user: bob
  name: bob@prod
current-context: "gone"
kind: Config
users:
- name: alice
  user:
    token: abc
- name: bob
  user:
    token: def
`);

const JSON_CONFIG = `{
  "apiVersion": "v1",
  "clusters": [
    {
      "cluster": {
        "certificate-authority-data": "${CA}",
        "insecure-skip-tls-verify": true,
        "server": "https://192.0.2.10:6443"
      },
      "name": "prod"
    }
  ],
  "contexts": [
    {
      "context": {
        "cluster": "prod",
        "user": "alice"
      },
      "name": "alice@prod"
    }
  ],
  "current-context": "nope",
  "kind": "Config",
  "preferences": {},
  "users": [
    {
      "name": "alice",
      "user": {
        "token": "abc"
      }
    }
  ]
}
`;

// unknown-cluster / unknown-user ----------------------------------------------

const UNKNOWN_CLUSTER = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
- cluster:
    server: https://192.0.2.20:6443
  name: staging
contexts:
- context:
    cluster: qa    # typo?
    user: alice
  name: alice@qa
current-context: alice@qa
kind: Config
preferences: {}
users:
- name: alice
  user:
    token: abc
`);

const UNKNOWN_USER_INDENTED = lf(`apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://192.0.2.10:6443
users:
  - name: alice
    user:
      token: abc
  - name: bob
    user:
      token: def
# contexts below
contexts:
  - name: dev
    context:
      cluster: prod
      user: carol
current-context: dev
`);

/** users: last, and no newline at the end of the file. */
const UNKNOWN_USER_NO_EOL = `apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: bob
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc`;

const UNKNOWN_USER_CRLF = crlf(`apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: "bob"
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc
`);

// duplicate-name --------------------------------------------------------------

const DUPLICATES = lf(`apiVersion: v1
clusters:
- cluster:
    server: https://192.0.2.10:6443
  name: prod
- cluster:
    server: https://192.0.2.20:6443   # the new one
  name: prod
- cluster:
    server: https://192.0.2.30:6443
  name: prod-2
contexts:
- context:
    cluster: prod
    user: alice
  name: dev
current-context: dev
kind: Config
users:
- name: "alice"
  user:
    token: abc
- name: "alice"
  user:
    token: def
`);

// insecure-with-ca / conflicting-ca-source ------------------------------------

const INSECURE = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    insecure-skip-tls-verify: true   # for the demo
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context: {cluster: prod, user: alice}
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc
`);

const INSECURE_CRLF = crlf(INSECURE);

/** The CA is the last key of its JSON object: removing it takes the comma before it. */
const INSECURE_JSON_CA_LAST = `{"apiVersion": "v1", "kind": "Config",
 "clusters": [{"name": "prod",
   "cluster": {
     "server": "https://192.0.2.10:6443",
     "insecure-skip-tls-verify": true,
     "certificate-authority-data": "${CA}"
   }}],
 "contexts": [{"name": "dev", "context": {"cluster": "prod", "user": "alice"}}],
 "current-context": "dev",
 "users": [{"name": "alice", "user": {"token": "abc"}}]}
`;

const conflictingDir = mkdtempSync(join(tmpdir(), 'kubecert-conflict-'));
writeFileSync(join(conflictingDir, 'ca.crt'), P.ca.pem);
const CONFLICTING = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority: ca.crt   # copied from the node
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc
`);

// pem-not-base64 / invalid-base64 ---------------------------------------------

const pemLines = P.admin.pem.trimEnd().split('\n');
const PEM_RAW = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: dev
current-context: dev
kind: Config
users:
- name: admin
  user:
    client-certificate-data: |
${pemLines.map((l) => '      ' + l).join('\n')}
    client-key-data: ${ADMIN_KEY}
`);

const PEM_QUOTED = PEM_RAW.replace(`|\n${pemLines.map((l) => '      ' + l).join('\n')}\n`, `${JSON.stringify(P.admin.pem)}\n`);

const split = 40;
const WITH_SPACE = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA.slice(0, split)} ${CA.slice(split)}
    server: https://192.0.2.10:6443
  name: prod
contexts: []
current-context: ""
kind: Config
users: []
`);

const FOLDED = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA.slice(0, 76)}
      ${CA.slice(76, 152)}
      ${CA.slice(152)}
    server: https://192.0.2.10:6443   # after the folded value
  name: prod
contexts: []
current-context: ""
kind: Config
users: []
`);

// insecure-server-url ---------------------------------------------------------

const HTTP = (server: string): string =>
  lf(`apiVersion: v1
clusters:
- cluster:
    server: ${server}   # the old proxy
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc
`);

const cases: FixCase[] = [
  {
    name: 'unknown-context: set current-context to the first context (comment after it kept)',
    text: CONTEXTS,
    code: 'unknown-context',
    title: 'Set current-context to "alice@prod"',
    titles: ['Set current-context to "alice@prod"', 'Set current-context to "web@prod"'],
    expected: CONTEXTS.replace('current-context: staging   # stale', 'current-context: alice@prod   # stale'),
    check: noUnknown,
  },
  {
    name: 'unknown-context: set current-context to the second context',
    text: CONTEXTS,
    code: 'unknown-context',
    title: 'Set current-context to "web@prod"',
    expected: CONTEXTS.replace('current-context: staging   # stale', 'current-context: web@prod   # stale'),
    check: noUnknown,
  },
  {
    name: 'unknown-context with CRLF line endings and a quoted value: quotes and CRLF kept',
    text: CONTEXTS_CRLF,
    code: 'unknown-context',
    title: 'Set current-context to "bob@prod"',
    titles: ['Set current-context to "alice@prod"', 'Set current-context to "bob@prod"'],
    expected: CONTEXTS_CRLF.replace('current-context: "gone"\r\n', 'current-context: "bob@prod"\r\n'),
    check: noUnknown,
  },
  {
    name: 'unknown-context in a JSON kubeconfig',
    text: JSON_CONFIG,
    code: 'unknown-context',
    title: 'Set current-context to "alice@prod"',
    titles: ['Set current-context to "alice@prod"'],
    expected: JSON_CONFIG.replace('"current-context": "nope"', '"current-context": "alice@prod"'),
    check: noUnknown,
  },
  {
    name: 'unknown-cluster: use an existing cluster',
    text: UNKNOWN_CLUSTER,
    code: 'unknown-cluster',
    title: 'Use cluster "staging"',
    titles: ['Use cluster "prod"', 'Use cluster "staging"', 'Create cluster "qa"'],
    expected: UNKNOWN_CLUSTER.replace('    cluster: qa    # typo?', '    cluster: staging    # typo?'),
    check: noUnknown,
  },
  {
    name: 'unknown-cluster: create a stub at the end of clusters, in kubectl style',
    text: UNKNOWN_CLUSTER,
    code: 'unknown-cluster',
    title: 'Create cluster "qa"',
    expected: UNKNOWN_CLUSTER.replace(
      '  name: staging\ncontexts:\n',
      '  name: staging\n- cluster:\n    server: https://CHANGE-ME.invalid:6443\n  name: qa\ncontexts:\n',
    ),
    check: noUnknown,
  },
  {
    name: 'unknown-user: use an existing user (indented lists)',
    text: UNKNOWN_USER_INDENTED,
    code: 'unknown-user',
    title: 'Use user "bob"',
    titles: ['Use user "alice"', 'Use user "bob"', 'Create user "carol"'],
    expected: UNKNOWN_USER_INDENTED.replace('      user: carol\n', '      user: bob\n'),
    check: noUnknown,
  },
  {
    name: "unknown-user: create a stub at the end of users with the list's indentation",
    text: UNKNOWN_USER_INDENTED,
    code: 'unknown-user',
    title: 'Create user "carol"',
    expected: UNKNOWN_USER_INDENTED.replace('      token: def\n# contexts below\n', '      token: def\n  - name: carol\n    user: {}\n# contexts below\n'),
    check: noUnknown,
  },
  {
    name: 'unknown-user: create a stub when users: ends the file without a final newline',
    text: UNKNOWN_USER_NO_EOL,
    code: 'unknown-user',
    title: 'Create user "bob"',
    expected: UNKNOWN_USER_NO_EOL + '\n- name: bob\n  user: {}\n',
    check: noUnknown,
  },
  {
    name: 'unknown-user: create a stub in a CRLF file (the stub uses CRLF too)',
    text: UNKNOWN_USER_CRLF,
    code: 'unknown-user',
    title: 'Create user "bob"',
    expected: UNKNOWN_USER_CRLF + '- name: bob\r\n  user: {}\r\n',
    check: noUnknown,
  },
  {
    name: 'duplicate-name: rename the later cluster (skipping a name already taken)',
    text: DUPLICATES,
    code: 'duplicate-name',
    nth: 0,
    title: 'Rename this cluster to "prod-3"',
    titles: ['Rename this cluster to "prod-3"'],
    expected: DUPLICATES.replace('# the new one\n  name: prod\n', '# the new one\n  name: prod-3\n'),
    check: async (uri, result) => {
      const diags = await client.change(uri, result);
      assert.equal(diags.filter((d) => d.code === 'duplicate-name').length, 1, 'only the users are left duplicated');
    },
  },
  {
    name: 'duplicate-name: rename the later user, keeping its double quotes',
    text: DUPLICATES,
    code: 'duplicate-name',
    nth: 1,
    title: 'Rename this user to "alice-2"',
    expected: DUPLICATES.replace('- name: "alice"\n  user:\n    token: def', '- name: "alice-2"\n  user:\n    token: def'),
  },
  {
    name: 'insecure-with-ca: remove insecure-skip-tls-verify (the whole line, with its comment)',
    text: INSECURE,
    code: 'insecure-with-ca',
    title: 'Remove insecure-skip-tls-verify (verify the server with the CA)',
    titles: ['Remove insecure-skip-tls-verify (verify the server with the CA)', 'Remove the CA (keep skipping verification)'],
    expected: INSECURE.replace('    insecure-skip-tls-verify: true   # for the demo\n', ''),
  },
  {
    name: 'insecure-with-ca: remove the CA',
    text: INSECURE,
    code: 'insecure-with-ca',
    title: 'Remove the CA (keep skipping verification)',
    expected: INSECURE.replace(`    certificate-authority-data: ${CA}\n`, ''),
  },
  {
    name: 'insecure-with-ca with CRLF: the removed line takes its CRLF, nothing else changes',
    text: INSECURE_CRLF,
    code: 'insecure-with-ca',
    title: 'Remove insecure-skip-tls-verify (verify the server with the CA)',
    expected: INSECURE_CRLF.replace('    insecure-skip-tls-verify: true   # for the demo\r\n', ''),
  },
  {
    name: 'insecure-with-ca in JSON: remove insecure-skip-tls-verify and its comma',
    text: JSON_CONFIG,
    code: 'insecure-with-ca',
    title: 'Remove insecure-skip-tls-verify (verify the server with the CA)',
    expected: JSON_CONFIG.replace('        "insecure-skip-tls-verify": true,\n', ''),
    check: async (_uri, result) => void JSON.parse(result),
  },
  {
    name: 'insecure-with-ca in JSON, CA as the last key: remove it and the comma before it',
    text: INSECURE_JSON_CA_LAST,
    code: 'insecure-with-ca',
    title: 'Remove the CA (keep skipping verification)',
    expected: INSECURE_JSON_CA_LAST.replace(`,\n     "certificate-authority-data": "${CA}"`, ''),
    check: async (_uri, result) => void JSON.parse(result),
  },
  {
    name: 'conflicting-ca-source: keep the data (remove the path, comment and all)',
    text: CONFLICTING,
    uri: () => newUri(conflictingDir),
    code: 'conflicting-ca-source',
    title: 'Keep certificate-authority-data (remove the file path)',
    titles: ['Keep certificate-authority-data (remove the file path)', 'Keep the file ca.crt (remove certificate-authority-data)'],
    expected: CONFLICTING.replace('    certificate-authority: ca.crt   # copied from the node\n', ''),
  },
  {
    name: 'conflicting-ca-source: keep the path',
    text: CONFLICTING,
    uri: () => newUri(conflictingDir),
    code: 'conflicting-ca-source',
    title: 'Keep the file ca.crt (remove certificate-authority-data)',
    expected: CONFLICTING.replace(`    certificate-authority-data: ${CA}\n`, ''),
    check: async (uri, result) => {
      const diags = await client.change(uri, result);
      assert.deepEqual(
        diags.map((d) => d.code),
        [],
        'the file is read and holds the CA',
      );
    },
  },
  {
    name: 'pem-not-base64: encode the PEM block scalar as base64 on the same line',
    text: PEM_RAW,
    code: 'pem-not-base64',
    title: 'Encode the PEM as base64',
    titles: ['Encode the PEM as base64'],
    expected: PEM_RAW.replace(`|\n${pemLines.map((l) => '      ' + l).join('\n')}\n`, `${ADMIN}\n`),
    check: encodedPemIsRead,
  },
  {
    name: 'pem-not-base64: encode a double-quoted PEM (\\n escapes) as base64',
    text: PEM_QUOTED,
    code: 'pem-not-base64',
    title: 'Encode the PEM as base64',
    expected: PEM_QUOTED.replace(JSON.stringify(P.admin.pem), ADMIN),
    check: encodedPemIsRead,
  },
  {
    name: 'invalid-base64 with a space inside: join',
    text: WITH_SPACE,
    code: 'invalid-base64',
    title: 'Join the base64 into one line',
    titles: ['Join the base64 into one line'],
    expected: WITH_SPACE.replace(`${CA.slice(0, split)} ${CA.slice(split)}`, CA),
    check: async (uri, result) => {
      const diags = await client.change(uri, result);
      assert.ok(!diags.some((d) => d.code === 'invalid-base64'));
    },
  },
  {
    name: 'invalid-base64 folded over three lines: join into one line, the next line untouched',
    text: FOLDED,
    code: 'invalid-base64',
    title: 'Join the base64 into one line',
    expected: FOLDED.replace(`${CA.slice(0, 76)}\n      ${CA.slice(76, 152)}\n      ${CA.slice(152)}\n`, `${CA}\n`),
  },
  {
    name: 'insecure-server-url: http → https',
    text: HTTP('http://192.0.2.10:8080'),
    code: 'insecure-server-url',
    title: 'Use https://',
    titles: ['Use https://'],
    expected: HTTP('https://192.0.2.10:8080'),
    check: async (uri, result) => {
      const diags = await client.change(uri, result);
      assert.ok(!diags.some((d) => d.code === 'insecure-server-url'));
    },
  },
  {
    name: 'insecure-server-url: http → https keeps double quotes',
    text: HTTP('"http://192.0.2.10:8080"'),
    code: 'insecure-server-url',
    title: 'Use https://',
    expected: HTTP('"https://192.0.2.10:8080"'),
  },
  {
    name: 'insecure-server-url: http → https keeps single quotes',
    text: HTTP("'http://192.0.2.10:8080'"),
    code: 'insecure-server-url',
    title: 'Use https://',
    expected: HTTP("'https://192.0.2.10:8080'"),
  },
];

describe('quick fixes: exact text after the edit', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { uri, diags } = await openFresh(c.text, c.uri?.());
      const diag = only(diags, c.code, c.nth);
      const actions = await codeActions(uri, diag.range, [diag]);
      if (c.titles)
        assert.deepEqual(
          quickFixesOf(actions).map((a) => a.title),
          c.titles,
        );
      const action = pick(actions, c.title);
      assert.equal(action.kind, 'quickfix');
      assert.deepEqual(action.diagnostics, [diag]);
      assert.ok(action.edit, 'the action carries an edit');
      const result = applyTextEdits(c.text, editsFor(action.edit, uri));
      assert.equal(result, c.expected);

      // Keyed on code + data, never on the message: the same actions for a diagnostic whose message is 'x'.
      const blind = await codeActions(uri, diag.range, [{ ...diag, message: 'x' }]);
      assert.deepEqual(blind.map(essence), actions.map(essence));

      if (c.check) await c.check(uri, result);
    });
  }
});

describe('a stub in a pretty-printed JSON kubeconfig (kubectl config view -o json)', () => {
  const text = `{
  "apiVersion": "v1",
  "clusters": [
    {
      "cluster": {
        "server": "https://192.0.2.10:6443"
      },
      "name": "prod"
    }
  ],
  "contexts": [
    {
      "context": {
        "cluster": "qa",
        "user": "alice"
      },
      "name": "dev"
    }
  ],
  "current-context": "dev",
  "kind": "Config",
  "users": [
    {
      "name": "alice",
      "user": {
        "token": "abc"
      }
    }
  ]
}
`;
  test('Create cluster "qa": valid JSON, last in clusters, on its own line at the entries\' indentation', async () => {
    const { uri, diags } = await openFresh(text);
    const diag = only(diags, 'unknown-cluster');
    const action = pick(await codeActions(uri, diag.range, [diag]), 'Create cluster "qa"');
    const result = applyTextEdits(text, editsFor(action.edit, uri));
    const parsed = JSON.parse(result) as { clusters: Array<{ name: string; cluster: { server: string } }> };
    assert.deepEqual(
      parsed.clusters.map((c) => c.name),
      ['prod', 'qa'],
    );
    assert.equal(result.slice(result.indexOf('"contexts"')), text.slice(text.indexOf('"contexts"')), 'nothing after the clusters list changes');
    await noUnknown(uri, result);
    const stubLine = result.split('\n').find((l) => l.includes('"qa"') && l.includes('CHANGE-ME'))!;
    assert.match(stubLine, /^    \{/, `the stub starts its own line, indented like the other entries: ${JSON.stringify(stubLine)}`);
    assert.match(result, /\n  \],\n  "contexts"/, 'the closing ] of clusters stays on its own line');
  });
});

describe('quick fixes that must not be offered', () => {
  test('invalid-base64 that whitespace does not explain: no join', async () => {
    const text = WITH_SPACE.replace(`${CA.slice(0, split)} ${CA.slice(split)}`, `${CA.slice(0, split)}!${CA.slice(split)}`);
    const { uri, diags } = await openFresh(text);
    const diag = only(diags, 'invalid-base64');
    assert.deepEqual(quickFixesOf(await codeActions(uri, diag.range, [diag])), []);
  });

  test('a diagnostic from another source gets no kubecert fix', async () => {
    const { uri, diags } = await openFresh(HTTP('http://192.0.2.10:8080'));
    const diag = only(diags, 'insecure-server-url');
    assert.deepEqual(quickFixesOf(await codeActions(uri, diag.range, [{ ...diag, source: 'yamlls' }])), []);
  });
});

// ------------------------------------------------------------------ refactors on file references

describe('embed and extract', () => {
  test('embed certificate-authority: ca.crt as certificate-authority-data (kubectl --embed-certs)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kubecert-embed-'));
    try {
      writeFileSync(join(folder, 'ca.crt'), P.ca.pem);
      const text = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority: ca.crt   # on disk
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    token: abc
`);
      const { uri, diags } = await openFresh(text, newUri(folder, 'config'));
      assert.deepEqual(
        diags.map((d) => d.code),
        [],
      );
      const actions = await codeActions(uri, { start: { line: 3, character: 30 }, end: { line: 3, character: 30 } }, []);
      const embed = pick(actions, 'Embed ca.crt as certificate-authority-data');
      assert.equal(embed.kind, 'refactor.inline');
      const result = applyTextEdits(text, editsFor(embed.edit, uri));
      assert.equal(result, text.replace('    certificate-authority: ca.crt   # on disk\n', `    certificate-authority-data: ${CA}   # on disk\n`));
      // Also offered with the cursor on the key.
      const onKey = await codeActions(uri, { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } }, []);
      assert.deepEqual(pick(onKey, /^Embed/).edit, embed.edit);
      const reparsed = await client.change(uri, result);
      assert.deepEqual(
        reparsed.map((d) => d.code),
        [],
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('embed client-certificate and client-key files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kubecert-embed-'));
    try {
      writeFileSync(join(folder, 'admin.crt'), P.admin.pem);
      writeFileSync(join(folder, 'admin.key'), P.adminKeyPem, { mode: 0o600 });
      const text = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: dev
current-context: dev
kind: Config
users:
- name: admin
  user:
    client-certificate: admin.crt
    client-key: "admin.key"
`);
      // The key goes only into a kubeconfig no more readable than the key file (both 0600 here).
      writeFileSync(join(folder, 'config'), text, { mode: 0o600 });
      const { uri } = await openFresh(text, newUri(folder, 'config'));
      const cert = pick(await codeActions(uri, { start: { line: 16, character: 26 }, end: { line: 16, character: 26 } }, []), /^Embed/);
      assert.equal(cert.title, 'Embed admin.crt as client-certificate-data');
      assert.equal(
        applyTextEdits(text, editsFor(cert.edit, uri)),
        text.replace('    client-certificate: admin.crt\n', `    client-certificate-data: ${ADMIN}\n`),
      );
      const key = pick(await codeActions(uri, { start: { line: 17, character: 18 }, end: { line: 17, character: 18 } }, []), /^Embed/);
      assert.equal(key.title, 'Embed admin.key as client-key-data');
      // The key's edit comes only when the action is picked (codeAction/resolve).
      assert.equal(key.edit, undefined);
      const picked = await client.request<CodeAction>('codeAction/resolve', key);
      assert.equal(applyTextEdits(text, editsFor(picked.edit, uri)), text.replace('    client-key: "admin.key"\n', `    client-key-data: ${ADMIN_KEY}\n`));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('extract certificate-authority-data to <cluster>-ca.crt: CreateFile, its content, then the kubeconfig edit', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kubecert-extract-'));
    try {
      const text = lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}   # from kubeadm
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: dev
current-context: dev
kind: Config
users:
- name: alice
  user:
    client-certificate-data: ${ADMIN}
    client-key-data: ${ADMIN_KEY}
`);
      const uri = newUri(folder, 'config');
      await openFresh(text, uri);
      const actions = await codeActions(uri, { start: { line: 3, character: 40 }, end: { line: 3, character: 40 } }, []);
      const extract = pick(actions, 'Extract certificate-authority-data to prod-ca.crt');
      assert.equal(extract.kind, 'refactor.extract');
      const fileUri = pathToFileURL(join(folder, 'prod-ca.crt')).toString();
      const changes = extract.edit?.documentChanges;
      assert.ok(changes && changes.length === 3, JSON.stringify(extract.edit).slice(0, 300));
      const [create, content, edit] = changes as Array<Record<string, any>>;
      assert.equal(create.kind, 'create');
      assert.equal(create.uri, fileUri);
      assert.equal(create.options?.overwrite, false, 'never overwrites an existing file');
      assert.equal(content.textDocument.uri, fileUri);
      assert.equal(content.edits.length, 1);
      assert.deepEqual(content.edits[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.equal(content.edits[0].newText, P.ca.pem);
      assert.equal(edit.textDocument.uri, uri);
      assert.equal(edit.textDocument.version, 1);
      const result = applyTextEdits(text, editsFor(extract.edit, uri));
      assert.equal(
        result,
        text.replace(`    certificate-authority-data: ${CA}   # from kubeadm\n`, '    certificate-authority: prod-ca.crt   # from kubeadm\n'),
      );

      // Carry it out the way an editor would, then the kubeconfig reads the file.
      writeFileSync(join(folder, 'prod-ca.crt'), content.edits[0].newText);
      const reparsed = await client.change(uri, result);
      assert.deepEqual(
        reparsed.map((d) => d.code),
        [],
      );

      // A client certificate too; never a key.
      const cert = pick(await codeActions(uri, { start: { line: 16, character: 40 }, end: { line: 16, character: 40 } }, []), /^Extract/);
      assert.equal(cert.title, 'Extract client-certificate-data to alice-client.crt');
      const keyActions = await codeActions(uri, { start: { line: 17, character: 30 }, end: { line: 17, character: 30 } }, []);
      assert.deepEqual(
        keyActions.filter((a) => /Extract/.test(a.title)).map((a) => a.title),
        [],
        'a private key is never extracted to a file',
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------------------------ renewal steps

function expiredLeaf(subject: string, issuer: BuiltCert, notAfter: string): BuiltCert {
  return P.leaf(subject, issuer, { notAfter: at(notAfter) });
}

const K3S_CA = buildCert({
  subject: 'CN=k3s-client-ca@1700000000',
  key: P.rsa(5),
  notBefore: at('2023-11-14T00:00:00Z'),
  notAfter: at('2033-11-11T00:00:00Z'),
  ca: true,
  keyUsage: ['keyCertSign', 'digitalSignature'],
});
const TEAM_CA = buildCert({
  subject: 'CN=team-ca',
  key: P.rsa(6),
  notBefore: at('2025-01-01T00:00:00Z'),
  notAfter: at('2035-01-01T00:00:00Z'),
  ca: true,
  keyUsage: ['keyCertSign'],
});

function userConfig(caPem: string, certPem: string, user = 'me'): string {
  return lf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(caPem)}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: ${user}
  name: dev
current-context: dev
kind: Config
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(certPem)}
`);
}

interface RenewalCase {
  name: string;
  text: string;
  code: 'cert-expired' | 'cert-expiring-soon';
  nth?: number;
  title: RegExp;
  target: { where: string; index: number };
  steps: RegExp;
}

const renewalCases: RenewalCase[] = [
  {
    name: 'kubeadm: an expired client certificate issued by CN=kubernetes',
    text: userConfig(P.ca.pem, expiredLeaf('CN=kubernetes-admin,O=kubeadm:cluster-admins', P.ca, '2026-06-01T00:00:00Z').pem, 'kubernetes-admin'),
    code: 'cert-expired',
    title: /^Show the renewal steps for .*CN=kubernetes-admin/,
    target: { where: 'users[kubernetes-admin].client-certificate-data', index: 0 },
    steps: /kubeadm certs renew/,
  },
  {
    name: 'a generic client certificate expiring soon: a CSR for kubernetes.io/kube-apiserver-client',
    text: userConfig(TEAM_CA.pem, P.leaf('CN=jane,O=dev', TEAM_CA, { notAfter: at('2026-12-01T00:00:00Z') }).pem, 'jane'),
    code: 'cert-expiring-soon',
    title: /^Show the renewal steps for .*CN=jane/,
    target: { where: 'users[jane].client-certificate-data', index: 0 },
    steps: /kubernetes\.io\/kube-apiserver-client/,
  },
  {
    name: 'k3s: an expired client certificate issued by k3s-client-ca@…',
    text: userConfig(K3S_CA.pem, expiredLeaf('CN=system:admin,O=system:masters', K3S_CA, '2026-01-01T00:00:00Z').pem, 'default'),
    code: 'cert-expired',
    title: /^Show the renewal steps for .*CN=system:admin/,
    target: { where: 'users[default].client-certificate-data', index: 0 },
    steps: /k3s certificate rotate/,
  },
  {
    name: 'the second certificate of a CA bundle: the index travels with the command',
    text: userConfig(P.ca.pem + P.expiredCa.pem, P.admin.pem, 'admin'),
    code: 'cert-expired',
    title: /^Show the renewal steps for .*CN=old-ca/,
    target: { where: 'clusters[prod].certificate-authority-data', index: 1 },
    steps: /new CA/,
  },
];

describe('renewal steps: a command, never an edit', () => {
  for (const c of renewalCases) {
    test(c.name, async () => {
      const { uri, diags } = await openFresh(c.text);
      const diag = only(diags, c.code, c.nth);
      const actions = await codeActions(uri, diag.range, [diag]);
      const action = pick(quickFixesOf(actions), c.title);
      assert.equal(action.edit, undefined, 'no edit can renew a certificate');
      assert.ok(action.command);
      assert.equal(action.command.command, 'kubecert.showRenewalSteps');
      assert.deepEqual(action.command.arguments, [uri, c.target]);

      const blind = await codeActions(uri, diag.range, [{ ...diag, message: 'x' }]);
      assert.deepEqual(blind.map(essence), actions.map(essence));

      const before = client.messages.length;
      const requestsBefore = messageRequests.length;
      const executed = await client.request<{ title: string; steps: string[] } | null>('workspace/executeCommand', {
        command: action.command.command,
        arguments: action.command.arguments,
      });
      assert.ok(executed);
      assert.equal(typeof executed.title, 'string');
      assert.ok(executed.steps.length > 0);
      assert.match(executed.steps.join('\n'), c.steps);

      const requested = await client.request('kubecert/renewalSteps', { uri, ...c.target });
      assert.deepEqual(requested, executed);

      // The server tells the user (checked as a window/showMessage notification in its own test below).
      const told = [...client.messages.slice(before), ...messageRequests.slice(requestsBefore)];
      assert.equal(told.length, 1, 'the user is told once');
      assert.equal(told[0].type, 3);
      assert.ok(told[0].message.includes(executed.title));
      assert.match(told[0].message, c.steps);
    });
  }

  test('executing the command sends a window/showMessage notification (not a request the user must answer)', async () => {
    const c = renewalCases[0];
    const { uri, diags } = await openFresh(c.text);
    const diag = only(diags, c.code);
    const action = pick(quickFixesOf(await codeActions(uri, diag.range, [diag])), c.title);
    const before = client.messages.length;
    const requestsBefore = messageRequests.length;
    const executed = await client.request<{ title: string } | null>('workspace/executeCommand', {
      command: action.command!.command,
      arguments: action.command!.arguments,
    });
    assert.ok(executed);
    // The notification is written before the response, so it has arrived by now.
    const shown = client.messages.slice(before);
    const asked = messageRequests.slice(requestsBefore);
    assert.equal(shown.length, 1, `one window/showMessage notification; got ${shown.length}, and ${asked.length} window/showMessageRequest`);
    assert.equal(asked.length, 0, 'no window/showMessageRequest');
    assert.equal(shown[0].type, 3);
    assert.ok(shown[0].message.includes(executed.title));
  });

  test('the server advertises the command', async () => {
    const other = LspClient.inProcess({ clock: () => NOW });
    try {
      const init = await other.initialize();
      const caps = init.capabilities as { executeCommandProvider?: { commands: string[] } };
      assert.deepEqual(caps.executeCommandProvider?.commands, ['kubecert.showRenewalSteps', 'kubecert.showDecodedCertificate']);
    } finally {
      await other.shutdown();
    }
  });
});

after(() => rmSync(conflictingDir, { recursive: true, force: true }));
