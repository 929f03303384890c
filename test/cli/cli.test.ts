/**
 * `kubecert check`: main() in-process (argv, env, stdout/stderr, isTTY, cwd and clock all passed in),
 * and once through the built bundle (`node bin/kubecert.js`, which loads dist/cli.js).
 * Every file lives in a mkdtemp folder; the wall clock is never read (--now everywhere); no network.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../server/src/cli';
import { CODES } from '../../server/src/core';
import { pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert, keyPem, sharedKey } from '../support/pki';

const ROOT = process.env.KUBECERT_ROOT ?? path.resolve(__dirname, '../../..');
const SEED = path.join(ROOT, 'test/fixtures/seed/admin.kubeconfig');
const NOW_ISO = '2026-11-21T00:00:00Z';
const ADMIN_SUBJECT = 'CN=admin,OU=System,O=system:masters,L=BeiJing,ST=BeiJing,C=CN';

let tmp = '';
let home = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-cli-')));
  home = path.join(tmp, 'home');
  fs.mkdirSync(home);
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function put(rel: string, content: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** main() in-process. The clock fails the test if read: every run passes --now or needs no time. */
async function cli(argv: string[], io: Partial<CliIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    env: { HOME: home },
    isTTY: false,
    cwd: tmp,
    clock: () => assert.fail('the CLI read the wall clock'),
    ...io,
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  });
  return { code, stdout, stderr };
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8', input });
  assert.equal(r.error, undefined, `cannot run openssl: ${r.error?.message}`);
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------- generated inputs

function cleanKubeconfig(server = 'https://192.0.2.10:6443'): string {
  const p = pki();
  return kubeconfig({
    clusters: [{ name: 'kubernetes', caPem: p.ca.pem, server }],
    users: [{ name: 'admin', certPem: p.admin.pem, keyPem: p.adminKeyPem }],
    contexts: [{ name: 'admin@kubernetes', cluster: 'kubernetes', user: 'admin' }],
  });
}

function expiredKubeconfig(): string {
  const p = pki();
  const expired = p.leaf('CN=expired-user', p.ca, { notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2026-01-01T00:00:00Z') });
  return kubeconfig({
    clusters: [{ name: 'kubernetes', caPem: p.ca.pem }],
    users: [{ name: 'old', certPem: expired.pem, keyPem: p.adminKeyPem }],
    contexts: [{ name: 'old', cluster: 'kubernetes', user: 'old' }],
  });
}

const apiserverCert = (sans: string[]) =>
  pki().leaf('CN=kube-apiserver', pki().ca, { extKeyUsage: ['serverAuth'], sans, notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2027-06-01T00:00:00Z') });

// ---------------------------------------------------------------------------------------------- (a) the seed fixture

let seedCopy = '';
const seedRel = 'seed/admin.kubeconfig';
function seed(): string {
  if (!seedCopy) seedCopy = put(seedRel, fs.readFileSync(SEED));
  return seedCopy;
}

test('seed: text output, exit status 1', async () => {
  seed();
  const r = await cli(['check', seedRel, '--now', NOW_ISO]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  const line = (code: string) => lines.find((l) => l.includes(` ${code} `));
  assert.match(
    line('cert-expired') ?? '',
    /^seed\/admin\.kubeconfig:4:33 error cert-expired The CA certificate CN=kubernetes,OU=System,O=k8s,L=BeiJing,ST=BeiJing,C=CN expired on 2023-03-11 05:26 UTC/,
  );
  assert.match(line('chain-untrusted') ?? '', /^seed\/admin\.kubeconfig:19:\d+ warning chain-untrusted /);
  assert.match(line('superuser-group') ?? '', /^seed\/admin\.kubeconfig:19:\d+ warning superuser-group .*O=system:masters/);
  assert.ok(r.stdout.includes(ADMIN_SUBJECT), 'the certificate table names the admin subject');
  assert.match(r.stdout, /users\[admin\]\.client-certificate-data/);
  assert.match(r.stdout, /1 error, 2 warnings in 1 file\.\n$/);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour when not a terminal');
});

test('seed: JSON output has the documented shape, 0-based ranges and openssl fingerprints', async () => {
  seed();
  const r = await cli(['check', seedRel, '--now', NOW_ISO, '--format', 'json']);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout) as { files: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(json), ['files']);
  assert.equal(json.files.length, 1);
  const file = json.files[0] as { path: string; certificates: Array<Record<string, unknown>>; findings: Array<Record<string, unknown>> };
  for (const k of ['path', 'certificates', 'findings']) assert.ok(k in file, `files[0].${k}`);
  assert.equal(file.path, seedRel);

  const isRange = (r: unknown): boolean => {
    const x = r as { start: { line: number; character: number }; end: { line: number; character: number } };
    return (
      [x?.start?.line, x?.start?.character, x?.end?.line, x?.end?.character].every((n) => Number.isInteger(n) && n >= 0) &&
      Object.keys(x).join() === 'start,end'
    );
  };

  // Certificates: where, range, subject, issuer, dates, sha256, sans, keyType (more fields allowed).
  assert.equal(file.certificates.length, 2);
  for (const c of file.certificates) {
    for (const k of ['where', 'range', 'subject', 'issuer', 'notBefore', 'notAfter', 'sha256', 'sans', 'keyType']) assert.ok(k in c, `certificate.${k}`);
    assert.ok(isRange(c.range));
    assert.match(String(c.notBefore), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(String(c.notAfter), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(String(c.sha256), /^[0-9a-f]{64}$/, 'sha256: lower-case hex, no colons');
    assert.ok(Array.isArray(c.sans));
  }
  const admin = file.certificates.find((c) => c.where === 'users[admin].client-certificate-data');
  assert.ok(admin, JSON.stringify(file.certificates.map((c) => c.where)));
  assert.equal(admin.subject, ADMIN_SUBJECT);
  assert.equal(admin.issuer, 'CN=kubernetes,OU=System,O=k8s,L=BeiJing,ST=BeiJing,C=CN');
  assert.equal(admin.keyType, 'RSA 2048');
  assert.equal(admin.notAfter, '2028-03-09T06:27:00Z');

  // The fingerprint, held against openssl on the decoded certificate.
  const text = fs.readFileSync(SEED, 'utf8');
  const b64Value = /client-certificate-data: (\S+)/.exec(text)![1];
  const certPem = Buffer.from(b64Value, 'base64').toString('utf8');
  const fp = /sha256 Fingerprint=([0-9A-F:]+)/i.exec(openssl(['x509', '-noout', '-fingerprint', '-sha256'], certPem))![1];
  assert.equal(admin.sha256, fp.replace(/:/g, '').toLowerCase());
  const subject = /subject=(.*)/.exec(openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], certPem))![1];
  assert.equal(admin.subject, subject);

  // Its range: 0-based, the value of client-certificate-data on line 19.
  const lines = text.split('\n');
  const valueCol = lines[18].indexOf('LS0t');
  assert.deepEqual(admin.range, { start: { line: 18, character: valueCol }, end: { line: 18, character: lines[18].length } });

  // Findings: exactly code, severity, message, where, range (related is optional and has message + range).
  assert.deepEqual(
    file.findings.map((f) => f.code),
    ['cert-expired', 'chain-untrusted', 'superuser-group'],
  );
  for (const f of file.findings) {
    const keys = Object.keys(f).filter((k) => k !== 'related');
    assert.deepEqual(keys.sort(), ['code', 'message', 'range', 'severity', 'where']);
    assert.ok(isRange(f.range));
    assert.equal(f.severity, CODES[f.code as keyof typeof CODES]);
    for (const rel of (f.related as Array<Record<string, unknown>> | undefined) ?? []) {
      assert.deepEqual(Object.keys(rel).sort(), ['message', 'range']);
      assert.ok(isRange(rel.range));
    }
  }
  const expired = file.findings[0];
  assert.equal(expired.where, 'clusters[kubernetes].certificate-authority-data');
  assert.deepEqual(expired.range, { start: { line: 3, character: 32 }, end: { line: 3, character: lines[3].length } });
  assert.equal(file.findings[1].where, 'users[admin].client-certificate-data');
  assert.deepEqual((file.findings[1].range as { start: unknown }).start, { line: 18, character: valueCol });
});

test('seed: SARIF 2.1.0, one rule per code, 1-based regions, ruleIds that exist', async () => {
  seed();
  const r = await cli(['check', seedRel, '--now', NOW_ISO, '--format', 'sarif']);
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
  const run = sarif.runs[0];
  const rules = run.tool.driver.rules as Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }>;
  const ids = rules.map((x) => x.id);
  assert.deepEqual([...ids].sort(), Object.keys(CODES).sort(), 'one rule per code');
  assert.equal(new Set(ids).size, ids.length, 'no duplicate rules');
  for (const rule of rules) assert.ok(rule.shortDescription.text.length > 0, rule.id);
  assert.equal(run.tool.driver.name, 'kubecert');

  const results = run.results as Array<{
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: { text: string };
    locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }>;
  }>;
  assert.deepEqual(
    results.map((x) => x.ruleId),
    ['cert-expired', 'chain-untrusted', 'superuser-group'],
  );
  for (const res of results) {
    assert.ok(ids.includes(res.ruleId), `${res.ruleId} is a rule`);
    assert.equal(rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at its rule');
    assert.equal(res.level, CODES[res.ruleId as keyof typeof CODES] === 'error' ? 'error' : 'warning');
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, seedRel);
    const region = res.locations[0].physicalLocation.region;
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(region[k] >= 1, `${k} is 1-based`);
  }
  const lines = fs.readFileSync(SEED, 'utf8').split('\n');
  assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 4, startColumn: 33, endLine: 4, endColumn: lines[3].length + 1 });
  assert.equal(results[1].locations[0].physicalLocation.region.startLine, 19);
  assert.equal(results[2].locations[0].physicalLocation.region.startLine, 19);
});

test('seed: the built bundle (node bin/kubecert.js) agrees with main()', async () => {
  seed();
  const bundle = path.join(ROOT, 'dist/cli.js');
  assert.ok(fs.existsSync(bundle), `${bundle} is missing: run "npm run build" first`);
  const env = { PATH: process.env.PATH ?? '', HOME: home };
  const spawn = (args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, 'bin/kubecert.js'), ...args], { cwd: tmp, env, encoding: 'utf8', timeout: 20_000 });
  const json = spawn(['check', seedRel, '--now', NOW_ISO, '--format', 'json']);
  assert.equal(json.status, 1, json.stderr);
  const inProcess = await cli(['check', seedRel, '--now', NOW_ISO, '--format', 'json']);
  assert.deepEqual(JSON.parse(json.stdout), JSON.parse(inProcess.stdout));
  const text = spawn(['check', seedRel, '--now', NOW_ISO]);
  assert.equal(text.status, 1);
  assert.match(text.stdout, /seed\/admin\.kubeconfig:4:33 error cert-expired /);
  assert.doesNotMatch(text.stdout, /\x1b\[/, 'a pipe is not a terminal: no colour');
  const help = spawn(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /kubecert check/);
  const version = spawn(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
  assert.equal(spawn(['check', 'no-such-file.yaml', '--now', NOW_ISO]).status, 2);
});

// ---------------------------------------------------------------------------------------------- (b) exit status

test('exit 0 for a clean generated kubeconfig', async () => {
  put('clean/config.yaml', cleanKubeconfig());
  const r = await cli(['check', 'clean/config.yaml', '--now', NOW_ISO]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 errors, 0 warnings in 1 file\.\n$/);
  assert.equal(r.stderr, '');
});

test('exit 1 when only some files have errors; warnings alone keep 0', async () => {
  put('mixed/a.yaml', cleanKubeconfig());
  put('mixed/b.yaml', expiredKubeconfig());
  assert.equal((await cli(['check', 'mixed/a.yaml', 'mixed/b.yaml', '--now', NOW_ISO])).code, 1);
  const p = pki();
  const soon = p.leaf('CN=soon', p.ca, { notBefore: at('2026-01-01T00:00:00Z'), notAfter: at('2026-12-01T00:00:00Z') });
  put(
    'mixed/warn.yaml',
    kubeconfig({ clusters: [{ name: 'c', caPem: p.ca.pem }], users: [{ name: 'u', certPem: soon.pem }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }] }),
  );
  const warn = await cli(['check', 'mixed/warn.yaml', '--now', NOW_ISO]);
  assert.equal(warn.code, 0, warn.stdout);
  assert.match(warn.stdout, /cert-expiring-soon/);
  // --warn-days moves the threshold.
  const quiet = await cli(['check', 'mixed/warn.yaml', '--now', NOW_ISO, '--warn-days', '5']);
  assert.doesNotMatch(quiet.stdout, /cert-expiring-soon/);
});

test('exit 2 for usage and read errors', async () => {
  put('usage/config.yaml', cleanKubeconfig());
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown option', ['check', 'usage/config.yaml', '--now', NOW_ISO, '--frobnicate'], /unknown option --frobnicate/],
    ['bad --now', ['check', 'usage/config.yaml', '--now', 'yesterday'], /--now/],
    ['impossible --now', ['check', 'usage/config.yaml', '--now', '2026-13-45T99:00:00Z'], /--now/],
    ['--now without a value', ['check', 'usage/config.yaml', '--now'], /--now/],
    ['bad --format', ['check', 'usage/config.yaml', '--now', NOW_ISO, '--format', 'xml'], /--format/],
    ['bad --warn-days', ['check', 'usage/config.yaml', '--now', NOW_ISO, '--warn-days', 'soon'], /--warn-days/],
    ['missing file', ['check', 'usage/missing.yaml', '--now', NOW_ISO], /missing\.yaml/],
    ['missing --server-cert', ['check', 'usage/config.yaml', '--now', NOW_ISO, '--server-cert', 'usage/nope.crt'], /nope\.crt/],
    ['unknown command', ['frobnicate'], /unknown command/],
  ];
  for (const [what, argv, err] of cases) {
    const r = await cli(argv);
    assert.equal(r.code, 2, `${what}: exit status (stdout: ${r.stdout.slice(0, 200)})`);
    assert.match(r.stderr, err, what);
  }
});

// ---------------------------------------------------------------------------------------------- (c) default kubeconfig

test('no path: every file of $KUBECONFIG (":"-separated)', async () => {
  const a = put('kc/a.conf', cleanKubeconfig());
  const b = put('kc/b.conf', expiredKubeconfig());
  const r = await cli(['check', '--now', NOW_ISO], { env: { HOME: home, KUBECONFIG: [a, b].join(':') } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /kc\/b\.conf:\d+:\d+ error cert-expired .*CN=expired-user/);
  const json = JSON.parse((await cli(['check', '--now', NOW_ISO, '--format', 'json'], { env: { HOME: home, KUBECONFIG: [a, b].join(':') } })).stdout);
  assert.deepEqual(
    json.files.map((f: { path: string }) => f.path),
    ['kc/a.conf', 'kc/b.conf'],
  );
});

test('no path, no $KUBECONFIG: $HOME/.kube/config', async () => {
  const other = path.join(tmp, 'home2');
  fs.mkdirSync(path.join(other, '.kube'), { recursive: true });
  fs.writeFileSync(path.join(other, '.kube', 'config'), cleanKubeconfig().replace(/current-context: .*/, 'current-context: nowhere'));
  const r = await cli(['check', '--now', NOW_ISO], { env: { HOME: other } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /home2\/\.kube\/config:\d+:\d+ error unknown-context .*"nowhere"/);
  // An empty KUBECONFIG counts as unset, as in kubectl.
  const empty = await cli(['check', '--now', NOW_ISO], { env: { HOME: other, KUBECONFIG: '' } });
  assert.match(empty.stdout, /home2\/\.kube\/config/);
});

test('no path: an entry of $KUBECONFIG that does not exist is skipped, as kubectl skips it', async () => {
  const a = put('kc2/a.conf', cleanKubeconfig());
  const r = await cli(['check', '--now', NOW_ISO, '--format', 'json'], { env: { HOME: home, KUBECONFIG: [a, path.join(tmp, 'kc2/gone.conf')].join(':') } });
  assert.deepEqual(
    JSON.parse(r.stdout).files.map((f: { path: string }) => f.path),
    ['kc2/a.conf'],
  );
  assert.equal(r.code, 0, `kubectl works with this KUBECONFIG, so the check passes (stderr: ${r.stderr.trim()})`);
});

// ---------------------------------------------------------------------------------------------- (d) folders

test('a folder is searched recursively for kubeconfigs and manifests; unrelated YAML is ignored', async () => {
  const p = pki();
  put('tree/clusters/prod.kubeconfig', cleanKubeconfig());
  put('tree/deep/a/b/c/config', expiredKubeconfig());
  put(
    'tree/manifests/ingress-tls.yaml',
    `apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: web}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(p.admin.pem)}\n  tls.key: ${b64(p.adminKeyPem)}\n`,
  );
  put(
    'tree/manifests/webhook.json',
    JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'v' },
      webhooks: [{ name: 'v.example.com', clientConfig: { caBundle: b64(p.ca.pem) } }],
    }),
  );
  put('tree/manifests/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n');
  put('tree/values.yaml', 'replicaCount: 3\nimage: {repository: nginx}\n');
  put('tree/.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  put('tree/README.md', '# not yaml\n');
  put('tree/node_modules/pkg/secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata:\n  tls.crt: ${b64(p.admin.pem)}\n`);
  const r = await cli(['check', 'tree', '--now', NOW_ISO, '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const paths = JSON.parse(r.stdout)
    .files.map((f: { path: string }) => f.path)
    .sort();
  assert.deepEqual(paths, ['tree/clusters/prod.kubeconfig', 'tree/deep/a/b/c/config', 'tree/manifests/ingress-tls.yaml', 'tree/manifests/webhook.json']);
  const text = await cli(['check', 'tree', '--now', NOW_ISO]);
  assert.match(text.stdout, /in 4 files\.\n$/);
  assert.doesNotMatch(text.stdout, /deployment|values|node_modules|ci\.yml/);
});

// ---------------------------------------------------------------------------------------------- (e) --server-cert

test('--server-cert: san-mismatch at the server: line when the serving certificate lacks the server IP', async () => {
  const text = cleanKubeconfig();
  put('sc/config', text);
  const noIp = put('sc/apiserver-no-ip.crt', apiserverCert(['DNS:kubernetes', 'DNS:kubernetes.default', 'IP:10.96.0.1']).pem);
  const withIp = put('sc/apiserver.crt', apiserverCert(['DNS:kubernetes', 'DNS:kubernetes.default', 'IP:10.96.0.1', 'IP:192.0.2.10']).pem);
  const lines = text.split('\n');
  const serverLine = lines.findIndex((l) => l.startsWith('    server: '));
  const where = `sc/config:${serverLine + 1}:${'    server: '.length + 1}`;

  const bad = await cli(['check', 'sc/config', '--now', NOW_ISO, '--server-cert', noIp]);
  assert.equal(bad.code, 1, bad.stderr);
  const line = bad.stdout.split('\n').find((l) => l.includes(' san-mismatch '));
  assert.ok(line, bad.stdout);
  assert.ok(line.startsWith(`${where} error san-mismatch `), line);
  assert.match(line, /"192\.0\.2\.10"/);

  const good = await cli(['check', 'sc/config', '--now', NOW_ISO, '--server-cert', withIp]);
  assert.equal(good.code, 0, good.stdout);
  assert.doesNotMatch(good.stdout, /san-mismatch/);
});

test('--server-cert accepts a DER certificate, as --help promises', async () => {
  put('scder/config', cleanKubeconfig());
  const der = put('scder/apiserver.der', apiserverCert(['IP:10.96.0.1']).der);
  const r = await cli(['check', 'scder/config', '--now', NOW_ISO, '--server-cert', der]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /san-mismatch/);
});

test('--server-cert: a relative path resolves against the working folder, like the paths to check', async () => {
  put('screl/config', cleanKubeconfig());
  put('screl/apiserver.crt', apiserverCert(['IP:192.0.2.10']).pem);
  const r = await cli(['check', 'screl/config', '--now', NOW_ISO, '--server-cert', 'screl/apiserver.crt']);
  assert.equal(r.code, 0, r.stderr);
});

// ---------------------------------------------------------------------------------------------- (f) colour

test('colour only on a terminal, and --color / --no-color / NO_COLOR decide', async () => {
  put('color/config', expiredKubeconfig());
  const argv = ['check', 'color/config', '--now', NOW_ISO];
  const esc = /\x1b\[/;
  assert.match((await cli(argv, { isTTY: true })).stdout, esc, 'a terminal gets colour');
  assert.doesNotMatch((await cli(argv, { isTTY: false })).stdout, esc, 'a pipe gets none');
  assert.doesNotMatch((await cli([...argv, '--no-color'], { isTTY: true })).stdout, esc, '--no-color on a terminal');
  assert.match((await cli([...argv, '--color'], { isTTY: false })).stdout, esc, '--color into a pipe');
  assert.doesNotMatch((await cli(argv, { isTTY: true, env: { HOME: home, NO_COLOR: '1' } })).stdout, esc, 'NO_COLOR');
  for (const format of ['json', 'sarif'])
    assert.doesNotMatch((await cli([...argv, '--format', format, '--color'], { isTTY: true })).stdout, esc, `${format} never has colour`);
});

// ---------------------------------------------------------------------------------------------- (g) help

function optionsInSource(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'server/src/cli.ts'), 'utf8');
  const parsed = [...source.matchAll(/case '(--[a-z-]+)'/g)].map((m) => m[1]);
  assert.ok(parsed.length >= 7, `options found in cli.ts: ${parsed.join(' ')}`);
  return [...parsed, '--help', '--version', '-h', '-V'];
}

test('--help lists every option the parser knows, exit 0', async () => {
  for (const argv of [['--help'], ['-h']]) {
    const r = await cli(argv);
    assert.equal(r.code, 0, argv.join(' '));
    for (const option of optionsInSource()) assert.ok(r.stdout.includes(option), `${argv.join(' ')}: help mentions ${option}`);
    assert.match(r.stdout, /Exit status/);
    assert.equal(r.stderr, '');
  }
});

test('kubecert check --help shows the help too, exit 0', async () => {
  for (const argv of [
    ['check', '--help'],
    ['check', '-h'],
    ['check', 'some.yaml', '--help'],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr.trim()}`);
    assert.match(r.stdout, /--server-cert/);
  }
});

// ---------------------------------------------------------------------------------------------- (h) nothing is executed

test('exec plugins and auth-provider commands are never run', async () => {
  const marker = path.join(tmp, 'exec-marker');
  const marker2 = path.join(tmp, 'auth-provider-marker');
  const control = path.join(tmp, 'control-marker');
  // Prove the command would work if anyone ran it.
  spawnSync('/bin/sh', ['-c', `touch '${control}'`]);
  assert.ok(fs.existsSync(control), 'the command creates its marker when run');

  const p = pki();
  put(
    'exec/config',
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://192.0.2.10:6443
    certificate-authority-data: ${b64(p.ca.pem)}
contexts:
- name: c
  context: {cluster: c, user: exec-user}
- name: d
  context: {cluster: c, user: gcp-user}
current-context: c
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
      args: ["-c", "touch '${marker}'"]
      interactiveMode: Never
      provideClusterInfo: true
- name: gcp-user
  user:
    auth-provider:
      name: gcp
      config:
        cmd-path: /bin/sh
        cmd-args: -c "touch '${marker2}'"
`,
  );
  for (const format of ['text', 'json', 'sarif']) {
    const r = await cli(['check', 'exec/config', '--now', NOW_ISO, '--format', format]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  const bundle = spawnSync(process.execPath, [path.join(ROOT, 'bin/kubecert.js'), 'check', 'exec/config', '--now', NOW_ISO], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '', HOME: home },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(bundle.status, 0, bundle.stderr);
  assert.equal(fs.existsSync(marker), false, 'the exec plugin ran');
  assert.equal(fs.existsSync(marker2), false, 'the auth-provider command ran');
});

// ---------------------------------------------------------------------------------------------- (i) no secrets in the output

test('no output format shows any part of a private key or a token', async () => {
  const p = pki();
  const key = sharedKey({ type: 'ec', curve: 'P-256' }, 9);
  const keyText = keyPem(key, 'sec1');
  const cert = buildCert({
    subject: 'CN=secretive',
    key,
    issuer: p.ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2027-01-01T00:00:00Z'),
    extKeyUsage: ['clientAuth'],
  });
  const token = 'kubecert-test-token-' + 'Zq7wX2pL9mN4vB8c'.repeat(3);
  put(
    'secrets/config',
    kubeconfig({
      clusters: [{ name: 'c', caPem: p.ca.pem }],
      users: [
        { name: 'right', certPem: cert.pem, keyPem: keyText },
        { name: 'wrong', certPem: p.admin.pem, keyPem: keyText }, // key-mismatch
        { name: 'misplaced', certPem: keyText }, // a key where the certificate belongs
        { name: 'rsa', certPem: p.admin.pem, keyPem: p.otherKeyPem }, // key-mismatch, PKCS#1
        { name: 'tok', token },
      ],
      contexts: [{ name: 'c', cluster: 'c', user: 'right' }],
    }),
  );
  const needles = new Set<string>();
  for (const pemText of [keyText, p.otherKeyPem]) {
    for (const line of pemText.split('\n')) if (line.length >= 24 && !line.startsWith('-----')) needles.add(line);
    const encoded = b64(pemText);
    for (let i = 0; i + 32 <= encoded.length; i += 8) needles.add(encoded.slice(i, i + 32));
  }
  const jwk = key.privateKey.export({ format: 'jwk' }) as { d: string };
  const d = Buffer.from(jwk.d, 'base64url');
  needles.add(d.toString('hex'));
  needles.add(d.toString('base64').replace(/=+$/, ''));
  needles.add(jwk.d);
  for (const format of ['text', 'json', 'sarif']) {
    const r = await cli(['check', 'secrets/config', '--now', NOW_ISO, '--format', format]);
    assert.equal(r.code, 1, `${format}: key-mismatch is an error`);
    assert.match(r.stdout, /key-mismatch/);
    const out = r.stdout + r.stderr;
    const leaked = [...needles].filter((n) => out.includes(n));
    assert.deepEqual(leaked.slice(0, 3), [], `${format} output shows private key material`);
    assert.ok(!out.includes(token), `${format} output shows the token`);
  }
});

test("a client certificate made by OpenSSL 3's `req -x509` (CA:TRUE by default) is read as a client certificate", async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'x509-'));
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    path.join(dir, 'carol.key'),
    '-out',
    path.join(dir, 'carol.crt'),
    '-subj',
    '/CN=carol/O=system:masters',
    '-addext',
    'extendedKeyUsage=clientAuth',
    '-days',
    '1',
  ]);
  const crt = fs.readFileSync(path.join(dir, 'carol.crt'), 'utf8');
  assert.match(openssl(['x509', '-noout', '-text'], crt), /CA:TRUE/, 'this openssl sets CA:TRUE, as the issue describes');
  const file = put(
    'carol/config',
    kubeconfig({
      clusters: [{ name: 'prod', caPem: pki().ca.pem }],
      users: [{ name: 'carol', certPem: crt, keyPem: fs.readFileSync(path.join(dir, 'carol.key'), 'utf8') }],
      contexts: [{ name: 'carol@prod', cluster: 'prod', user: 'carol' }],
    }),
  );
  // Far enough ahead that a certificate valid for one day from whenever this runs has expired.
  const run = await cli(['check', file, '--now', '2099-01-01T00:00:00Z', '--format', 'json']);
  const report = JSON.parse(run.stdout) as {
    files: Array<{
      certificates: Array<{ where: string; user?: string; groups: string[]; selfSigned: boolean }>;
      findings: Array<{ code: string; message: string; where: string }>;
    }>;
  };
  const [f] = report.files;
  const cert = f.certificates.find((c) => c.where === 'users[carol].client-certificate-data')!;
  assert.equal(cert.user, 'carol');
  assert.deepEqual(cert.groups, ['system:masters']);
  assert.equal(cert.selfSigned, true);
  const expired = f.findings.find((x) => x.code === 'cert-expired' && x.where === 'users[carol].client-certificate-data')!;
  assert.match(expired.message, /^The client certificate O=system:masters,CN=carol expired/);
  assert.ok(f.findings.some((x) => x.code === 'superuser-group'));
});
