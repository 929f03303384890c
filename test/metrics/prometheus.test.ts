/**
 * A real Prometheus (Debian's package) scrapes `kubecert serve` every second, both on 127.0.0.1 with ports chosen at
 * the time, a temporary config and data folder, and stops at the end. The test asks Prometheus's HTTP API until the
 * seed CA's notAfter (as openssl reads it) and its cert-expired finding are stored, then replaces a certificate file
 * on disk and waits for the new notAfter. Every wait is bounded.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, buildCert } from '../support/pki';
import { freePort, get, haveTool, NOW_ISO, SEED, startServe, waitFor, type ServeProcess } from './support';

let tmp = '';
let prometheus: ChildProcess | undefined;
let exporter: ServeProcess | undefined;
let prometheusLog = '';

after(async () => {
  await exporter?.stop();
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = new Promise((r) => prometheus?.once('exit', r));
    prometheus.kill('SIGTERM');
    const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function caPem(notAfter: string): string {
  return buildCert({
    subject: 'CN=file-ca',
    key: pki().rsa(5),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at(notAfter),
    ca: true,
    keyUsage: ['keyCertSign'],
  }).pem;
}

/** One instant query; the value of the single series it returns, or undefined while there is none. */
async function query(port: number, promql: string): Promise<number | undefined> {
  const r = await get(port, `/api/v1/query?query=${encodeURIComponent(promql)}`);
  assert.equal(r.status, 200, r.body);
  const body = JSON.parse(r.body) as { status: string; data: { result: Array<{ value: [number, string] }> } };
  assert.equal(body.status, 'success');
  assert.ok(body.data.result.length <= 1, `${promql} matched ${body.data.result.length} series`);
  return body.data.result.length === 1 ? Number(body.data.result[0].value[1]) : undefined;
}

test('Prometheus scrapes kubecert serve: the seed CA, its finding, and a certificate replaced on disk', async (t) => {
  if (!haveTool(t, 'prometheus', 'prometheus')) return;
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-prom-')));
  const watched = path.join(tmp, 'watched');
  fs.mkdirSync(watched);
  fs.copyFileSync(SEED, path.join(watched, 'admin.kubeconfig'));
  fs.writeFileSync(path.join(watched, 'ca.crt'), caPem('2030-01-01T00:00:00Z'));
  fs.writeFileSync(
    path.join(watched, 'file.kubeconfig'),
    kubeconfig({ clusters: [{ name: 'filed', caFile: 'ca.crt' }], users: [{ name: 'u', token: 'x' }], contexts: [{ name: 'c', cluster: 'filed', user: 'u' }] }),
  );

  exporter = await startServe([watched, '--now', NOW_ISO, '--interval', '2s'], { cwd: tmp });
  const promPort = await freePort();
  const config = path.join(tmp, 'prometheus.yml');
  fs.writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: kubecert',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exporter.port}']`,
      '',
    ].join('\n'),
  );
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.resume();
  prometheus.stderr?.setEncoding('utf8');
  prometheus.stderr?.on('data', (c: string) => (prometheusLog = (prometheusLog + c).slice(-20_000)));
  const failed = new Promise<never>((_, reject) => prometheus?.once('exit', (code) => reject(new Error(`prometheus exited (${code}):\n${prometheusLog}`))));
  const until = <T>(what: string, check: () => Promise<T | undefined>, timeout = 60_000) => Promise.race([waitFor(what, check, timeout, 500), failed]);

  await until('Prometheus ready', async () => ((await get(promPort, '/-/ready').catch(() => undefined))?.status === 200 ? true : undefined));

  const caData = /certificate-authority-data: (\S+)/.exec(fs.readFileSync(SEED, 'utf8'))?.[1];
  assert.ok(caData);
  const r = spawnSync('openssl', ['x509', '-noout', '-enddate'], { input: Buffer.from(caData, 'base64'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const seedNotAfter = Date.parse(r.stdout.trim().replace(/^notAfter=/, '')) / 1000;

  const seedCa = 'x509_cert_not_after{job="kubecert",filepath="watched/admin.kubeconfig",where="clusters[kubernetes].certificate-authority-data"}';
  assert.equal(await until('the seed CA scraped', () => query(promPort, seedCa)), seedNotAfter);
  const expiredFinding = 'kubecert_finding{job="kubecert",code="cert-expired",filepath="watched/admin.kubeconfig"}';
  assert.equal(await until('the cert-expired finding scraped', () => query(promPort, expiredFinding)), 1);
  assert.equal(await query(promPort, `up{job="kubecert"}`), 1);

  const fileCa = 'x509_cert_not_after{job="kubecert",filepath="watched/file.kubeconfig",where="clusters[filed].certificate-authority"}';
  assert.equal(await until('the file CA scraped', () => query(promPort, fileCa)), Date.parse('2030-01-01T00:00:00Z') / 1000);

  // Replaced as tools do: written beside it, then renamed over it.
  const next = path.join(watched, 'ca.crt.new');
  fs.writeFileSync(next, caPem('2031-06-01T00:00:00Z'));
  fs.renameSync(next, path.join(watched, 'ca.crt'));
  const renewed = Date.parse('2031-06-01T00:00:00Z') / 1000;
  assert.equal(await until('the replaced certificate scraped', async () => ((await query(promPort, fileCa)) === renewed ? renewed : undefined)), renewed);

  assert.equal(await exporter.stop(), 0, exporter.stderr());
  exporter = undefined;
});
