// The workspace room: cross-file findings on generated trees, each with an input that raises it and one that must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace, fileInput, type WorkspaceOptions } from '../../server/src/core/workspace';
import type { Finding } from '../../server/src/core/findings/finding';
import type { Host } from '../../server/src/core/x509/decode';
import { CODES, type Code } from '../../server/src/core';
import { NOW } from '../support/fixtures';
import { binaryInstall, certManagerTree, haNode, ingressSplit, webhookTree, type Tree } from '../support/trees';

const ROOT = '/backup/node';

/** The tree under ROOT, its files read through a Host that, like the CLI's --root, finds /etc/… under ROOT. */
function load(tree: Tree, extra: Partial<WorkspaceOptions> = {}): Workspace {
  const bytes = (p: string): Buffer | undefined => {
    const v = tree.get(p.startsWith(ROOT + '/') ? p.slice(ROOT.length + 1) : p.slice(1));
    return v === undefined ? undefined : Buffer.from(v);
  };
  const host: Host = {
    readFile: (p) => {
      const b = bytes(ROOT + p) ?? bytes(p);
      return b ? { bytes: new Uint8Array(b) } : { error: 'no such file' };
    },
  };
  const ws = new Workspace({ now: NOW, host, root: ROOT, ...extra });
  for (const [rel, content] of tree) {
    const input = fileInput(new Uint8Array(Buffer.from(content)));
    // As a folder scan does: a file whose content is none of Kubecert's forms is not read.
    if (input.form) ws.setText(`${ROOT}/${rel}`, input);
  }
  return ws;
}

/** Every finding of the workspace but superuser-group, which the cfssl admin certificate (O=system:masters) rightly raises. */
function all(ws: Workspace): Array<Finding & { path: string }> {
  return ws
    .paths()
    .flatMap((path) => ws.findings(path).map((f) => ({ ...f, path: path.slice(ROOT.length + 1) })))
    .filter((f) => f.code !== 'superuser-group');
}

function text(tree: Tree, rel: string, f: Finding): string {
  return String(tree.get(rel)).slice(f.span.start, f.span.end);
}

function summary(findings: Array<Finding & { path: string }>): string {
  return findings.map((f) => `${f.path} ${f.code} ${f.message}`).join('\n');
}

test('HA: wudang with shaolin’s apiserver.crt → san-mismatch at kubelet.conf server: and at --advertise-address', () => {
  const tree = haNode('wudang', 'shaolin');
  const found = all(load(tree));
  const san = found.filter((f) => f.code === 'san-mismatch');
  assert.equal(san.length, 2, summary(found));
  const kubelet = san.find((f) => f.path === 'etc/kubernetes/kubelet.conf');
  assert.ok(kubelet, summary(found));
  assert.equal(text(tree, 'etc/kubernetes/kubelet.conf', kubelet), 'https://10.24.138.208:6443');
  assert.match(kubelet.message, /not 10\.24\.138\.208/);
  assert.match(kubelet.message, /IP:10\.27\.53\.32/);
  assert.equal(kubelet.related?.[0].path, `${ROOT}/etc/kubernetes/pki/apiserver.crt`);
  const flag = san.find((f) => f.path === 'etc/kubernetes/manifests/kube-apiserver.yaml');
  assert.ok(flag, summary(found));
  assert.equal(text(tree, 'etc/kubernetes/manifests/kube-apiserver.yaml', flag), '10.24.138.208');
  assert.equal(flag.related?.[0].path, `${ROOT}/etc/kubernetes/pki/apiserver.crt`);
  assert.equal(found.filter((f) => f.severity === 'error').length, 2, summary(found));
});

test('HA: the shaolin tree, with its own certificate, is clean; so is wudang with its own', () => {
  assert.deepEqual(summary(all(load(haNode('shaolin')))), '');
  assert.deepEqual(summary(all(load(haNode('wudang')))), '');
});

test('HA: the loose pki files appear as certificates, keyed by path', () => {
  const ws = load(haNode('shaolin'));
  const rows = ws.certificates().map((c) => `${c.path.slice(ROOT.length + 1)} ${c.occurrence.certificate.subject.text}`);
  assert.ok(rows.includes('etc/kubernetes/pki/ca.crt CN=kubernetes'), rows.join('\n'));
  assert.ok(rows.includes('etc/kubernetes/pki/apiserver.crt CN=kube-apiserver'), rows.join('\n'));
});

test('Secret in one file, Ingress in another: san-mismatch at the host line, related to the Secret file', () => {
  const tree = ingressSplit('b.example.com');
  const found = all(load(tree));
  assert.equal(found.length, 1, summary(found));
  const [f] = found;
  assert.equal(f.code, 'san-mismatch');
  assert.equal(f.path, 'ingress.yaml');
  assert.equal(text(tree, 'ingress.yaml', f), 'b.example.com');
  assert.equal(f.related?.[0].path, `${ROOT}/secret.yaml`);
  assert.equal(summary(all(load(ingressSplit('a.example.com')))), '');
});

test('Ingress naming a Secret no file holds: nothing (a controller may create it)', () => {
  const tree = ingressSplit('b.example.com');
  tree.delete('secret.yaml');
  assert.equal(summary(all(load(tree))), '');
});

test('webhook + Service + Deployment + Secret: a wrong caBundle → ca-bundle-mismatch at caBundle; the right one is clean', () => {
  const tree = webhookTree('wrong');
  const found = all(load(tree));
  const f = found.find((x) => x.code === 'ca-bundle-mismatch');
  assert.ok(f, summary(found));
  assert.equal(f.path, 'webhook.yaml');
  assert.ok(text(tree, 'webhook.yaml', f).length > 100, 'the span is the caBundle value');
  assert.ok(String(tree.get('webhook.yaml')).slice(0, f.span.start).endsWith('caBundle: '));
  assert.deepEqual(
    f.related?.map((r) => r.path),
    [`${ROOT}/secret.yaml`, `${ROOT}/service.yaml`],
  );
  assert.equal(found.length, 1, summary(found));
  assert.equal(summary(all(load(webhookTree('right')))), '');
});

test('webhook whose serving certificate does not cover <service>.<namespace>.svc → san-mismatch at the service name', () => {
  const tree = webhookTree('right', 'DNS:hook.other.svc');
  const found = all(load(tree));
  assert.deepEqual(
    found.map((f) => [f.path, f.code, text(tree, f.path, f)]),
    [['webhook.yaml', 'san-mismatch', 'hook']],
  );
});

test('cert-manager Certificate + inject-ca-from: the serving Certificate injected is clean; another issuer’s is ca-bundle-mismatch', () => {
  assert.equal(summary(all(load(certManagerTree('serving-cert')))), '');
  const tree = certManagerTree('other-cert');
  const found = all(load(tree));
  assert.deepEqual(
    found.map((f) => [f.path, f.code, text(tree, f.path, f)]),
    [['webhook.yaml', 'ca-bundle-mismatch', 'sys/other-cert']],
  );
  const wrongName = certManagerTree('serving-cert', 'hook.svc');
  assert.deepEqual(
    all(load(wrongName)).map((f) => [f.path, f.code]),
    [['webhook.yaml', 'san-mismatch']],
  );
});

test('binary install (cfssl): option files, systemd units, loose .pem files; ca-key.pem → ca-key-exposed, nothing else', () => {
  const tree = binaryInstall();
  const ws = load(tree);
  const found = all(ws);
  assert.deepEqual(
    found.map((f) => [f.path, f.code]),
    [['opt/kubernetes/ssl/ca-key.pem', 'ca-key-exposed']],
    summary(found),
  );
  const [exposed] = found;
  assert.ok(!/PRIVATE KEY|MII|MHc/.test(exposed.message), 'the key is never shown');
  // The option file's flags were read: its certificate files are sites with positions in that file.
  const options = ws.analysis(`${ROOT}/opt/kubernetes/cfg/kube-apiserver.conf`);
  assert.equal(options?.kind, 'flags');
  const tls = options?.materials.find((m) => m.site.field.key === '--tls-cert-file');
  assert.equal(tls?.certificates[0]?.subject.text, 'O=k8s,CN=kubernetes');
  assert.equal(
    String(tree.get('opt/kubernetes/cfg/kube-apiserver.conf')).slice(tls!.site.field.span.start, tls!.site.field.span.end),
    '/opt/kubernetes/ssl/kubernetes.pem',
  );
  const etcdUnit = ws.analysis(`${ROOT}/usr/lib/systemd/system/etcd.service`);
  assert.deepEqual(
    etcdUnit?.materials.map((m) => [m.site.field.key, m.certificates.length + m.keys.length]),
    [
      ['--cert-file', 1],
      ['--key-file', 1],
      ['--peer-cert-file', 1],
      ['--peer-key-file', 1],
      ['--trusted-ca-file', 1],
      ['--peer-trusted-ca-file', 1],
    ],
  );
  const etcdOptions = ws.analysis(`${ROOT}/opt/kubernetes/cfg/etcd.conf`);
  assert.deepEqual(
    etcdOptions?.materials.map((m) => m.site.field.key),
    ['--cert-file', '--key-file', '--trusted-ca-file', '--peer-cert-file', '--peer-key-file'],
  );
  // DER is decoded like PEM.
  const der = ws.certificates().filter((c) => c.path.endsWith('kubernetes.der'));
  assert.equal(der[0]?.occurrence.certificate.subject.text, 'O=k8s,CN=kubernetes');
});

test('binary install: admin-key.pem that is not admin.pem’s key → key-mismatch on the key file, naming the certificate it does belong to', () => {
  const found = all(load(binaryInstall({ breakKey: true })));
  const f = found.find((x) => x.code === 'key-mismatch');
  assert.ok(f, summary(found));
  assert.equal(f.path, 'opt/kubernetes/ssl/admin-key.pem');
  assert.match(f.message, /CN=admin/);
  assert.match(f.message, /system:kube-proxy/);
  assert.equal(f.related?.[0].path, `${ROOT}/opt/kubernetes/ssl/admin.pem`);
});

test('binary install: a certificate whose CA is not in the tree → chain-untrusted', () => {
  const found = all(load(binaryInstall({ strayCa: true })));
  const f = found.filter((x) => x.code === 'chain-untrusted');
  assert.deepEqual(
    f.map((x) => x.path),
    ['opt/kubernetes/ssl/kube-proxy.pem'],
    summary(found),
  );
});

test('server-ca-mismatch and client-ca-mismatch: a kubeconfig from another cluster against the apiserver in the set', () => {
  const shaolin = haNode('shaolin');
  const foreign = binaryInstall().get('root/.kube/config') as string;
  // The same server address, but the CA and the client certificate are the binary install's.
  shaolin.set('etc/kubernetes/admin.conf', foreign.replace('https://192.168.10.11:6443', 'https://10.27.53.32:6443'));
  const found = all(load(shaolin)).filter((f) => f.path === 'etc/kubernetes/admin.conf');
  assert.deepEqual(found.map((f) => f.code).sort(), ['client-ca-mismatch', 'server-ca-mismatch'], summary(found));
  for (const f of found) assert.equal(f.related?.[0]?.path?.startsWith(`${ROOT}/etc/kubernetes/pki/`), true, f.related?.[0]?.path);
});

test('an update re-evaluates only the files whose links it touches, and a fix clears the finding on the other file', () => {
  const tree = ingressSplit('b.example.com');
  tree.set('unrelated.yaml', binaryInstall().get('root/.kube/config') as string);
  const ws = load(tree);
  assert.equal(ws.findings(`${ROOT}/ingress.yaml`).length, 1);
  const fixed = ingressSplit('a.example.com');
  // The Secret's file changes (here: the Ingress is what is fixed, so change the Secret to cover b.example.com instead).
  const affected = ws.setText(`${ROOT}/ingress.yaml`, { text: fixed.get('ingress.yaml') as string });
  assert.deepEqual(affected, [`${ROOT}/ingress.yaml`]);
  assert.equal(ws.findings(`${ROOT}/ingress.yaml`).length, 0);
  const again = ws.setText(`${ROOT}/secret.yaml`, { text: tree.get('secret.yaml') as string });
  assert.deepEqual(again.sort(), [`${ROOT}/ingress.yaml`, `${ROOT}/secret.yaml`]);
  assert.deepEqual(ws.update(`${ROOT}/secret.yaml`, undefined), [`${ROOT}/ingress.yaml`]);
});

test('severity overrides apply to cross-file findings', () => {
  const found = all(load(haNode('wudang', 'shaolin'), { severities: { 'san-mismatch': 'warning' } }));
  assert.ok(found.length > 0 && found.every((f) => f.severity === 'warning'));
  assert.equal(all(load(binaryInstall(), { severities: { 'ca-key-exposed': 'off' } })).length, 0);
});

test('every workspace code is raised by one tree here and absent from a close-but-fine one', () => {
  const codes: Code[] = ['ca-bundle-mismatch', 'server-ca-mismatch', 'client-ca-mismatch', 'ca-key-exposed'];
  for (const c of codes) assert.ok(c in CODES);
  const shaolin = haNode('shaolin');
  shaolin.set(
    'etc/kubernetes/admin.conf',
    (binaryInstall().get('root/.kube/config') as string).replace('https://192.168.10.11:6443', 'https://10.27.53.32:6443'),
  );
  const raised = new Set([...all(load(webhookTree('wrong'))), ...all(load(shaolin)), ...all(load(binaryInstall()))].map((f) => f.code));
  for (const c of codes) assert.ok(raised.has(c), `${c} raised`);
  const fine = new Set(
    [...all(load(webhookTree('right'))), ...all(load(haNode('shaolin'))), ...all(load(binaryInstall(), { severities: {} }))].map((f) => f.code),
  );
  for (const c of ['ca-bundle-mismatch', 'server-ca-mismatch', 'client-ca-mismatch'] as Code[]) assert.ok(!fine.has(c), `${c} absent`);
});

test('Gateway listener hostname with certificateRefs: san-mismatch at the hostname when the Secret (any file) does not cover it', () => {
  const gateway = (host: string): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: web
spec:
  gatewayClassName: example
  listeners:
  - name: https
    protocol: HTTPS
    port: 443
    hostname: ${host}
    tls:
      certificateRefs:
      - kind: Secret
        name: web-tls
`;
  const tree = ingressSplit('a.example.com');
  tree.delete('ingress.yaml');
  tree.set('gateway.yaml', gateway('b.example.com'));
  const found = all(load(tree));
  assert.deepEqual(
    found.map((f) => [f.path, f.code, text(tree, f.path, f), f.related?.[0]?.path]),
    [['gateway.yaml', 'san-mismatch', 'b.example.com', `${ROOT}/secret.yaml`]],
  );
  tree.set('gateway.yaml', gateway('a.example.com'));
  assert.equal(summary(all(load(tree))), '');
});

test('a .crt that holds no certificate → not-a-certificate; a DER key is read; a .crt with a certificate is clean', () => {
  const tree = haNode('shaolin');
  const keyPem = tree.get('etc/kubernetes/pki/apiserver.key') as string;
  tree.set('etc/kubernetes/pki/front-proxy-client.crt', keyPem);
  const derKey = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  tree.set('etc/kubernetes/pki/apiserver-key.der', derKey);
  const ws = load(tree);
  const found = all(ws);
  assert.deepEqual(
    found.map((f) => [f.path, f.code]),
    [['etc/kubernetes/pki/front-proxy-client.crt', 'not-a-certificate']],
    summary(found),
  );
  assert.match(found[0].message, /holds a private key/);
  assert.doesNotMatch(found[0].message, /BEGIN|MII|MHc/);
  const der = ws.analysis(`${ROOT}/etc/kubernetes/pki/apiserver-key.der`);
  assert.equal(der?.kind, 'pki');
  assert.equal(der?.materials[0]?.keys[0]?.type, 'EC');
});

test('links: a key file to its certificate by public key, an Ingress to its Secret, a webhook to its Service', () => {
  const bin = load(binaryInstall({ breakKey: true }));
  const keyLinks = bin.links(`${ROOT}/opt/kubernetes/ssl/admin-key.pem`).filter((l) => l.kind === 'key-pair');
  // admin-key.pem holds kube-proxy's key: its pair by public key is kube-proxy.pem, whatever the name says.
  assert.deepEqual(
    keyLinks.map((l) => l.to.path),
    [`${ROOT}/opt/kubernetes/ssl/kube-proxy.pem`],
  );
  const split = load(ingressSplit('a.example.com'));
  assert.deepEqual(
    split.links(`${ROOT}/ingress.yaml`).map((l) => [l.kind, l.to.path]),
    [['secret', `${ROOT}/secret.yaml`]],
  );
  const hook = load(webhookTree('right'));
  assert.deepEqual(
    hook.links(`${ROOT}/webhook.yaml`).map((l) => [l.kind, l.to.path]),
    [['service', `${ROOT}/service.yaml`]],
  );
});
