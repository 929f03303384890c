// Every custom request checks its parameters: null or a wrong shape is InvalidParams (-32602) with the
// reason, never an internal error; well-formed parameters are still answered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';

const P = pki();
const uri = 'file:///kubecert-params/config.yaml';
const text = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    certificate-authority-data: ${b64(P.ca.pem)}
    server: https://192.0.2.10:6443
`;

let client: LspClient;
before(async () => {
  client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: '2026-11-21T00:00:00Z' });
  await client.open(uri, text);
});
after(async () => {
  await client.connection.sendRequest('shutdown');
  client.connection.dispose();
});

const WRONG: unknown[] = [null, 7, 'x', [], {}, { uri: 5 }];
const cases: Array<{ method: string; good: Record<string, unknown>; bad: Record<string, unknown>[] }> = [
  {
    method: 'kubecert/decodedCertificate',
    good: { uri, position: { line: 5, character: 40 } },
    bad: [{ uri, position: null }, { uri, position: { line: -1, character: 0 } }, { uri, position: { line: 1.5, character: 0 } }, { uri }],
  },
  {
    method: 'kubecert/renewalSteps',
    good: { uri, where: 'clusters[prod].certificate-authority-data', index: 0 },
    bad: [
      { uri, where: 7, index: 0 },
      { uri, where: 'x', index: '0' },
      { uri, where: 'x' },
    ],
  },
  { method: 'kubecert/probe', good: { uri: 'file:///not-open.yaml', cluster: 'prod' }, bad: [{ uri, cluster: null }, { cluster: 'prod' }] },
];

describe('custom requests validate their parameters', () => {
  for (const c of cases) {
    test(`${c.method}: null and wrong shapes are InvalidParams; a well-formed request is answered`, async () => {
      for (const params of [...WRONG, ...c.bad]) {
        const err = await client.request(c.method, params).then(
          () => undefined,
          (e: { code?: number; message?: string }) => e,
        );
        assert.ok(err, `${c.method} ${JSON.stringify(params)} was answered`);
        assert.equal(err.code, -32602, `${c.method} ${JSON.stringify(params)}: ${err.message}`);
        assert.match(err.message ?? '', new RegExp(`^${c.method}: `));
        assert.doesNotMatch(err.message ?? '', /Cannot read|undefined|TypeError/);
      }
      const answer = await client.request<unknown>(c.method, c.good);
      if (c.method === 'kubecert/decodedCertificate') assert.match((answer as { text: string }).text, /Certificate:/);
      if (c.method === 'kubecert/renewalSteps') assert.ok(answer && typeof (answer as { title: string }).title === 'string');
      if (c.method === 'kubecert/probe') assert.deepEqual(answer, { server: '', ok: false, error: 'the document is not open', summary: [] });
    });
  }

  test('the renewal-steps command with arguments of the wrong shape answers null, no error', async () => {
    for (const args of [[], [null], [uri, null], [uri, { where: 1, index: 0 }], [5, { where: 'x', index: 0 }]]) {
      assert.equal(await client.request('workspace/executeCommand', { command: 'kubecert.showRenewalSteps', arguments: args }), null);
    }
  });
});
