// The only network Kubecert ever uses, and only when asked: a TLS handshake with a cluster's server,
// sending no client certificate, token or password, to read the certificate chain it serves.
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { judgeProbe, type Analysis } from './core';
import type { ProbeResult } from '../../shared/protocol';
import { decodeCertificate, type Certificate } from './core';
import type { Served } from './core';
import { serverHost } from './core';
import { shownServer } from './core';

export interface ProbeTarget {
  url: string;
  /** SNI and the name the certificate is held against. */
  serverName?: string;
  timeoutMs?: number;
}

export function probeServer(target: ProbeTarget): Promise<Served> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.resolve({ error: `"${shownServer(target.url)}" is not a URL` });
  }
  if (url.protocol !== 'https:') return Promise.resolve({ error: `only https:// servers are probed, not ${url.protocol}//` });
  // A probe sends no credentials; a URL that carries some is not probed (and its password is never repeated).
  if (url.username || url.password)
    return Promise.resolve({ error: 'the server URL carries credentials (user:password@host); Kubecert sends none and does not probe it' });
  if (!url.hostname) return Promise.resolve({ error: 'the server URL names no host' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const servername = target.serverName || (/^[\d.]+$|:/.test(host) ? undefined : host);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Served): void => {
      if (settled) return;
      settled = true;
      // Close politely (TLS close_notify) so the server sees an orderly goodbye, not a broken handshake.
      socket.end();
      setTimeout(() => socket.destroy(), 200).unref();
      resolve(r);
    };
    // rejectUnauthorized: false — we judge the chain ourselves and report; nothing is sent after the handshake.
    const socket = connect({ host, port, servername, rejectUnauthorized: false, timeout: target.timeoutMs ?? 5000 }, () => {
      const chain: Certificate[] = [];
      let peer: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (peer && peer.raw && !seen.has(peer.fingerprint256)) {
        seen.add(peer.fingerprint256);
        try {
          chain.push(decodeCertificate(new Uint8Array(peer.raw)));
        } catch (e) {
          done({ error: `the server sent a certificate that cannot be read: ${(e as Error).message}` });
          return;
        }
        peer = peer.issuerCertificate;
      }
      done(chain.length ? { certificates: chain } : { error: 'the server sent no certificate' });
    });
    socket.on('timeout', () => done({ error: `no TLS handshake within ${(target.timeoutMs ?? 5000) / 1000} s` }));
    socket.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ? `${e.code} (${e.message})` : e.message }));
  });
}

/** Probes every cluster server named in the analysed kubeconfig. */
export async function probeKubeconfig(analysis: Analysis, log: (s: string) => void): Promise<Record<string, Served>> {
  const out: Record<string, Served> = {};
  for (const cluster of analysis.kubeconfig?.clusters ?? []) {
    const server = cluster.fields.get('server')?.value;
    if (!server || !serverHost(server)) continue;
    if (shownServer(server) !== server) {
      log(`kubecert: not probing ${shownServer(server)}: the server URL carries credentials, and a probe sends none\n`);
      continue;
    }
    log(`kubecert: probing ${server} (TLS handshake only, no credentials)\n`);
    out[cluster.name] = await probeServer({ url: server, serverName: cluster.fields.get('tls-server-name')?.value });
  }
  return out;
}

/** The user asked to probe one cluster of an analysed kubeconfig: the handshake, judged, named as hovers name it. */
export async function probeCluster(analysis: Analysis, name: string, options: { now: number; warnDays: number }): Promise<ProbeResult> {
  const cluster = analysis.kubeconfig?.clusters.find((c) => c.name === name);
  const server = cluster?.fields.get('server')?.value;
  if (!cluster || !server) return { server: shownServer(server ?? ''), ok: false, error: `no cluster "${name}" in this document`, summary: [] };
  const served = await probeServer({ url: server, serverName: cluster.fields.get('tls-server-name')?.value });
  return { server: shownServer(server), ...judgeProbe(analysis, name, served, options) };
}
