// What a file is, from its first bytes and never its name: YAML/JSON, PEM, DER, or flags (systemd units, option files).

export type FileForm = 'yaml' | 'pem' | 'der' | 'flags';

/** How much of a file the sniff reads. */
export const SNIFF_BYTES = 8192;

const YAML_KEYS = /^\s*(?:-\s+)?(?:"|')?(?:apiVersion|kind|clusters|users|contexts|current-context|preferences)(?:"|')?\s*:/m;
const PEM_AT_LINE_START = /^-----BEGIN [A-Z0-9 ]+-----/m;
const UNIT_OR_OPTIONS = /^\s*(?:ExecStart\s*=|Environment(?:File)?\s*=|\[Service\]|(?:export\s+)?[A-Z][A-Z0-9_]*_OPTS\s*=|(?:export\s+)?ETCD_[A-Z_]+\s*=)/m;
const CERT_FLAG = /--(?:tls-cert-file|client-ca-file|cert-file|peer-cert-file|trusted-ca-file|etcd-cafile|etcd-certfile|kubelet-client-certificate)[= ]/;

/**
 * The form of a file from its head (at most SNIFF_BYTES, read as latin1 so any byte survives); undefined when
 * Kubecert has nothing to read in it.
 */
export function sniff(head: string): FileForm | undefined {
  const c0 = head.charCodeAt(0);
  const c1 = head.charCodeAt(1);
  // A DER SEQUENCE with a long-form length: a certificate, key or request.
  if (c0 === 0x30 && c1 >= 0x81 && c1 <= 0x84) {
    const inner = head.charCodeAt(2 + (c1 & 0x7f));
    if (inner === 0x30 || inner === 0x02) return 'der';
  }
  if (YAML_KEYS.test(head)) return 'yaml';
  if (/^\s*[{[]/.test(head) && /"(?:apiVersion|kind|clusters)"\s*:/.test(head)) return 'yaml';
  if (PEM_AT_LINE_START.test(head)) return 'pem';
  if (UNIT_OR_OPTIONS.test(head) && CERT_FLAG.test(head)) return 'flags';
  if (UNIT_OR_OPTIONS.test(head) && /ETCD_[A-Z_]*(?:CERT|CA)_FILE\s*=/.test(head)) return 'flags';
  return undefined;
}

/**
 * Go/Helm template actions (`{{ … }}`, `{{- … -}}`) replaced by spaces, line breaks kept: every offset stays where it
 * was, the literal YAML around them (certificates and keys included) still parses.
 */
export function blankTemplates(text: string): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let from = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', from)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    out += text.slice(from, open) + text.slice(open, close + 2).replace(/[^\r\n]/g, ' ');
    from = close + 2;
  }
  return out + text.slice(from);
}
