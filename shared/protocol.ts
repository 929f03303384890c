// Kubecert's own LSP messages, shared by the server and the VS Code client. No imports: the client's
// activation bundle includes this file and must not pull in the protocol library for three names.

/** A request's method name, with its parameter and result types for both ends. */
export interface KubecertRequest<P, R> {
  readonly method: string;
  /** Why `params` is not a P (the server answers InvalidParams with it), or undefined when it is one. */
  readonly invalid: (params: unknown) => string | undefined;
  /** Never set: carries the types. */
  readonly types?: (params: P) => R;
}
type Check = (v: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const isCount: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'a non-negative integer');
const isStringList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'a list of strings');
/** The kubeconfig list may be left out (the server then takes KUBECONFIG or ~/.kube/config); when given, it is a list of paths. */
const optionalFiles: Check = (p) =>
  p === undefined || p === null || (typeof p === 'object' && (p as { files?: unknown }).files === undefined) ? undefined : shape(p, { files: isStringList });
const isPosition: Check = (v) => shape(v, { line: isCount, character: isCount });

/** Why `value` is not an object whose named properties pass their checks, or undefined. */
function shape(value: unknown, fields: Record<string, Check>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected an object with ${Object.keys(fields).join(', ')}`;
  for (const [name, check] of Object.entries(fields)) {
    const why = check((value as Record<string, unknown>)[name]);
    if (why !== undefined) return why.startsWith('expected') ? `${name}: ${why}` : `${name} must be ${why}`;
  }
  return undefined;
}

export type ParamsOf<T> = T extends KubecertRequest<infer P, unknown> ? P : never;
export type ResultOf<T> = T extends KubecertRequest<never, infer R> ? R : never;

export interface DecodedCertificateParams {
  uri: string;
  position: { line: number; character: number };
}
export interface DecodedCertificateResult {
  where: string;
  /** The `openssl x509 -text` view; private keys are described, never printed. */
  text: string;
  /** The certificates and requests as PEM, for "Copy as PEM" and "Save as file". */
  pem: string;
}
/** Client → server: the decoded certificate under the cursor, for a read-only editor. */
export const DecodedCertificateRequest: KubecertRequest<DecodedCertificateParams, DecodedCertificateResult | null> = {
  method: 'kubecert/decodedCertificate',
  invalid: (p) => shape(p, { uri: isString, position: isPosition }),
};

export interface ProbeParams {
  uri: string;
  /** The cluster whose `server` to connect to; the user chose it. */
  cluster: string;
}
export interface ProbeResult {
  server: string;
  ok: boolean;
  error?: string;
  /** The served leaf and findings about it, as text lines. */
  summary: string[];
}
/** Client → server: TLS handshake with one cluster's server (no credentials sent); only on the user's request. */
export const ProbeRequest: KubecertRequest<ProbeParams, ProbeResult> = {
  method: 'kubecert/probe',
  invalid: (p) => shape(p, { uri: isString, cluster: isString }),
};

export interface RenewalStepsParams {
  uri: string;
  where: string;
  index: number;
}
export interface RenewalStepsResult {
  title: string;
  steps: string[];
}
/** Client → server: the renewal steps for one certificate (the quick fix of cert-expired / cert-expiring-soon). */
export const RenewalStepsRequest: KubecertRequest<RenewalStepsParams, RenewalStepsResult | null> = {
  method: 'kubecert/renewalSteps',
  invalid: (p) => shape(p, { uri: isString, where: isString, index: isCount }),
};

/** The command a cert-expired quick fix carries; the VS Code client shows the steps, other clients get a message. */
export const SHOW_RENEWAL_STEPS = 'kubecert.showRenewalSteps';

/** The command of every CodeLens: the VS Code client opens the decoded view; other clients execute it on the server. */
export const SHOW_DECODED_CERTIFICATE = 'kubecert.showDecodedCertificate';

/** A verdict: the most severe finding's severity, or ok. */
export type Verdict = 'error' | 'warning' | 'information' | 'hint' | 'ok';

export interface HealthReasonItem {
  code: string;
  severity: Exclude<Verdict, 'ok'>;
  where: string;
  /** The credential and why, in words: "client certificate of alice: key does not match". */
  message: string;
  path?: string;
}

export interface KubeconfigListParams {
  /** The kubeconfig files kubectl would use, in merge order (the client knows its environment and settings). */
  files: string[];
}
export interface ContextVerdict {
  context: string;
  cluster?: string;
  user?: string;
  severity: Verdict;
  reasons: HealthReasonItem[];
  auth: 'certificate' | 'token' | 'exec' | 'auth-provider' | 'basic' | 'none';
  /** What authenticates the user when it is not a certificate: "token", "exec plugin — not run", "no credentials". */
  authWords?: string;
}
export interface ContextHealthResult {
  contexts: ContextVerdict[];
  /** Files of the list that could not be read (a missing file is skipped, as kubectl skips it). */
  errors: string[];
}
/** Client → server: the verdict of every context of the kubeconfig list, from all its findings (the status bar, the context picker). */
export const ContextHealthRequest: KubecertRequest<KubeconfigListParams, ContextHealthResult> = {
  method: 'kubecert/contextHealth',
  invalid: optionalFiles,
};

export interface CertificateItem {
  /** The document's URI and its file path, when it has one. */
  uri: string;
  path?: string;
  /** Where in the document: `users[admin].client-certificate-data`; index within a bundle. */
  where: string;
  index: number;
  /** The value's range, 0-based LSP positions. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  subject: string;
  issuer: string;
  role: string;
  /** The kubeconfig clusters it belongs to (a cluster's CA; a user's certificate through the contexts using it). */
  clusters: string[];
  ca: boolean;
  /** ISO-8601. */
  notBefore: string;
  notAfter: string;
  /** Compact time left: "1y 3mo", "12d", "expired". */
  residual: string;
  sha256: string;
  severity: Verdict;
  reasons: string[];
  /** From the active kubeconfig list, or a document the server has analysed. */
  source: 'kubeconfig' | 'document';
}
export interface CertificatesResult {
  certificates: CertificateItem[];
  /** The moment they were judged at (ms), and the warning window, for the timeline. */
  now: number;
  warnDays: number;
}
/** Client → server: every certificate Kubecert knows (the kubeconfig list and the analysed documents), for the tree view and the timeline. */
export const CertificatesRequest: KubecertRequest<KubeconfigListParams, CertificatesResult> = {
  method: 'kubecert/certificates',
  invalid: optionalFiles,
};
