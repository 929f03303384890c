// Binary-install flags: systemd units (`ExecStart=` with `\` continuations, `Environment=`) and option files
// (`KUBE_APISERVER_OPTS="--tls-cert-file=…"`, `ETCD_CERT_FILE=…`), read as a static pod's flags are.
import type { Structure } from '../analysis';
import type { Field } from '../model/kubeconfig';
import { CERTIFICATE_FLAGS, FLAG_PAIRS, type ManifestObject } from '../model/manifests';
import { resolveReference, type Site } from '../model/sites';

const FLAG = /--([a-z0-9][a-z0-9-]*)(?:=|[ \t]+(?=[^\s\\-]))(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'\\;]+))/g;
const ETCD_VARIABLE = /^[ \t]*(?:export[ \t]+)?ETCD_([A-Z_]+)[ \t]*=[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'#]*))/gm;
const COMPONENTS: Array<[RegExp, string]> = [
  [/kube-apiserver|KUBE_APISERVER|--etcd-servers/, 'kube-apiserver'],
  [/kube-controller-manager|KUBE_CONTROLLER_MANAGER/, 'kube-controller-manager'],
  [/kube-scheduler|KUBE_SCHEDULER/, 'kube-scheduler'],
  [/kube-proxy|KUBE_PROXY/, 'kube-proxy'],
  [/kubelet|KUBELET/, 'kubelet'],
  [/etcd|ETCD_/, 'etcd'],
];

function field(name: string, value: string, valueStart: number, flagStart: number, flagEnd: number): Field {
  const span = { start: valueStart, end: valueStart + value.length };
  return {
    key: `--${name}`,
    value,
    isScalar: true,
    span,
    keySpan: { start: flagStart, end: flagEnd },
    pairSpan: { start: flagStart, end: flagEnd },
    style: 'plain',
  };
}

/** Every flag of the file, as `--name` fields whose span is the value (etcd's variables as the flags they stand for). */
export function readFlags(text: string): Field[] {
  const out: Field[] = [];
  for (const m of text.matchAll(FLAG)) {
    const value = m[2] ?? m[3] ?? m[4];
    const quoted = m[2] !== undefined || m[3] !== undefined ? 1 : 0;
    const valueStart = m.index + m[0].length - value.length - quoted;
    out.push(field(m[1], value, valueStart, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(ETCD_VARIABLE)) {
    const value = m[2] ?? m[3] ?? m[4];
    if (!value) continue;
    const quoted = m[2] !== undefined || m[3] !== undefined ? 1 : 0;
    const valueStart = m.index + m[0].length - value.length - quoted;
    out.push(field(m[1].toLowerCase().replace(/_/g, '-'), value, valueStart, m.index, m.index + m[0].length));
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

export function componentOf(text: string): string {
  return COMPONENTS.find(([re]) => re.test(text))?.[1] ?? 'flags';
}

/** The flags file as a structure: one object holding its flags, a file site for each certificate flag. */
export function flagsStructure(text: string, path: string | undefined): Structure {
  const component = componentOf(text);
  const flags = readFlags(text);
  const object: ManifestObject = { kind: 'Flags', name: component, document: 0, span: { start: 0, end: text.length }, label: component, flags };
  const sites: Site[] = [];
  for (const f of flags) {
    const name = f.key.slice(2);
    const role = CERTIFICATE_FLAGS[name];
    if (!role) continue;
    sites.push({
      role,
      where: `${component} ${f.key}`,
      encoding: 'file',
      field: f,
      file: { written: f.value, resolved: resolveReference(f.value, path) },
      group: `${component}#${FLAG_PAIRS[name] ?? name}`,
      document: 0,
    });
  }
  return { kind: 'flags', objects: [object], sites, findings: [], documentStarts: [0] };
}
