// The built server (dist/server.js --stdio) as an editor runs it, with a guard preloaded that records and
// refuses every network call and every process start. Over documents full of secrets and credential plugins:
// no secret on stdout (every answer and notification) or stderr, no connection to any of the listeners the
// documents name, no process started, no plugin marker made. Then the probe, which the user asks for: it
// reaches only the chosen cluster's server, and that server sees a handshake without a certificate and
// not one byte after it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { analyse } from '../../server/src/core';
import { fileHost } from '../../server/src/host';
import { NOW, pki } from '../support/fixtures';
import { buildCorpus, type Corpus } from './support/corpus';
import { execKubeconfig, markersMade } from './support/exec';
import { recorder, watchedTls, type Recorder, type WatchedTls } from './support/listeners';
import { GUARD, guardEnv, guardRecords, ServerProcess } from './support/processes';
import { secretValue } from './support/secrets';
import { assertNoLeaks, probePositions, sweep } from './support/sweep';

const INIT = { now: '2026-11-21T00:00:00Z' };
let dir = '';
before(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-security-stdio-')));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the guard refuses and records network calls and process starts (control)', () => {
  const log = join(dir, 'control.log');
  const marker = join(dir, 'control-marker');
  const script = `
    const attempts = [
      () => require('node:net').connect(443, '192.0.2.1').on('error', () => {}),
      () => require('node:dns').lookup('example.invalid', () => {}),
      () => require('node:https').get('https://192.0.2.1/'),
      () => require('node:child_process').spawnSync('/bin/sh', ['-c', 'touch ${marker}']),
      () => require('node:child_process').exec('touch ${marker}'),
    ];
    for (const a of attempts) { try { a(); } catch {} }
  `;
  const r = spawnSync(process.execPath, ['--require', GUARD, '-e', script], { env: guardEnv(log), encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  const kinds = guardRecords(log).map((g) => g.kind);
  assert.deepEqual(kinds, ['connect', 'dns.lookup', 'https.get', 'child_process', 'child_process']);
  assert.ok(guardRecords(log).every((g) => !g.allowed));
  assert.equal(existsSync(marker), false, 'the guard let a process start');
});

describe('dist/server.js --stdio: no secret out, no network, no process', () => {
  let corpus: Corpus;
  let server: ServerProcess;
  let listeners: Recorder[];
  const log = () => join(dir, 'server-guard.log');

  before(async () => {
    listeners = [await recorder(), await recorder(), await recorder('http')];
    corpus = buildCorpus(join(dir, 'corpus'), { server: listeners[0].url, issuer: `${listeners[1].url}/issuer`, proxy: listeners[2].url });
    server = new ServerProcess(guardEnv(log()), dir);
    await server.initialize(INIT);
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
    for (const l of listeners) await l.close();
  });

  for (const name of ['kubeconfig', 'json', 'broken', 'manifests']) {
    test(`${name}: every request; stdout and stderr hold no secret`, async () => {
      const doc = corpus.documents.find((d) => d.name === name)!;
      const analysis = analyse(doc.text, { now: NOW, path: doc.path, host: fileHost() });
      const result = await sweep(
        server,
        doc,
        analysis.certificates.map((c) => ({ where: c.site.where, index: c.index })),
        false,
      );
      result.shown.push(
        { path: 'notifications', value: server.notifications },
        { path: 'server requests', value: server.serverRequests },
        { path: 'stderr', value: server.stderr },
      );
      assertNoLeaks(corpus.detector, doc, result);
      assert.ok((result.counts.hover ?? 0) > 2, JSON.stringify(result.counts));
    });
  }

  test('exec plugins and auth-providers: open, hover, code actions, lenses, symbols, decoded view — no marker, no process, no connection', async () => {
    const issuer = listeners[1];
    const plugins = execKubeconfig(join(dir, 'plugins'), listeners[0].url, `${issuer.url}/issuer`);
    const uri = pathToFileURL(plugins.path).toString();
    await server.open(uri, plugins.text);
    for (const position of probePositions(plugins.text)) {
      await server.request('textDocument/hover', { textDocument: { uri }, position });
      await server.request('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } });
      await server.request('kubecert/decodedCertificate', { uri, position });
    }
    await server.request('textDocument/codeLens', { textDocument: { uri } });
    await server.request('textDocument/documentSymbol', { textDocument: { uri } });
    const code = await server.stop();
    assert.equal(code, 0);
    // The process is gone: nothing it started could still make a marker.
    assert.deepEqual(markersMade(plugins), [], 'a credential plugin ran');
    assert.deepEqual(guardRecords(log()), [], 'the server used the network or started a process');
    assert.deepEqual(
      listeners.map((l) => l.connections.length),
      [0, 0, 0],
      'a listener named in a document was contacted',
    );
    assert.doesNotMatch(server.stderr, /\S/, `the server wrote to stderr: ${server.stderr.slice(0, 500)}`);
  });
});

describe('dist/server.js --stdio: kubecert/probe, which the user asks for', () => {
  let tlsA: WatchedTls;
  let tlsB: WatchedTls;
  let other: Recorder;
  let server: ServerProcess;
  const log = () => join(dir, 'probe-guard.log');
  const token = secretValue('probe-token-');
  const password = secretValue('probe-password-');

  before(async () => {
    const P = pki();
    const serving = P.leaf('CN=kube-apiserver', P.ca, { extKeyUsage: ['serverAuth'], sans: ['IP:127.0.0.1'] });
    tlsA = await watchedTls(serving.pem + P.ca.pem, P.adminKeyPem);
    tlsB = await watchedTls(serving.pem, P.adminKeyPem);
    other = await recorder();
    server = new ServerProcess(guardEnv(log(), true), dir);
    await server.initialize(INIT);
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
    for (const l of [tlsA, tlsB, other]) await l.close();
  });

  test('connects to the chosen cluster only; no client certificate, token or password; no plugin runs', async () => {
    const P = pki();
    const plugins = execKubeconfig(join(dir, 'probe-plugins'), tlsB.url, `${other.url}/issuer`);
    const text = plugins.text
      .replace(
        'clusters:\n',
        `clusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(P.ca.pem).toString('base64')}\n    server: ${tlsA.url}\n    proxy-url: ${other.url.replace('https', 'http')}\n  name: chosen\n`,
      )
      .replace(
        'users:\n',
        `users:\n- name: everything\n  user:\n    client-certificate-data: ${Buffer.from(P.admin.pem).toString('base64')}\n    client-key-data: ${Buffer.from(P.adminKeyPem).toString('base64')}\n    token: ${token}\n    username: admin\n    password: ${password}\n`,
      )
      .replace('contexts:\n', 'contexts:\n- context:\n    cluster: chosen\n    user: everything\n  name: chosen\n');
    const uri = pathToFileURL(join(dir, 'probe-plugins', 'probe.kubeconfig')).toString();
    await server.open(uri, text);
    const result = await server.request<{ server: string; ok: boolean; error?: string; summary: string[] }>('kubecert/probe', { uri, cluster: 'chosen' });
    assert.equal(result.error, undefined, JSON.stringify(result));
    assert.equal(result.server, tlsA.url);
    assert.ok(result.summary.includes('Serving certificate: CN=kube-apiserver'), result.summary.join('\n'));
    await tlsA.connections[0]?.closed;
    assert.equal(tlsA.connections.length, 1, 'one connection to the chosen server');
    const c = tlsA.connections[0];
    assert.equal(c.tlsError, undefined);
    assert.ok(c.handshake, 'the handshake completed');
    assert.deepEqual(c.peerCertificate, {}, 'the probe sent a client certificate');
    assert.equal(c.bytesAfterHandshake, 0, 'the probe sent something after the handshake');
    const raw = c.fromClient.toString('latin1');
    for (const [name, secret] of [
      ['token', token],
      ['password', password],
      ['client certificate', P.admin.der.subarray(-64).toString('latin1')],
    ] as const) {
      assert.ok(!raw.includes(secret), `the probe sent the ${name}`);
    }
    assert.equal(tlsB.connections.length, 0, 'a cluster that was not chosen was contacted');
    assert.equal(other.connections.length, 0, 'the proxy or the OIDC issuer was contacted');
    const code = await server.stop();
    assert.equal(code, 0);
    assert.deepEqual(markersMade(plugins), [], 'a credential plugin ran');
    const records = guardRecords(log());
    assert.deepEqual(
      records.map((r) => `${r.kind} ${r.what} ${r.allowed}`),
      [`connect 127.0.0.1:${tlsA.port} true`],
      'exactly one connection, to the chosen server; no process',
    );
  });
});
