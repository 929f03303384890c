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
