// Documents full of secrets: every kind of private key in every place Kubecert reads one (and in places
// where it does not belong), tokens and passwords in every form a kubeconfig carries them. Written into a
// fresh folder with the key and certificate files they reference.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pki } from '../../support/fixtures';
import { at, b64, buildCert, buildCsr, generateKey, type BuiltCert } from '../../support/pki';
import { KEY_KINDS, knownKey, secretValue, SecretDetector, type KnownKey } from './secrets';

export interface SecretDocument {
  name: string;
  path: string;
  text: string;
  languageId: string;
}

export interface Corpus {
  dir: string;
  detector: SecretDetector;
  documents: SecretDocument[];
  /** Tokens and passwords by where they sit. */
  secrets: Record<string, string>;
  /** Files the documents reference, by name: the detector's keys in files. */
  files: Record<string, string>;
}

interface Placed {
  key: KnownKey;
  cert: BuiltCert;
}

function leafFor(key: KnownKey, subject: string): BuiltCert {
  const P = pki();
  return buildCert({
    subject,
    key: key.pair,
    issuer: P.ca,
    notBefore: at('2025-06-01T00:00:00Z'),
    notAfter: at('2027-06-01T00:00:00Z'),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth', 'serverAuth'],
    sans: ['DNS:localhost', 'IP:127.0.0.1'],
  });
}

/** Builds the corpus in `dir`. Every cluster's server, the OIDC issuer and a proxy point at `urls` (recording listeners in the tests). */
export function buildCorpus(
  dir: string,
  urls: { server: string; issuer: string; proxy: string } = {
    server: 'https://127.0.0.1:1',
    issuer: 'https://127.0.0.1:1/issuer',
    proxy: 'http://127.0.0.1:1',
  },
): Corpus {
  const { server } = urls;
  const P = pki();
  const detector = new SecretDetector();
  const fresh = (kindIndex: number, label: string): KnownKey => {
    const kind = KEY_KINDS[kindIndex];
    const key = knownKey({ ...kind, name: `${kind.name} (${label})` }, generateKey(kind.alg));
    detector.addKey(key);
    return key;
  };
  const files: Record<string, string> = {};
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
    files[name] = path;
    return path;
  };

  // Secrets that are not keys: each unique, so a hit names its source.
  const secrets = {
    token: secretValue('tok-'),
    password: secretValue('pw-'),
    idToken: 'eyJ' + secretValue('idt-'),
    refreshToken: secretValue('rft-'),
    clientSecret: secretValue('cls-'),
    accessToken: secretValue('act-'),
    execEnv: secretValue('env-'),
    execArg: secretValue('arg-'),
    urlPassword: secretValue('url-'),
    urlToken: 'eyJ' + secretValue('urt-'),
    urlSignature: secretValue('urs-'),
    urlKey: secretValue('urk-'),
    tokenFileContent: secretValue('tfc-'),
    bootstrapSecret: 'k7q2x9w4m8n3v6b1',
  };
  for (const [name, value] of Object.entries(secrets)) detector.addSecret(name, value);
  file('token-file', secrets.tokenFileContent + '\n');

  // ------------------------------------------------------------------ kubeconfig: keys where they belong
  const embedded: Placed[] = KEY_KINDS.map((_, i) => {
    const key = fresh(i, 'client-key-data');
    return { key, cert: leafFor(key, `CN=embedded-${i},O=team`) };
  });
  const onDisk: Placed[] = KEY_KINDS.map((_, i) => {
    const key = fresh(i, 'client-key file');
    const cert = leafFor(key, `CN=on-disk-${i}`);
    file(`user-${i}.crt`, cert.pem);
    file(`user-${i}.key`, key.pem);
    return { key, cert };
  });
  const derKey = fresh(1, 'DER client-key file');
  const derCert = leafFor(derKey, 'CN=der-key');
  file('der-user.crt', derCert.pem);
  file('der-user.key', derKey.der);

  // ------------------------------------------------------------------ kubeconfig: keys where they do not belong
  const inClientCert = fresh(2, 'in client-certificate-data');
  const inCa = fresh(4, 'in certificate-authority-data');
  const inCaBundle = fresh(0, 'bundled with the CA in certificate-authority-data');
  const caFileKey = fresh(3, 'file named as certificate-authority');
  file('ca-is-a-key.crt', caFileKey.pem);
  const certFileKey = fresh(1, 'file named as client-certificate');
  file('cert-is-a-key.crt', certFileKey.pem);
  const rawPem = fresh(2, 'raw PEM in client-key-data');
  const split = fresh(0, 'base64 split by spaces in client-key-data');
  const mismatch = fresh(3, 'beside a certificate it does not match');
  const truncated = fresh(0, 'truncated in client-key-data');
  const truncatedPem = truncated.pem.slice(0, Math.floor(truncated.pem.length * 0.7));
  const caFileBundle = fresh(4, 'bundled with the CA in a certificate-authority file');
  file('bundle-with-key.crt', caFileBundle.pem + P.ca.pem);

  const splitB64 = b64(split.pem).replace(/(.{60})/g, '$1 ');
  const users: string[] = [];
  const contexts: string[] = [];
  const user = (name: string, body: string[]): void => {
    users.push(`- name: ${name}`, '  user:', ...body.map((l) => `    ${l}`));
    contexts.push(`- context:`, `    cluster: ok`, `    user: ${name}`, `  name: ctx-${name}`);
  };
  embedded.forEach((p, i) => user(`embedded-${i}`, [`client-certificate-data: ${b64(p.cert.pem)}`, `client-key-data: ${b64(p.key.pem)}`]));
  onDisk.forEach((_, i) => user(`on-disk-${i}`, [`client-certificate: user-${i}.crt`, `client-key: ${join(dir, `user-${i}.key`)}`]));
  user('der', ['client-certificate: der-user.crt', 'client-key: der-user.key']);
  user('key-as-cert', [`client-certificate-data: ${b64(inClientCert.pem)}`, `client-key-data: ${b64(inClientCert.pem)}`]);
  user('key-file-as-cert', ['client-certificate: cert-is-a-key.crt', `client-key: cert-is-a-key.crt`]);
  user('raw-pem', [
    `client-certificate-data: ${b64(leafFor(rawPem, 'CN=raw-pem').pem)}`,
    'client-key-data: |',
    ...rawPem.pem
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  ]);
  user('split', [`client-certificate-data: ${b64(leafFor(split, 'CN=split').pem)}`, `client-key-data: ${splitB64}`]);
  user('mismatch', [`client-certificate-data: ${b64(P.admin.pem)}`, `client-key-data: ${b64(mismatch.pem)}`]);
  user('truncated', [`client-certificate-data: ${b64(P.admin.pem)}`, `client-key-data: ${b64(truncatedPem)}`]);
  user('token', [`token: ${secrets.token}`]);
  user('bootstrap', [`token: abcdef.${secrets.bootstrapSecret}`]);
  user('token-file', ['tokenFile: token-file']);
  user('basic', ['username: admin', `password: ${secrets.password}`]);
  user('oidc', [
    'auth-provider:',
    '  name: oidc',
    '  config:',
    '    client-id: kubernetes',
    `    client-secret: ${secrets.clientSecret}`,
    `    id-token: ${secrets.idToken}`,
    `    refresh-token: ${secrets.refreshToken}`,
    `    idp-issuer-url: ${urls.issuer}`,
  ]);
  user('gcp', [
    'auth-provider:',
    '  name: gcp',
    '  config:',
    `    access-token: ${secrets.accessToken}`,
    '    cmd-path: /bin/false',
    '    expiry: "2026-11-21T00:00:00Z"',
  ]);
  user('exec', [
    'exec:',
    '  apiVersion: client.authentication.k8s.io/v1',
    '  command: /bin/false',
    `  args: ["--token", "${secrets.execArg}"]`,
    '  env:',
    '  - name: SECRET_TOKEN',
    `    value: ${secrets.execEnv}`,
    '  interactiveMode: Never',
  ]);
  // Contexts whose hover summarises a cluster with credentials in its URL.
  for (const cluster of ['url-token', 'url-signature', 'userinfo'])
    contexts.push('- context:', `    cluster: ${cluster}`, '    user: token', `  name: ctx-${cluster}`);
  // A password written into the server URL itself.
  const userinfoServer = server.replace('https://', `https://admin:${secrets.urlPassword}@`);
  // Tokens, signatures and keys in a server URL's query and fragment, named or (a JWT) not.
  const tokenServer = `${server}?token=${secrets.urlToken}`;
  const signedServer = `${server}/api?X-Amz-Signature=${secrets.urlSignature}&x=1#api_key=${secrets.urlKey}`;
  const clusters = [
    '- cluster:',
    `    certificate-authority-data: ${b64(P.ca.pem)}`,
    `    server: ${server}`,
    `    proxy-url: ${urls.proxy}`,
    '  name: ok',
    '- cluster:',
    `    certificate-authority-data: ${b64(inCa.pem)}`,
    `    server: ${server}`,
    '  name: key-as-ca',
    '- cluster:',
    `    certificate-authority-data: ${b64(inCaBundle.pem + P.ca.pem)}`,
    `    server: ${server}`,
    '  name: key-bundled-with-ca',
    '- cluster:',
    '    certificate-authority: ca-is-a-key.crt',
    `    server: ${server}`,
    '  name: key-file-as-ca',
    '- cluster:',
    '    certificate-authority: bundle-with-key.crt',
    `    server: ${server}`,
    '  name: key-file-bundled-with-ca',
    '- cluster:',
    `    certificate-authority-data: ${b64(P.ca.pem)}`,
    `    server: ${userinfoServer}`,
    '  name: userinfo',
    '- cluster:',
    `    certificate-authority-data: ${b64(P.ca.pem)}`,
    `    server: ${tokenServer}`,
    '  name: url-token',
    '- cluster:',
    `    server: ${signedServer}`,
    '  name: url-signature',
    '- cluster:',
    `    server: "::not a url?${secrets.urlToken}&password=${secrets.urlSignature}"`,
    '  name: url-unusable',
  ];
  const kubeconfigText = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...clusters,
    'contexts:',
    ...contexts,
    'current-context: ctx-embedded-0',
    'users:',
    ...users,
    '',
  ].join('\n');

  // ------------------------------------------------------------------ the same kubeconfig as JSON
  const jsonKey = fresh(0, 'client-key-data in a JSON kubeconfig');
  const jsonCaKey = fresh(2, 'certificate-authority-data in a JSON kubeconfig');
  const jsonText = JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'json', cluster: { server, 'certificate-authority-data': b64(jsonCaKey.pem + P.ca.pem) } },
        { name: 'json-userinfo', cluster: { server: userinfoServer, 'certificate-authority-data': b64(P.ca.pem) } },
        { name: 'json-url-token', cluster: { server: tokenServer, 'certificate-authority-data': b64(P.ca.pem) } },
      ],
      users: [
        { name: 'json', user: { 'client-certificate-data': b64(leafFor(jsonKey, 'CN=json').pem), 'client-key-data': b64(jsonKey.pem), token: secrets.token } },
        { name: 'json-basic', user: { username: 'admin', password: secrets.password } },
      ],
      contexts: [{ name: 'json', context: { cluster: 'json', user: 'json' } }],
      'current-context': 'json',
    },
    null,
    2,
  );

  // ------------------------------------------------------------------ YAML errors right next to secrets
  const nearError = fresh(1, 'next to YAML errors');
  const brokenText = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(P.ca.pem)}`,
    `    server: ${server}`,
    '  name: ok',
    'users:',
    '- name: broken',
    '  user:',
    `    client-key-data: ${b64(nearError.pem)}: trailing`,
    `\tclient-certificate-data: ${b64(nearError.pem)}`,
    `    client-key-data: "${b64(nearError.pem)}`,
    `- name: flow`,
    `  user: {client-key-data: ${b64(nearError.pem)}, token: ${secrets.token}`,
    `- name: [${secrets.password}`,
    `  password: '${secrets.password}`,
    `  user: {password: ${secrets.password}, token: *${secrets.token}}`,
    '',
  ].join('\n');

  // ------------------------------------------------------------------ manifests
  const secretsOfKinds = KEY_KINDS.map((_, i) => {
    const key = fresh(i, 'Secret tls.key');
    return { key, cert: leafFor(key, `CN=web-${i}`) };
  });
  const stringDataKey = fresh(3, 'Secret stringData tls.key');
  const caCrtKey = fresh(2, 'Secret ca.crt');
  const otherPemKey = fresh(4, 'Secret data other.pem');
  const configMapKey = fresh(1, 'ConfigMap data');
  const webhookKey = fresh(3, 'webhook caBundle');
  const csrKey = fresh(2, 'CSR spec.request');
  const issuedKey = fresh(4, 'CSR status.certificate');
  const apiserviceKey = fresh(0, 'APIService caBundle bundled with a CA');
  const brokenSecretKey = fresh(1, 'Secret tls.key truncated');
  const podCertKey = fresh(2, 'Pod --tls-cert-file names a key');
  const podKey = fresh(3, 'Pod --tls-private-key-file');
  file('pod-cert-is-a-key.crt', podCertKey.pem);
  file('pod.key', podKey.pem);
  const kubeletKey = fresh(4, 'KubeletConfiguration tlsCertFile names a key');
  file('kubelet-cert-is-a-key.crt', kubeletKey.pem);
  const csr = buildCsr({ subject: 'CN=system:node:n1,O=system:nodes', key: csrKey.pair });

  const docs: string[] = [];
  secretsOfKinds.forEach((s, i) =>
    docs.push(`apiVersion: v1
kind: Secret
metadata:
  name: web-${i}
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: ${b64(s.cert.pem)}
  tls.key: ${b64(s.key.pem)}
`),
  );
  docs.push(`apiVersion: v1
kind: Secret
metadata:
  name: string-data
type: kubernetes.io/tls
stringData:
  tls.crt: |
${leafFor(stringDataKey, 'CN=string-data')
  .pem.trimEnd()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
  tls.key: |
${stringDataKey.pem
  .trimEnd()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`);
  docs.push(`apiVersion: v1
kind: Secret
metadata:
  name: misplaced
data:
  ca.crt: ${b64(caCrtKey.pem)}
  other.pem: ${b64(otherPemKey.pem)}
  tls.key: ${b64(brokenSecretKey.pem.slice(0, 900))}
  password: ${b64(secrets.password)}
  token: ${b64(secrets.token)}
`);
  docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: pem
data:
  key.pem: |
${configMapKey.pem
  .trimEnd()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
  ca.crt: |
${(configMapKey.pem + P.ca.pem)
  .trimEnd()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`);
  docs.push(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hook
webhooks:
- name: hook.example.com
  clientConfig:
    caBundle: ${b64(webhookKey.pem)}
`);
  docs.push(`apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.example.com
spec:
  caBundle: ${b64(apiserviceKey.pem + P.ca.pem)}
`);
  docs.push(`apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: misplaced
spec:
  request: ${b64(csrKey.pem)}
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
status:
  certificate: ${b64(issuedKey.pem)}
---
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: proper
spec:
  request: ${b64(csr.pem)}
  signerName: kubernetes.io/kubelet-serving
  usages: [server auth, digital signature]
`);
  docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    command:
    - kube-apiserver
    - --tls-cert-file=${join(dir, 'pod-cert-is-a-key.crt')}
    - --tls-private-key-file=${join(dir, 'pod.key')}
    - --service-account-key-file=pod.key
    - --client-ca-file=bundle-with-key.crt
    - --kubelet-client-certificate=der-user.key
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
tlsCertFile: kubelet-cert-is-a-key.crt
tlsPrivateKeyFile: pod.key
`);
  const manifestText = docs.join('---\n');

  const documents: SecretDocument[] = [
    { name: 'kubeconfig', path: join(dir, 'config.kubeconfig'), text: kubeconfigText, languageId: 'yaml' },
    { name: 'json', path: join(dir, 'config.json'), text: jsonText, languageId: 'json' },
    { name: 'broken', path: join(dir, 'broken.kubeconfig'), text: brokenText, languageId: 'yaml' },
    { name: 'manifests', path: join(dir, 'manifests.yaml'), text: manifestText, languageId: 'yaml' },
  ];
  for (const d of documents) writeFileSync(d.path, d.text, { mode: 0o600 });
  return { dir, detector, documents, secrets, files };
}
