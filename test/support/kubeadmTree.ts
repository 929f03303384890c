/**
 * A kubeadm control-plane tree (`kubeadm init phase certs all` + `kubeconfig all` layout) made with the openssl
 * command line: `openssl ca` with fixed -startdate/-enddate, each certificate ending on a date of its own, so a
 * report can be compared row by row with what `openssl x509 -enddate` reads from the same files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function run(args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, SAN: 'DNS:unused', ...env } });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

const CONFIG = (db: string): string => `[ ca ]
default_ca = CA_default
[ CA_default ]
database = ${db}/index.txt
new_certs_dir = ${db}/new
serial = ${db}/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment
subjectKeyIdentifier = hash
[ server ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[ both ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = $ENV::SAN
authorityKeyIdentifier = keyid
`;

export interface KubeadmTree {
  /** The folder standing for the node's `/`. */
  root: string;
  /** The rows `kubeadm certs check-expiration` prints, each with the file openssl reads its date from. */
  rows: Array<{ name: string; file: string; conf?: string }>;
}

/** Builds the tree under `dir`; every date is fixed, each certificate's end a different day of 2027. */
export function kubeadmTree(dir: string, node = 'cp1', ip = '10.0.0.10'): KubeadmTree {
  const root = path.join(dir, node);
  const etc = path.join(root, 'etc/kubernetes');
  const pki = path.join(etc, 'pki');
  const db = path.join(dir, `${node}-db`);
  fs.mkdirSync(path.join(pki, 'etcd'), { recursive: true });
  fs.mkdirSync(path.join(db, 'new'), { recursive: true });
  fs.writeFileSync(path.join(db, 'index.txt'), '');
  fs.writeFileSync(path.join(db, 'serial'), '1000\n');
  const cnf = path.join(db, 'openssl.cnf');
  fs.writeFileSync(cnf, CONFIG(db));
  let day = 1;
  const end = (): string => `202703${String(day++).padStart(2, '0')}120000Z`;
  const issue = (out: string, subject: string, ext: string, ca?: string, san = 'DNS:unused', enddate = end()): void => {
    const csr = `${out}.csr`;
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${out}.key`, '-subj', subject, '-out', csr]);
    const signer = ca ? ['-cert', `${ca}.crt`, '-keyfile', `${ca}.key`] : ['-selfsign', '-keyfile', `${out}.key`];
    run(
      [
        'ca',
        '-batch',
        '-notext',
        '-preserveDN',
        '-config',
        cnf,
        ...signer,
        '-in',
        csr,
        '-out',
        `${out}.crt`,
        '-startdate',
        '20260101000000Z',
        '-enddate',
        enddate,
        '-extensions',
        ext,
      ],
      { SAN: san },
    );
    fs.rmSync(csr);
  };
  const ca = path.join(pki, 'ca');
  const etcdCa = path.join(pki, 'etcd/ca');
  const proxyCa = path.join(pki, 'front-proxy-ca');
  issue(ca, '/CN=kubernetes', 'v3_ca', undefined, undefined, '20360101000000Z');
  issue(etcdCa, '/CN=etcd-ca', 'v3_ca', undefined, undefined, '20360102000000Z');
  issue(proxyCa, '/CN=front-proxy-ca', 'v3_ca', undefined, undefined, '20360103000000Z');
  const sans = `DNS:${node},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:${ip}`;
  issue(path.join(pki, 'apiserver'), '/CN=kube-apiserver', 'server', ca, sans);
  issue(path.join(pki, 'apiserver-kubelet-client'), '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', 'client', ca);
  issue(path.join(pki, 'apiserver-etcd-client'), '/CN=kube-apiserver-etcd-client', 'client', etcdCa);
  issue(path.join(pki, 'front-proxy-client'), '/CN=front-proxy-client', 'client', proxyCa);
  const etcdSans = `DNS:${node},DNS:localhost,IP:${ip},IP:127.0.0.1,IP:0:0:0:0:0:0:0:1`;
  issue(path.join(pki, 'etcd/server'), `/CN=${node}`, 'both', etcdCa, etcdSans);
  issue(path.join(pki, 'etcd/peer'), `/CN=${node}`, 'both', etcdCa, etcdSans);
  issue(path.join(pki, 'etcd/healthcheck-client'), '/CN=kube-etcd-healthcheck-client', 'client', etcdCa);
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(pki, 'sa.key')]);
  run(['pkey', '-in', path.join(pki, 'sa.key'), '-pubout', '-out', path.join(pki, 'sa.pub')]);
  const caPem = fs.readFileSync(`${ca}.crt`);
  const conf = (name: string, subject: string): void => {
    const user = path.join(db, name);
    issue(user, subject, 'client', ca);
    const b64 = (f: string): string => fs.readFileSync(f).toString('base64');
    fs.writeFileSync(
      path.join(etc, `${name}.conf`),
      `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${caPem.toString('base64')}
    server: https://${ip}:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: ${name}
  name: ${name}@kubernetes
current-context: ${name}@kubernetes
kind: Config
users:
- name: ${name}
  user:
    client-certificate-data: ${b64(`${user}.crt`)}
    client-key-data: ${b64(`${user}.key`)}
`,
    );
  };
  conf('admin', '/O=kubeadm:cluster-admins/CN=kubernetes-admin');
  conf('super-admin', '/O=system:masters/CN=kubernetes-super-admin');
  conf('controller-manager', '/CN=system:kube-controller-manager');
  conf('scheduler', '/CN=system:kube-scheduler');
  fs.mkdirSync(path.join(etc, 'manifests'), { recursive: true });
  fs.writeFileSync(
    path.join(etc, 'manifests/kube-apiserver.yaml'),
    `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=${ip}
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://127.0.0.1:2379
    - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    - --proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
    - --proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
    - --requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
    - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    image: registry.k8s.io/kube-apiserver:v1.31.0
    name: kube-apiserver
`,
  );
  fs.rmSync(db, { recursive: true });
  const p = (rel: string): string => path.join(root, rel);
  return {
    root,
    rows: [
      { name: 'admin.conf', file: p('etc/kubernetes/admin.conf'), conf: 'admin' },
      { name: 'apiserver', file: p('etc/kubernetes/pki/apiserver.crt') },
      { name: 'apiserver-etcd-client', file: p('etc/kubernetes/pki/apiserver-etcd-client.crt') },
      { name: 'apiserver-kubelet-client', file: p('etc/kubernetes/pki/apiserver-kubelet-client.crt') },
      { name: 'controller-manager.conf', file: p('etc/kubernetes/controller-manager.conf'), conf: 'controller-manager' },
      { name: 'etcd-healthcheck-client', file: p('etc/kubernetes/pki/etcd/healthcheck-client.crt') },
      { name: 'etcd-peer', file: p('etc/kubernetes/pki/etcd/peer.crt') },
      { name: 'etcd-server', file: p('etc/kubernetes/pki/etcd/server.crt') },
      { name: 'front-proxy-client', file: p('etc/kubernetes/pki/front-proxy-client.crt') },
      { name: 'scheduler.conf', file: p('etc/kubernetes/scheduler.conf'), conf: 'scheduler' },
      { name: 'super-admin.conf', file: p('etc/kubernetes/super-admin.conf'), conf: 'super-admin' },
      { name: 'ca', file: p('etc/kubernetes/pki/ca.crt') },
      { name: 'etcd-ca', file: p('etc/kubernetes/pki/etcd/ca.crt') },
      { name: 'front-proxy-ca', file: p('etc/kubernetes/pki/front-proxy-ca.crt') },
    ],
  };
}
