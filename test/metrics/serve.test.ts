/**
 * `kubecert serve`: in-process with a scan the test holds open (scrapes during it get the last complete result; a
 * failed scan keeps it), and as the built CLI (a path that goes away or turns into a pipe counts a read error and the
 * rest is still served; a changed file is scanned again without waiting for the interval; SIGTERM ends it cleanly).
 * Loopback only; every file in a mkdtemp folder; validity judged at --now.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { scanPaths, type Scan } from '../../server/src/cli/scan';
import { negotiate, parseDuration, parseListen, serve } from '../../server/src/cli/serve';
import { pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, buildCert } from '../support/pki';
import { find, get, haveTool, NOW_ISO, run, samples, startServe, waitFor } from './support';

let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-serve-')));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const OM = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function clusterFile(name: string, cn: string, notAfter: string): string {
  const p = pki();
  const ca = buildCert({
    subject: `CN=${cn}`,
    key: p.rsa(0),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at(notAfter),
    ca: true,
    keyUsage: ['keyCertSign'],
  });
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    kubeconfig({ clusters: [{ name: 'c', caPem: ca.pem }], users: [{ name: 'u', token: 'x' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }] }),
  );
  return file;
}

function scanOf(paths: string[]): () => Promise<Scan> {
  return () => scanPaths({ paths, explicit: true, now: Date.parse(NOW_ISO), warnDays: 30, cwd: tmp });
}

test('options: listen addresses, durations and Accept negotiation', () => {
  assert.deepEqual(parseListen('127.0.0.1:9793'), { host: '127.0.0.1', port: 9793 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  for (const bad of ['9793', '127.0.0.1', '127.0.0.1:99999', 'a:b', ':80']) assert.equal(parseListen(bad), undefined, bad);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  for (const bad of ['5', '5 m', 'm', '-5m', '']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(negotiate(OM), 'openmetrics');
  assert.equal(negotiate('text/plain;version=0.0.4'), 'prometheus');
  assert.equal(negotiate(undefined), 'prometheus');
});

test('scrapes during a scan get the last complete result; a failed scan keeps it and is counted', async (t) => {
  const first = clusterFile('held/a.kubeconfig', 'first-ca', '2030-01-01T00:00:00Z');
  const second = clusterFile('held/b.kubeconfig', 'second-ca', '2031-01-01T00:00:00Z');
  const real = { a: scanOf([first]), ab: scanOf([first, second]) };
  let release: (() => void) | undefined;
  let mode: 'a' | 'held' | 'fail' = 'a';
  let scans = 0;
  const logs: string[] = [];
  const exporter = await serve({
    scan: async () => {
      scans++;
      if (mode === 'fail') throw new Error('the disk went away');
      if (mode === 'held') {
        await new Promise<void>((r) => (release = r));
        return real.ab();
      }
      return real.a();
    },
    listen: { host: '127.0.0.1', port: 0 },
    interval: 3_600_000,
    watch: [],
    version: 'test',
    log: (l) => logs.push(l),
    clock: () => Date.parse(NOW_ISO),
  });
  try {
    const port = exporter.address.port;
    const cas = async (accept?: string) =>
      find(samples((await get(port, '/metrics', { accept })).body), 'x509_cert_not_after', {})
        .map((s) => s.labels.subject_CN)
        .sort();
    assert.deepEqual(await cas(), ['first-ca']);

    mode = 'held';
    const rescan = exporter.rescan();
    await waitFor('the held scan started', () => (release ? true : undefined), 10_000, 10);
    const during = await Promise.all(Array.from({ length: 8 }, (_, i) => cas(i % 2 ? OM : undefined)));
    for (const d of during) assert.deepEqual(d, ['first-ca'], 'a scrape during a scan gets the last complete result');
    release?.();
    await rescan;
    assert.deepEqual(await cas(OM), ['first-ca', 'second-ca']);

    mode = 'fail';
    await exporter.rescan();
    const after = samples((await get(port, '/metrics', { accept: OM })).body);
    assert.deepEqual(
      find(after, 'x509_cert_not_after', {})
        .map((s) => s.labels.subject_CN)
        .sort(),
      ['first-ca', 'second-ca'],
    );
    assert.equal(find(after, 'kubecert_failed_scans_total', {})[0].value, 1);
    assert.equal(scans, 3);
    assert.equal(logs.length, 3, 'one log line per scan');
    assert.match(logs[2], /scan failed, still serving the previous result: the disk went away/);
    assert.match(logs[0], /scan: 1 files, 1 certificates, 0 errors, 0 warnings, 0 read errors in \d/);

    // Both formats, each as its parser expects it.
    const om = await get(port, '/metrics', { accept: OM });
    assert.match(String(om.headers['content-type']), /^application\/openmetrics-text; version=1\.0\.0/);
    assert.ok(om.body.endsWith('# EOF\n'));
    const text = await get(port, '/metrics');
    assert.match(String(text.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.ok(!text.body.includes('# EOF') && !text.body.includes('# UNIT'));
    const head = await get(port, '/metrics', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    if (haveTool(t, 'promtool', 'prometheus')) {
      for (const body of [om.body, text.body]) {
        const r = run('promtool', ['check', 'metrics'], { input: body });
        assert.equal(r.code, 0, r.stdout + r.stderr);
      }
    }
  } finally {
    await exporter.close();
  }
});

test('nothing but /metrics and /healthz answers; a request path never reaches the file system', async () => {
  const file = clusterFile('paths/a.kubeconfig', 'paths-ca', '2030-01-01T00:00:00Z');
  fs.writeFileSync(path.join(tmp, 'paths', 'secret.txt'), 'do-not-serve-me');
  const exporter = await serve({
    scan: scanOf([file]),
    listen: { host: '127.0.0.1', port: 0 },
    interval: 3_600_000,
    watch: [],
    version: 'test',
    log: () => undefined,
    clock: () => 0,
  });
  try {
    const port = exporter.address.port;
    assert.equal((await get(port, '/healthz')).status, 200);
    assert.equal((await get(port, '/healthz')).body, 'ok\n');
    assert.equal((await get(port, '/metrics?x=1')).status, 200);
    for (const p of [
      '/',
      '/metrics/',
      '/metrics/../healthz/x',
      '/etc/passwd',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/paths/secret.txt',
      file,
      '/healthz/x',
      '/favicon.ico',
    ]) {
      const r = await get(port, p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.body.includes('root:') && !r.body.includes('do-not-serve-me') && !r.body.includes('BEGIN'), p);
    }
    const post = await get(port, '/metrics', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  } finally {
    await exporter.close();
  }
});

test('the built CLI: a vanished path and a pipe count read errors and the rest is served; a change is scanned at once; SIGTERM ends it', async () => {
  const dir = path.join(tmp, 'cli');
  const kept = clusterFile('cli/kept.kubeconfig', 'kept-ca', '2030-01-01T00:00:00Z');
  const gone = clusterFile('cli/gone.kubeconfig', 'gone-ca', '2030-01-01T00:00:00Z');
  const folder = path.join(dir, 'folder');
  clusterFile('cli/folder/inner.kubeconfig', 'inner-ca', '2030-01-01T00:00:00Z');
  // An hour between scans: every rescan below comes from a file change.
  const server = await startServe([kept, gone, folder, '--now', NOW_ISO, '--interval', '1h'], { cwd: dir });
  try {
    const scrape = async () => samples((await get(server.port, '/metrics', { accept: OM })).body);
    const cns = (list: ReturnType<typeof samples>) =>
      find(list, 'x509_cert_not_after', {})
        .map((s) => s.labels.subject_CN)
        .sort();
    assert.deepEqual(cns(await scrape()), ['gone-ca', 'inner-ca', 'kept-ca']);

    fs.rmSync(gone);
    const afterRemoval = await waitFor('the removal scanned', async () => {
      const s = await scrape();
      return find(s, 'kubecert_read_errors_total', {})[0].value >= 1 ? s : undefined;
    });
    assert.deepEqual(cns(afterRemoval), ['inner-ca', 'kept-ca'], 'the rest is still served');

    // A named pipe where a kubeconfig was: refused without a read that would wait for a writer.
    assert.equal(spawnSync('mkfifo', [gone]).status, 0);
    await waitFor('the pipe scanned', () => (/gone\.kubeconfig: it is a pipe, not a regular file/.test(server.stderr()) ? true : undefined));
    assert.deepEqual(cns(await scrape()), ['inner-ca', 'kept-ca']);
    assert.equal((await get(server.port, '/healthz')).status, 200);

    // A file inside a watched folder changes: the new certificate is served without waiting for the hour.
    clusterFile('cli/folder/inner.kubeconfig', 'renewed-ca', '2031-01-01T00:00:00Z');
    await waitFor('the change scanned', async () => (cns(await scrape()).includes('renewed-ca') ? true : undefined));
    assert.match(server.stderr(), /gone\.kubeconfig: (ENOENT|no such file or folder)/);
  } finally {
    const code = await server.stop();
    assert.equal(code, 0, `exit status after SIGTERM:\n${server.stderr()}`);
    assert.match(server.stderr(), /kubecert serve: stopped\n$/);
  }
});

test('the built CLI as an unprivileged user: a file made unreadable counts EACCES and the rest is served', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run kubecert serve as uid 65534 and take a file away from it');
    return;
  }
  const dir = fs.mkdtempSync(path.join(tmp, 'uid-'));
  fs.chmodSync(tmp, 0o755);
  fs.chmodSync(dir, 0o755);
  const write = (name: string, cn: string) => {
    const from = clusterFile(`tmpfile-${cn}`, cn, '2030-01-01T00:00:00Z');
    const to = path.join(dir, name);
    fs.renameSync(from, to);
    fs.chmodSync(to, 0o644);
    return to;
  };
  const a = write('a.kubeconfig', 'a-ca');
  const b = write('b.kubeconfig', 'b-ca');
  const server = await startServe([a, b, '--now', NOW_ISO, '--interval', '1h'], { cwd: dir, uid: 65534, gid: 65534 });
  try {
    const count = async () => find(samples((await get(server.port, '/metrics')).body), 'x509_cert_not_after', {}).length;
    assert.equal(await count(), 2);
    fs.chmodSync(b, 0o000);
    fs.utimesSync(b, new Date(), new Date());
    fs.appendFileSync(a, '\n');
    await waitFor('EACCES counted', async () => (/b\.kubeconfig: permission denied/.test(server.stderr()) ? true : undefined));
    assert.equal(await count(), 1);
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('kubecert serve: bad options are usage errors (exit status 2), before anything listens', async () => {
  const { main } = await import('../../server/src/cli');
  for (const [argv, message] of [
    [['serve', '--listen', '9793'], /--listen: "9793" is not HOST:PORT/],
    [['serve', '--interval', '5'], /--interval: "5" is not a duration/],
    [['serve', '--interval', '10ms'], /--interval: "10ms" is not a duration of 1s or more/],
    [['serve', '--probe'], /--probe is for kubecert check only/],
  ] as const) {
    let stderr = '';
    const code = await main({
      argv: [...argv],
      env: {},
      isTTY: false,
      cwd: tmp,
      clock: () => Date.parse(NOW_ISO),
      stdout: () => undefined,
      stderr: (s) => void (stderr += s),
      onStop: () => assert.fail('serve started'),
    });
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, message);
  }
});
