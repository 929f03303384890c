// Kubecert's own LSP messages, shared by the server and the VS Code client. No imports: the client's
// activation bundle includes this file and must not pull in the protocol library for three names.

/** A request's method name, with its parameter and result types for both ends. */
export interface KubecertRequest<P, R> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly types?: (params: P) => R;
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
export const DecodedCertificateRequest: KubecertRequest<DecodedCertificateParams, DecodedCertificateResult | null> = { method: 'kubecert/decodedCertificate' };

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
export const ProbeRequest: KubecertRequest<ProbeParams, ProbeResult> = { method: 'kubecert/probe' };

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
export const RenewalStepsRequest: KubecertRequest<RenewalStepsParams, RenewalStepsResult | null> = { method: 'kubecert/renewalSteps' };

/** The command a cert-expired quick fix carries; the VS Code client shows the steps, other clients get a message. */
export const SHOW_RENEWAL_STEPS = 'kubecert.showRenewalSteps';

/** The command of every CodeLens: the VS Code client opens the decoded view; other clients execute it on the server. */
export const SHOW_DECODED_CERTIFICATE = 'kubecert.showDecodedCertificate';
