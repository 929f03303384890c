// The core's one door: what the language server, the CLI, the VS Code client and the integration tests may use.
// Text and options in, plain values with offsets out; nothing here knows LSP, VS Code, the file system or the clock.

// Analysis of one document, whole or in steps (the server yields between steps), and its reuse after an edit.
export {
  DEFAULT_WARN_DAYS,
  analyse,
  judgeProbe,
  analyseInSteps,
  decodeAt,
  partialAnalysis,
  type Analysis,
  type AnalysisOptions,
  type Progress,
  type Structure,
} from './analysis';
export { editedSite, reuseStructure } from './syntax/incremental';
export { LIMITS, parseText } from './syntax/parse';

// Findings: codes, severities, what each means.
export { ALL_CODES, CODES, SUMMARIES, mostSevere, type Code, type Finding, type Related, type Severity, type Span } from './findings/finding';
export { checkServed, type ProbeReport, type Served } from './findings/probe';

// Certificates and keys, decoded.
export { decodeCertificate, decodePem, type Certificate } from './x509/certificates';
export { DecodeCache, decodeSite, type Host } from './x509/decode';
export { serverHost } from './x509/hostnames';

// The kubeconfig and identities.
export { type Kubeconfig } from './model/kubeconfig';
export { identityOf, maskSecret } from './model/identity';
export { inside } from './model/locate';

// Editor features: each reads one analysis.
export { hoverAt, oneLine, shownServer, type Hover } from './ide/hover';
export { completions, definition, lenses, outline, references, type OutlineSymbol } from './ide/outline';
export { fixesFor, refactorsAt, type Fix } from './ide/fixes';
export { applyEdits, type TextEdit } from './ide/edits';
export { decodedTextAt } from './ide/decodedText';
export { renewalSteps } from './ide/renewal';
export { parseForEdit, setCurrentContext, setNamespace, type EditError, type EditResult } from './ide/kubeconfigEdit';

// Dates in words.
export { isoDate, residual } from './base/time';

// Many files as one cluster: cross-file findings and links (core/workspace/index.ts says how).
export {
  Workspace,
  analyseFile,
  analyseWorkspace,
  blankTemplates,
  fileInput,
  joinRoot,
  sniff,
  SNIFF_BYTES,
  type FileForm,
  type FileInput,
  type Link,
  type WorkspaceOptions,
  type WorkspaceResult,
} from './workspace';
