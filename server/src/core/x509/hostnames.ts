// Does a certificate cover a host name? As Go's crypto/x509 and RFC 6125 decide: SANs only, wildcards span one label.
import type { Certificate } from './certificates';

export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** Normalises an IP text to the form certificates.ts prints (dotted quad, RFC 5952 IPv6). */
export function normaliseIp(host: string): string {
  const h = host.replace(/^\[|\]$/g, '');
  if (!h.includes(':')) return h;
  const [head, tail] = h.split('::');
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? a : [...a, ...Array(8 - a.length - b.length).fill('0'), ...b];
  const words = groups.map((g) => parseInt(g || '0', 16).toString(16));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < words.length;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && words[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return words.slice(0, best).join(':') + '::' + words.slice(best + bestLen).join(':');
}

export function matchesDnsName(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const suffix = p.slice(1); // ".example.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

export function coversHost(cert: Certificate, host: string): boolean {
  if (isIpAddress(host)) {
    const ip = normaliseIp(host);
    return cert.sans.some((s) => s.startsWith('IP:') && s.slice(3) === ip);
  }
  return cert.sans.some((s) => s.startsWith('DNS:') && matchesDnsName(s.slice(4), host));
}

/** A wildcard host (`*.example.com` in an Ingress) is covered only by the same wildcard. */
export function coversPattern(cert: Certificate, host: string): boolean {
  if (host.startsWith('*.')) return cert.sans.some((s) => s.startsWith('DNS:') && s.slice(4).toLowerCase() === host.toLowerCase());
  return coversHost(cert, host);
}

/** The host of a kubeconfig `server` URL, or undefined when it is not a URL. */
export function serverHost(server: string): string | undefined {
  try {
    const url = new URL(server);
    return url.hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}
