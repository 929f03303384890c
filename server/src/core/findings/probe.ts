// What a probe of a cluster's server found: the chain it serves, held against the kubeconfig's CA and server name.
import { isSignedBy, type Certificate } from '../x509/certificates';
import { finding, type Finding } from './finding';
import { coversHost, serverHost } from '../x509/hostnames';
import { entryWhere } from '../model/kubeconfig';
import { formatDate, relative } from '../base/time';
import type { CheckInput } from './context';

export type Served = { certificates: Certificate[] } | { error: string };

export function checkServed(input: CheckInput, served: Record<string, Served>): Finding[] {
  const config = input.kubeconfig;
  if (!config) return [];
  const out: Finding[] = [];
  for (const cluster of config.clusters) {
    const result = served[cluster.name];
    const server = cluster.fields.get('server');
    if (!result || !server) continue;
    const where = entryWhere(cluster, 'server');
    if ('error' in result) {
      out.push(finding('probe-failed', server.span, where, `The probe of ${server.value} failed: ${result.error}.`));
      continue;
    }
    const [leaf, ...rest] = result.certificates;
    const host = cluster.fields.get('tls-server-name')?.value || serverHost(server.value) || '';
    if (leaf.notAfter < input.now)
      out.push(
        finding(
          'cert-expired',
          server.span,
          where,
          `The server's certificate ${leaf.subject.text} expired on ${formatDate(leaf.notAfter)}, ${relative(leaf.notAfter, input.now)}.`,
        ),
      );
    if (host && !coversHost(leaf, host))
      out.push(
        finding(
          'san-mismatch',
          server.span,
          where,
          `The server's certificate ${leaf.subject.text} covers ${leaf.sans.join(', ') || 'no names'}, not "${host}".`,
          { data: { host, sans: leaf.sans } },
        ),
      );
    const ca = input.groups.get(`clusters/${cluster.index}`)?.find((m) => m.site.role === 'cluster-ca' && m.certificates.length > 0);
    if (ca) {
      const anchors = ca.certificates;
      const pool = [...rest, ...anchors];
      let current = leaf;
      let trusted = false;
      for (let depth = 0; depth < 10 && !trusted; depth++) {
        if (anchors.some((a) => a.sha256 === current.sha256)) trusted = true;
        else {
          const next = pool.find((c) => c.subject.derHex === current.issuer.derHex && isSignedBy(current, c));
          if (!next) break;
          current = next;
        }
      }
      if (!trusted)
        out.push(
          finding(
            'chain-untrusted',
            server.span,
            where,
            `The server's certificate ${leaf.subject.text} (issued by ${leaf.issuer.text}) does not chain to this cluster's CA (${anchors.map((a) => a.subject.text).join('; ')}): kubectl will refuse the connection.`,
            {
              related: [{ span: ca.site.field.span, message: 'the CA this kubeconfig trusts' }],
            },
          ),
        );
    }
  }
  return out;
}

/** What a user-requested probe of one cluster tells: the served leaf in lines, and the findings about it. */
export interface ProbeReport {
  ok: boolean;
  error?: string;
  summary: string[];
}

export function probeReport(input: CheckInput, cluster: string, served: Served): ProbeReport {
  if ('error' in served) return { ok: false, error: served.error, summary: [] };
  const findings = checkServed(input, { [cluster]: served });
  const leaf = served.certificates[0];
  return {
    ok: findings.length === 0,
    summary: [
      `Serving certificate: ${leaf.subject.text}`,
      `Issuer: ${leaf.issuer.text}`,
      `Valid until ${new Date(leaf.notAfter).toISOString()}`,
      `Names: ${leaf.sans.join(', ') || '(none)'}`,
      ...findings.map((f) => `${f.code}: ${f.message}`),
    ],
  };
}
