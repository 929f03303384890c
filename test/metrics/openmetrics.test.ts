/**
 * `kubecert check --format openmetrics` on the seed kubeconfig and on a generated tree: values held against openssl,
 * labels escaped and unique, no key material, and the text read by a real parser (`promtool check metrics`).
 * In-process (argv, cwd and clock passed in; the clock fails the test if read); every file in a mkdtemp folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../server/src/cli';
import { pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert, keyPem, sharedKey } from '../support/pki';
import { find, haveTool, NOW_ISO, run, samples, SEED } from './support';

let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-om-')));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function check(argv: string[], cwd = tmp): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv: ['check', ...argv],
    env: {},
    isTTY: false,
    cwd,
    clock: () => assert.fail('the CLI read the wall clock'),
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  });
  return { code, stdout, stderr };
}

function promtoolCheck(text: string): void {
  const r = run('promtool', ['check', 'metrics'], { input: text });
  assert.equal(r.code, 0, `promtool check metrics failed:\n${r.stdout}${r.stderr}`);
}

function put(rel: string, content: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** notAfter of a PEM certificate as openssl reads it, in seconds since the epoch. */
function opensslNotAfter(pemText: string): number {
  const r = spawnSync('openssl', ['x509', '-noout', '-enddate'], { input: pemText, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Date.parse(r.stdout.trim().replace(/^notAfter=/, '')) / 1000;
}

test('the seed kubeconfig: one series per certificate, values as openssl reads them, findings as the JSON has them', async () => {
  const om = await check([SEED, '--now', NOW_ISO, '--format', 'openmetrics'], path.dirname(SEED));
  assert.equal(om.code, 1, 'the seed has an error: exit status 1, as with every format');
  assert.ok(om.stdout.endsWith('# EOF\n'), 'OpenMetrics text ends with # EOF');
  const list = samples(om.stdout);

  const caData = /certificate-authority-data: (\S+)/.exec(fs.readFileSync(SEED, 'utf8'))?.[1];
  assert.ok(caData);
  const caWhere = 'clusters[kubernetes].certificate-authority-data';
  const ca = find(list, 'x509_cert_not_after', { where: caWhere });
  assert.equal(ca.length, 1);
  assert.equal(ca[0].value, opensslNotAfter(Buffer.from(caData, 'base64').toString('latin1')));
  assert.deepEqual(
    { kind: ca[0].labels.kind, subject_CN: ca[0].labels.subject_CN, subject_O: ca[0].labels.subject_O, issuer_CN: ca[0].labels.issuer_CN },
    { kind: 'ca', subject_CN: 'kubernetes', subject_O: 'k8s', issuer_CN: 'kubernetes' },
  );
  assert.equal(ca[0].labels.filepath, 'admin.kubeconfig');
  assert.equal(find(list, 'x509_cert_expired', { where: caWhere })[0].value, 1);
  const admin = find(list, 'x509_cert_expired', { where: 'users[admin].client-certificate-data' });
  assert.equal(admin.length, 1);
  assert.equal(admin[0].value, 0);
  assert.equal(admin[0].labels.kind, 'client');
  assert.equal(admin[0].labels.subject_O, 'system:masters');

  const json = JSON.parse((await check([SEED, '--now', NOW_ISO, '--format', 'json'], path.dirname(SEED))).stdout) as {
    files: Array<{ findings: Array<{ code: string; severity: string; where: string }>; certificates: Array<{ serial: string }> }>;
  };
  const findings = json.files[0].findings;
  assert.equal(find(list, 'kubecert_finding', {}).length, findings.length);
  for (const f of findings) assert.equal(find(list, 'kubecert_finding', { code: f.code, severity: f.severity, where: f.where }).length, 1, f.code);
  assert.equal(find(list, 'kubecert_finding', { code: 'cert-expired', where: caWhere })[0].value, 1);
  for (const severity of ['error', 'warning', 'information', 'hint'])
    assert.equal(find(list, 'kubecert_findings_total', { severity })[0].value, findings.filter((f) => f.severity === severity).length, severity);
  assert.equal(find(list, 'kubecert_files_scanned', {})[0].value, 1);
  assert.equal(find(list, 'kubecert_read_errors_total', {})[0].value, 0);
  assert.equal(find(list, 'kubecert_scan_timestamp_seconds', {})[0].value, Date.parse(NOW_ISO) / 1000);
  // The serial in decimal, as x509-certificate-exporter (Go's big.Int) prints it.
  assert.equal(ca[0].labels.serial_number, BigInt('0x' + json.files[0].certificates[0].serial).toString());
});

test('promtool check metrics reads the seed output without a problem', async (t) => {
  if (!haveTool(t, 'promtool', 'prometheus')) return;
  promtoolCheck((await check([SEED, '--now', NOW_ISO, '--format', 'openmetrics'])).stdout);
});

test('a generated tree: every kind of place, escaped labels, unique series, no key material; promtool reads it', async (t) => {
  const p = pki();
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 7);
  const odd = buildCert({
    subject: [
      ['CN', 'we"ird\\name\nnext\u0007bell'],
      ['O', 'team-a'],
      ['O', 'system:masters'],
    ],
    key,
    issuer: p.ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2026-12-01T00:00:00Z'),
    extKeyUsage: ['clientAuth'],
  });
  const serving = buildCert({
    subject: 'CN=web.example.com',
    key: p.rsa(3),
    issuer: p.ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2027-01-01T00:00:00Z'),
    extKeyUsage: ['serverAuth'],
    sans: ['DNS:web.example.com'],
  });
  const keyText = keyPem(key, 'pkcs8');
  put(
    'tree/clusters/prod/admin.kubeconfig',
    kubeconfig({
      clusters: [{ name: 'prod', caPem: p.ca.pem }],
      users: [
        { name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem },
        { name: 'odd', certPem: odd.pem, keyPem: keyText, token: 'sekret-token-do-not-show' },
      ],
      contexts: [
        { name: 'admin@prod', cluster: 'prod', user: 'admin' },
        { name: 'odd@prod', cluster: 'prod', user: 'odd' },
      ],
    }),
  );
  put(
    'tree/manifests/web.yaml',
    `apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: web}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(serving.pem)}\n  tls.key: ${b64(keyPem(p.rsa(3), 'pkcs8'))}\n  ca.crt: ${b64(p.ca.pem + p.ca.pem)}\n`,
  );
  put('tree/manifests/unrelated.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n');
  const out = await check(['tree', '--now', NOW_ISO, '--format', 'openmetrics']);
  assert.equal(out.stderr, '');
  const list = samples(out.stdout);

  const notAfter = find(list, 'x509_cert_not_after', {});
  assert.equal(notAfter.length, 6, notAfter.map((s) => s.series).join('\n'));
  assert.deepEqual([...new Set(notAfter.map((s) => s.labels.kind))].sort(), ['ca', 'client', 'serving']);
  // Every series once: the CA twice in ca.crt gets index 0 and 1.
  for (const name of new Set(list.map((s) => s.name))) {
    const series = find(list, name, {}).map((s) => s.series);
    assert.equal(new Set(series).size, series.length, `${name} has a duplicate series`);
  }
  const twice = find(list, 'x509_cert_not_after', { where: 'Secret[web/web-tls].data[ca.crt]' });
  assert.equal(twice.length, 2, notAfter.map((s) => s.labels.where).join('\n'));
  assert.deepEqual(twice.map((s) => s.labels.index).sort(), ['0', '1']);
  assert.equal(find(list, 'x509_cert_not_after', { kind: 'serving' })[0].value, Date.parse('2027-01-01T00:00:00Z') / 1000);
  assert.equal(find(list, 'x509_cert_expired', { kind: 'serving' })[0].value, 0);
  assert.equal(find(list, 'kubecert_files_scanned', {})[0].value, 3, 'the ConfigMap is read, and reported nowhere');
  assert.ok(!out.stdout.includes('unrelated.yaml'));

  // The odd subject: quote, backslash and line feed escaped as the spec says; the bell (a control) shown as U+FFFD.
  assert.ok(out.stdout.includes('subject_CN="we\\"ird\\\\name\\nnext\uFFFDbell"'), out.stdout);
  const oddSeries = find(list, 'x509_cert_not_after', { where: 'users[odd].client-certificate-data' });
  assert.equal(oddSeries[0].labels.subject_CN, 'we"ird\\name\nnext\uFFFDbell');
  assert.equal(oddSeries[0].labels.subject_O, 'team-a,system:masters');
  assert.ok(find(list, 'kubecert_finding', { code: 'superuser-group', where: 'users[odd].client-certificate-data' }).length === 1);
  for (const line of out.stdout.split('\n')) assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(line), `a control character in ${line}`);

  // No key material and no token, in any form the search can cheaply cover.
  const keyBodies = [keyText, p.adminKeyPem, keyPem(p.rsa(3), 'pkcs8')].flatMap((k) => k.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')));
  for (const body of keyBodies) assert.ok(!out.stdout.includes(body) && !out.stdout.includes(body.slice(8, 40)), 'key material in the output');
  assert.ok(!out.stdout.includes('sekret-token'));
  assert.ok(!/PRIVATE KEY/.test(out.stdout));

  if (!haveTool(t, 'promtool', 'prometheus')) return;
  promtoolCheck(out.stdout);
});

test('kubecert check deploy/ finds the shipped manifests and rules clean', async () => {
  const root = process.env.KUBECERT_ROOT ?? path.join(__dirname, '../../..');
  const r = await check(['deploy', '--now', NOW_ISO, '--format', 'json'], root);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { files: Array<{ findings: unknown[] }> };
  assert.deepEqual(
    report.files.flatMap((f) => f.findings),
    [],
  );
});

test('--root: a node mounted under a folder; PATHs and the files they name are read under it and reported as the node names them', async () => {
  const p = pki();
  const host = path.join(tmp, 'host');
  const node = (rel: string, content: string) => put(path.join('host', rel), content);
  node('etc/kubernetes/pki/ca.crt', p.ca.pem);
  const serving = buildCert({
    subject: 'CN=kube-apiserver',
    key: p.rsa(3),
    issuer: p.ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2027-01-01T00:00:00Z'),
    extKeyUsage: ['serverAuth'],
    sans: ['DNS:kubernetes'],
  });
  node('etc/kubernetes/pki/apiserver.crt', serving.pem);
  node('var/lib/kubelet/pki/kubelet-client-current.pem', p.admin.pem + p.adminKeyPem);
  node(
    'etc/kubernetes/kubelet.conf',
    kubeconfig({
      clusters: [{ name: 'node', caFile: '/etc/kubernetes/pki/ca.crt' }],
      users: [{ name: 'kubelet', certFile: '/var/lib/kubelet/pki/kubelet-client-current.pem', keyFile: '/var/lib/kubelet/pki/kubelet-client-current.pem' }],
      contexts: [{ name: 'kubelet', cluster: 'node', user: 'kubelet' }],
    }),
  );
  node(
    'etc/kubernetes/manifests/kube-apiserver.yaml',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver, namespace: kube-system}\nspec:\n  containers:\n  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --client-ca-file=/etc/kubernetes/pki/missing-ca.crt\n',
  );
  const out = await check(['/etc/kubernetes', '/var/lib/kubelet/pki', '--root', host, '--now', NOW_ISO, '--format', 'openmetrics']);
  assert.equal(out.code, 1, out.stderr);
  assert.ok(!out.stdout.includes(host), 'no path of the mount point in the series');
  const list = samples(out.stdout);
  const byWhere = (filepath: string) =>
    find(list, 'x509_cert_not_after', { filepath })
      .map((s) => `${s.labels.where} ${s.labels.subject_CN}`)
      .sort();
  // kubelet's PEM holds certificate and key: named as both, it is found at both places.
  assert.deepEqual(byWhere('/etc/kubernetes/kubelet.conf'), [
    'clusters[node].certificate-authority kubernetes',
    'users[kubelet].client-certificate admin',
    'users[kubelet].client-key admin',
  ]);
  assert.deepEqual(
    find(list, 'x509_cert_not_after', { filepath: '/etc/kubernetes/kubelet.conf', subject_CN: 'admin' }).map((s) => s.labels.kind),
    ['client', 'client'],
  );
  assert.deepEqual(byWhere('/etc/kubernetes/manifests/kube-apiserver.yaml'), ['Pod[kube-system/kube-apiserver].--tls-cert-file kube-apiserver']);
  const missing = find(list, 'kubecert_finding', { code: 'missing-file' });
  assert.equal(missing.length, 1, missing.map((s) => s.series).join('\n'));
  assert.equal(missing[0].labels.filepath, '/etc/kubernetes/manifests/kube-apiserver.yaml');
  assert.equal(find(list, 'kubecert_read_errors_total', {})[0].value, 0);
});
