// Builds kubeconfig text the way `kubectl config set-cluster --embed-certs` and friends write it.
import { b64 } from './pki';

export interface ClusterSpec {
  name: string;
  server?: string;
  caPem?: string;
  caFile?: string;
  insecure?: boolean;
  tlsServerName?: string;
}
export interface UserSpec {
  name: string;
  certPem?: string;
  keyPem?: string;
  certFile?: string;
  keyFile?: string;
  token?: string;
}
export interface ContextSpec {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}
export interface KubeconfigSpec {
  clusters?: ClusterSpec[];
  users?: UserSpec[];
  contexts?: ContextSpec[];
  current?: string;
}

export function kubeconfig(spec: KubeconfigSpec): string {
  const lines = ['apiVersion: v1', 'clusters:'];
  for (const c of spec.clusters ?? []) {
    lines.push('- cluster:');
    if (c.caPem) lines.push(`    certificate-authority-data: ${b64(c.caPem)}`);
    if (c.caFile) lines.push(`    certificate-authority: ${c.caFile}`);
    if (c.insecure) lines.push('    insecure-skip-tls-verify: true');
    lines.push(`    server: ${c.server ?? 'https://192.0.2.10:6443'}`);
    if (c.tlsServerName) lines.push(`    tls-server-name: ${c.tlsServerName}`);
    lines.push(`  name: ${c.name}`);
  }
  lines.push('contexts:');
  for (const c of spec.contexts ?? []) {
    lines.push('- context:', `    cluster: ${c.cluster}`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
    lines.push(`    user: ${c.user}`, `  name: ${c.name}`);
  }
  lines.push(`current-context: ${spec.current ?? spec.contexts?.[0]?.name ?? '""'}`, 'kind: Config', 'preferences: {}', 'users:');
  for (const u of spec.users ?? []) {
    lines.push(`- name: ${u.name}`, '  user:');
    if (u.certPem) lines.push(`    client-certificate-data: ${b64(u.certPem)}`);
    if (u.certFile) lines.push(`    client-certificate: ${u.certFile}`);
    if (u.keyPem) lines.push(`    client-key-data: ${b64(u.keyPem)}`);
    if (u.keyFile) lines.push(`    client-key: ${u.keyFile}`);
    if (u.token) lines.push(`    token: ${u.token}`);
  }
  return lines.join('\n') + '\n';
}
