/**
 * `kubecert check` on trees: all PATHs one workspace, folders searched by content, cross-file findings with related
 * places, --root, the bounded walk. Trees are generated (test/support/trees.ts, and openssl for the kubeadm tree) in a
 * mkdtemp folder; every run passes --now; no network.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli';
import { b64 } from '../support/pki';
import { kubeadmTree } from '../support/kubeadmTree';
import { binaryInstall, ca, haNode, ingressSplit, key, leaf, webhookTree, type Tree } from '../support/trees';

const NOW = '2026-11-21T00:00:00Z';
let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-ws-')));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function write(dir: string, tree: Tree): string {
  const root = path.join(tmp, dir);
  for (const [rel, content] of tree) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv: ['check', ...argv, '--now', NOW],
    env: { HOME: tmp },
    isTTY: false,
    cwd: tmp,
    clock: () => assert.fail('the CLI read the wall clock'),
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  });
  return { code, stdout, stderr };
}

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  where: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  related?: Array<{ message: string; path?: string; range: JsonFinding['range'] }>;
}
interface JsonFile {
  path: string;
  kind: string;
  certificates: Array<{ where: string; subject: string; notAfter: string; index: number }>;
  findings: JsonFinding[];
}

async function json(...argv: string[]): Promise<{ code: number; files: JsonFile[]; stderr: string }> {
  const r = await cli(...argv, '--format', 'json');
  return { code: r.code, files: (JSON.parse(r.stdout) as { files: JsonFile[] }).files, stderr: r.stderr };
}

function findings(files: JsonFile[]): Array<JsonFinding & { path: string }> {
  return files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path }))).filter((f) => f.code !== 'superuser-group');
}

/** The text at a finding's range: one line. */
function at(file: string, f: JsonFinding): string {
  const line = fs.readFileSync(path.join(tmp, file), 'utf8').split('\n')[f.range.start.line];
  return line.slice(f.range.start.character, f.range.end.line === f.range.start.line ? f.range.end.character : undefined);
}

test('HA: kubecert check --root wudang wudang/etc/kubernetes → san-mismatch at kubelet.conf server: and at --advertise-address', async () => {
  write('wudang', haNode('wudang', 'shaolin'));
  const r = await json('--root', 'wudang', 'wudang/etc/kubernetes');
  assert.equal(r.code, 1, r.stderr);
  const found = findings(r.files);
  assert.deepEqual(
    found.map((f) => [f.path, f.code, at(f.path, f)]),
    [
      ['wudang/etc/kubernetes/kubelet.conf', 'san-mismatch', 'https://10.24.138.208:6443'],
      ['wudang/etc/kubernetes/manifests/kube-apiserver.yaml', 'san-mismatch', '10.24.138.208'],
    ],
  );
  for (const f of found) assert.equal(f.related?.[0].path, 'wudang/etc/kubernetes/pki/apiserver.crt');
  // Text: the line, and the other file under it.
  const text = await cli('--root', 'wudang', 'wudang/etc/kubernetes');
  assert.match(text.stdout, /wudang\/etc\/kubernetes\/kubelet\.conf:6:13 error san-mismatch .*not 10\.24\.138\.208/);
  assert.match(text.stdout, /\n {2}↳ wudang\/etc\/kubernetes\/pki\/apiserver\.crt:1:1 the serving certificate/);
  // SARIF: relatedLocations in the other file.
  const sarif = JSON.parse((await cli('--root', 'wudang', 'wudang/etc/kubernetes', '--format', 'sarif')).stdout) as {
    runs: Array<{ results: Array<{ ruleId: string; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
  };
  const results = sarif.runs[0].results.filter((x) => x.ruleId === 'san-mismatch');
  assert.equal(results.length, 2);
  for (const x of results) assert.equal(x.relatedLocations?.[0].physicalLocation.artifactLocation.uri, 'wudang/etc/kubernetes/pki/apiserver.crt');
});

test('HA: the shaolin tree is clean (exit 0), and loose .crt files are in the certificate table with their dates', async () => {
  write('shaolin', haNode('shaolin'));
  const r = await json('--root', 'shaolin', 'shaolin/etc/kubernetes');
  assert.equal(r.code, 0, JSON.stringify(findings(r.files)));
  assert.deepEqual(findings(r.files), []);
  const crt = r.files.find((f) => f.path === 'shaolin/etc/kubernetes/pki/apiserver.crt');
  assert.equal(crt?.kind, 'pki');
  assert.deepEqual(
    crt?.certificates.map((c) => [c.where, c.subject, c.notAfter]),
    [['certificate', 'CN=kube-apiserver', '2027-01-01T00:00:00Z']],
  );
});

test('without --root, the absolute paths of the static pod are read as they are: missing-file, no cross-file finding', async () => {
  write('wudang2', haNode('wudang', 'shaolin'));
  const r = await json('wudang2/etc/kubernetes/manifests');
  assert.deepEqual(
    findings(r.files).map((f) => f.code),
    ['missing-file', 'missing-file', 'missing-file'],
  );
});

test('Secret in secret.yaml, Ingress in ingress.yaml: kubecert check . → san-mismatch at the Ingress host line', async () => {
  const dir = write('split', ingressSplit('b.example.com'));
  const r = await json(dir);
  assert.deepEqual(
    findings(r.files).map((f) => [f.path, f.code, at(f.path, f), f.related?.[0].path]),
    [['split/ingress.yaml', 'san-mismatch', 'b.example.com', 'split/secret.yaml']],
  );
  const related = findings(r.files)[0].related?.[0];
  assert.equal(at('split/secret.yaml', { ...findings(r.files)[0], range: related!.range }).slice(0, 4), 'LS0t');
  // The same two files named one by one form the same workspace.
  const named = await json('split/ingress.yaml', 'split/secret.yaml');
  assert.deepEqual(
    findings(named.files).map((f) => f.code),
    ['san-mismatch'],
  );
  const fine = write('split-ok', ingressSplit('a.example.com'));
  assert.deepEqual(findings((await json(fine)).files), []);
});

test('webhook + Service + Deployment + Secret: the wrong caBundle → ca-bundle-mismatch at the caBundle line; the right one is clean', async () => {
  write('hook-wrong', webhookTree('wrong'));
  const r = await json('hook-wrong');
  assert.equal(r.code, 1);
  const found = findings(r.files);
  assert.deepEqual(
    found.map((f) => [f.path, f.code, f.range.start.line]),
    [['hook-wrong/webhook.yaml', 'ca-bundle-mismatch', 13]],
  );
  assert.match(fs.readFileSync(path.join(tmp, 'hook-wrong/webhook.yaml'), 'utf8').split('\n')[13], /^ {4}caBundle: /);
  assert.deepEqual(
    found[0].related?.map((x) => x.path),
    ['hook-wrong/secret.yaml', 'hook-wrong/service.yaml'],
  );
  write('hook-right', webhookTree('right'));
  const ok = await json('hook-right');
  assert.equal(ok.code, 0);
  assert.deepEqual(findings(ok.files), []);
});

test('binary install (cfssl): loose .pem files with dates, option files and units, key-mismatch and ca-key-exposed by path', async () => {
  write('bin', binaryInstall({ breakKey: true }));
  const r = await json('--root', 'bin', 'bin');
  const found = findings(r.files);
  assert.deepEqual(
    found.map((f) => [f.path, f.code]),
    [
      ['bin/opt/kubernetes/ssl/admin-key.pem', 'key-mismatch'],
      ['bin/opt/kubernetes/ssl/ca-key.pem', 'ca-key-exposed'],
    ],
  );
  const exposed = found[1];
  assert.doesNotMatch(JSON.stringify(r.files), /PRIVATE KEY-----|"MIG|"MHc/, 'no key material in the output');
  assert.match(exposed.message, /ca-key\.pem/);
  const pem = r.files.find((f) => f.path === 'bin/opt/kubernetes/ssl/kubernetes.pem');
  assert.deepEqual(
    pem?.certificates.map((c) => [c.subject, c.notAfter]),
    [['O=k8s,CN=kubernetes', '2027-01-01T00:00:00Z']],
  );
  const options = r.files.find((f) => f.path === 'bin/opt/kubernetes/cfg/kube-apiserver.conf');
  assert.equal(options?.kind, 'flags');
  const tls = options?.certificates.find((c) => c.where === 'kube-apiserver --tls-cert-file');
  assert.ok(tls, JSON.stringify(options?.certificates.map((c) => c.where)));
  assert.equal(
    at('bin/opt/kubernetes/cfg/kube-apiserver.conf', { range: (tls as unknown as JsonFinding).range } as JsonFinding),
    '/opt/kubernetes/ssl/kubernetes.pem',
  );
  assert.ok(r.files.some((f) => f.path === 'bin/usr/lib/systemd/system/etcd.service' && f.certificates.length === 4));
  // The unit that only names an EnvironmentFile holds no flags of its own, and is not reported.
  assert.ok(!r.files.some((f) => f.path.endsWith('kube-apiserver.service')));
});

test('kubeadm tree made with openssl: every row of kubeadm certs check-expiration, with the date openssl reads', async () => {
  const tree = kubeadmTree(path.join(tmp, 'kubeadm'));
  const r = await json('--root', tree.root, path.join(tree.root, 'etc/kubernetes'));
  const byPath = new Map(r.files.map((f) => [path.join(tmp, f.path), f]));
  const openssl = (pem: string): string => {
    const out = spawnSync('openssl', ['x509', '-noout', '-enddate', '-dateopt', 'iso_8601'], { input: pem, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return new Date(out.stdout.trim().replace(/^notAfter=/, '')).toISOString().replace('.000Z', 'Z');
  };
  const rows: string[] = [];
  for (const row of tree.rows) {
    const file = byPath.get(row.file);
    assert.ok(file, `${row.name}: ${row.file} reported`);
    const text = fs.readFileSync(row.file, 'utf8');
    const pem = row.conf ? Buffer.from(/client-certificate-data: (\S+)/.exec(text)![1], 'base64').toString() : text;
    const cert = row.conf ? file.certificates.find((c) => c.where.endsWith('client-certificate-data')) : file.certificates[0];
    assert.equal(cert?.notAfter, openssl(pem), row.name);
    rows.push(`${row.name} ${cert?.notAfter}`);
  }
  assert.equal(new Set(rows.map((x) => x.split(' ')[1])).size, rows.length, 'each row has a date of its own');
  const found = findings(r.files);
  assert.deepEqual(
    found.filter((f) => f.severity === 'error'),
    [],
  );
  assert.deepEqual(
    found
      .filter((f) => f.code === 'ca-key-exposed')
      .map((f) => f.path.split('/pki/')[1])
      .sort(),
    ['ca.key', 'etcd/ca.key', 'front-proxy-ca.key'],
  );
});

test('the walk: symlinked folders and files followed once, loops stopped, fifos never read, .git skipped', async () => {
  const base = path.join(tmp, 'walk');
  const real = write('walk-real', ingressSplit('b.example.com'));
  fs.mkdirSync(path.join(base, 'links'), { recursive: true });
  // A folder whose entries are symlinks to other folders.
  fs.symlinkSync(real, path.join(base, 'links/app'));
  fs.symlinkSync(real, path.join(base, 'links/same-app'));
  fs.symlinkSync(base, path.join(base, 'links/loop'));
  fs.symlinkSync(path.join(real, 'secret.yaml'), path.join(base, 'secret-link.yaml'));
  fs.mkdirSync(path.join(base, '.git'));
  fs.writeFileSync(path.join(base, '.git/secret.yaml'), fs.readFileSync(path.join(real, 'secret.yaml')));
  const fifo = spawnSync('mkfifo', [path.join(base, 'pipe.yaml')]);
  assert.equal(fifo.status, 0);
  const r = await json('walk');
  assert.equal(r.stderr, '');
  const paths = r.files.map((f) => f.path);
  assert.equal(paths.filter((p) => p.endsWith('secret.yaml') || p.endsWith('secret-link.yaml')).length, 1, paths.join('\n'));
  assert.equal(paths.filter((p) => p.endsWith('ingress.yaml')).length, 1, paths.join('\n'));
  assert.deepEqual(
    findings(r.files).map((f) => f.code),
    ['san-mismatch'],
  );
});

const indent = (pem: string): string => pem.trimEnd().replace(/^/gm, '    ') + '\n';

test('files are recognised by content, not name; Helm actions are blanked', async () => {
  const issuer = ca('CN=content-ca', 40);
  const cert = leaf('CN=svc', issuer, 41, 'server', ['DNS:svc']);
  const other = leaf('CN=other', issuer, 42, 'server', ['DNS:other']);
  const expired = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://svc:6443\n    certificate-authority-data: ${b64(issuer.pem)}\nusers: []\ncontexts: []\n`;
  write(
    'content',
    new Map([
      ['test-ec-kubeconfig', expired],
      ['something.expected', `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  tls.crt: ${b64(cert.pem)}\n  tls.key: ${b64(key(other))}\n`],
      [
        'install_default.golden',
        `{{- range .Values.items }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .name }}\n  labels:\n    {{- include "labels" . | nindent 4 }}\nstringData:\n  tls.crt: |\n${indent(cert.pem)}  tls.key: |\n${indent(key(cert))}{{- end }}\n`,
      ],
      ['notes.txt', 'nothing to see\n'],
    ]),
  );
  const r = await json('content');
  const paths = r.files.map((f) => f.path).sort();
  assert.deepEqual(paths, ['content/install_default.golden', 'content/something.expected', 'content/test-ec-kubeconfig']);
  const found = findings(r.files);
  assert.deepEqual(
    found.map((f) => [f.path, f.code]),
    [['content/something.expected', 'key-mismatch']],
  );
  const golden = r.files.find((f) => f.path === 'content/install_default.golden');
  assert.deepEqual(
    golden?.certificates.map((c) => c.subject),
    ['CN=svc'],
  );
});

test('limits: --max-files stops the scan once and says so; a file over 32 MB is not read', async () => {
  const dir = write('many', new Map(Array.from({ length: 5 }, (_, i) => [`f${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`])));
  const big = path.join(dir, 'big.yaml');
  fs.writeFileSync(big, 'apiVersion: v1\nkind: Secret\n');
  fs.truncateSync(big, 33 * 1024 * 1024);
  const r = await json('many', '--max-files', '2');
  const limits = findings(r.files).filter((f) => f.code === 'input-limit');
  assert.equal(limits.length, 2, JSON.stringify(limits));
  assert.match(limits[0].message + limits[1].message, /over 32 MB not read \(the first: .*big\.yaml\)/);
  assert.match(limits[0].message + limits[1].message, /stopped at 2 files/);
  const usage = await cli('many', '--max-files', '0');
  assert.equal(usage.code, 2);
});
