// The probe refuses anything but an https:// URL without credentials, with a message that says why and
// repeats no password, and opens no socket for it. (test/lsp/probe.test.ts covers http://, a non-URL and
// what a probe of a real TLS server sends; stdio.test.ts and cli.test.ts here cover which server it reaches.)
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { probeServer } from '../../server/src/probe';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';
import { secretValue } from './support/secrets';

const connects: string[] = [];
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  connects.push(JSON.stringify(args[0]));
  const err = new Error('refused by the test: no probe here may open a socket');
  process.nextTick(() => this.destroy(err));
  return this;
} as typeof net.Socket.prototype.connect;
after(() => {
  net.Socket.prototype.connect = originalConnect;
});

const PASSWORD = secretValue('probe-url-password-');

const REFUSED: Array<[string, RegExp]> = [
  ['http://127.0.0.1:6443', /only https:\/\/ servers are probed, not http:\/\//],
  ['HTTP://127.0.0.1:6443', /only https:\/\/ servers are probed, not http:\/\//],
  ['file:///etc/passwd', /only https:\/\/ servers are probed, not file:\/\//],
  ['ftp://127.0.0.1:21', /only https:\/\/ servers are probed, not ftp:\/\//],
  ['ws://127.0.0.1:6443', /only https:\/\/ servers are probed, not ws:\/\//],
  ['wss://127.0.0.1:6443', /only https:\/\/ servers are probed, not wss:\/\//],
  ['unix:///var/run/kube.sock', /only https:\/\/ servers are probed, not unix:\/\//],
  ['javascript:alert(1)', /only https:\/\/ servers are probed, not javascript:\/\//],
  [`https://admin:${PASSWORD}@127.0.0.1:6443`, /carries credentials/],
  [`https://${PASSWORD}@127.0.0.1:6443`, /carries credentials/],
  [`https://admin:${PASSWORD} x@127.0.0.1:6443`, /carries credentials/],
  [`https://admin:${PASSWORD}@[::1`, /"https:\/\/\(credentials hidden\)@\[::1" is not a URL/],
  ['127.0.0.1:6443', /only https:\/\/ servers are probed|is not a URL/],
  ['https://', /is not a URL|names no host/],
  ['', /is not a URL/],
];

describe('probeServer refuses without connecting', () => {
  for (const [url, message] of REFUSED) {
    test(JSON.stringify(url.replace(PASSWORD, '<password>')), async () => {
      const before = connects.length;
      const r = await probeServer({ url, timeoutMs: 500 });
      assert.ok('error' in r, JSON.stringify(r));
      assert.match(r.error, message);
      assert.ok(!r.error.includes(PASSWORD), `the error repeats the password: ${r.error}`);
      assert.equal(connects.length, before, `a socket was opened: ${connects.slice(before).join(', ')}`);
    });
  }
});

describe('kubecert/probe refuses without connecting (in-process server)', () => {
  test('a cluster whose server carries a password, another on file://', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      await client.initialize({ now: '2026-11-21T00:00:00Z' });
      const text = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64(pki().ca.pem)}
    server: https://admin:${PASSWORD}@127.0.0.1:6443
  name: userinfo
- cluster:
    server: file:///etc/passwd
  name: file
contexts: []
users: []
`;
      const uri = pathToFileURL('/nonexistent/probe-refusals.kubeconfig').toString();
      await client.open(uri, text);
      const before = connects.length;
      const userinfo = await client.request<{ server: string; ok: boolean; error?: string; summary: string[] }>('kubecert/probe', { uri, cluster: 'userinfo' });
      assert.equal(userinfo.ok, false);
      assert.match(userinfo.error ?? '', /carries credentials/);
      assert.ok(!(userinfo.error ?? '').includes(PASSWORD));
      const file = await client.request<{ ok: boolean; error?: string }>('kubecert/probe', { uri, cluster: 'file' });
      assert.equal(file.ok, false);
      assert.match(file.error ?? '', /only https:\/\/ servers are probed, not file:\/\//);
      assert.equal(connects.length, before, 'a socket was opened');
    } finally {
      await client.connection.sendRequest('shutdown');
      client.connection.dispose();
    }
  });

  // The answer names the server as hovers do (the VS Code client shows "Probe of <server>").
  test('the answer does not repeat a password written in the server URL', async () => {
    const client = LspClient.inProcess({ clock: () => NOW });
    try {
      await client.initialize({ now: '2026-11-21T00:00:00Z' });
      const text = `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://admin:${PASSWORD}@127.0.0.1:6443\n  name: userinfo\n`;
      const uri = pathToFileURL('/nonexistent/probe-echo.kubeconfig').toString();
      await client.open(uri, text);
      const r = await client.request<{ server: string }>('kubecert/probe', { uri, cluster: 'userinfo' });
      assert.ok(!JSON.stringify(r).includes(PASSWORD), `the probe answer shows the password: ${r.server}`);
    } finally {
      await client.connection.sendRequest('shutdown');
      client.connection.dispose();
    }
  });
});
