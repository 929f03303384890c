// No edit can renew a certificate: these are the exact steps, by the kind of certificate.
import { attributes, type Certificate } from '../x509/certificates';
import { oneLine } from './hover';
import { certificateKind, type Role } from '../model/sites';
import type { Analysis } from '../analysis';

export interface RenewalSteps {
  title: string;
  steps: string[];
}

/** What the steps can name: the certificate's place in its bundle, the kubeconfig user, the Secret holding it. */
export interface RenewalContext {
  index?: number;
  user?: string;
  secret?: { name: string; namespace?: string };
}

export function renewalSteps(cert: Certificate, role: Role, context: RenewalContext = {}): RenewalSteps {
  const steps = stepsFor(cert, role, context);
  return { title: oneLine(steps.title), steps: steps.steps };
}

/** The renewal steps of the certificate at `where` (its `index` in the bundle), with the names the document gives. */
export function renewalStepsAt(analysis: Analysis, where: string, index: number): RenewalSteps | undefined {
  const occurrence = analysis.certificates.find((c) => c.site.where === where && c.index === index);
  if (!occurrence) return undefined;
  const { site } = occurrence;
  const context: RenewalContext = { index };
  const userIndex = /^users\/(\d+)$/.exec(site.group);
  if (userIndex) context.user = analysis.kubeconfig?.users[Number(userIndex[1])]?.name;
  const object = analysis.objects.find((o) => site.group === `${o.document}/${o.label}`);
  if (object?.kind === 'Secret') context.secret = { name: object.name, namespace: object.namespace };
  return renewalSteps(occurrence.certificate, site.role, context);
}

function stepsFor(cert: Certificate, role: Role, context: RenewalContext): RenewalSteps {
  const kind = certificateKind(role, context.index ?? 0, cert.ca);
  const issuerCn = attributes(cert.issuer, 'CN')[0] ?? '';
  const cn = attributes(cert.subject, 'CN')[0] ?? '';
  const groups = attributes(cert.subject, 'O');
  const selfSigned = cert.subject.derHex === cert.issuer.derHex;
  if (/^k3s-|^rke2-/.test(issuerCn) || /^k3s-|^rke2-/.test(cn)) {
    if (kind === 'ca')
      return {
        title: `Rotate the k3s CA ${cert.subject.text}`,
        steps: [
          'k3s CA certificates are valid for 10 years and are rotated, not renewed:',
          'sudo k3s certificate rotate-ca --path=/var/lib/rancher/k3s/server/rotate-ca   (after generating new CA material; see the k3s "certificate rotate-ca" docs)',
          'sudo systemctl restart k3s',
          'Copy the new /etc/rancher/k3s/k3s.yaml to every machine that uses this kubeconfig.',
        ],
      };
    return {
      title: `Renew the k3s certificate ${cert.subject.text}`,
      steps: [
        'sudo systemctl stop k3s',
        'sudo k3s certificate rotate',
        'sudo systemctl start k3s',
        'Copy the regenerated /etc/rancher/k3s/k3s.yaml (client certificates live there) to where this kubeconfig came from.',
      ],
    };
  }
  if (kind === 'ca' || (selfSigned && role === 'cluster-ca'))
    return {
      title: `Replace the CA ${cert.subject.text}`,
      steps: [
        'A CA cannot be renewed in place by kubeadm: every certificate it signed must be reissued by a new CA.',
        'Follow "Manual Rotation of CA Certificates" in the Kubernetes documentation: create the new CA, distribute a bundle of old + new CA, reissue the control-plane and kubelet certificates, then drop the old CA.',
        'kubeadm certs check-expiration   (shows which certificates the CA signed)',
        'Afterwards put the new CA (base64 of its PEM) into certificate-authority-data of every kubeconfig for this cluster.',
      ],
    };
  if (kind === 'serving' && context.secret) return secretSteps(cert, context.secret);
  // kubeadm renews its own certificates only: a user's certificate signed by its CA is reissued through a CSR.
  const kubeadmClient = groups.includes('kubeadm:cluster-admins') || /^kubernetes-(super-)?admin$|^system:kube-/.test(cn);
  if (kind === 'client' ? kubeadmClient : issuerCn === 'kubernetes' || issuerCn === 'etcd-ca' || issuerCn === 'front-proxy-ca' || kubeadmClient)
    return {
      title: `Renew the kubeadm certificate ${cert.subject.text}`,
      steps: [
        'On a control-plane node:',
        'sudo kubeadm certs check-expiration',
        role === 'client-certificate'
          ? 'sudo kubeadm certs renew admin.conf   (or the .conf this kubeconfig came from: super-admin.conf, controller-manager.conf, scheduler.conf)'
          : 'sudo kubeadm certs renew all',
        'Restart the control-plane static pods so they load the new certificates (move the manifests out of /etc/kubernetes/manifests and back, or restart the kubelet).',
        role === 'client-certificate'
          ? 'sudo cp /etc/kubernetes/admin.conf ~/.kube/config   (then merge it into this kubeconfig)'
          : 'Verify: sudo kubeadm certs check-expiration',
      ],
    };
  if (kind === 'serving') return servingSteps(cert);
  // openssl's -subj escapes / + \ with a backslash; the shell gets one single-quoted word, so nothing in a name is run when pasted.
  const units = attributes(cert.subject, 'OU');
  const subj = cert.subject.rdns
    .flat()
    .filter((a) => a.type === 'CN' || a.type === 'O')
    .map((a) => `/${a.type}=${oneLine(a.value).replace(/[\\/+]/g, '\\$&')}`)
    .join('');
  return {
    title: `Reissue the client certificate ${cert.subject.text}`,
    steps: [
      units.length
        ? `Generate a new key and a request for the same identity (CN and O; OU=${units.map(oneLine).join(', OU=')} is left out: Kubernetes ignores OU, and a group meant there belongs in O):`
        : 'Generate a new key and a request for the same identity:',
      `openssl ecparam -genkey -name prime256v1 -noout -out user.key && openssl req -new -key user.key -subj ${shellWord(subj || '/CN=<user>')} -out user.csr`,
      'Ask the cluster to sign it (signer kubernetes.io/kube-apiserver-client):',
      'kubectl apply -f - <<EOF\napiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: renew-' +
        (cn.replace(/[^a-z0-9-]/gi, '-').toLowerCase() || 'user') +
        '\nspec:\n  request: $(base64 -w0 user.csr)\n  signerName: kubernetes.io/kube-apiserver-client\n  usages: ["client auth"]\nEOF',
      `kubectl certificate approve renew-${cn.replace(/[^a-z0-9-]/gi, '-').toLowerCase() || 'user'}`,
      `kubectl get csr renew-${cn.replace(/[^a-z0-9-]/gi, '-').toLowerCase() || 'user'} -o jsonpath='{.status.certificate}' | base64 -d > user.crt`,
      `kubectl config set-credentials ${context.user ? shellWord(oneLine(context.user)) : '<user>'} --client-certificate=user.crt --client-key=user.key --embed-certs=true`,
    ],
  };
}

/** A TLS Secret's certificate: renewed by cert-manager when it manages it, else reissued and the Secret replaced. */
function secretSteps(cert: Certificate, secret: { name: string; namespace?: string }): RenewalSteps {
  const ns = secret.namespace ? ` -n ${shellWord(oneLine(secret.namespace))}` : '';
  const name = shellWord(oneLine(secret.name));
  return {
    title: `Renew the certificate ${cert.subject.text} of Secret ${oneLine(secret.name)}`,
    steps: [
      `If cert-manager manages it (kubectl get certificate${ns} shows one with secretName ${oneLine(secret.name)}): cmctl renew <certificate-name>${ns}`,
      `Otherwise reissue it for the same names (${cert.sans.length ? cert.sans.map(oneLine).join(', ') : 'it has no subject alternative names; add the hosts it serves'}) from your CA, then replace the Secret:`,
      `kubectl create secret tls ${name}${ns} --cert=tls.crt --key=tls.key --dry-run=client -o yaml | kubectl apply -f -`,
      'Ingress controllers reload a changed Secret on their own; other workloads that mount it may need a restart.',
    ],
  };
}

/** A serving certificate outside a Secret (a static pod's --tls-cert-file, a pinned server certificate). */
function servingSteps(cert: Certificate): RenewalSteps {
  return {
    title: `Reissue the serving certificate ${cert.subject.text}`,
    steps: [
      `Reissue it from the CA that signed it (${cert.issuer.text}) for the same names: ${cert.sans.length ? cert.sans.map(oneLine).join(', ') : '(none: add the host names it serves)'}.`,
      'If cert-manager issued it: cmctl renew <certificate-name> -n <namespace>.',
      'Replace the file or Secret that holds it and restart what serves it.',
    ],
  };
}

/** One single-quoted shell word: the shell expands nothing inside it. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
