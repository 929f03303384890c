// Realistic kubeconfigs for the writer's endurance tests: comments, several clusters, users with embedded
// certificates and keys (generated here, ECDSA so it is quick), a token, flow style, and a team file meant
// to sit first in a KUBECONFIG list. Servers are on loopback: /usr/bin/kubectl here is Google Cloud SDK's
// dispatcher, which connects to the current context's server to pick a kubectl version; on loopback that
// fails at once instead of waiting for a route that is not there (3 s per call), and nothing leaves the machine.
import { at, b64, buildCert, generateKey, keyPem } from '../../support/pki';

function credentials(): { caPem: string; certPem: string; keyPem: string } {
  const caKey = generateKey({ type: 'ec', curve: 'P-256' });
  const ca = buildCert({
    subject: 'CN=kubernetes',
    key: caKey,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
  const key = generateKey({ type: 'ec', curve: 'P-256' });
  const leaf = buildCert({
    subject: 'CN=alice,O=dev',
    key,
    issuer: ca,
    notBefore: at('2025-06-01T00:00:00Z'),
    notAfter: at('2027-06-01T00:00:00Z'),
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['clientAuth'],
  });
  return { caPem: ca.pem, certPem: leaf.pem, keyPem: keyPem(key, 'sec1') };
}

let cached: ReturnType<typeof credentials> | undefined;
const creds = (): ReturnType<typeof credentials> => (cached ??= credentials());

/** ~/.kube/config as people keep it: commented, clusters with embedded CA, a user with a client certificate, one with a token. */
export function homeConfig(): string {
  const c = creds();
  return `# ~/.kube/config — managed by hand, keep the comments
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(c.caPem)}
    server: https://127.0.0.1:16443   # prod API, through the SSH tunnel
  name: prod
- cluster:
    certificate-authority-data: ${b64(c.caPem)}
    server: https://127.0.0.2:16443
    tls-server-name: staging.internal
  name: staging
- cluster: {server: 'https://127.0.0.3:16443', insecure-skip-tls-verify: true}  # kind
  name: kind
contexts:
# production first
- context:
    cluster: prod
    namespace: default
    user: alice
  name: prod
- context:
    cluster: staging
    user: alice
  name: staging
- context:
    cluster: kind
    namespace: "kube-system"
    user: kind-admin
  name: kind
current-context: prod   # switched often
kind: Config
preferences: {}
users:
- name: alice
  user:
    client-certificate-data: ${b64(c.certPem)}
    client-key-data: ${b64(c.keyPem)}
- name: kind-admin
  user:
    token: kind-not-a-real-token   # local only
`;
}

/** A team file that comes first in KUBECONFIG: its own cluster, user and contexts, no current-context. */
export function teamConfig(): string {
  const c = creds();
  return `# team clusters, from the platform repo
apiVersion: v1
kind: Config
clusters:
- name: edge
  cluster:
    server: https://127.0.0.4:16443
    certificate-authority-data: ${b64(c.caPem)}
users:
- name: edge-ci
  user:
    client-certificate-data: ${b64(c.certPem)}
    client-key-data: ${b64(c.keyPem)}
contexts:
- name: edge
  context: {cluster: edge, user: edge-ci}
- name: edge-batch
  context:
    cluster: edge
    user: edge-ci
    namespace: batch   # nightly jobs
`;
}
