// What a certificate's subject means to Kubernetes: CN is the user, every O a group, OU nothing.
import { attributes, type DistinguishedName } from '../x509/certificates';

export interface Meaning {
  /** The name this identity is known by. */
  name: string;
  /** One or two sentences a person understands without looking anything up. */
  text: string;
  /** RBAC cannot restrict it. */
  superuser?: boolean;
}

export interface Identity {
  user?: string;
  groups: string[];
  /** OU values: ignored by Kubernetes. */
  ignoredUnits: string[];
  /** Plain-words meanings of the user and groups that Kubernetes knows. */
  meanings: Meaning[];
  /** OU values that look like groups the holder probably expected to get. */
  groupsInOu: string[];
  superuser: boolean;
}

const GROUPS: Record<string, Meaning> = {
  'system:masters': {
    name: 'system:masters',
    text: 'Superuser: members bypass authorization entirely. No RBAC rule can restrict it and no binding can be removed to revoke it; only rotating the cluster CA (or letting the certificate expire) ends it.',
    superuser: true,
  },
  'kubeadm:cluster-admins': {
    name: 'kubeadm:cluster-admins',
    text: 'Bound to the cluster-admin ClusterRole by the kubeadm:cluster-admins ClusterRoleBinding: full access, but revocable by deleting that binding (kubeadm ≥ 1.29 issues admin.conf with this group instead of system:masters).',
  },
  'system:nodes': {
    name: 'system:nodes',
    text: 'Kubelets. Together with a user named system:node:<nodeName>, the Node authorizer lets it read and write only what that node’s pods need; NodeRestriction limits what it may change.',
  },
  'system:bootstrappers': {
    name: 'system:bootstrappers',
    text: 'TLS-bootstrap clients: allowed to create CertificateSigningRequests (system:node-bootstrapper) so a new kubelet can obtain its own certificate.',
  },
  'system:authenticated': {
    name: 'system:authenticated',
    text: 'Every authenticated user is in this group anyway; putting it in a certificate adds nothing.',
  },
  'system:serviceaccounts': {
    name: 'system:serviceaccounts',
    text: 'The group of all service accounts; normally asserted by tokens, not certificates.',
  },
  'system:monitoring': {
    name: 'system:monitoring',
    text: 'Bound to the system:monitoring ClusterRole: read access to health and metrics endpoints (/healthz, /livez, /readyz, /metrics).',
  },
};

const USERS: Record<string, Meaning> = {
  'system:kube-proxy': {
    name: 'system:kube-proxy',
    text: 'kube-proxy: the default ClusterRoleBinding system:node-proxier grants it the system:node-proxier role (watch Services, Endpoints, EndpointSlices and Nodes).',
  },
  'system:kube-controller-manager': {
    name: 'system:kube-controller-manager',
    text: 'The controller manager: bound to the system:kube-controller-manager role; with --use-service-account-credentials each controller acts as its own service account.',
  },
  'system:kube-scheduler': {
    name: 'system:kube-scheduler',
    text: 'The scheduler: bound to the system:kube-scheduler and system:volume-scheduler roles (read pods and nodes, write bindings).',
  },
  'kube-apiserver-kubelet-client': {
    name: 'kube-apiserver-kubelet-client',
    text: 'The API server’s client identity towards kubelets (logs, exec, port-forward); kubeadm binds it to system:kubelet-api-admin, and usually puts it in system:masters as well.',
  },
  'kubernetes-admin': {
    name: 'kubernetes-admin',
    text: 'The user name kubeadm gives admin.conf; its power comes from its group (system:masters or kubeadm:cluster-admins).',
  },
  'kubelet-bootstrap': {
    name: 'kubelet-bootstrap',
    text: 'The conventional TLS-bootstrap user (a static token.csv entry, usually in group system:kubelet-bootstrap or system:bootstrappers): bound to system:node-bootstrapper, it may only file CertificateSigningRequests for signer kubernetes.io/kube-apiserver-client-kubelet.',
  },
  'system:anonymous': {
    name: 'system:anonymous',
    text: 'The name given to unauthenticated requests; a certificate claiming it gets only what anonymous access allows.',
  },
};

const BOOTSTRAP_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

/** Groups that sit in OU but mean something in O: anything system:*, and names well-known bindings use. */
export function isKubernetesGroup(value: string): boolean {
  return value.startsWith('system:') || value.startsWith('kubeadm:') || value in GROUPS;
}

export function meaningOfUser(user: string): Meaning | undefined {
  if (USERS[user]) return USERS[user];
  const node = /^system:node:(.+)$/.exec(user);
  if (node)
    return {
      name: user,
      text: `Kubelet of node "${node[1]}": with the group system:nodes, the Node authorizer allows only what this node’s pods need.`,
    };
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(user);
  if (sa) return { name: user, text: `Service account "${sa[2]}" in namespace "${sa[1]}"; gets what RoleBindings grant that service account.` };
  if (user.startsWith('system:bootstrap:'))
    return {
      name: user,
      text: `A bootstrap token's identity (token id "${user.slice(17)}"), used only to file CertificateSigningRequests during TLS bootstrap.`,
    };
  return undefined;
}

export function meaningOfGroup(group: string): Meaning | undefined {
  if (GROUPS[group]) return GROUPS[group];
  if (group.startsWith('system:bootstrappers:'))
    return {
      name: group,
      text: 'A TLS-bootstrap group (kubeadm uses system:bootstrappers:kubeadm:default-node-token): may create CertificateSigningRequests for new nodes.',
    };
  return undefined;
}

export function identityOf(subject: DistinguishedName): Identity {
  const cn = attributes(subject, 'CN');
  const groups = attributes(subject, 'O');
  const units = attributes(subject, 'OU');
  const user = cn.length > 0 ? cn[cn.length - 1] : undefined;
  const meanings: Meaning[] = [];
  const userMeaning = user !== undefined ? meaningOfUser(user) : undefined;
  if (userMeaning) meanings.push(userMeaning);
  for (const g of groups) {
    const m = meaningOfGroup(g);
    if (m) meanings.push(m);
  }
  return {
    user,
    groups,
    ignoredUnits: units,
    meanings,
    groupsInOu: units.filter((u) => isKubernetesGroup(u) && !groups.includes(u)),
    superuser: groups.includes('system:masters'),
  };
}

/** A bootstrap token (`abcdef.0123456789abcdef`) and what it is for; the secret half is never shown. */
export function describeToken(token: string): { kind: 'bootstrap' | 'static'; shown: string; text: string } {
  if (BOOTSTRAP_TOKEN.test(token)) {
    const id = token.slice(0, 6);
    return {
      kind: 'bootstrap',
      shown: `${id}.****************`,
      text: `A bootstrap token: id "${id}", secret hidden. It authenticates as system:bootstrap:${id} in group system:bootstrappers, lives as Secret bootstrap-token-${id} in kube-system and usually expires after 24 h; it is meant only for TLS bootstrap (filing a CSR for kubernetes.io/kube-apiserver-client-kubelet).`,
    };
  }
  return {
    kind: 'static',
    shown: maskSecret(token),
    text: 'A bearer token: the API server maps it to a user (a static token file, a service-account token, or an OIDC/webhook authenticator). Anyone holding it acts as that user.',
  };
}

/** Never show a secret in full: keep a short prefix so a person can tell two apart. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return `${secret.slice(0, 4)}…(${secret.length} characters, hidden)`;
}
