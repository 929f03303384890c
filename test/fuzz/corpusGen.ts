// Builds the generated seeds once (`run.js --write-corpus`) and freezes them under test/fuzz/corpus/.
// Frozen because key generation and ECDSA signatures are random: the seeds, and so every round, must
// be the same bytes from one run to the next for `--seed` to reproduce anything.
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert, buildCsr, keyPem, sharedKey, type BuiltCert, type CertSpec, type KeyAlg, type KeyPair } from '../support/pki';

const rsa = (slot: number): KeyPair => sharedKey({ type: 'rsa', bits: 2048 }, 100 + slot);
const weakRsa = (): KeyPair => sharedKey({ type: 'rsa', bits: 1024 }, 100);
const ec = (curve: 'P-256' | 'P-384', slot: number): KeyPair => sharedKey({ type: 'ec', curve }, 100 + slot);
const ed = (slot: number): KeyPair => sharedKey({ type: 'ed25519' } as KeyAlg, 100 + slot);

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');

export interface GeneratedCorpus {
  /** File name → text. */
  seeds: Record<string, string>;
  /** Absolute path → file content (base64) for the fuzz host. */
  host: Record<string, string>;
}

export function generateCorpus(): GeneratedCorpus {
  const valid = { notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2035-01-01T00:00:00Z') };
  const leafDates = { notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2027-06-01T00:00:00Z') };
  const caUsage: CertSpec['keyUsage'] = ['keyCertSign', 'cRLSign', 'digitalSignature'];
  const ca = buildCert({ subject: 'CN=kubernetes', key: rsa(0), ...valid, ca: true, keyUsage: caUsage });
  const ecCa = buildCert({ subject: 'CN=ec-ca,O=fuzz', key: ec('P-384', 0), ...valid, ca: true, pathLen: 0, keyUsage: caUsage });
  const edCa = buildCert({ subject: 'CN=ed-ca', key: ed(0), ...valid, ca: true, keyUsage: caUsage });
  const root = buildCert({ subject: 'CN=fuzz-root', key: rsa(1), ...valid, ca: true, pathLen: 1, keyUsage: caUsage });
  const intermediate = buildCert({ subject: 'CN=fuzz-intermediate', key: ec('P-256', 1), issuer: root, ...valid, ca: true, pathLen: 0, keyUsage: caUsage });
  const leaf = (subject: string, key: KeyPair, issuer: BuiltCert, extra: Partial<CertSpec> = {}): BuiltCert =>
    buildCert({ subject, key, issuer, ...leafDates, keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['clientAuth'], ...extra });

  const admin = leaf('CN=admin,O=system:masters', rsa(2), ca);
  const node = leaf('CN=system:node:worker-1,O=system:nodes', ec('P-256', 2), ecCa);
  const jane = leaf('CN=jane,OU=system:masters,O=dev', ed(1), edCa);
  const expired = leaf('CN=old-admin', rsa(3), ca, { notBefore: at('2020-01-01T00:00:00Z'), notAfter: at('2021-01-01T00:00:00Z') });
  const future = leaf('CN=future', rsa(3), ca, { notBefore: at('2030-01-01T00:00:00Z'), notAfter: at('2031-01-01T00:00:00Z') });
  const soon = leaf('CN=soon', rsa(3), ca, { notBefore: at('2026-01-01T00:00:00Z'), notAfter: at('2026-12-01T00:00:00Z') });
  const sha1 = leaf('CN=legacy,O=system:masters', rsa(3), ca, { hash: 'sha1' });
  const weak = leaf('CN=weak', weakRsa(), ca);
  const serverOnly = leaf('CN=server-only', rsa(2), ca, { extKeyUsage: ['serverAuth'] });
  const chained = leaf('CN=chained,O=team-a', ec('P-256', 3), intermediate);
  const serving = leaf('CN=web.example.test', ec('P-256', 4), intermediate, {
    extKeyUsage: ['serverAuth'],
    sans: ['DNS:web.example.test', 'DNS:*.apps.example.test', 'IP:192.0.2.10', 'IP:2001:db8::1', 'URI:spiffe://fuzz/web', 'email:ops@example.test'],
  });
  const apiserver = leaf('CN=kube-apiserver', rsa(4), ca, {
    extKeyUsage: ['serverAuth'],
    sans: ['DNS:kubernetes', 'DNS:kubernetes.default.svc', 'IP:10.96.0.1', 'IP:192.0.2.10'],
  });
  const notCa = leaf('CN=not-a-ca', rsa(2), ca);

  const csrKubelet = buildCsr({ subject: 'CN=system:node:worker-2,O=system:nodes', key: ec('P-256', 5) });
  const csrMasters = buildCsr({ subject: 'CN=mallory,O=system:masters', key: rsa(5), extKeyUsage: ['clientAuth'], sans: ['DNS:mallory.example.test'] });
  const csrEd = buildCsr({ subject: 'CN=ed-user', key: ed(2) });
  const csrServing = buildCsr({
    subject: 'CN=system:node:worker-3,O=system:nodes',
    key: ec('P-256', 6),
    sans: ['DNS:worker-3', 'IP:192.0.2.13'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
  });

  const encrypted = rsa(6).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'fuzz' }) as string;
  // An EC key in SEC1 form without its public point: the core must derive it.
  const sec1NoPublic = sec1WithoutPublicKey(ec('P-256', 2));

  const seeds: Record<string, string> = {};

  seeds['gen-rsa.kubeconfig'] = kubeconfig({
    clusters: [{ name: 'prod', caPem: ca.pem, server: 'https://192.0.2.10:6443', tlsServerName: 'kubernetes' }],
    users: [
      { name: 'admin', certPem: admin.pem, keyPem: keyPem(rsa(2), 'pkcs8') },
      { name: 'mismatched', certPem: notCa.pem, keyPem: keyPem(rsa(5), 'pkcs1') },
    ],
    contexts: [
      { name: 'prod-admin', cluster: 'prod', user: 'admin', namespace: 'kube-system' },
      { name: 'prod-mismatched', cluster: 'prod', user: 'mismatched' },
    ],
  });

  seeds['gen-ec.kubeconfig'] = kubeconfig({
    clusters: [{ name: 'edge', caPem: ecCa.pem, server: 'https://192.0.2.11:6443' }],
    users: [
      { name: 'worker-1', certPem: node.pem, keyPem: keyPem(ec('P-256', 2), 'sec1') },
      { name: 'worker-1-derived', certPem: node.pem, keyPem: sec1NoPublic },
      { name: 'worker-1-pkcs8', certPem: node.pem, keyPem: keyPem(ec('P-256', 2), 'pkcs8') },
    ],
    contexts: [{ name: 'edge', cluster: 'edge', user: 'worker-1' }],
  });

  seeds['gen-ed25519.kubeconfig'] = kubeconfig({
    clusters: [{ name: 'ed', caPem: edCa.pem, server: 'https://ed.example.test:6443' }],
    users: [{ name: 'jane', certPem: jane.pem, keyPem: keyPem(ed(1), 'pkcs8') }],
    contexts: [{ name: 'ed', cluster: 'ed', user: 'jane' }],
  });

  seeds['gen-problems.kubeconfig'] = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(ca.pem)}`,
    '    certificate-authority: /fuzz/pki/ca.crt',
    '    insecure-skip-tls-verify: true',
    '    server: http://192.0.2.10:8080',
    '  name: dup',
    '- cluster:',
    `    certificate-authority-data: ${b64(notCa.pem)}`,
    '    server: https://192.0.2.12',
    '  name: dup',
    '- cluster:',
    `    certificate-authority-data: ${ca.der.toString('base64')}`,
    '    server: https://192.0.2.13:6443',
    '  name: der-ca',
    'contexts:',
    '- context: {cluster: missing, user: expired, namespace: dev}',
    '  name: broken',
    '- context:',
    '    cluster: dup',
    '    user: nobody',
    '  name: dangling-user',
    'current-context: does-not-exist',
    'users:',
    '- name: expired',
    '  user:',
    `    client-certificate-data: ${b64(expired.pem + future.pem)}`,
    `    client-key-data: ${b64(keyPem(rsa(3), 'pkcs1'))}`,
    '- name: soon',
    '  user:',
    `    client-certificate-data: ${b64(soon.pem)}`,
    '- name: legacy',
    '  user:',
    `    client-certificate-data: ${b64(sha1.pem)}`,
    `    client-key-data: ${b64(encrypted)}`,
    '- name: weak',
    '  user:',
    `    client-certificate-data: ${b64(weak.pem)}`,
    `    client-key-data: ${b64(keyPem(weakRsa(), 'pkcs1'))}`,
    '- name: raw-pem',
    '  user:',
    '    client-certificate-data: |',
    indent(serverOnly.pem, '      '),
    '- name: spaced',
    '  user:',
    `    client-certificate-data: ${b64(admin.pem).replace(/(.{76})/g, '$1 ')}`,
    '- name: key-in-cert',
    '  user:',
    `    client-certificate-data: ${b64(keyPem(rsa(2), 'pkcs8'))}`,
    `    client-key-data: ${b64(admin.pem)}`,
    '- name: bootstrap',
    '  user:',
    '    token: abcdef.0123456789abcdef',
    '- name: exec',
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    '      command: kubectl-oidc',
    '      args: ["--issuer", "https://idp.example.test"]',
    '',
  ].join('\n');

  seeds['gen-files.kubeconfig'] = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /fuzz/pki/ca.crt',
    '    server: https://192.0.2.10:6443',
    '  name: files',
    '- cluster:',
    '    certificate-authority: pki/der.crt',
    '    server: https://192.0.2.10:6443',
    '  name: der',
    '- cluster:',
    '    certificate-authority: ../fuzz/pki',
    '    server: https://192.0.2.10:6443',
    '  name: folder',
    'contexts:',
    '- context:',
    '    cluster: files',
    '    user: files',
    '  name: files',
    'current-context: files',
    'users:',
    '- name: files',
    '  user:',
    '    client-certificate: pki/admin.crt',
    '    client-key: /fuzz/pki/admin.key',
    '- name: broken-files',
    '  user:',
    '    client-certificate: /fuzz/pki/garbage.crt',
    '    client-key: /fuzz/pki/missing.key',
    '- name: big',
    '  user:',
    '    client-certificate: /fuzz/pki/big.crt',
    '    client-key: /fuzz/pki/empty.key',
    '',
  ].join('\n');

  seeds['gen-json.kubeconfig'] =
    JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'json', cluster: { server: 'https://192.0.2.20:6443', 'certificate-authority-data': b64(ecCa.pem) } }],
        users: [
          { name: 'json', user: { 'client-certificate-data': b64(node.pem), 'client-key-data': b64(keyPem(ec('P-256', 2), 'pkcs8')) } },
          { name: 'json-raw', user: { 'client-certificate-data': jane.pem } },
        ],
        contexts: [{ name: 'json', context: { cluster: 'json', user: 'json' } }],
        'current-context': 'json',
      },
      null,
      2,
    ) + '\n';

  seeds['gen-chain.kubeconfig'] = [
    'apiVersion: v1',
    'kind: Config',
    'x-defaults: &defaults',
    '  server: https://192.0.2.30:6443',
    `  certificate-authority-data: ${b64(root.pem)}`,
    'clusters:',
    '- name: chain',
    '  cluster:',
    '    <<: *defaults',
    '- name: chain-copy',
    '  cluster: {<<: *defaults, tls-server-name: kubernetes}',
    'contexts:',
    '- name: chain',
    '  context: &ctx',
    '    cluster: chain',
    '    user: chained',
    '- name: chain-again',
    '  context: *ctx',
    'current-context: chain',
    'users:',
    '- name: chained',
    '  user:',
    `    client-certificate-data: ${b64(chained.pem + intermediate.pem)}`,
    `    client-key-data: ${b64(keyPem(ec('P-256', 3), 'sec1'))}`,
    '- name: wrong-order',
    '  user:',
    `    client-certificate-data: ${b64(intermediate.pem + chained.pem + root.pem)}`,
    '',
  ].join('\n');

  seeds['gen-crlf.kubeconfig'] = [
    '# A kubeconfig written on Windows, with every scalar style.',
    'apiVersion: "v1"',
    "kind: 'Config'",
    'clusters:',
    '  - name: "crlf" # quoted name',
    '    cluster:',
    `      certificate-authority-data: "${b64(ca.pem)}"`,
    "      server: 'https://192.0.2.40:6443'",
    'users:',
    '  - name: folded',
    '    user:',
    '      client-certificate-data: >-',
    indent(b64(admin.pem).replace(/(.{64})/g, '$1\n'), '        '),
    `      client-key-data: '${b64(keyPem(rsa(2), 'pkcs1'))}'`,
    '  - name: literal',
    '    user:',
    '      client-certificate-data: |',
    indent(b64(admin.pem).replace(/(.{64})/g, '$1\n'), '        '),
    'contexts:',
    '  - name: crlf',
    '    context: {cluster: crlf, user: folded}',
    'current-context: crlf',
    '',
  ].join('\r\n');

  seeds['gen-secret.yaml'] = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: web-tls',
    '  namespace: default',
    'type: kubernetes.io/tls',
    'data:',
    `  tls.crt: ${b64(serving.pem + intermediate.pem)}`,
    `  tls.key: ${b64(keyPem(ec('P-256', 4), 'pkcs8'))}`,
    `  ca.crt: ${b64(root.pem)}`,
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: string-data, namespace: default}',
    'stringData:',
    '  tls.crt: |',
    indent(apiserver.pem, '    '),
    '  tls.key: |',
    indent(keyPem(rsa(4), 'pkcs1'), '    '),
    '  notes: "-----BEGIN CERTIFICATE-----\\nnot base64 at all\\n-----END CERTIFICATE-----\\n"',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: opaque}',
    'data:',
    `  bundle.pem: ${b64(ca.pem + ecCa.pem + edCa.pem)}`,
    '  password: aHVudGVyMg==',
    '  broken: not-base64!',
    '',
  ].join('\n');

  seeds['gen-configmap.yaml'] = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: kube-root-ca.crt',
    '  namespace: kube-system',
    'data:',
    '  ca.crt: |',
    indent(ca.pem, '    '),
    '  bundle.pem: |+',
    indent(root.pem + intermediate.pem + edCa.pem, '    '),
    '',
    '  extra-ca.crt: "' + ecCa.pem.replace(/\n/g, '\\n') + '"',
    '',
  ].join('\n');

  seeds['gen-webhooks.yaml'] = [
    'apiVersion: admissionregistration.k8s.io/v1',
    'kind: ValidatingWebhookConfiguration',
    'metadata: {name: policy}',
    'webhooks:',
    '- name: validate.example.test',
    '  clientConfig:',
    '    service: {name: policy, namespace: policy}',
    `    caBundle: ${b64(root.pem)}`,
    '- name: second.example.test',
    '  clientConfig:',
    '    url: https://hooks.example.test/validate',
    `    caBundle: ${b64(serving.pem)}`,
    '---',
    'apiVersion: admissionregistration.k8s.io/v1',
    'kind: MutatingWebhookConfiguration',
    'metadata: {name: inject}',
    'webhooks:',
    '- name: inject.example.test',
    '  clientConfig:',
    `    caBundle: ${b64(ecCa.pem)}`,
    '---',
    'apiVersion: apiregistration.k8s.io/v1',
    'kind: APIService',
    'metadata: {name: v1beta1.metrics.k8s.io}',
    'spec:',
    '  group: metrics.k8s.io',
    `  caBundle: ${b64(ca.pem)}`,
    '---',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata: {name: widgets.example.test}',
    'spec:',
    '  conversion:',
    '    strategy: Webhook',
    '    webhook:',
    '      clientConfig:',
    `        caBundle: ${b64(edCa.pem)}`,
    '',
  ].join('\n');

  seeds['gen-csr.yaml'] = [
    'apiVersion: certificates.k8s.io/v1',
    'kind: CertificateSigningRequest',
    'metadata: {name: node-csr-worker-2}',
    'spec:',
    `  request: ${b64(csrKubelet.pem)}`,
    '  signerName: kubernetes.io/kube-apiserver-client-kubelet',
    '  usages: [digital signature, client auth]',
    '---',
    'apiVersion: certificates.k8s.io/v1',
    'kind: CertificateSigningRequest',
    'metadata: {name: mallory}',
    'spec:',
    `  request: ${b64(csrMasters.pem)}`,
    '  signerName: kubernetes.io/kube-apiserver-client-kubelet',
    '  usages:',
    '  - client auth',
    '  - server auth',
    'status:',
    `  certificate: ${b64(admin.pem)}`,
    '---',
    'apiVersion: certificates.k8s.io/v1',
    'kind: CertificateSigningRequest',
    'metadata: {name: ed}',
    'spec:',
    `  request: ${b64(csrEd.pem)}`,
    '  signerName: kubernetes.io/kube-apiserver-client',
    '  usages: [client auth]',
    '---',
    'apiVersion: certificates.k8s.io/v1',
    'kind: CertificateSigningRequest',
    'metadata: {name: serving-worker-3}',
    'spec:',
    `  request: ${b64(csrServing.pem)}`,
    '  signerName: kubernetes.io/kubelet-serving',
    '  usages: [digital signature, key encipherment, server auth]',
    '',
  ].join('\n');

  seeds['gen-ingress.yaml'] = [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata: {name: web, namespace: default}',
    'spec:',
    '  tls:',
    '  - hosts: [web.example.test, shop.apps.example.test, other.example.test]',
    '    secretName: web-tls',
    '  - hosts:',
    '    - 192.0.2.10',
    '    secretName: missing-secret',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: web-tls, namespace: default}',
    'type: kubernetes.io/tls',
    'data:',
    `  tls.crt: ${b64(serving.pem)}`,
    `  tls.key: ${b64(keyPem(ec('P-256', 4), 'sec1'))}`,
    '',
  ].join('\n');

  seeds['gen-pod.yaml'] = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: kube-apiserver, namespace: kube-system}',
    'spec:',
    '  containers:',
    '  - name: kube-apiserver',
    '    command:',
    '    - kube-apiserver',
    '    - --tls-cert-file=/fuzz/pki/apiserver.crt',
    '    - --tls-private-key-file=/fuzz/pki/apiserver.key',
    '    - --client-ca-file=/fuzz/pki/ca.crt',
    '    - "--etcd-cafile=/fuzz/pki/etcd/ca.crt"',
    "    - '--kubelet-client-certificate=pki/admin.crt'",
    '    - --kubelet-client-key=pki/admin.key',
    '    - --service-account-key-file=/fuzz/pki/missing.pub',
    '  initContainers:',
    '  - name: init',
    '    args: ["--proxy-client-cert-file=/fuzz/pki/der.crt", "--proxy-client-key-file=/fuzz/pki/garbage.crt"]',
    '---',
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'kind: KubeletConfiguration',
    'tlsCertFile: /fuzz/pki/apiserver.crt',
    'tlsPrivateKeyFile: /fuzz/pki/admin.key',
    'authentication:',
    '  x509:',
    '    clientCAFile: /fuzz/pki/ca.crt',
    '',
  ].join('\n');

  seeds['gen-list.yaml'] = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Secret',
    '  metadata: {name: in-list}',
    '  data:',
    `    ca.crt: ${b64(ca.pem)}`,
    '- kind: SecretList',
    '  items:',
    '  - kind: Secret',
    '    metadata: {name: nested}',
    '    data:',
    `      tls.crt: ${b64(jane.pem)}`,
    `      tls.key: ${b64(keyPem(ed(1), 'pkcs8'))}`,
    '- kind: ConfigMap',
    '  metadata: {name: cm-in-list}',
    '  data:',
    '    ca.crt: |',
    indent(edCa.pem, '      '),
    '',
  ].join('\n');

  seeds['gen-multi.yaml'] = [seeds['gen-ec.kubeconfig'].trimEnd(), '---', seeds['gen-ingress.yaml'].trimEnd(), '...', '---', seeds['gen-configmap.yaml']].join(
    '\n',
  );

  const host: Record<string, string> = {
    '/fuzz/pki/ca.crt': b64(ca.pem),
    '/fuzz/pki/admin.crt': b64(admin.pem),
    '/fuzz/pki/admin.key': b64(keyPem(rsa(2), 'pkcs1')),
    '/fuzz/pki/apiserver.crt': b64(apiserver.pem + ca.pem),
    '/fuzz/pki/apiserver.key': b64(keyPem(rsa(4), 'pkcs8')),
    '/fuzz/pki/etcd/ca.crt': b64(ecCa.pem),
    '/fuzz/pki/der.crt': ca.der.toString('base64'),
    '/fuzz/pki/garbage.crt': b64('-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n'),
    '/fuzz/pki/empty.key': '',
  };
  return { seeds, host };
}

/** SEC1 DER with version, private scalar and curve but no public point (RFC 5915 makes it optional). */
function sec1WithoutPublicKey(key: KeyPair): string {
  const jwk = key.privateKey.export({ format: 'jwk' }) as { d: string };
  const d = Buffer.from(jwk.d, 'base64url');
  const curve = Buffer.from([0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x04, d.length]), d, curve]);
  const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
  // Prove it loads before shipping it as a seed.
  createPrivateKey({ key: der, format: 'der', type: 'sec1' });
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN EC PRIVATE KEY-----\n${lines.join('\n')}\n-----END EC PRIVATE KEY-----\n`;
}

export function writeCorpus(dir: string): string[] {
  const { seeds, host } = generateCorpus();
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.startsWith('gen-') || name === 'host.json') rmSync(join(dir, name));
  for (const [name, text] of Object.entries(seeds)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'host.json'), JSON.stringify(host, null, 1) + '\n');
  return [...Object.keys(seeds), 'host.json'];
}
