/**
 * The shipped alerting rules (deploy/prometheus/kubecert-rules.yaml) under `promtool test rules`, fed with series taken
 * from a Kubecert scan. promtool evaluates from the epoch, so the generated certificates live around 1970 and the
 * scan runs with --now 1970-01-01: an expiring certificate fires the 30-day alert, a healthy one fires nothing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { main } from '../../server/src/cli';
import { kubeconfig } from '../support/kubeconfig';
import { at, buildCert, keyPem, sharedKey } from '../support/pki';
import { find, haveTool, ROOT, run, samples, type Sample } from './support';

const RULES = path.join(ROOT, 'deploy/prometheus/kubecert-rules.yaml');
const TARGET = { job: 'kubecert', instance: 'node-1:9793' };
const EVAL = 20 * 60;

let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-rules-')));
  const rsa = (slot: number) => sharedKey({ type: 'rsa', bits: 2048 }, slot);
  const ca = buildCert({
    subject: 'CN=epoch-ca',
    key: rsa(0),
    notBefore: at('1969-12-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leaf = (cn: string, notAfter: string) =>
    buildCert({
      subject: `CN=${cn},O=ops`,
      key: rsa(3),
      issuer: ca,
      notBefore: at('1969-12-01T00:00:00Z'),
      notAfter: at(notAfter),
      extKeyUsage: ['clientAuth'],
    });
  const key = keyPem(rsa(3), 'pkcs8');
  fs.writeFileSync(
    path.join(tmp, 'soon.kubeconfig'),
    kubeconfig({
      clusters: [{ name: 'c', caPem: ca.pem }],
      users: [{ name: 'soon', certPem: leaf('soon', '1970-01-21T00:00:00Z').pem, keyPem: key }],
      contexts: [
        { name: 'soon', cluster: 'c', user: 'soon' },
        { name: 'broken', cluster: 'c', user: 'nobody' },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(tmp, 'fine.kubeconfig'),
    kubeconfig({
      clusters: [{ name: 'c', caPem: ca.pem }],
      users: [{ name: 'fine', certPem: leaf('fine', '2034-01-01T00:00:00Z').pem, keyPem: key }],
      contexts: [{ name: 'fine', cluster: 'c', user: 'fine' }],
    }),
  );
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function scan(...files: string[]): Promise<Sample[]> {
  let stdout = '';
  await main({
    argv: ['check', ...files, '--now', '1970-01-01T00:00:00Z', '--format', 'openmetrics'],
    env: {},
    isTTY: false,
    cwd: tmp,
    clock: () => assert.fail('the CLI read the wall clock'),
    stdout: (s) => void (stdout += s),
    stderr: () => undefined,
  });
  return samples(stdout);
}

interface Rule {
  alert: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rules = (): Rule[] => (parse(fs.readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** Go's humanizeDuration for a whole number of seconds of a day or more: "19d 23h 40m 0s". */
function humanizeDuration(seconds: number): string {
  assert.ok(seconds >= 86400 && Number.isInteger(seconds), `humanizeDuration of ${seconds} is not modelled here`);
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${d}d ${h}h ${m}m ${seconds % 60}s`;
}

/** The rule's annotations as Prometheus renders them for one alert (only the template forms the rules file uses). */
function expected(rule: Rule, labels: Record<string, string>, value?: number) {
  const render = (t: string) =>
    t
      .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => labels[k] ?? '')
      .replace(/\{\{ \$value \| humanizeDuration \}\}/g, () => humanizeDuration(value ?? NaN));
  return {
    exp_labels: { ...labels, ...rule.labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v)])),
  };
}

function promtoolTest(
  t: Parameters<typeof haveTool>[0],
  series: Sample[],
  extra: Array<{ series: string; values: string }>,
  alerts: Array<{ alertname: string; exp_alerts: unknown[] }>,
) {
  const input = series.map((s) => ({ series: seriesText(s.name, { ...s.labels, ...TARGET }), values: `${s.value}x40` }));
  const file = path.join(tmp, `test-${Math.random().toString(36).slice(2)}.yaml`);
  // JSON is YAML: promtool reads it as its test file.
  fs.writeFileSync(
    file,
    JSON.stringify({
      rule_files: [RULES],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: [...input, ...extra], alert_rule_test: alerts.map((a) => ({ eval_time: `${EVAL}s`, ...a })) }],
    }),
  );
  if (!haveTool(t, 'promtool', 'prometheus')) return;
  const r = run('promtool', ['test', 'rules', file]);
  assert.equal(r.code, 0, `promtool test rules:\n${r.stdout}${r.stderr}`);
}

function seriesText(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

test('an expiring certificate fires the 30-day alert, and only it; an error finding fires its alert', async (t) => {
  const series = await scan('soon.kubeconfig', 'fine.kubeconfig');
  const byName = Object.fromEntries(rules().map((r) => [r.alert, r]));
  const soon = find(series, 'x509_cert_not_after', { subject_CN: 'soon' });
  assert.equal(soon.length, 1);
  assert.equal(find(series, 'x509_cert_not_after', {}).length, 4, 'two CAs and two client certificates');
  const errors = find(series, 'kubecert_finding', { severity: 'error' });
  assert.ok(
    errors.some((s) => s.labels.code === 'unknown-user'),
    errors.map((s) => s.series).join('\n'),
  );
  promtoolTest(
    t,
    series,
    [],
    [
      {
        alertname: 'CertificateExpiresWithin30Days',
        exp_alerts: [expected(byName.CertificateExpiresWithin30Days, { ...soon[0].labels, ...TARGET }, soon[0].value - EVAL)],
      },
      { alertname: 'CertificateExpiresWithin7Days', exp_alerts: [] },
      { alertname: 'CertificateExpired', exp_alerts: [] },
      { alertname: 'KubecertFindingError', exp_alerts: errors.map((s) => expected(byName.KubecertFindingError, { ...s.labels, ...TARGET })) },
    ],
  );
});

test('a healthy certificate fires nothing', async (t) => {
  const series = await scan('fine.kubeconfig');
  assert.equal(find(series, 'kubecert_finding', {}).length, 0, 'the healthy kubeconfig has no finding');
  assert.equal(find(series, 'x509_cert_not_after', {}).length, 2);
  promtoolTest(
    t,
    series,
    [],
    rules().map((r) => ({ alertname: r.alert, exp_alerts: [] })),
  );
});

test('an exporter that stops answering fires KubecertExporterDown', async (t) => {
  const series = (await scan('fine.kubeconfig')).filter((s) => s.name !== 'kubecert_build_info');
  const byName = Object.fromEntries(rules().map((r) => [r.alert, r]));
  promtoolTest(
    t,
    series,
    [
      // Scraped for 5 minutes, then down: its series go stale, `up` drops to 0.
      { series: seriesText('kubecert_build_info', { version: '0.1.0', ...TARGET }), values: '1x4 stale' },
      { series: seriesText('up', TARGET), values: '1x4 0x40' },
    ],
    [{ alertname: 'KubecertExporterDown', exp_alerts: [expected(byName.KubecertExporterDown, TARGET)] }],
  );
});
