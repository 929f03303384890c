/**
 * Cluster trees for the workspace tests: a node's /etc/kubernetes, a binary install's ssl folder, manifests split over
 * files. Paths are relative ("etc/kubernetes/kubelet.conf"); contents are text or DER bytes. Fixed dates only.
 */
import { at, b64, buildCert, keyPem, sharedKey, type BuiltCert, type KeyPair } from './pki';

export type Tree = Map<string, string | Buffer>;

const ec = (slot: number): KeyPair => sharedKey({ type: 'ec', curve: 'P-256' }, 100 + slot);
const NOT_BEFORE = at('2026-01-01T00:00:00Z');
const NOT_AFTER = at('2027-01-01T00:00:00Z');
const CA_NOT_AFTER = at('2035-01-01T00:00:00Z');

export function ca(subject: string, slot: number): BuiltCert {
  return buildCert({
    subject,
    key: ec(slot),
    notBefore: NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
}

export function leaf(subject: string, issuer: BuiltCert, slot: number, usage: 'server' | 'client' | 'both', sans: string[] = []): BuiltCert {
  return buildCert({
    subject,
    key: ec(slot),
    issuer,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: usage === 'server' ? ['serverAuth'] : usage === 'client' ? ['clientAuth'] : ['serverAuth', 'clientAuth'],
    sans,
  });
}

export const key = (cert: BuiltCert): string => keyPem(cert.key, 'pkcs8');

export function kubeconfig(server: string, caPem: string, client: BuiltCert, user = 'user'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(caPem)}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(client.pem)}
    client-key-data: ${b64(key(client))}
contexts:
- name: ${user}@kubernetes
  context:
    cluster: kubernetes
    user: ${user}
current-context: ${user}@kubernetes
`;
}

export function apiserverPod(advertise: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    command:
    - kube-apiserver
    - --advertise-address=${advertise}
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --etcd-servers=https://127.0.0.1:2379
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
`;
}

let shared: ReturnType<typeof makeHa> | undefined;

function makeHa() {
  const clusterCa = ca('CN=kubernetes', 0);
  const apiserver = (node: string, ip: string): BuiltCert =>
    leaf('CN=kube-apiserver', clusterCa, node === 'shaolin' ? 1 : 2, 'server', [
      `DNS:${node}`,
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'IP:10.96.0.1',
      `IP:${ip}`,
    ]);
  return { clusterCa, shaolin: apiserver('shaolin', '10.27.53.32'), wudang: apiserver('wudang', '10.24.138.208') };
}

/** One node of the HA control plane; `serving` is the apiserver certificate its pki/ holds (another node's, to break it). */
export function haNode(node: 'wudang' | 'shaolin', serving: 'wudang' | 'shaolin' = node): Tree {
  shared ??= makeHa();
  const ip = node === 'wudang' ? '10.24.138.208' : '10.27.53.32';
  const kubelet = leaf(`CN=system:node:${node},O=system:nodes`, shared.clusterCa, node === 'wudang' ? 3 : 4, 'client');
  const cert = shared[serving];
  return new Map<string, string | Buffer>([
    ['etc/kubernetes/kubelet.conf', kubeconfig(`https://${ip}:6443`, shared.clusterCa.pem, kubelet, `system:node:${node}`)],
    ['etc/kubernetes/manifests/kube-apiserver.yaml', apiserverPod(ip)],
    ['etc/kubernetes/pki/ca.crt', shared.clusterCa.pem],
    ['etc/kubernetes/pki/apiserver.crt', cert.pem],
    ['etc/kubernetes/pki/apiserver.key', key(cert)],
  ]);
}

export function secretYaml(name: string, namespace: string, cert: BuiltCert): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(cert.pem)}
  tls.key: ${b64(key(cert))}
`;
}

export function ingressYaml(host: string, secret: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: web
spec:
  tls:
  - hosts:
    - ${host}
    secretName: ${secret}
  rules:
  - host: ${host}
`;
}

/** secret.yaml holds a certificate for a.example.com; ingress.yaml serves `host` from it. */
export function ingressSplit(host: string): Tree {
  const issuer = ca('CN=web-ca', 10);
  const cert = leaf('CN=a.example.com', issuer, 11, 'server', ['DNS:a.example.com']);
  return new Map([
    ['secret.yaml', secretYaml('web-tls', 'web', cert)],
    ['ingress.yaml', ingressYaml(host, 'web-tls')],
  ]);
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: hook
  namespace: sys
spec:
  selector:
    app: hook
  ports:
  - port: 443
    targetPort: 8443
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hook
  namespace: sys
spec:
  selector:
    matchLabels:
      app: hook
  template:
    metadata:
      labels:
        app: hook
    spec:
      containers:
      - name: hook
        image: example/hook:1
        volumeMounts:
        - name: certs
          mountPath: /tls
      volumes:
      - name: certs
        secret:
          secretName: hook-tls
`;

function webhookYaml(clientConfigExtra: string, annotation = ''): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hook${annotation ? `\n  annotations:\n    cert-manager.io/inject-ca-from: ${annotation}` : ''}
webhooks:
- name: hook.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service:
      name: hook
      namespace: sys
      path: /validate
${clientConfigExtra}`;
}

/** Webhook + Service + Deployment + Secret; the caBundle holds the CA that signed the serving certificate, or another. */
export function webhookTree(bundle: 'right' | 'wrong', san = 'DNS:hook.sys.svc'): Tree {
  const issuer = ca('CN=hook-ca', 20);
  const other = ca('CN=somebody-else', 21);
  const serving = leaf('CN=hook.sys.svc', issuer, 22, 'server', [san]);
  return new Map([
    ['webhook.yaml', webhookYaml(`    caBundle: ${b64((bundle === 'right' ? issuer : other).pem)}\n`)],
    ['service.yaml', SERVICE],
    ['deployment.yaml', DEPLOYMENT],
    ['secret.yaml', secretYaml('hook-tls', 'sys', serving)],
  ]);
}

function certificateYaml(name: string, secretName: string, dnsNames: string[], issuer: string): string {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: sys
spec:
  secretName: ${secretName}
  dnsNames:
${dnsNames.map((n) => `  - ${n}`).join('\n')}
  issuerRef:
    name: ${issuer}
    kind: Issuer
`;
}

/** cert-manager issues the serving Secret; the webhook's caBundle is injected from the Certificate `inject` names. */
export function certManagerTree(inject: 'serving-cert' | 'other-cert', dnsName = 'hook.sys.svc'): Tree {
  return new Map([
    ['webhook.yaml', webhookYaml('', `sys/${inject}`)],
    ['service.yaml', SERVICE],
    ['deployment.yaml', DEPLOYMENT],
    [
      'certificates.yaml',
      certificateYaml('serving-cert', 'hook-tls', [dnsName], 'selfsigned-issuer') +
        '---\n' +
        certificateYaml('other-cert', 'other-tls', ['other.sys.svc'], 'other-issuer'),
    ],
  ]);
}

/**
 * A binary install (cfssl naming) in /opt/kubernetes: ssl/*.pem, a systemd unit and option files. `breakKey` puts
 * kube-proxy's key in admin-key.pem; `strayCa` signs kube-proxy.pem by a CA that is not in the tree.
 */
export function binaryInstall({ breakKey = false, strayCa = false } = {}): Tree {
  const root = ca('CN=kubernetes,O=k8s,OU=System', 30);
  const stray = ca('CN=stray-ca', 31);
  const admin = leaf('CN=admin,O=system:masters,OU=System', root, 32, 'client');
  const kubernetes = leaf('CN=kubernetes,O=k8s', root, 33, 'server', [
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'IP:10.0.0.1',
    'IP:192.168.10.11',
    'IP:127.0.0.1',
  ]);
  const proxy = leaf('CN=system:kube-proxy,O=k8s', strayCa ? stray : root, 34, 'client');
  const etcd = leaf('CN=etcd', root, 35, 'both', ['IP:192.168.10.11', 'IP:127.0.0.1']);
  return new Map<string, string | Buffer>([
    ['opt/kubernetes/ssl/ca.pem', root.pem],
    ['opt/kubernetes/ssl/ca-key.pem', key(root)],
    ['opt/kubernetes/ssl/admin.pem', admin.pem],
    ['opt/kubernetes/ssl/admin-key.pem', key(breakKey ? proxy : admin)],
    ['opt/kubernetes/ssl/kubernetes.pem', kubernetes.pem],
    ['opt/kubernetes/ssl/kubernetes-key.pem', key(kubernetes)],
    ['opt/kubernetes/ssl/kube-proxy.pem', proxy.pem],
    ['opt/kubernetes/ssl/kube-proxy-key.pem', key(proxy)],
    ['opt/kubernetes/ssl/etcd.pem', etcd.pem],
    ['opt/kubernetes/ssl/etcd-key.pem', key(etcd)],
    ['opt/kubernetes/ssl/kubernetes.der', kubernetes.der],
    [
      'opt/kubernetes/cfg/kube-apiserver.conf',
      `KUBE_APISERVER_OPTS="--logtostderr=false \\
--v=2 \\
--etcd-servers=https://192.168.10.11:2379 \\
--bind-address=192.168.10.11 \\
--secure-port=6443 \\
--advertise-address=192.168.10.11 \\
--service-cluster-ip-range=10.0.0.0/24 \\
--tls-cert-file=/opt/kubernetes/ssl/kubernetes.pem  \\
--tls-private-key-file=/opt/kubernetes/ssl/kubernetes-key.pem \\
--client-ca-file=/opt/kubernetes/ssl/ca.pem \\
--etcd-cafile=/opt/kubernetes/ssl/ca.pem \\
--etcd-certfile=/opt/kubernetes/ssl/etcd.pem \\
--etcd-keyfile=/opt/kubernetes/ssl/etcd-key.pem"
`,
    ],
    [
      'opt/kubernetes/cfg/etcd.conf',
      `#[Member]
ETCD_NAME="etcd-1"
ETCD_LISTEN_CLIENT_URLS="https://192.168.10.11:2379"
#[Security]
ETCD_CERT_FILE="/opt/kubernetes/ssl/etcd.pem"
ETCD_KEY_FILE="/opt/kubernetes/ssl/etcd-key.pem"
ETCD_TRUSTED_CA_FILE="/opt/kubernetes/ssl/ca.pem"
ETCD_PEER_CERT_FILE="/opt/kubernetes/ssl/etcd.pem"
ETCD_PEER_KEY_FILE="/opt/kubernetes/ssl/etcd-key.pem"
`,
    ],
    [
      'usr/lib/systemd/system/kube-apiserver.service',
      `[Unit]
Description=Kubernetes API Server

[Service]
EnvironmentFile=/opt/kubernetes/cfg/kube-apiserver.conf
ExecStart=/opt/kubernetes/bin/kube-apiserver $KUBE_APISERVER_OPTS
Restart=on-failure
`,
    ],
    [
      'usr/lib/systemd/system/etcd.service',
      `[Service]
Type=notify
ExecStart=/opt/kubernetes/bin/etcd \\
  --name=etcd-1 \\
  --cert-file=/opt/kubernetes/ssl/etcd.pem \\
  --key-file=/opt/kubernetes/ssl/etcd-key.pem \\
  --peer-cert-file=/opt/kubernetes/ssl/etcd.pem \\
  --peer-key-file=/opt/kubernetes/ssl/etcd-key.pem \\
  --trusted-ca-file=/opt/kubernetes/ssl/ca.pem \\
  --peer-trusted-ca-file=/opt/kubernetes/ssl/ca.pem
Restart=on-failure
`,
    ],
    ['root/.kube/config', kubeconfig('https://192.168.10.11:6443', root.pem, admin, 'admin')],
  ]);
}
