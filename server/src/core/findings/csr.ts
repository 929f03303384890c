// csr-subject-mismatch: a CertificateSigningRequest must match what its signer will sign.
import { attributes } from '../x509/certificates';
import { finding, type Finding } from './finding';
import type { CheckInput } from './context';

interface SignerRule {
  node: boolean;
  usages: { required: string; allowed: string[] };
  sans: 'none' | 'dns-ip' | 'any';
}

const SIGNERS: Record<string, SignerRule> = {
  'kubernetes.io/kube-apiserver-client-kubelet': {
    node: true,
    usages: { required: 'client auth', allowed: ['digital signature', 'key encipherment', 'client auth'] },
    sans: 'none',
  },
  'kubernetes.io/kubelet-serving': {
    node: true,
    usages: { required: 'server auth', allowed: ['digital signature', 'key encipherment', 'server auth'] },
    sans: 'dns-ip',
  },
  'kubernetes.io/kube-apiserver-client': {
    node: false,
    usages: { required: 'client auth', allowed: ['digital signature', 'key encipherment', 'client auth'] },
    sans: 'any',
  },
};

export function checkCsrs(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const object of input.objects) {
    if (!object.csr) continue;
    const signer = object.csr.signerName?.value ?? '';
    const rule = SIGNERS[signer];
    const request = input.groups.get(`${object.document}/${object.label}`)?.find((m) => m.site.role === 'csr');
    const csr = request?.requests[0];
    if (!request || !csr) continue;
    const problems: string[] = [];
    let usagesFix: string[] | undefined;
    if (!csr.signatureValid) problems.push('its signature does not verify with its own public key, so the request was altered or is corrupt');
    if (rule) {
      const cn = attributes(csr.subject, 'CN');
      const orgs = attributes(csr.subject, 'O');
      if (rule.node) {
        if (cn.length !== 1 || !/^system:node:.+$/.test(cn[0]))
          problems.push(`CN must be system:node:<nodeName>, not ${cn.length ? `"${cn.join('", "')}"` : 'missing'}`);
        if (orgs.length !== 1 || orgs[0] !== 'system:nodes')
          problems.push(`O must be exactly system:nodes, not ${orgs.length ? `"${orgs.join('", "')}"` : 'missing'}`);
      }
      if (signer === 'kubernetes.io/kube-apiserver-client' && orgs.includes('system:masters'))
        problems.push('O=system:masters is refused for this signer by the CertificateSubjectRestriction admission plugin');
      const usages = object.csr.usages;
      if (!usages.includes(rule.usages.required)) problems.push(`spec.usages must include "${rule.usages.required}"`);
      const extra = usages.filter((u) => !rule.usages.allowed.includes(u));
      // What spec.usages should be: an edit can fix these (the subject is signed into the request; only a new request changes it).
      if (!usages.includes(rule.usages.required) || extra.length)
        usagesFix = [...new Set([...usages.filter((u) => rule.usages.allowed.includes(u)), rule.usages.required])];
      if (extra.length)
        problems.push(`spec.usages may hold only ${rule.usages.allowed.map((u) => `"${u}"`).join(', ')}; "${extra.join('", "')}" is not allowed`);
      if (rule.sans === 'none' && csr.sans.length)
        problems.push(`a kubelet client certificate carries no subject alternative names, but the request asks for ${csr.sans.join(', ')}`);
      if (rule.sans === 'dns-ip') {
        const bad = csr.sans.filter((s) => !s.startsWith('DNS:') && !s.startsWith('IP:'));
        if (bad.length) problems.push(`only DNS and IP names are allowed, not ${bad.join(', ')}`);
        if (csr.sans.length === 0) problems.push('a serving certificate needs at least one DNS or IP name');
      }
    }
    if (problems.length === 0) continue;
    out.push(
      finding(
        'csr-subject-mismatch',
        request.site.field.span,
        request.site.where,
        `This request for ${csr.subject.text || '(empty subject)'} will not be signed by ${signer || 'its signer'}: ${problems.join('; ')}.`,
        {
          related: object.csr.signerName ? [{ span: object.csr.signerName.span, message: `signerName ${signer}` }] : undefined,
          data: usagesFix ? { usages: usagesFix } : undefined,
        },
      ),
    );
  }
  return out;
}
