// Kubecert's own LSP messages, shared by the server and the VS Code client.
import { RequestType } from 'vscode-languageserver-protocol';

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
export const DecodedCertificateRequest = new RequestType<DecodedCertificateParams, DecodedCertificateResult | null, void>('kubecert/decodedCertificate');

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
export const ProbeRequest = new RequestType<ProbeParams, ProbeResult, void>('kubecert/probe');

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
export const RenewalStepsRequest = new RequestType<RenewalStepsParams, RenewalStepsResult | null, void>('kubecert/renewalSteps');

/** The command a cert-expired quick fix carries; the VS Code client shows the steps, other clients get a message. */
export const SHOW_RENEWAL_STEPS = 'kubecert.showRenewalSteps';
