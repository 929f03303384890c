// Bundles of many certificates in one field, generated at test time: a few distinct certificates (leaves of a CA
// the bundle does not hold, and CAs) repeated to the size asked, as one certificate-authority-data value.
import { pki } from '../support/fixtures';
import { at, b64, buildCert, sharedKey } from '../support/pki';

let distinct: string[] | undefined;

function certificates(): string[] {
  if (distinct) return distinct;
  const P = pki();
  const out: string[] = [];
  for (let i = 0; i < 16; i++) {
    const leaf = buildCert({
      subject: `CN=bundle-${i},O=team`,
      key: sharedKey({ type: 'ec', curve: 'P-256' }, i % 4),
      issuer: P.ca,
      notBefore: at('2025-01-01T00:00:00Z'),
      notAfter: i % 3 === 0 ? at('2026-01-01T00:00:00Z') : at('2030-01-01T00:00:00Z'),
      sans: [`DNS:bundle-${i}.example`],
    });
    out.push(i % 5 === 0 ? P.ca.pem : leaf.pem);
  }
  return (distinct = out);
}

/** A kubeconfig whose one cluster's certificate-authority-data holds `count` certificates. */
export function bundleKubeconfig(count: number): { text: string; offset: number } {
  const certs = certificates();
  const pem = Array.from({ length: count }, (_, i) => certs[i % certs.length]).join('');
  const head = 'apiVersion: v1\nkind: Config\nclusters:\n- name: big\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority-data: ';
  const text = `${head}${b64(pem)}\ncontexts:\n- name: big\n  context:\n    cluster: big\n    user: u\ncurrent-context: big\nusers:\n- name: u\n  user: {}\n`;
  return { text, offset: head.length + 10 };
}
