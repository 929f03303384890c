// `node bin/kubecert.js check` as a user runs it, with the guard preloaded (network and process starts
// recorded and refused): no secret in text, JSON or SARIF on stdout or stderr, in usage errors either;
// no connection without --probe; with --probe, only the kubeconfig's servers, and no plugin ever runs.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pki } from '../support/fixtures';
import { buildCorpus, type Corpus } from './support/corpus';
import { execKubeconfig, markersMade } from './support/exec';
import { recorder, watchedTls, type Recorder, type WatchedTls } from './support/listeners';
import { guardEnv, guardRecords, runCli, runCliAsync, type CliRun } from './support/processes';
import { secretValue } from './support/secrets';

const NOW_ISO = '2026-11-21T00:00:00Z';
let dir = '';
before(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-security-cli-')));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertClean(corpus: Corpus, what: string, r: CliRun): void {
  for (const [stream, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    const leak = corpus.detector.find(text);
    assert.equal(leak, undefined, `${what} ${stream} shows ${leak?.key} (${leak?.form}): …${leak?.context}…`);
  }
}

describe('kubecert check without --probe', () => {
  let corpus: Corpus;
  let listeners: Recorder[];
  const log = () => join(dir, 'check-guard.log');
  before(async () => {
    listeners = [await recorder(), await recorder(), await recorder('http')];
    corpus = buildCorpus(join(dir, 'corpus'), { server: listeners[0].url, issuer: `${listeners[1].url}/issuer`, proxy: listeners[2].url });
  });
  after(async () => {
    for (const l of listeners) await l.close();
  });

  for (const format of ['text', 'json', 'sarif', 'openmetrics']) {
    test(`--format ${format}: every document, one by one and as a folder; no secret, no network, no process`, () => {
      const runs: Array<[string, CliRun]> = [];
      for (const doc of corpus.documents)
        runs.push([doc.name, runCli(['check', relative(dir, doc.path), '--now', NOW_ISO, '--format', format], guardEnv(log()), dir)]);
      runs.push(['folder', runCli(['check', 'corpus', '--now', NOW_ISO, '--format', format], guardEnv(log()), dir)]);
      for (const [what, r] of runs) {
        assert.equal(r.status, 1, `${what}: errors found, exit 1\n${r.stderr}`);
        assertClean(corpus, `${format} ${what}`, r);
      }
      // The runs said something about the keys: the misplaced ones are reported, without their content.
      const all = runs.map(([, r]) => r.stdout).join('\n');
      assert.match(all, /not-a-certificate/);
      // OpenMetrics carries codes and places, not messages.
      if (format !== 'openmetrics') assert.match(all, /A private key is stored where/);
      assert.match(all, /key-mismatch/);
      assert.deepEqual(guardRecords(log()), [], 'the CLI used the network or started a process');
      assert.deepEqual(
        listeners.map((l) => l.connections.length),
        [0, 0, 0],
      );
    });
  }

  test('usage and read errors name no secret: a key file as --server-cert, a key file as the file to check', () => {
    const keyFile = join(corpus.dir, 'user-0.key');
    const cases: string[][] = [
      ['check', 'corpus/config.kubeconfig', '--now', NOW_ISO, '--server-cert', keyFile],
      ['check', 'corpus/config.kubeconfig', '--now', NOW_ISO, '--server-cert', join(corpus.dir, 'der-user.key')],
      ['check', keyFile, '--now', NOW_ISO],
      ['check', join(corpus.dir, 'der-user.key'), '--now', NOW_ISO, '--format', 'json'],
      ['check', 'corpus/config.kubeconfig', '--now', corpus.secrets.token],
      ['check', 'corpus/config.kubeconfig', '--now', NOW_ISO, '--format', 'sarif', '--warn-days', 'x'],
    ];
    for (const args of cases) {
      const r = runCli(args, guardEnv(log()), dir);
      // Naming the token on the command line is the user's own doing; everything else must stay hidden.
      if (args.includes(corpus.secrets.token)) assert.equal(r.status, 2);
      else assertClean(corpus, args.join(' '), r);
    }
    const r = runCli(['check', 'corpus/config.kubeconfig', '--now', NOW_ISO, '--server-cert', keyFile], guardEnv(log()), dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /holds no certificate/);
    assert.deepEqual(guardRecords(log()), []);
  });
});

describe('kubecert check --probe', () => {
  let chosen: WatchedTls;
  let other: Recorder;
  const log = () => join(dir, 'probe-guard.log');

  before(async () => {
    const P = pki();
    chosen = await watchedTls(P.leaf('CN=kube-apiserver', P.ca, { extKeyUsage: ['serverAuth'], sans: ['IP:127.0.0.1'] }).pem + P.ca.pem, P.adminKeyPem);
    other = await recorder();
  });
  after(async () => {
    await chosen.close();
    await other.close();
  });

  test('connects to the servers only: no client certificate, token or password sent; no plugin runs; credentials in a URL are never probed or shown', async () => {
    const P = pki();
    const token = secretValue('cli-probe-token-');
    const password = secretValue('cli-probe-password-');
    const urlToken = secretValue('cli-probe-url-token-');
    const plugins = execKubeconfig(join(dir, 'plugins'), chosen.url, `${other.url}/issuer`);
    const text = plugins.text
      .replace(
        'clusters:\n',
        `clusters:\n- cluster:\n    server: https://admin:${password}@127.0.0.1:${other.port}\n  name: userinfo\n- cluster:\n    server: ${other.url.replace('https', 'http')}\n  name: plain\n- cluster:\n    server: ftp://127.0.0.1:${other.port}\n  name: ftp\n- cluster:\n    server: ${chosen.url}/?token=${urlToken}\n  name: url-token\n`,
      )
      .replace(
        'users:\n',
        `users:\n- name: everything\n  user:\n    client-certificate-data: ${Buffer.from(P.admin.pem).toString('base64')}\n    client-key-data: ${Buffer.from(P.adminKeyPem).toString('base64')}\n    token: ${token}\n    username: admin\n    password: ${password}\n`,
      );
    writeFileSync(plugins.path, text);
    for (const format of ['text', 'json', 'sarif']) {
      const r = await runCliAsync(['check', plugins.path, '--probe', '--now', NOW_ISO, '--format', format], guardEnv(log(), true), dir);
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      for (const [name, secret] of [
        ['token', token],
        ['password', password],
        ['URL token', urlToken],
      ] as const)
        assert.ok(!(r.stdout + r.stderr).includes(secret), `${format}: the ${name} is shown`);
      assert.match(r.stderr, /probing https:\/\/127\.0\.0\.1:\d+\/\?token=\(hidden\)/);
      assert.match(r.stderr, /not probing https:\/\/\(credentials hidden\)@127\.0\.0\.1/);
      assert.match(r.stdout, /only https:\/\/ servers are probed, not http:\/\//);
      assert.match(r.stdout, /only https:\/\/ servers are probed, not ftp:\/\//);
    }
    // Three clusters (plugins, plugins-too, url-token) name the watched server; three runs: nine handshakes, nothing else.
    assert.equal(chosen.connections.length, 9, 'one handshake per https cluster and run');
    for (const c of chosen.connections) {
      await c.closed;
      assert.ok(c.handshake, c.tlsError);
      assert.deepEqual(c.peerCertificate, {}, 'a client certificate was sent');
      assert.equal(c.bytesAfterHandshake, 0, 'something was sent after the handshake');
      const raw = c.fromClient.toString('latin1');
      assert.ok(!raw.includes(token) && !raw.includes(password) && !raw.includes(urlToken), 'a token or password was sent');
    }
    assert.equal(other.connections.length, 0, 'the userinfo, http, ftp server or the OIDC issuer was contacted');
    assert.deepEqual(markersMade(plugins), [], 'a credential plugin ran');
    const records = guardRecords(log());
    assert.deepEqual([...new Set(records.map((r) => `${r.kind} ${r.what} ${r.allowed}`))], [`connect 127.0.0.1:${chosen.port} true`]);
  });
});
